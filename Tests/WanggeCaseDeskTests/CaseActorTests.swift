import Foundation
import Testing
import WanggeAccounts
import WanggeCaseDesk
import WanggeCases
import WanggeIO
import WanggeStore

/// `wangge case … --actor`: without accounts the district operator (any name, as before); with
/// an accounts file, the account of that name judged by CaseRights, and the step audited.
@Suite struct CaseActorTests {
    static let t0 = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!

    static func storeWithACase() throws -> (CaseStore, String) {
        let dir = scratch()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        var c = CaseRecord(id: "", type: .problem, deadline: t0, reportedAt: t0)
        c.townshipCode = "511111106"; c.villageCode = "511111106214"; c.gridCode = "511111106214001"
        let (r, _) = try store.add(c, actor: "desk", note: "", ladder: CaseLadder())
        return (store, r.id)
    }

    @Test func withoutAccountsAnyNameActsAsTheDistrict() throws {
        let (store, id) = try Self.storeWithACase()
        let accounts = FilePath.directory(of: store.path) + "/accounts.sqlite"
        #expect(try CaseDesk.actor(named: "张三", accounts: accounts) == nil)
        let (c, t) = try CaseDesk.perform(.accept, on: id, at: Self.t0, actor: "张三", note: "", extendHours: nil, ladder: CaseLadder(), store: store, accounts: accounts)
        #expect(c.status == .accepted && t.actor == "张三")
        #expect(!FileManager.default.fileExists(atPath: accounts))  // not made by asking
    }

    @Test func withAccountsTheActorIsAnAccountWithTheRight() throws {
        let (store, id) = try Self.storeWithACase()
        let path = FilePath.directory(of: store.path) + "/accounts.sqlite"
        let accounts = try AccountStore(path: path)
        for (name, role, unit) in [("wang", AccountRole.grid, "511111106214001"), ("li", .grid, "511111102207001"), ("zhou", .village, "511111106214")] {
            try accounts.add(Account(name: name, displayName: name, role: role, unit: unit, passwordHash: try PasswordHash.make("password1", rounds: PasswordHash.minimumRounds), createdAt: 0),
                             audit: AuditEntry(at: 0, actor: "cli:test", action: .userAdded, target: name, address: "cli"))
        }
        func step(_ action: CaseAction, _ actor: String) throws -> CaseRecord {
            try CaseDesk.perform(action, on: id, at: Self.t0, actor: actor, note: "", extendHours: 24, ladder: CaseLadder(), store: store, accounts: path).0
        }
        #expect(throws: CaseError.self) { _ = try step(.accept, "张三") }  // not an account
        #expect(throws: CaseError.noSuchCase(id)) { _ = try step(.accept, "li") }  // another grid's worker
        #expect(try step(.accept, "wang").status == .accepted)
        do { _ = try step(.extend, "wang"); Issue.record("the holder extended its own deadline") } catch let e as CaseError { #expect(e.kind == .forbidden) }
        #expect(try step(.extend, "zhou").status == .accepted)  // the station above may
        #expect(try store.history(id).map(\.actor) == ["desk", "wang", "zhou"])
        let audit = try accounts.audit().filter { $0.action == .caseTransition }
        #expect(audit.map(\.actor) == ["wang", "zhou"] && audit.allSatisfy { $0.target == id && $0.address == "cli" })
    }
}
