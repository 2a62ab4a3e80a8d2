/// Who acts on a case: a name (recorded in the transition), the level it works at and its unit.
/// The levels are the ladder's: a grid worker (unit: grid code), a village/community station
/// (village code), a township centre (township code), the district centre (no unit), a
/// department (its name — the `category` its cases carry).
public struct CaseActor: Hashable, Sendable {
    public var name: String
    public var level: CaseLevel
    /// Grid, village or township code, or the department's name; nil for the district.
    public var unit: String?

    public init(name: String, level: CaseLevel, unit: String?) {
        self.name = name; self.level = level; self.unit = unit
    }

    /// The district operator: what the CLI acts as when there are no accounts.
    public static func districtOperator(_ name: String) -> CaseActor { CaseActor(name: name, level: .district, unit: nil) }
}

/// Which cases an actor sees and which steps it may take. Pure rules over values; the server
/// and the CLI (when accounts exist) ask them inside the store's transaction, so a case that
/// moved meanwhile is judged as it is now.
///
/// Scope — the cases an actor sees:
/// - district: every case;
/// - township / village / grid: the cases placed in its township / village / grid;
/// - department: the cases now at the department level whose category is its name.
///
/// Rights — who may take a step, by the level the case is at (`rules`): the holder of that level
/// or a territorial level above it (in whose unit the case is) accepts, escalates, returns and
/// resolves; only a level above the holder extends or parks (the holder does not move its own
/// deadline); at the department level only the department accepts, returns and resolves; the
/// station or above verifies and closes (with the resident, who is in its village).
public enum CaseRights {
    /// The territorial levels, bottom to top (the department is beside them, not above).
    static let territorial: [CaseLevel] = [.grid, .village, .township, .district]

    /// The levels that may take `action` on a case at `level` (before scope is checked).
    public static func levels(allowedTo action: CaseAction, at level: CaseLevel) -> [CaseLevel] {
        switch action {
        case .report:
            return territorial
        case .accept, .escalate, .return, .resolve:
            return level == .department ? [.department] : territorial.filter { $0 >= level }
        case .extend, .park:
            switch level {
            case .department, .district: return [.district]
            default: return territorial.filter { $0 > level }
            }
        case .verify, .close:
            return [.village, .township, .district]
        }
    }

    /// Every rule, action by action and level by level (what docs/CASES.md prints).
    public static var rules: [(CaseAction, CaseLevel, [CaseLevel])] {
        CaseAction.allCases.filter { $0 != .report }.flatMap { a in CaseLevel.allCases.map { (a, $0, levels(allowedTo: a, at: $0)) } }
    }

    /// Whether `actor` sees case `c`.
    public static func sees(_ actor: CaseActor, _ c: CaseRecord) -> Bool {
        switch actor.level {
        case .district: true
        case .township: actor.unit != nil && c.townshipCode == actor.unit
        case .village: actor.unit != nil && c.villageCode == actor.unit
        case .grid: actor.unit != nil && c.gridCode == actor.unit
        case .department: actor.unit != nil && c.level == .department && c.category == actor.unit
        }
    }

    /// Whether `actor` sees the cases of a report's tally (the same rule as for one case).
    public static func sees(_ actor: CaseActor, _ t: CaseTally) -> Bool {
        switch actor.level {
        case .district: true
        case .township: actor.unit != nil && t.townshipCode == actor.unit
        case .village: actor.unit != nil && t.villageCode == actor.unit
        case .grid: actor.unit != nil && t.gridCode == actor.unit
        case .department: actor.unit != nil && t.level == .department && t.category == actor.unit
        }
    }

    /// Whether a case placed in (township, village, grid) is inside the actor's unit — for
    /// registering one (a department registers none).
    public static func covers(_ actor: CaseActor, township: String?, village: String?, grid: String?) -> Bool {
        switch actor.level {
        case .district: true
        case .township: actor.unit != nil && township == actor.unit
        case .village: actor.unit != nil && village == actor.unit
        case .grid: actor.unit != nil && grid == actor.unit
        case .department: false
        }
    }

    /// Throws when `actor` may not take `action` on `c`: a case it does not see is "no case"
    /// (exactly as an unknown id, so its existence is not told); one it sees but may not move is
    /// `.forbidden` with the levels that may.
    public static func check(_ actor: CaseActor, _ action: CaseAction, _ c: CaseRecord) throws(CaseError) {
        guard sees(actor, c) else { throw CaseError.noSuchCase(c.id) }
        let allowed = levels(allowedTo: action, at: c.level)
        guard allowed.contains(actor.level) else {
            throw CaseError(.forbidden, "\(actor.name) (\(actor.level.rawValue)) may not \(action.rawValue) case \(c.id) at the \(c.level.rawValue) level: "
                + "that is for " + allowed.map { $0.holder }.joined(separator: ", "), caseID: c.id)
        }
    }
}

extension CaseError {
    /// The one answer for an id that is not in the store or not in the caller's scope.
    public static func noSuchCase(_ id: String) -> CaseError { CaseError(.unknownCase, "no case \(id) in the store", caseID: id) }
}
