import WanggeIO

/// One line of the audit log: who did what to which target, when (UTC) and from where.
public struct AuditEntry: Hashable, Sendable {
    /// Order of appending (1, 2, …).
    public var seq: Int64
    /// Unix seconds.
    public var at: Int64
    /// The account name ("-" when no account is known, e.g. a login under an unknown name; the
    /// CLI operator as `cli:USER`).
    public var actor: String
    public var action: AuditAction
    /// What it concerns: a case id, an account name.
    public var target: String
    /// The peer address (or the first X-Forwarded-For hop behind a trusted proxy); "cli" from the CLI.
    public var address: String
    public var detail: String
    /// Where a line copied from another store came from (`cases:STORE:ID`, see `AuditOutbox`):
    /// a line with an origin already in the log is not appended again. Not in `json`.
    public var origin: String?

    public init(seq: Int64 = 0, at: Int64, actor: String, action: AuditAction, target: String, address: String, detail: String = "",
                origin: String? = nil) {
        self.seq = seq; self.at = at; self.actor = actor; self.action = action; self.target = target; self.address = address; self.detail = detail
        self.origin = origin
    }

    /// Deterministic JSON, keys in a fixed order; the time as ISO 8601 UTC.
    public var json: String {
        "{\"seq\":\(seq),\"at\":\"\(UTCTime.iso8601(at))\",\"actor\":\(JSONText.quoted(actor)),\"action\":\"\(action.rawValue)\","
            + "\"target\":\(JSONText.quoted(target)),\"address\":\(JSONText.quoted(address)),\"detail\":\(JSONText.quoted(detail))}"
    }
}

/// Every kind of change the audit log records.
public enum AuditAction: String, Codable, CaseIterable, Sendable {
    case loginSucceeded = "login"
    case loginFailed = "login_failed"
    case loginThrottled = "login_throttled"
    case logout
    case userAdded = "user_add"
    case userDisabled = "user_disable"
    case userEnabled = "user_enable"
    case caseCreated = "case_create"
    /// A ladder step; `detail` names the action.
    case caseTransition = "case_transition"
    /// A plan version recorded through the server (moves, a lock or an unlock); `detail` says what.
    case planEdit = "plan_edit"
}

/// Unix seconds as ISO 8601 UTC text (`2026-12-01T07:20:00Z`), by the civil calendar — no
/// formatter, locale or time zone database involved.
public enum UTCTime {
    public static func iso8601(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        // Howard Hinnant's days-to-civil.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }
}
