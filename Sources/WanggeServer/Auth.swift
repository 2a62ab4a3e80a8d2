// Accounts on the API: login (a session by cookie or bearer token), logout, me, the audit log,
// and who the caller of a request is. Scope itself is decided route by route (API.swift,
// CasesAPI.swift) from the caller's role and unit.
import Foundation
import WanggeAccounts
import WanggeCases
import WanggeGeoJSON
import WanggeIO
import WanggeStore

/// How sessions are given and checked.
public struct SessionPolicy: Sendable {
    /// How long a session lasts (8 hours: one shift).
    public var lifetimeSeconds: Int64 = 8 * 3600
    public var throttle = LoginThrottle()
    /// Mark the cookie `Secure` (behind TLS: `wangge serve --secure-cookie`).
    public var secureCookie = false
    /// How long a checked session is believed without asking the accounts file again. Reading
    /// SQLite on every request cut the API's rate to a third; the price: an account disabled from
    /// the CLI (another process) loses its sessions within this many seconds, not at once (a
    /// logout through this server ends its session at once; expiry is always exact).
    public var sessionCacheSeconds: Int64 = 2
    /// Take the client's address from X-Forwarded-For (its last hop, the one the proxy added)
    /// — only when a proxy we run sits in front (`--trust-proxy`); otherwise anyone could name
    /// any address and dodge the login throttle.
    public var trustForwardedFor = false
    public init() {}
}

/// Who asks: the account of a live session, how the token came, and from where.
public struct Caller: Sendable {
    public var session: Session
    public var token: String
    /// The token came in the cookie (so state-changing requests need the CSRF header), not as a
    /// bearer token.
    public var viaCookie: Bool
    public var address: String
    public var account: Account { session.account }
    public var actor: CaseActor { session.account.actor }
}

extension API {
    static let cookieName = "wangge_session"

    /// The client's address: the peer, or behind a trusted proxy the last X-Forwarded-For hop.
    func clientAddress(_ request: APIRequest) -> String {
        if policy.trustForwardedFor, let forwarded = request.headers["x-forwarded-for"],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return String(last.prefix(64))
        }
        return request.peer
    }

    /// The session token of a request: `Authorization: Bearer …`, else the session cookie.
    static func token(_ request: APIRequest) -> (String, viaCookie: Bool)? {
        if let auth = request.headers["authorization"] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return (String(parts[1]).trimmingCharacters(in: .whitespaces), false) }
            return nil
        }
        guard let cookies = request.headers["cookie"] else { return nil }
        for pair in cookies.split(separator: ";") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0] == cookieName { return (kv[1], true) }
        }
        return nil
    }

    /// The caller of `request`, or the 401 that says why not.
    func authenticate(_ request: APIRequest) -> Result<Caller, APIFailure> {
        let unauthorized = { (why: String) in
            var r = APIResponse.error(401, why)
            r.headers["WWW-Authenticate"] = "Bearer realm=\"wangge\""
            return APIFailure(response: r)
        }
        guard let (token, viaCookie) = Self.token(request) else {
            return .failure(unauthorized("log in first: POST /api/v1/login {\"name\", \"password\"}, then send the cookie or Authorization: Bearer TOKEN"))
        }
        let now = clock()
        var session = sessionCache.session(token, now: now)
        if session == nil {
            do { session = try state.accounts.session(token: token, now: now) } catch {
                return .failure(APIFailure(response: .error(503, "the accounts file cannot be read: \(error)")))
            }
            if let session { sessionCache.keep(token, session, until: min(session.expiresAt, now + policy.sessionCacheSeconds)) }
        }
        guard let session else {
            return .failure(unauthorized("the session is not valid (expired, ended, or its account disabled): log in again"))
        }
        return .success(Caller(session: session, token: token, viaCookie: viaCookie, address: clientAddress(request)))
    }

    /// A state-changing request authenticated by cookie must echo the session's CSRF token in
    /// X-CSRF-Token: another site can make the browser send the cookie, but cannot read the token.
    static func csrfRefusal(_ request: APIRequest, _ caller: Caller) -> APIResponse? {
        guard caller.viaCookie, !["GET", "HEAD", "OPTIONS"].contains(request.method) else { return nil }
        guard let sent = request.headers["x-csrf-token"], constantTimeEqual(Array(sent.utf8), Array(caller.session.csrf.utf8)) else {
            return .error(403, "a change made with the session cookie needs the header X-CSRF-Token (its value is in the login answer and in GET /api/v1/me)")
        }
        return nil
    }

    /// Appends to the audit log; a failure to write it is logged by the caller's answer, never
    /// hidden: the change is already made, so the answer says so.
    func audit(_ caller: Caller, _ action: AuditAction, target: String, detail: String = "") -> String? {
        do {
            try auditBatcher.record(AuditEntry(at: clock(), actor: caller.account.name, action: action, target: target, address: caller.address, detail: detail))
            return nil
        } catch { return "\(error)" }
    }

    // MARK: routes

    /// POST /api/v1/login {"name", "password"} → the session (token, CSRF token, expiry) and the cookie.
    func login(_ request: APIRequest) -> APIResponse {
        let o: JSONObject
        switch Self.bodyObject(request.body) { case .success(let v): o = v; case .failure(let f): return f.response }
        guard let name = o["name"]?.stringValue, let password = o["password"]?.stringValue, !name.isEmpty, !password.isEmpty else {
            return .error(400, "send {\"name\": \"…\", \"password\": \"…\"}")
        }
        guard name.utf8.count <= 256, password.utf8.count <= 1024 else { return .error(400, "the name or the password is too long") }
        let outcome: LoginOutcome
        do {
            outcome = try state.accounts.login(name: name, password: password, address: clientAddress(request), now: clock(),
                                               lifetime: policy.lifetimeSeconds, throttle: policy.throttle)
        } catch { return .error(503, "the accounts file cannot be written: \(error)") }
        switch outcome {
        case .refused:
            return .error(401, "wrong name or password (or the account is disabled)")
        case .throttled(let retry):
            var r = APIResponse.error(429, "too many failed logins for this name from this address; try again in \(retry) s")
            r.headers["Retry-After"] = "\(retry)"
            return r
        case .accepted(let account, let secrets, let expiresAt):
            var r = APIResponse.jsonText("{\"account\":\(Self.accountJSON(account)),\"token\":\(JSONText.quoted(secrets.token)),"
                + "\"csrf_token\":\(JSONText.quoted(secrets.csrf)),\"expires_at\":\"\(UTCTime.iso8601(expiresAt))\"}\n")
            r.headers["Set-Cookie"] = "\(Self.cookieName)=\(secrets.token); Path=/; Max-Age=\(policy.lifetimeSeconds); HttpOnly; SameSite=Strict"
                + (policy.secureCookie ? "; Secure" : "")
            return r
        }
    }

    /// POST /api/v1/logout: ends the session and clears the cookie.
    func logout(_ caller: Caller) -> APIResponse {
        sessionCache.forget(caller.token)
        do {
            try state.accounts.logout(token: caller.token, audit: AuditEntry(at: clock(), actor: caller.account.name, action: .logout,
                                                                             target: caller.account.name, address: caller.address))
        } catch { return .error(503, "the accounts file cannot be written: \(error)") }
        var r = APIResponse.jsonText("{\"logged_out\":true}\n")
        r.headers["Set-Cookie"] = "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (policy.secureCookie ? "; Secure" : "")
        return r
    }

    /// GET /api/v1/me: the account, the session's expiry and its CSRF token.
    func me(_ caller: Caller) -> APIResponse {
        .jsonText("{\"account\":\(Self.accountJSON(caller.account)),\"csrf_token\":\(JSONText.quoted(caller.session.csrf)),"
            + "\"expires_at\":\"\(UTCTime.iso8601(caller.session.expiresAt))\"}\n")
    }

    /// GET /api/v1/audit?after=SEQ&limit=N — the district only.
    func auditLog(_ caller: Caller, _ query: [String: String]) -> APIResponse {
        guard caller.account.role == .district else { return .error(403, "the audit log is for district accounts") }
        let after = query["after"].map { Int64($0) } ?? 0, limit = query["limit"].map { Int($0) } ?? 1000
        guard let after, after >= 0 else { return .error(400, "after must be a sequence number (0 or more)") }
        guard let limit, (1...10_000).contains(limit) else { return .error(400, "limit must be 1…10000") }
        // Case changes' lines still on their way from the case store's outbox come first.
        try? auditDrain?.drain()
        do {
            let rows = try state.accounts.audit(after: after, limit: limit).map(\.json)
            return .jsonText("{\"audit\":[\n" + rows.joined(separator: ",\n") + "\n]}\n")
        } catch { return .error(503, "the accounts file cannot be read: \(error)") }
    }

    static func accountJSON(_ a: Account) -> String {
        "{\"name\":\(JSONText.quoted(a.name)),\"display_name\":\(JSONText.quoted(a.displayName)),\"role\":\"\(a.role.rawValue)\",\"unit\":\(JSONText.quoted(a.unit))}"
    }

    // MARK: scope of grids

    /// Whether the caller sees grid `feature`: the district and departments every grid (a
    /// department needs the map to find its cases' places), the others those of their unit.
    static func sees(_ caller: Caller, grid feature: Feature) -> Bool {
        let unit = caller.account.unit
        switch caller.account.role {
        case .district, .department: return true
        case .township: return unit != nil && feature.string("township_code") == unit
        case .village: return unit != nil && feature.string("village_code") == unit
        case .grid: return unit != nil && feature.string("code") == unit
        }
    }
}

/// Sessions recently read from the accounts file, each believed until a moment (never past its
/// expiry). A class: one cache shared by every copy of the API, behind a lock.
final class SessionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (Session, until: Int64)] = [:]
    /// Past this many entries the cache starts again (tokens are random: nothing to evict wisely).
    let capacity = 10_000

    func session(_ token: String, now: Int64) -> Session? {
        lock.withLock {
            guard let (s, until) = entries[token] else { return nil }
            if now < until { return s }
            entries[token] = nil
            return nil
        }
    }

    func keep(_ token: String, _ session: Session, until: Int64) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll() }
            entries[token] = (session, until)
        }
    }

    func forget(_ token: String) { lock.withLock { entries[token] = nil } }
}
