/// The ladder as an explicit state machine: which action is allowed from which status and level,
/// what it changes (status, level, deadline, resolved/closed times), and the reason in words
/// when it is refused. Pure: values in, values out; the store runs it inside its transactions.
///
///     reported ──accept──▶ accepted ──resolve──▶ resolved ──verify──▶ verified ──close──▶ closed
///        │  ▲                │ ▲ │ park ⇄ accept (parked)
///        │  └─── accept ─────┘ │ └── extend (deadline later; stays accepted)
///        └── escalate ─▶ escalated (one level up; also from accepted/escalated/returned)
///            return   ─▶ returned  (one level down, 回退; from reported/accepted/escalated)
public struct CaseLadder: Sendable {
    public var deadlines: CaseDeadlines

    public init(deadlines: CaseDeadlines = .standard) { self.deadlines = deadlines }

    /// The statuses each action may start from.
    public static let allowedFrom: [(CaseAction, [CaseStatus])] = [
        (.accept, [.reported, .escalated, .returned, .parked]),
        (.escalate, [.reported, .accepted, .escalated, .returned]),
        (.return, [.reported, .accepted, .escalated]),
        (.extend, [.accepted]),
        (.park, [.accepted]),
        (.resolve, [.accepted]),
        (.verify, [.resolved]),
        (.close, [.verified]),
    ]

    public static func statuses(allowing action: CaseAction) -> [CaseStatus] {
        allowedFrom.first { $0.0 == action }?.1 ?? []
    }

    /// A new case at the grid, status reported, with the grid's deadline for its type.
    public func report(_ c: CaseRecord, actor: String, note: String) throws(CaseError) -> (CaseRecord, CaseTransition) {
        try Self.requireActor(actor, caseID: c.id)
        guard !c.id.isEmpty else { throw CaseError(.badArgument, "a case needs an id") }
        var r = c
        r.level = .grid
        r.status = .reported
        r.deadline = c.reportedAt.adding(hours: deadlines.hours(c.type, .grid))
        r.resolvedAt = nil
        r.closedAt = nil
        r.updatedAt = c.reportedAt
        r.lastSeq = 1
        let t = CaseTransition(caseID: c.id, seq: 1, action: .report, fromStatus: nil, toStatus: .reported, fromLevel: nil, toLevel: .grid,
                               time: c.reportedAt, actor: actor, note: note, deadline: r.deadline)
        return (r, t)
    }

    /// `action` done to `c` at `time` by `actor`. `extendHours` is the extension (only for
    /// `.extend`). Refused with a `CaseError(.illegalTransition)` saying why.
    public func apply(_ action: CaseAction, to c: CaseRecord, at time: CaseTime, actor: String, note: String,
                      extendHours: Double? = nil) throws(CaseError) -> (CaseRecord, CaseTransition) {
        try Self.requireActor(actor, caseID: c.id)
        func refuse(_ why: String) -> CaseError {
            CaseError(.illegalTransition, "cannot \(action.rawValue) case \(c.id): \(why)", caseID: c.id)
        }
        if action == .report { throw refuse("it is already registered (reported at \(c.reportedAt), now \(c.status.rawValue))") }
        if c.status == .closed { throw refuse("it is closed (nothing follows closing)") }
        let from = Self.statuses(allowing: action)
        guard from.contains(c.status) else {
            throw refuse("it is \(c.status.rawValue), and \(action.rawValue) is allowed only from \(from.map(\.rawValue).joined(separator: ", "))\(Self.hint(c.status, action))")
        }
        guard time >= c.updatedAt else {
            throw CaseError(.badArgument, "cannot \(action.rawValue) case \(c.id) at \(time): that is before its last step (\(c.updatedAt))", caseID: c.id)
        }
        var r = c
        r.updatedAt = time
        r.lastSeq = c.lastSeq + 1
        switch action {
        case .accept:
            r.status = .accepted
            // A parked case comes back with a fresh window at its level; otherwise the clock runs on.
            if c.status == .parked { r.deadline = time.adding(hours: deadlines.hours(c.type, c.level)) }
        case .escalate:
            guard let up = c.level.above else { throw refuse("it is already with \(c.level.holder), the top of the ladder") }
            r.level = up
            r.status = .escalated
            r.deadline = time.adding(hours: deadlines.hours(c.type, up))
        case .return:
            guard let down = c.level.below else { throw refuse("it is with \(c.level.holder), the bottom of the ladder; there is no one to return it to") }
            r.level = down
            r.status = .returned
            r.deadline = time.adding(hours: deadlines.hours(c.type, down))
        case .extend:
            guard let h = extendHours, h.isFinite, h > 0, h <= 24 * 366 else {
                throw CaseError(.badArgument, "cannot extend case \(c.id): give the extension in hours, more than 0 and at most a year", caseID: c.id)
            }
            r.deadline = c.deadline.adding(hours: h)
        case .park:
            r.status = .parked
        case .resolve:
            r.status = .resolved
            r.resolvedAt = time
        case .verify:
            r.status = .verified
        case .close:
            r.status = .closed
            r.closedAt = time
        case .report:
            break
        }
        let t = CaseTransition(caseID: c.id, seq: r.lastSeq, action: action, fromStatus: c.status, toStatus: r.status,
                               fromLevel: c.level, toLevel: r.level, time: time, actor: actor, note: note, deadline: r.deadline)
        return (r, t)
    }

    static func requireActor(_ actor: String, caseID: String) throws(CaseError) {
        guard !actor.trimmingSpaces.isEmpty else {
            throw CaseError(.badArgument, "every step of case \(caseID) names who takes it: give an actor", caseID: caseID)
        }
    }

    /// What to do instead, for the common mistakes.
    static func hint(_ status: CaseStatus, _ action: CaseAction) -> String {
        switch (status, action) {
        case (.reported, .resolve), (.escalated, .resolve), (.returned, .resolve): " — accept it first"
        case (.accepted, .verify): " — resolve it first"
        case (.resolved, .close): " — verify it with the resident first"
        case (.parked, _): " — accept it again to take it off the shelf"
        case (.resolved, _), (.verified, _): " — it is already solved"
        default: ""
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}

/// The escalation a timer runs (`wangge case tick`): every open case whose deadline has passed
/// goes one level up, dated the moment its deadline passed; if the next level's window has also
/// passed by `now`, up again, until it is on time or with the department. Parked cases stay.
/// Idempotent: run again at the same `now` (or run at 10:00 then at 11:00, rather than once at
/// 11:00) and the result is the same.
public enum AutoEscalation {
    public static let actor = "system:tick"

    /// The cases that change, each with its new state and the transitions to record, by id.
    public static func due(_ cases: [CaseRecord], now: CaseTime, ladder: CaseLadder) -> [(CaseRecord, [CaseTransition])] {
        var out: [(CaseRecord, [CaseTransition])] = []
        for c in cases.sorted(by: { $0.id < $1.id }) {
            var current = c, steps: [CaseTransition] = []
            while needsEscalation(current, now: now) {
                let at = max(current.deadline, current.updatedAt)
                let note = "deadline \(current.deadline) passed at \(current.level.rawValue) level"
                guard let (next, t) = try? ladder.apply(.escalate, to: current, at: at, actor: actor, note: note) else { break }
                current = next
                steps.append(t)
            }
            if !steps.isEmpty { out.append((current, steps)) }
        }
        return out
    }

    /// Open, on the clock, below the top, and past its deadline.
    public static func needsEscalation(_ c: CaseRecord, now: CaseTime) -> Bool {
        [.reported, .accepted, .escalated, .returned].contains(c.status) && c.level.above != nil && c.deadline < now
    }
}
