import WanggeCases

/// What an account works as. The roles are the ladder's levels: the district centre, a township
/// centre, a village/community station, a grid worker, a department.
public enum AccountRole: String, Codable, CaseIterable, Sendable, Comparable {
    case district, township, village, grid, department

    public static func < (a: AccountRole, b: AccountRole) -> Bool { a.rawValue < b.rawValue }

    /// The ladder level the role works at.
    public var level: CaseLevel {
        switch self {
        case .district: .district
        case .township: .township
        case .village: .village
        case .grid: .grid
        case .department: .department
        }
    }

    /// What its unit is, in words (nil: the district has none).
    public var unitKind: String? {
        switch self {
        case .district: nil
        case .township: "a township code"
        case .village: "a village or community code"
        case .grid: "a grid code"
        case .department: "a department name"
        }
    }
}

/// One account: who logs in, as what, for which unit.
public struct Account: Hashable, Sendable {
    /// The login name (unique; letters, digits, `.`, `_`, `-`; 1…64 characters).
    public var name: String
    public var displayName: String
    public var role: AccountRole
    /// Township, village or grid code, or the department's name; nil for the district.
    public var unit: String?
    public var disabled: Bool
    /// `PasswordHash`'s encoded form.
    public var passwordHash: String
    /// Unix seconds (UTC).
    public var createdAt: Int64

    public init(name: String, displayName: String, role: AccountRole, unit: String?, disabled: Bool = false, passwordHash: String, createdAt: Int64) {
        self.name = name; self.displayName = displayName; self.role = role; self.unit = unit; self.disabled = disabled
        self.passwordHash = passwordHash; self.createdAt = createdAt
    }

    /// The account as an actor on the ladder (its name is what transitions record).
    public var actor: CaseActor { CaseActor(name: name, level: role.level, unit: unit) }
}

/// Every refusal about accounts, sessions and the audit log, in words, naming the account.
public struct AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A malformed name, display name, unit or password.
        case badArgument = "bad_argument"
        case unknownAccount = "unknown_account"
        case duplicateAccount = "duplicate_account"
        /// The accounts file: not an accounts store, corrupt, locked.
        case store
    }

    public var kind: Kind
    public var message: String
    public var account: String?
    public var file: String?

    public init(_ kind: Kind, _ message: String, account: String? = nil, file: String? = nil) {
        self.kind = kind; self.message = message; self.account = account; self.file = file
    }

    public var description: String { file.map { "\($0): \(message)" } ?? message }
}

/// The rules for names: what `wangge user add` and the store accept.
public enum AccountNames {
    /// A login name: 1…64 letters (any script), digits, `.`, `_`, `-`.
    public static func checkName(_ name: String) throws(AccountError) {
        guard (1...64).contains(name.count) else { throw AccountError(.badArgument, "a user name has 1 to 64 characters (got \(name.count))", account: name) }
        guard name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }) else {
            throw AccountError(.badArgument, "user name \(quoted(name)) may hold only letters, digits, '.', '_' and '-'", account: name)
        }
    }

    /// A display name: 1…100 characters, no control characters.
    public static func checkDisplayName(_ text: String) throws(AccountError) {
        guard (1...100).contains(text.count) else { throw AccountError(.badArgument, "a display name has 1 to 100 characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AccountError(.badArgument, "a display name may not hold control characters")
        }
    }

    /// At least 8 characters, at most 1,024 bytes (a hash of a megabyte is a denial of service).
    public static func checkPassword(_ password: String) throws(AccountError) {
        guard password.count >= 8 else { throw AccountError(.badArgument, "a password has at least 8 characters") }
        guard password.utf8.count <= 1024 else { throw AccountError(.badArgument, "a password has at most 1024 bytes") }
    }

    /// The text in double quotes with control characters escaped, for messages.
    public static func quoted(_ s: String) -> String {
        "\"" + s.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\"" || $0 == "\\" ? $0.escaped(asASCII: true) : String($0) }.joined() + "\""
    }
}

/// The district's units an account may belong to, from boundaries/ and the current grid file.
public struct AccountUnits: Sendable {
    public var townships: Set<String>
    public var villages: Set<String>
    public var grids: Set<String>

    public init(townships: Set<String>, villages: Set<String>, grids: Set<String>) {
        self.townships = townships; self.villages = villages; self.grids = grids
    }

    /// The unit an account of `role` gives, checked: nil for the district; a known code of the
    /// right kind; a department name of 1…64 characters without control characters.
    public func check(role: AccountRole, unit: String?) throws(AccountError) -> String? {
        let given = unit.map { $0.trimmingBlanks }.flatMap { $0.isEmpty ? nil : $0 }
        guard let kind = role.unitKind else {
            if let given { throw AccountError(.badArgument, "a district account has no unit (got \(AccountNames.quoted(given)))") }
            return nil
        }
        guard let given else { throw AccountError(.badArgument, "a \(role.rawValue) account needs --unit: \(kind)") }
        let known: Set<String>
        switch role {
        case .township: known = townships
        case .village: known = villages
        case .grid: known = grids
        case .department:
            guard given.count <= 64, !given.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw AccountError(.badArgument, "a department name has 1 to 64 characters and no control characters")
            }
            return given
        case .district: known = []
        }
        guard known.contains(given) else {
            throw AccountError(.badArgument, "\(AccountNames.quoted(given)) is not \(kind) of the district or the current plan")
        }
        return given
    }
}

extension String {
    var trimmingBlanks: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
