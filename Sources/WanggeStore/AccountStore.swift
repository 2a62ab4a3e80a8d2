import Foundation
import GRDB
import WanggeAccounts
import WanggeCases
import WanggeIO

/// The accounts file (DATA/accounts.sqlite): accounts, sessions (by the SHA-256 of their token),
/// recent login failures and the audit log. WAL, like the case store; every change one
/// IMMEDIATE transaction that also appends its audit line, so a change is never without it.
public final class AccountStore: @unchecked Sendable {
    // DatabasePool is itself thread-safe; the class only adds immutable configuration.
    let pool: DatabasePool
    public let path: String

    /// Opens (creating when missing) the accounts file at `path` and brings its schema up to date.
    public init(path: String) throws(AccountError) {
        self.path = path
        pool = try StoreFile.open(path, failure: { AccountError(.store, $0, file: path) }) { pool in
            let tables = try pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            }
            // A file that is some other database (a case store, say) is never migrated into an accounts file.
            if !tables.isEmpty && tables != ["grdb_migrations"] && !(tables.contains("grdb_migrations") && tables.contains("accounts")) {
                throw AccountError(.store, "it is an SQLite file but not an accounts file (tables: \(tables.joined(separator: ", "))) — is it the right file?", file: path)
            }
            try AccountSchema.migrator.migrate(pool)
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(AccountError) -> T {
        try pool.immediateTransaction(body) { AccountError(.store, $0, file: path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(AccountError) -> T {
        try pool.storeRead(body) { AccountError(.store, $0, file: path) }
    }

    // MARK: accounts

    /// Adds `account` (its name, display name checked; the unit checked by the caller against the
    /// district) and its audit line.
    public func add(_ account: Account, audit: AuditEntry) throws(AccountError) {
        try AccountNames.checkName(account.name)
        try AccountNames.checkDisplayName(account.displayName)
        try write { db in
            if try Self.fetchAccount(db, account.name) != nil {
                throw AccountError(.duplicateAccount, "there is already an account \(AccountNames.quoted(account.name))", account: account.name)
            }
            try db.execute(sql: """
                INSERT INTO accounts (name, display_name, role, unit, disabled, password_hash, created_at) VALUES (?,?,?,?,?,?,?)
                """, arguments: [account.name, account.displayName, account.role.rawValue, account.unit, account.disabled, account.passwordHash, account.createdAt])
            try Self.append(db, audit)
        }
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once.
    public func setDisabled(_ name: String, _ disabled: Bool, audit: AuditEntry) throws(AccountError) {
        try write { db in
            guard try Self.fetchAccount(db, name) != nil else {
                throw AccountError(.unknownAccount, "no account \(AccountNames.quoted(name))", account: name)
            }
            try db.execute(sql: "UPDATE accounts SET disabled = ? WHERE name = ?", arguments: [disabled, name])
            if disabled { try db.execute(sql: "DELETE FROM sessions WHERE account = ?", arguments: [name]) }
            try Self.append(db, audit)
        }
    }

    public func account(_ name: String) throws(AccountError) -> Account? { try read { db in try Self.fetchAccount(db, name) } }

    /// Every account, by name.
    public func accounts() throws(AccountError) -> [Account] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY name").map(Self.account) }
    }

    public func count() throws(AccountError) -> Int { try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM accounts") ?? 0 } }

    // MARK: sessions

    /// One login attempt for `name` with `password` from `address` at `now`. Throttled first
    /// (so a throttled guesser learns nothing, not even from timing); the slow hash is checked
    /// outside any transaction; then the session or the failure is written with its audit line.
    public func login(name: String, password: String, address: String, now: Int64, lifetime: Int64,
                      throttle: LoginThrottle = LoginThrottle()) throws(AccountError) -> LoginOutcome {
        let since = now - throttle.windowSeconds
        let (failures, oldest, found) = try read { db -> (Int, Int64?, Account?) in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS n, min(at) AS oldest FROM login_failures WHERE name = ? AND address = ? AND at > ?",
                                       arguments: [name, address, since])
            return (row?["n"] ?? 0, row?["oldest"], try Self.fetchAccount(db, name))
        }
        if failures >= throttle.maxFailures {
            let retry = max(1, (oldest ?? now) + throttle.windowSeconds - now)
            try write { db in
                try Self.append(db, AuditEntry(at: now, actor: found?.name ?? "-", action: .loginThrottled, target: name, address: address,
                                               detail: "\(failures) failures in \(throttle.windowSeconds / 60) min"))
            }
            return .throttled(retryAfter: retry)
        }
        let matches = Self.hashing.withPermit { PasswordHash.verify(password, against: found?.passwordHash ?? PasswordHash.decoy) }
        if let account = found, matches, !account.disabled {
            let secrets = SessionSecrets.random()
            try write { db in
                try db.execute(sql: "INSERT INTO sessions (token_digest, account, csrf, created_at, expires_at, address) VALUES (?,?,?,?,?,?)",
                               arguments: [SessionSecrets.digest(secrets.token), account.name, secrets.csrf, now, now + lifetime, address])
                try db.execute(sql: "DELETE FROM login_failures WHERE name = ? AND address = ?", arguments: [name, address])
                // The account's expired sessions are swept as it logs in again (an expired row is
                // never valid anyway); nothing needs a timer.
                try db.execute(sql: "DELETE FROM sessions WHERE account = ? AND expires_at <= ?", arguments: [account.name, now])
                try Self.append(db, AuditEntry(at: now, actor: account.name, action: .loginSucceeded, target: account.name, address: address))
            }
            return .accepted(account, secrets, expiresAt: now + lifetime)
        }
        let why = found.map { $0.disabled ? "account disabled" : "wrong password" } ?? "no such account"
        try write { db in
            // Failures older than the window no longer count: swept for this name as new ones come.
            try db.execute(sql: "DELETE FROM login_failures WHERE name = ? AND at <= ?", arguments: [name, since])
            try db.execute(sql: "INSERT INTO login_failures (name, address, at) VALUES (?,?,?)", arguments: [name, address, now])
            try Self.append(db, AuditEntry(at: now, actor: found?.name ?? "-", action: .loginFailed, target: name, address: address, detail: why))
        }
        return .refused
    }

    /// The live session of `token` at `now`: not expired, its account not disabled. Nil otherwise
    /// (a forged token has no digest in the table).
    public func session(token: String, now: Int64) throws(AccountError) -> Session? {
        guard !token.isEmpty, token.utf8.count <= 256 else { return nil }
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.*, s.csrf AS session_csrf, s.expires_at AS session_expires FROM sessions s JOIN accounts a ON a.name = s.account
                WHERE s.token_digest = ? AND s.expires_at > ? AND a.disabled = 0
                """, arguments: [SessionSecrets.digest(token), now]) else { return nil }
            return Session(account: try Self.account(row), csrf: row["session_csrf"], expiresAt: row["session_expires"])
        }
    }

    /// Ends the session of `token` (nothing when there is none).
    public func logout(token: String, audit: AuditEntry) throws(AccountError) {
        try write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_digest = ?", arguments: [SessionSecrets.digest(token)])
            try Self.append(db, audit)
        }
    }

    // MARK: audit

    /// Appends one line to the audit log on its own (a change made in another store: a case).
    public func record(_ entry: AuditEntry) throws(AccountError) {
        try write { db in try Self.append(db, entry) }
    }

    /// Several lines in one transaction (a server's group commit), in order.
    public func record(_ entries: [AuditEntry]) throws(AccountError) {
        try write { db in for e in entries { try Self.append(db, e) } }
    }

    public func auditCopied(from store: String) throws(AccountError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT copied_through FROM audit_sources WHERE store = ?", arguments: [store]) ?? 0 }
    }

    @discardableResult
    public func copyAudit(_ lines: [PendingAuditLine], from store: String) throws(AccountError) -> Int {
        try write { db in
            let mark = try Int64.fetchOne(db, sql: "SELECT copied_through FROM audit_sources WHERE store = ?", arguments: [store]) ?? 0
            let fresh = lines.filter { $0.id > mark }
            guard let last = fresh.last else { return 0 }
            for line in fresh { try Self.append(db, AuditOutbox.entry(line, store: store)) }
            try db.execute(sql: "INSERT INTO audit_sources (store, copied_through) VALUES (?, ?) ON CONFLICT(store) DO UPDATE SET copied_through = excluded.copied_through",
                           arguments: [store, last.id])
            return fresh.count
        }
    }

    /// The audit log in order of appending: lines after `after` (a seq), at most `limit`.
    public func audit(after: Int64 = 0, limit: Int = 1000) throws(AccountError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, max(0, limit)]).map { row in
                AuditEntry(seq: row["seq"], at: row["at"], actor: row["actor"], action: AuditAction(rawValue: row["action"]) ?? .caseTransition,
                           target: row["target"], address: row["address"], detail: row["detail"])
            }
        }
    }

    static func append(_ db: Database, _ e: AuditEntry) throws {
        // OR IGNORE: a line whose origin is already in the log (the unique index) is a copy.
        try db.execute(sql: "INSERT OR IGNORE INTO audit (at, at_utc, actor, action, target, address, detail, origin) VALUES (?,?,?,?,?,?,?,?)",
                       arguments: [e.at, UTCTime.iso8601(e.at), e.actor, e.action.rawValue, e.target, e.address, e.detail, e.origin])
    }

    /// At most one password check per core at a time: a flood of logins queues here instead of
    /// taking every core from the other requests.
    static let hashing = Gate(ProcessInfo.processInfo.activeProcessorCount)

    // MARK: rows

    static func fetchAccount(_ db: Database, _ name: String) throws -> Account? {
        try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE name = ?", arguments: [name]).map(account)
    }

    static func account(_ row: Row) throws -> Account {
        let roleText: String = row["role"]
        guard let role = AccountRole(rawValue: roleText) else {
            throw AccountError(.store, "account \(AccountNames.quoted(row["name"] ?? "")) has an unknown role \(AccountNames.quoted(roleText))")
        }
        return Account(name: row["name"], displayName: row["display_name"], role: role, unit: row["unit"], disabled: row["disabled"],
                       passwordHash: row["password_hash"], createdAt: row["created_at"])
    }
}

/// The accounts file's schema. Migrations are never edited once shipped: a change is a new one.
enum AccountSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1 accounts, sessions, login failures, audit") { db in
            let roles = AccountRole.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
            try db.execute(sql: """
                CREATE TABLE accounts (
                    name TEXT PRIMARY KEY NOT NULL,
                    display_name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN (\(roles))),
                    unit TEXT,                          -- township/village/grid code, department name; NULL for the district
                    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                    password_hash TEXT NOT NULL,        -- pbkdf2-sha256$rounds$salt$key
                    created_at INTEGER NOT NULL         -- Unix seconds
                );
                CREATE TABLE sessions (
                    token_digest TEXT PRIMARY KEY NOT NULL,  -- SHA-256 of the token, hex; the token itself is never stored
                    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL,
                    address TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX sessions_account ON sessions(account);
                CREATE INDEX sessions_expiry ON sessions(expires_at);
                CREATE TABLE login_failures (
                    name TEXT NOT NULL,
                    address TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX login_failures_key ON login_failures(name, address, at);
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,                -- Unix seconds
                    at_utc TEXT NOT NULL,               -- the same, ISO 8601 UTC, for reading the file by hand
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    address TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT ''
                );
                """)
        }
        // Lines copied from a case store's outbox (AuditOutbox): how far each store's outbox is
        // copied, moved in the copy's transaction; and each line's origin, unique, as a second guard.
        m.registerMigration("v2 audit copied from case stores") { db in
            try db.execute(sql: """
                ALTER TABLE audit ADD COLUMN origin TEXT;
                CREATE UNIQUE INDEX audit_origin ON audit(origin) WHERE origin IS NOT NULL;
                CREATE TABLE audit_sources (
                    store TEXT PRIMARY KEY NOT NULL,    -- a case store's identity
                    copied_through INTEGER NOT NULL     -- its last outbox id in the log
                ) WITHOUT ROWID;
                """)
        }
        return m
    }
}

/// A counting semaphore as a scope: `withPermit` waits for a free permit, runs, gives it back.
final class Gate: @unchecked Sendable {
    private let semaphore: DispatchSemaphore
    init(_ permits: Int) { semaphore = DispatchSemaphore(value: max(1, permits)) }
    func withPermit<T>(_ work: () throws -> T) rethrows -> T {
        semaphore.wait()
        defer { semaphore.signal() }
        return try work()
    }
}

extension AccountStore: AccountStoring {}
