// What the server needs of an accounts store, as one interface: the SQLite file of WanggeStore
// (`AccountStore`) is one backend; another (PostgreSQL for a prefecture, docs/SCALING.md) adds a
// type that conforms, without touching the handlers.
import WanggeCases

/// How many failed logins are allowed for one name from one address, and over what window.
public struct LoginThrottle: Sendable, Equatable {
    public var maxFailures: Int
    public var windowSeconds: Int64
    public init(maxFailures: Int = 5, windowSeconds: Int64 = 15 * 60) { self.maxFailures = maxFailures; self.windowSeconds = windowSeconds }
}

/// A session as the server sees it: the account (as it is now) and the session's CSRF token.
public struct Session: Sendable, Equatable {
    public var account: Account
    public var csrf: String
    public var expiresAt: Int64
    public init(account: Account, csrf: String, expiresAt: Int64) { self.account = account; self.csrf = csrf; self.expiresAt = expiresAt }
}

/// What a login attempt came to.
public enum LoginOutcome: Sendable, Equatable {
    /// A new session: its secrets (the token is nowhere stored in clear) and its expiry.
    case accepted(Account, SessionSecrets, expiresAt: Int64)
    /// Wrong name, wrong password or a disabled account — deliberately not told apart.
    case refused
    /// Too many failures for this name from this address; try again in `retryAfter` seconds.
    case throttled(retryAfter: Int64)
}

extension SessionSecrets: Equatable {
    public static func == (a: SessionSecrets, b: SessionSecrets) -> Bool { a.token == b.token && a.csrf == b.csrf }
}

/// Accounts, sessions, login throttling and the audit log. Every change is one transaction that
/// also appends its audit line; reads see committed state.
public protocol AccountStoring: AnyObject, Sendable {
    func add(_ account: Account, audit: AuditEntry) throws(AccountError)
    func setDisabled(_ name: String, _ disabled: Bool, audit: AuditEntry) throws(AccountError)
    func account(_ name: String) throws(AccountError) -> Account?
    func accounts() throws(AccountError) -> [Account]
    func count() throws(AccountError) -> Int
    /// A refused or throttled login is recorded (and audited) as well as an accepted one.
    func login(name: String, password: String, address: String, now: Int64, lifetime: Int64,
               throttle: LoginThrottle) throws(AccountError) -> LoginOutcome
    func session(token: String, now: Int64) throws(AccountError) -> Session?
    func logout(token: String, audit: AuditEntry) throws(AccountError)
    func record(_ entry: AuditEntry) throws(AccountError)
    func record(_ entries: [AuditEntry]) throws(AccountError)
    /// The last outbox line of case store `store` (its `auditIdentity`) in the log; 0: none.
    func auditCopied(from store: String) throws(AccountError) -> Int64
    /// Appends the lines of case store `store`'s outbox past its mark and moves the mark, in one
    /// transaction (lines at or below the mark — copied by a drain running at once — are skipped).
    /// Returns the lines appended.
    @discardableResult
    func copyAudit(_ lines: [PendingAuditLine], from store: String) throws(AccountError) -> Int
    func audit(after: Int64, limit: Int) throws(AccountError) -> [AuditEntry]
}
