/// What a case is about: the four types of `boundaries/incidents.geojson` (the seed article's
/// proportions: problems 3,800, errands 1,300, department matters 780, disputes 730).
public enum CaseType: String, Codable, CaseIterable, Sendable, Comparable {
    case problem
    case errand
    case dispute
    case departmentMatter = "department_matter"

    public static func < (a: CaseType, b: CaseType) -> Bool { a.rawValue < b.rawValue }

    /// The type named `text`, or an error listing the known types.
    public static func parse(_ text: String) throws(CaseError) -> CaseType {
        guard let t = CaseType(rawValue: text) else {
            throw CaseError(.unknownType, "unknown case type \"\(text)\" (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return t
    }
}

/// Who holds a case, bottom to top: the grid worker, the village/community station, the township
/// centre, the district centre, the responsible department.
public enum CaseLevel: String, Codable, CaseIterable, Sendable, Comparable {
    case grid, village, township, district, department

    /// Position on the ladder, 0 = grid.
    public var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: CaseLevel, b: CaseLevel) -> Bool { a.rank < b.rank }

    /// The level a case is escalated to (nil at the top).
    public var above: CaseLevel? { rank + 1 < Self.allCases.count ? Self.allCases[rank + 1] : nil }
    /// The level a case is returned to (nil at the bottom).
    public var below: CaseLevel? { rank > 0 ? Self.allCases[rank - 1] : nil }

    /// In words, for messages: "the grid worker", "the township centre".
    public var holder: String {
        switch self {
        case .grid: "the grid worker"
        case .village: "the village/community station"
        case .township: "the township centre"
        case .district: "the district centre"
        case .department: "the responsible department"
        }
    }
}

/// Where a case stands on the ladder.
/// - reported: registered, waiting for the grid worker.
/// - accepted: taken on by the holder at its level (also a parked case resumed).
/// - escalated: sent up a level, waiting for that level to accept it.
/// - returned (回退): sent back down a level, waiting for that level to accept it again.
/// - parked (挂账): acknowledged but not solvable now; off the clock, never escalated automatically.
/// - resolved → verified → closed: solved at its level, checked with the resident, archived.
public enum CaseStatus: String, Codable, CaseIterable, Sendable, Comparable {
    case reported, accepted, escalated, returned, parked, resolved, verified, closed

    public static func < (a: CaseStatus, b: CaseStatus) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }

    /// Not yet solved: its deadline still runs (parked excepted).
    public var isOpen: Bool { ![.resolved, .verified, .closed].contains(self) }
}

/// What someone does to a case. `report` only creates one; the rest move it (see `CaseLadder`).
public enum CaseAction: String, Codable, CaseIterable, Sendable {
    case report, accept, escalate
    case `return`
    case extend, park, resolve, verify, close
}

/// A case's light at a moment (computed, never stored):
/// - green: on time — finished by its deadline, or open with more than the margin left;
/// - yellow: open, and its deadline is within the margin (or exactly now);
/// - red: overdue — open past its deadline, or finished after it;
/// - parked: 挂账, off the clock.
public enum CaseLight: String, Codable, CaseIterable, Sendable, Comparable {
    case green, yellow, red, parked

    public static func < (a: CaseLight, b: CaseLight) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}
