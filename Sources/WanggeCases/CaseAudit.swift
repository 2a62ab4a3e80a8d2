// The audit lines a case change owes the accounts file's log. The case store and the accounts
// file are two SQLite files, and SQLite commits across attached files atomically only outside WAL
// mode; so a case store keeps each change's lines in its own outbox, written in the change's
// transaction, until they are copied into the accounts file (`AuditOutbox.drain` in
// WanggeAccounts). A kill between the two files then delays a line; it never loses one.

/// Asks a case store to audit the change it is making: when (Unix seconds) and from where (the
/// peer's address, "cli", "server"). The actor of each line is the transition's.
public struct CaseAudit: Hashable, Sendable {
    public var at: Int64
    public var address: String
    public init(at: Int64, address: String) { self.at = at; self.address = address }
}

/// One audit line waiting in a case store's outbox.
public struct PendingAuditLine: Hashable, Sendable {
    /// The outbox's own number (never reused): with the store's identity, the line's origin.
    public var id: Int64
    public var at: Int64
    public var actor: String
    /// `case_create` or `case_transition` (the audit log's action names).
    public var action: String
    /// The case id.
    public var target: String
    public var address: String
    public var detail: String
    public init(id: Int64, at: Int64, actor: String, action: String, target: String, address: String, detail: String) {
        self.id = id; self.at = at; self.actor = actor; self.action = action; self.target = target; self.address = address; self.detail = detail
    }
}

/// The audit log's wording for case changes, in one place for the store and the server.
public enum CaseAuditText {
    public static let createAction = "case_create"
    public static let transitionAction = "case_transition"

    /// A new case: its type and grid.
    public static func created(_ c: CaseRecord) -> String { "\(c.type.rawValue) in grid \(c.gridCode ?? "-")" }

    /// A ladder step: the action and the levels (`accept grid→grid`).
    public static func step(_ t: CaseTransition) -> String {
        "\(t.action.rawValue) \(t.fromLevel?.rawValue ?? "-")→\(t.toLevel.rawValue)"
    }

    /// An automatic escalation (`escalate grid→village (deadline passed)`).
    public static func escalation(_ t: CaseTransition) -> String { step(t) + " (deadline passed)" }
}
