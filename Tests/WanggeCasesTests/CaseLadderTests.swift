import Testing
@testable import WanggeCases

private let t0 = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!

private func reported(_ type: CaseType = .dispute, ladder: CaseLadder = CaseLadder()) throws -> CaseRecord {
    try ladder.report(CaseRecord(id: "T1", type: type, deadline: t0, reportedAt: t0), actor: "desk", note: "").0
}

/// A case brought to `status` at `level` (the fields the ladder reads).
private func at(_ status: CaseStatus, _ level: CaseLevel = .village) throws -> CaseRecord {
    var c = try reported()
    c.status = status
    c.level = level
    if [.resolved, .verified, .closed].contains(status) { c.resolvedAt = t0 }
    return c
}

@Suite struct CaseLadderTests {
    /// The ladder written out by hand (not read from `CaseLadder.allowedFrom`): the statuses
    /// each action may start from, at a middle level where both escalate and return are possible.
    static let legal: [CaseAction: Set<CaseStatus>] = [
        .accept: [.reported, .escalated, .returned, .parked],
        .escalate: [.reported, .accepted, .escalated, .returned],
        .return: [.reported, .accepted, .escalated],
        .extend: [.accepted],
        .park: [.accepted],
        .resolve: [.accepted],
        .verify: [.resolved],
        .close: [.verified],
        .report: [],
    ]

    static let expectedStatus: [CaseAction: CaseStatus] = [
        .accept: .accepted, .escalate: .escalated, .return: .returned, .extend: .accepted, .park: .parked,
        .resolve: .resolved, .verify: .verified, .close: .closed,
    ]

    @Test(arguments: CaseAction.allCases)
    func everyActionFromEveryStatus(_ action: CaseAction) throws {
        let ladder = CaseLadder()
        for status in CaseStatus.allCases {
            let c = try at(status)
            let later = t0.adding(hours: 1)
            let allowed = Self.legal[action, default: []].contains(status)
            do {
                let (r, t) = try ladder.apply(action, to: c, at: later, actor: "李四", note: "n", extendHours: 12)
                #expect(allowed, "\(action) from \(status) was allowed")
                #expect(r.status == Self.expectedStatus[action])
                #expect(t.fromStatus == status && t.toStatus == r.status && t.seq == c.lastSeq + 1 && t.time == later)
                #expect(t.actor == "李四" && t.note == "n" && t.deadline == r.deadline)
                #expect(r.updatedAt == later && r.lastSeq == t.seq)
            } catch {
                #expect(!allowed, "\(action) from \(status) was refused: \(error)")
                #expect(error.kind == .illegalTransition)
                #expect(error.message.contains(action.rawValue) && error.message.contains(status.rawValue) && error.caseID == "T1")
            }
        }
    }

    @Test func theTopAndTheBottomOfTheLadder() throws {
        let ladder = CaseLadder()
        let top = try at(.accepted, .department)
        #expect(throws: CaseError.self) { try ladder.apply(.escalate, to: top, at: t0, actor: "a", note: "") }
        do { _ = try ladder.apply(.escalate, to: top, at: t0, actor: "a", note: "") } catch {
            #expect(error.message.contains("top of the ladder"))
        }
        let bottom = try at(.accepted, .grid)
        do { _ = try ladder.apply(.return, to: bottom, at: t0, actor: "a", note: ""); Issue.record("returned from the grid") } catch {
            #expect(error.kind == .illegalTransition && error.message.contains("bottom of the ladder"))
        }
        // Up one level at a time, each with its own fresh window; down one with the lower's.
        var c = try at(.accepted, .grid)
        for (i, level) in CaseLevel.allCases.dropFirst().enumerated() {
            let when = t0.adding(hours: Double(i + 1))
            c = try ladder.apply(.escalate, to: c, at: when, actor: "a", note: "").0
            #expect(c.level == level && c.status == .escalated)
            #expect(c.deadline == when.adding(hours: ladder.deadlines.hours(c.type, level)))
        }
        let back = try ladder.apply(.return, to: c, at: t0.adding(hours: 10), actor: "a", note: "").0
        #expect(back.level == .district && back.status == .returned)
        #expect(back.deadline == t0.adding(hours: 10 + ladder.deadlines.hours(c.type, .district)))
    }

    @Test func reportSetsTheGridDeadlineOfTheType() throws {
        // incidents.geojson's recorded deadline_hours per type, written out independently.
        let expected: [CaseType: Double] = [.problem: 72, .errand: 120, .dispute: 168, .departmentMatter: 240]
        for (type, hours) in expected {
            let c = try reported(type)
            #expect(c.deadline.seconds - t0.seconds == Int64(hours * 3600))
            #expect(c.status == .reported && c.level == .grid && c.lastSeq == 1)
        }
    }

    @Test func stepsNeedAnActorAndTimeMovesForward() throws {
        let ladder = CaseLadder()
        let c = try reported()
        do { _ = try ladder.apply(.accept, to: c, at: t0, actor: "  ", note: ""); Issue.record("no actor accepted") } catch {
            #expect(error.kind == .badArgument)
        }
        do { _ = try ladder.apply(.accept, to: c, at: t0.adding(seconds: -1), actor: "a", note: ""); Issue.record("went back in time") } catch {
            #expect(error.kind == .badArgument && error.message.contains("before its last step"))
        }
        let accepted = try ladder.apply(.accept, to: c, at: t0, actor: "a", note: "").0
        for bad in [nil, 0, -5, Double.nan, 1e9] as [Double?] {
            #expect(throws: CaseError.self) { try ladder.apply(.extend, to: accepted, at: t0, actor: "a", note: "", extendHours: bad) }
        }
        let extended = try ladder.apply(.extend, to: accepted, at: t0, actor: "a", note: "", extendHours: 36).0
        #expect(extended.deadline == accepted.deadline.adding(hours: 36) && extended.status == .accepted)
        // Parked then resumed: a fresh window at its level from the moment it is taken up again.
        let parked = try ladder.apply(.park, to: accepted, at: t0.adding(hours: 1), actor: "a", note: "").0
        let resumed = try ladder.apply(.accept, to: parked, at: t0.adding(hours: 100), actor: "a", note: "").0
        #expect(resumed.deadline == t0.adding(hours: 100 + ladder.deadlines.hours(.dispute, .grid)))
        // Resolve → verify → close stamps the times.
        let resolved = try ladder.apply(.resolve, to: accepted, at: t0.adding(hours: 2), actor: "a", note: "").0
        let closed = try ladder.apply(.close, to: try ladder.apply(.verify, to: resolved, at: t0.adding(hours: 3), actor: "b", note: "").0,
                                      at: t0.adding(hours: 4), actor: "c", note: "").0
        #expect(resolved.resolvedAt == t0.adding(hours: 2) && closed.closedAt == t0.adding(hours: 4) && closed.status == .closed)
        do { _ = try ladder.apply(.accept, to: closed, at: t0.adding(hours: 5), actor: "a", note: ""); Issue.record("closed reopened") } catch {
            #expect(error.message.contains("closed"))
        }
    }

    @Test func unknownTypesAreNamed() {
        do { _ = try CaseType.parse("complaint"); Issue.record("accepted") } catch {
            #expect(error.kind == .unknownType && error.message.contains("complaint") && error.message.contains("department_matter"))
        }
    }
}

@Suite struct CaseLightTests {
    @Test func lightsAtTheirBoundaries() throws {
        let margin: Int64 = 24 * 3600
        let c = try reported()  // dispute: deadline t0 + 168 h
        let d = c.deadline
        #expect(c.light(at: d.adding(seconds: -margin - 1), marginSeconds: margin) == .green)
        #expect(c.light(at: d.adding(seconds: -margin), marginSeconds: margin) == .yellow)
        #expect(c.light(at: d, marginSeconds: margin) == .yellow)
        #expect(c.light(at: d.adding(seconds: 1), marginSeconds: margin) == .red)
        // Finished: on time is green for ever, late is red for ever, whatever `now`.
        var done = c
        done.status = .resolved
        done.resolvedAt = d
        #expect(done.light(at: d.adding(seconds: 1_000_000), marginSeconds: margin) == .green)
        done.resolvedAt = d.adding(seconds: 1)
        #expect(done.light(at: d.adding(seconds: -1_000_000), marginSeconds: margin) == .red)
        var parked = c
        parked.status = .parked
        #expect(parked.light(at: d.adding(seconds: 1_000_000), marginSeconds: margin) == .parked)
        // A zero margin: yellow only at the deadline itself.
        #expect(c.light(at: d.adding(seconds: -1), marginSeconds: 0) == .green)
        #expect(c.light(at: d, marginSeconds: 0) == .yellow)
    }
}

@Suite struct AutoEscalationTests {
    func cases(_ ladder: CaseLadder) throws -> [CaseRecord] {
        var out: [CaseRecord] = []
        for (i, type) in CaseType.allCases.enumerated() {
            out.append(try ladder.report(CaseRecord(id: "A\(i)", type: type, deadline: t0, reportedAt: t0.adding(hours: Double(i))), actor: "d", note: "").0)
        }
        var parked = try ladder.apply(.accept, to: out[0], at: t0, actor: "w", note: "").0
        parked = try ladder.apply(.park, to: parked, at: t0, actor: "w", note: "").0
        parked.id = "P"
        var top = out[1]
        top.id = "TOP"
        top.level = .department
        var solved = try ladder.apply(.accept, to: out[2], at: t0.adding(hours: 2), actor: "w", note: "").0
        solved = try ladder.apply(.resolve, to: solved, at: t0.adding(hours: 3), actor: "w", note: "").0
        solved.id = "S"
        return out + [parked, top, solved]
    }

    func applied(_ cs: [CaseRecord], _ due: [(CaseRecord, [CaseTransition])]) -> [CaseRecord] {
        var byID = Dictionary(uniqueKeysWithValues: cs.map { ($0.id, $0) })
        for (c, _) in due { byID[c.id] = c }
        return byID.values.sorted { $0.id < $1.id }
    }

    @Test func dueCasesClimbAndATickIsIdempotent() throws {
        let ladder = CaseLadder()
        let start = try cases(ladder)
        // Before any deadline: nothing.
        #expect(AutoEscalation.due(start, now: t0.adding(hours: 71), ladder: ladder).isEmpty)
        let now = t0.adding(hours: 200)
        let due = AutoEscalation.due(start, now: now, ladder: ladder)
        // The problem (72 h at the grid, 72 at the village) is two levels up at 200 h; the dispute
        // (168 h) one; the errand (120 h, then 72) two; department matter (240 h) none.
        let levels = Dictionary(uniqueKeysWithValues: due.map { ($0.0.id, $0.0.level) })
        let idOf = Dictionary(uniqueKeysWithValues: start.prefix(4).map { ($0.type, $0.id) })
        #expect(levels[idOf[.problem]!] == .township)
        #expect(levels[idOf[.errand]!] == .township)
        #expect(levels[idOf[.dispute]!] == .village)
        #expect(levels[idOf[.departmentMatter]!] == nil)
        #expect(levels["P"] == nil && levels["TOP"] == nil && levels["S"] == nil)
        for (c, ts) in due {
            #expect(ts.allSatisfy { $0.action == .escalate && $0.actor == AutoEscalation.actor })
            #expect(c.deadline >= now)  // on time again at its new level, or it would have climbed on
            #expect(zip(ts, ts.dropFirst()).allSatisfy { $0.seq + 1 == $1.seq && $0.time <= $1.time })
        }
        let after = applied(start, due)
        #expect(AutoEscalation.due(after, now: now, ladder: ladder).isEmpty)
        // Ticking at 150 h then 200 h ends where one tick at 200 h does.
        let early = applied(start, AutoEscalation.due(start, now: t0.adding(hours: 150), ladder: ladder))
        let twice = applied(early, AutoEscalation.due(early, now: now, ladder: ladder))
        #expect(twice == after)
    }
}
