import Foundation
import WanggeAccounts
import WanggeCases
import WanggeGazetteer
import WanggeIO
import WanggeStore

/// What `wangge case` needs beyond the store: the deadline table (a file, the documented default,
/// or the built-in one) and the gazetteer (read, or built from boundaries/ when missing).
public enum CaseDesk {
    /// The documented table, when run from the repository.
    public static let defaultDeadlinesPath = "docs/case-deadlines.json"

    /// `path` if given; else docs/case-deadlines.json if it exists; else the built-in table.
    public static func deadlines(_ path: String?) throws(CaseError) -> CaseDeadlines {
        if let path { return try CaseDeadlines.load(path) }
        if FileManager.default.fileExists(atPath: defaultDeadlinesPath) { return try CaseDeadlines.load(defaultDeadlinesPath) }
        return .standard
    }

    /// The gazetteer at `path`, or — when missing — built from `boundaries` (and `grids`) and
    /// written there (atomically) for the next desk.
    public static func gazetteer(path: String, boundaries: String, grids: String?) throws -> Gazetteer {
        if FileManager.default.fileExists(atPath: path) { return try Gazetteer.read(from: path) }
        StandardError.write("no gazetteer at \(path): building it from \(boundaries)/ first\n")
        let g = try GazetteerBuilder.build(boundaries: boundaries, grids: grids)
        try g.write(to: path)
        return g
    }

    /// The clock: `--now` when given (tests, replays), else the system's, to the second.
    /// Who `wangge case … --actor NAME` acts as: with accounts in `accounts` (the server's
    /// accounts file), the account of that name — which must exist and be enabled — judged by
    /// `CaseRights`; with no accounts file (or an empty one), nil: the district operator, as before.
    public static func actor(named name: String, accounts path: String) throws -> (CaseActor, AccountStore)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try AccountStore(path: path)
        guard try store.count() > 0 else { return nil }
        guard let account = try store.account(name), !account.disabled else {
            throw CaseError(.forbidden, "\(path) has accounts, and \(AccountNames.quoted(name)) is not an enabled one: act as an account (wangge user list --data DIR)")
        }
        return (account.actor, store)
    }

    /// One ladder step from the CLI: with accounts, judged by the actor's account (as the
    /// server judges it) and audited (address "cli"); without, as the district. The audit line is
    /// written with the step into the store's outbox, then copied into the accounts file.
    public static func perform(_ action: CaseAction, on id: String, at now: CaseTime, actor: String, note: String, extendHours: Double?,
                               ladder: CaseLadder, store: CaseStore, accounts path: String) throws -> (CaseRecord, CaseTransition) {
        let account = try Self.actor(named: actor, accounts: path)
        let (c, t) = try store.perform(action, on: id, at: now, actor: actor, note: note, extendHours: extendHours, ladder: ladder, rights: account?.0,
                                       audit: account.map { _ in CaseAudit(at: now.seconds, address: "cli") })
        if let accounts = account?.1 { drainAudit(store, into: accounts) }
        return (c, t)
    }

    /// `case tick` with accounts beside the store: each escalation audited as the server's are.
    public static func tick(store: CaseStore, at now: CaseTime, ladder: CaseLadder, accounts path: String) throws -> [(CaseRecord, [CaseTransition])] {
        let accounts = try FileManager.default.fileExists(atPath: path) ? AccountStore(path: path) : nil
        let audited = try accounts.map { try $0.count() > 0 } ?? false
        let due = try store.tick(now: now, ladder: ladder, audit: audited ? CaseAudit(at: now.seconds, address: "cli") : nil)
        if audited, let accounts { drainAudit(store, into: accounts) }
        return due
    }

    /// Copies the store's waiting audit lines into the accounts file. A failure is told, not
    /// thrown: the step is made and its line waits in the store's outbox for the next copy.
    static func drainAudit(_ store: CaseStore, into accounts: AccountStore) {
        do { try AuditOutbox.drain(store, into: accounts) } catch {
            StandardError.write("warning: the audit line is kept in \(store.path) and copied to \(accounts.path) by the next step: \(error)\n")
        }
    }

    public static func now(_ text: String?) throws(CaseError) -> CaseTime {
        guard let text else { return CaseTime(seconds: Int64(Date().timeIntervalSince1970)) }
        guard let t = CaseTime(iso8601: text) else {
            throw CaseError(.badArgument, "--now \"\(text)\" is not an ISO 8601 time with its offset (e.g. 2026-12-01T09:00:00+08:00) or a date (2026-12-01)")
        }
        return t
    }
}

extension CaseDesk {
    /// A time option (`--from`, `--to`): ISO 8601 with offset, or a date (midnight, +08:00).
    public static func time(_ text: String, option: String) throws(CaseError) -> CaseTime {
        guard let t = CaseTime(iso8601: text) else {
            throw CaseError(.badArgument, "\(option) \"\(text)\" is not an ISO 8601 time with its offset or a date (2026-12-01)")
        }
        return t
    }
}

/// A grid's open cases and how many of them are overdue, for the map.
public struct GridCaseCounts: Hashable, Sendable {
    public var open = 0
    public var overdue = 0
    public init(open: Int = 0, overdue: Int = 0) { self.open = open; self.overdue = overdue }
}

extension CaseDesk {
    /// Open cases (not resolved, verified or closed; parked ones included) per grid code at `now`,
    /// and of them those past their deadline (red).
    public static func gridCounts(_ store: CaseStore, now: CaseTime, marginSeconds: Int64) throws(CaseError) -> [String: GridCaseCounts] {
        var counts: [String: GridCaseCounts] = [:]
        for c in try store.list(CaseFilter(), now: now, marginSeconds: marginSeconds) where c.status.isOpen {
            guard let grid = c.gridCode else { continue }
            counts[grid, default: GridCaseCounts()].open += 1
            if c.light(at: now, marginSeconds: marginSeconds) == .red { counts[grid, default: GridCaseCounts()].overdue += 1 }
        }
        return counts
    }
}
