/// Every refusal of the case desk, in words, with what it concerns — a case, a file and line or
/// key — shaped like `GeoJSONError` so a message always names where the problem is.
public struct CaseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The ladder does not allow this action from the case's status or level.
        case illegalTransition = "illegal_transition"
        /// A missing or malformed actor, note, time or number for an action.
        case badArgument = "bad_argument"
        case unknownType = "unknown_type"
        case unknownCase = "unknown_case"
        case duplicateCase = "duplicate_case"
        /// The deadline table (docs/case-deadlines.json or --deadlines FILE).
        case badConfig = "bad_config"
        /// A record of an import file.
        case badRecord = "bad_record"
        /// An address or point that cannot be placed on a grid (ambiguous, outside, not found).
        case location
        /// The actor sees the case but its level may not take this step (`CaseRights`).
        case forbidden
        /// The store file: not a case store, corrupt, locked.
        case store
    }

    public var kind: Kind
    public var message: String
    public var caseID: String?
    public var file: String?
    /// 1-based line (import files) — nil when it does not apply.
    public var line: Int?
    /// The configuration key concerned.
    public var key: String?

    public init(_ kind: Kind, _ message: String, caseID: String? = nil, file: String? = nil, line: Int? = nil, key: String? = nil) {
        self.kind = kind; self.message = message; self.caseID = caseID; self.file = file; self.line = line; self.key = key
    }

    public var description: String {
        var at: [String] = []
        if let file { at.append(line.map { "\(file):\($0)" } ?? file) }
        if let key { at.append("key \"\(key)\"") }
        if let caseID, !message.contains(caseID) { at.append("case \(caseID)") }
        return at.isEmpty ? message : at.joined(separator: ", ") + ": " + message
    }
}
