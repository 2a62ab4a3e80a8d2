import Foundation
import Testing
import WanggeAccounts
import WanggeCases
import WanggeStore

private func scratch(_ name: String) -> String {
    let dir = NSTemporaryDirectory() + "wangge-accounts-tests-\(getpid())/\(name)"
    try? FileManager.default.removeItem(atPath: dir)
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

private func entry(_ action: AuditAction, _ target: String, at: Int64 = 1_000) -> AuditEntry {
    AuditEntry(at: at, actor: "cli:test", action: action, target: target, address: "cli")
}

@Suite struct PasswordHashTests {
    @Test func aHashVerifiesItsPasswordOnlyAndIsSalted() throws {
        let a = try PasswordHash.make("正确的马电池订书钉")
        let b = try PasswordHash.make("正确的马电池订书钉")
        #expect(a != b)  // a fresh salt each time
        #expect(a.hasPrefix("pbkdf2-sha256$600000$"))
        // The floor is kept: fewer rounds are refused when hashing, and never match when stored.
        #expect(throws: (any Error).self) { _ = try PasswordHash.make("x", rounds: PasswordHash.minimumRounds - 1) }
        #expect(PasswordHash.verify("正确的马电池订书钉", against: a) && PasswordHash.verify("正确的马电池订书钉", against: b))
        #expect(!PasswordHash.verify("正确的马电池订书", against: a))
        #expect(!PasswordHash.verify("", against: a))
    }

    /// A damaged or weakened stored hash never matches (rounds below the floor, bad base64,
    /// short key, another scheme).
    @Test func malformedStoredHashesNeverMatch() throws {
        let good = try PasswordHash.make("password1", rounds: PasswordHash.minimumRounds)
        #expect(PasswordHash.verify("password1", against: good))
        let parts = good.split(separator: "$").map(String.init)
        for bad in ["", "password1", "bcrypt$10$x$y", "pbkdf2-sha256$1000$\(parts[2])$\(parts[3])", "pbkdf2-sha256$210000$!!$\(parts[3])",
                    "pbkdf2-sha256$210000$\(parts[2])$AAAA", parts.dropLast().joined(separator: "$")] {
            #expect(!PasswordHash.verify("password1", against: bad), "\(bad)")
        }
    }

    @Test func sessionTokensAreLongRandomAndStoredAsDigests() {
        let s = SessionSecrets.random(), t = SessionSecrets.random()
        #expect(s.token != t.token && s.csrf != t.csrf && s.token != s.csrf)
        #expect(s.token.count == 43)  // 32 bytes, base64url without padding
        #expect(s.token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(SessionSecrets.digest(s.token).count == 64 && SessionSecrets.digest(s.token) != s.token)
        // SHA-256 of "abc" (FIPS 180-2 example).
        #expect(SessionSecrets.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func utcTimesFollowTheCivilCalendar() {
        #expect(UTCTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.iso8601(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(UTCTime.iso8601(1_796_112_000) == "2026-12-01T08:00:00Z")
        #expect(UTCTime.iso8601(-1) == "1969-12-31T23:59:59Z")
    }
}

@Suite struct AccountNameTests {
    @Test func namesUnitsAndPasswordsAreChecked() throws {
        for good in ["wang", "王建国", "desk-1", "a.b_c"] { try AccountNames.checkName(good) }
        for bad in ["", "a b", "x'; DROP TABLE accounts;--", "<script>", String(repeating: "a", count: 65), "tab\there"] {
            #expect(throws: AccountError.self, "\(bad)") { try AccountNames.checkName(bad) }
        }
        #expect(throws: AccountError.self) { try AccountNames.checkPassword("short") }
        #expect(throws: AccountError.self) { try AccountNames.checkPassword(String(repeating: "x", count: 1025)) }
        let units = AccountUnits(townships: ["511111106"], villages: ["511111106214"], grids: ["511111106214001"])
        #expect(try units.check(role: .district, unit: nil) == nil)
        #expect(try units.check(role: .township, unit: " 511111106 ") == "511111106")
        #expect(try units.check(role: .department, unit: "水务局") == "水务局")
        for (role, unit) in [(AccountRole.district, "511111106"), (.township, nil), (.township, "511111106214"), (.village, "511111106"),
                             (.grid, "511111106214002"), (.department, "")] as [(AccountRole, String?)] {
            #expect(throws: AccountError.self, "\(role) \(unit ?? "nil")") { _ = try units.check(role: role, unit: unit) }
        }
    }
}

@Suite struct AccountStoreTests {
    static func account(_ name: String, _ role: AccountRole = .district, unit: String? = nil, password: String = "password1") throws -> Account {
        Account(name: name, displayName: name, role: role, unit: unit, passwordHash: try PasswordHash.make(password, rounds: PasswordHash.minimumRounds), createdAt: 1_000)
    }

    @Test func accountsAreAddedListedByNameAndNeverTwice() throws {
        let store = try AccountStore(path: scratch("add") + "/accounts.sqlite")
        try store.add(try Self.account("zhang"), audit: entry(.userAdded, "zhang"))
        try store.add(try Self.account("an", .village, unit: "511111106214"), audit: entry(.userAdded, "an"))
        #expect(try store.accounts().map(\.name) == ["an", "zhang"])
        #expect(try store.account("an")?.unit == "511111106214")
        #expect(throws: AccountError.self) { try store.add(try Self.account("zhang"), audit: entry(.userAdded, "zhang")) }
        #expect(throws: AccountError.self) { try store.setDisabled("nobody", true, audit: entry(.userDisabled, "nobody")) }
        // The failed add wrote no audit line: two adds, two lines.
        #expect(try store.audit().map(\.action) == [.userAdded, .userAdded])
    }

    @Test func loginGivesASessionThatEndsOnExpiryLogoutOrDisable() throws {
        let store = try AccountStore(path: scratch("login") + "/accounts.sqlite")
        try store.add(try Self.account("li"), audit: entry(.userAdded, "li"))
        guard case .accepted(let a, let secrets, let expires) = try store.login(name: "li", password: "password1", address: "10.0.0.1", now: 2_000, lifetime: 100)
        else { Issue.record("login refused"); return }
        #expect(a.name == "li" && expires == 2_100)
        #expect(try store.session(token: secrets.token, now: 2_099)?.account.name == "li")
        #expect(try store.session(token: secrets.token, now: 2_099)?.csrf == secrets.csrf)
        #expect(try store.session(token: secrets.token, now: 2_100) == nil)  // expired at its expiry
        #expect(try store.session(token: secrets.token + "x", now: 2_000) == nil)
        #expect(try store.session(token: SessionSecrets.random().token, now: 2_000) == nil)  // forged
        try store.setDisabled("li", true, audit: entry(.userDisabled, "li"))
        #expect(try store.session(token: secrets.token, now: 2_050) == nil)
        #expect(try store.login(name: "li", password: "password1", address: "10.0.0.1", now: 2_060, lifetime: 100) == .refused)
        try store.setDisabled("li", false, audit: entry(.userEnabled, "li"))
        guard case .accepted(_, let again, _) = try store.login(name: "li", password: "password1", address: "10.0.0.1", now: 2_070, lifetime: 100)
        else { Issue.record("login refused"); return }
        try store.logout(token: again.token, audit: entry(.logout, "li"))
        #expect(try store.session(token: again.token, now: 2_071) == nil)
        #expect(try store.audit().map(\.action) == [.userAdded, .loginSucceeded, .userDisabled, .loginFailed, .userEnabled, .loginSucceeded, .logout])
    }

    /// Five failures for one name from one address within 15 minutes: the sixth try is
    /// throttled — even with the right password — until the oldest failure is 15 minutes old.
    /// Another address is not throttled.
    @Test func failedLoginsAreThrottledPerNameAndAddress() throws {
        let store = try AccountStore(path: scratch("throttle") + "/accounts.sqlite")
        try store.add(try Self.account("zhao"), audit: entry(.userAdded, "zhao"))
        for i in 0..<5 {
            #expect(try store.login(name: "zhao", password: "wrong\(i)", address: "10.0.0.9", now: 10_000 + Int64(i) * 60, lifetime: 100) == .refused)
        }
        #expect(try store.login(name: "zhao", password: "password1", address: "10.0.0.9", now: 10_300, lifetime: 100) == .throttled(retryAfter: 600))
        if case .accepted = try store.login(name: "zhao", password: "password1", address: "10.0.0.8", now: 10_300, lifetime: 100) {} else {
            Issue.record("another address was throttled")
        }
        // 15 minutes after the first failure, only four are left in the window: let through.
        if case .accepted = try store.login(name: "zhao", password: "password1", address: "10.0.0.9", now: 10_900, lifetime: 100) {} else {
            Issue.record("still throttled after the window")
        }
        let log = try store.audit()
        #expect(log.filter { $0.action == .loginFailed }.count == 5 && log.filter { $0.action == .loginThrottled }.count == 1)
        #expect(log.first { $0.action == .loginFailed }?.address == "10.0.0.9")
    }

    /// Names and texts that look like SQL or script are stored as they are and come back the same.
    @Test func hostileTextIsStoredVerbatim() throws {
        let store = try AccountStore(path: scratch("hostile") + "/accounts.sqlite")
        let display = "Robert'); DROP TABLE accounts;-- <script>alert(1)</script>"
        var a = try Self.account("robert")
        a.displayName = display
        try store.add(a, audit: AuditEntry(at: 1, actor: "x\"y", action: .userAdded, target: "robert", address: "cli", detail: "</script>"))
        #expect(try store.account("robert")?.displayName == display)
        #expect(try store.count() == 1)
        let line = try #require(try store.audit().first)
        #expect(line.json.contains(#""actor":"x\"y""#) && line.detail == "</script>")
        // A login under a hostile name is a plain failure.
        #expect(try store.login(name: "' OR '1'='1", password: "' OR '1'='1", address: "a", now: 5, lifetime: 10) == .refused)
    }

    @Test func aFileThatIsNotAnAccountsFileIsRefused() throws {
        let dir = scratch("other")
        let cases = try CaseStore(path: dir + "/cases.sqlite")
        _ = cases
        #expect(throws: AccountError.self) { _ = try AccountStore(path: dir + "/cases.sqlite") }
        #expect(throws: AccountError.self) { _ = try AccountStore(path: dir) }
    }

    /// /dev/null as DATA/accounts.sqlite would take accounts (exit 0) and lose them; a FIFO cannot be read.
    @Test func aDeviceOrAPipeIsNeverAnAccountsFile() throws {
        let dir = scratch("device")
        #expect(mkfifo(dir + "/accounts.sqlite", 0o600) == 0)
        for path in [dir + "/accounts.sqlite", "/dev/null"] {
            do { _ = try AccountStore(path: path); Issue.record("opened \(path)") } catch {
                #expect(error.description.contains(path) && error.description.contains("not a regular file"))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["accounts.sqlite"])
    }
}
