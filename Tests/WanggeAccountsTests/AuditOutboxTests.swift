import Foundation
import Testing
import WanggeAccounts
import WanggeCases
import WanggeStore

/// A case change's audit line is written with the change (the case store's outbox) and copied
/// into the accounts file: never lost between the two files, never recorded twice.
@Suite struct AuditOutboxTests {
    static let t0 = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!

    static func stores(_ name: String) throws -> (CaseStore, AccountStore) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-outbox-\(name)-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (try CaseStore(path: dir + "/cases.sqlite"), try AccountStore(path: dir + "/accounts.sqlite"))
    }

    static func newCase(_ id: String) -> CaseRecord {
        var c = CaseRecord(id: id, type: .problem, deadline: t0, reportedAt: t0)
        c.townshipCode = "511111106"; c.villageCode = "511111106214"; c.gridCode = "511111106214001"
        return c
    }

    static func caseLines(_ accounts: AccountStore) throws -> [AuditEntry] {
        try accounts.audit(after: 0, limit: 10_000).filter { $0.action == .caseTransition || $0.action == .caseCreated }
    }

    @Test func aStepWritesItsLineWithItAndTheCopyMovesIt() throws {
        let (cases, accounts) = try Self.stores("step")
        let audit = CaseAudit(at: Self.t0.seconds, address: "10.0.0.7")
        try cases.add(Self.newCase("A1"), actor: "desk", note: "", ladder: CaseLadder(), audit: audit)
        try cases.perform(.accept, on: "A1", at: Self.t0, actor: "wang", note: "", ladder: CaseLadder(), audit: audit)
        // A refused step (accepting an accepted case) is rolled back with its line.
        #expect(throws: CaseError.self) { try cases.perform(.accept, on: "A1", at: Self.t0, actor: "wang", note: "", ladder: CaseLadder(), audit: audit) }
        let waiting = try cases.pendingAudit(after: 0, limit: 100)
        #expect(cases.auditIdentity.count == 32 && waiting.map(\.action) == ["case_create", "case_transition"])
        #expect(waiting.map(\.actor) == ["desk", "wang"] && waiting.allSatisfy { $0.target == "A1" && $0.address == "10.0.0.7" && $0.at == Self.t0.seconds })
        #expect(waiting[1].detail == "accept grid→grid")
        #expect(try Self.caseLines(accounts).isEmpty)

        #expect(try AuditOutbox.drain(cases, into: accounts).appended == 2)
        let lines = try Self.caseLines(accounts)
        #expect(lines.map(\.action) == [.caseCreated, .caseTransition] && lines.map(\.detail) == ["problem in grid 511111106214001", "accept grid→grid"])
        let mark = try accounts.auditCopied(from: cases.auditIdentity)
        #expect(mark == waiting[1].id)
        #expect(try cases.pendingAudit(after: mark, limit: 100).isEmpty)
        #expect(try AuditOutbox.drain(cases, into: accounts).appended == 0)
        #expect(try AuditOutbox.drain(cases, into: accounts, after: 0) == (0, mark))   // a drainer's stale mark: nothing twice
        #expect(try Self.caseLines(accounts).count == 2)
    }

    @Test func aCopyRepeatedAfterAKillIsRecordedOnce() throws {
        let (cases, accounts) = try Self.stores("repeat")
        let audit = CaseAudit(at: Self.t0.seconds, address: "cli")
        for k in 1...3 { try cases.add(Self.newCase("R\(k)"), actor: "desk", note: "", ladder: CaseLadder(), audit: audit) }
        // A drain killed after its first batch was committed, and a second drain reading the
        // same lines before that commit (two desks at once):
        let first = try cases.pendingAudit(after: 0, limit: 2)
        let all = try cases.pendingAudit(after: 0, limit: 10)
        #expect(try accounts.copyAudit(first, from: cases.auditIdentity) == 2)
        #expect(try accounts.copyAudit(all, from: cases.auditIdentity) == 1)
        #expect(try accounts.copyAudit(all, from: cases.auditIdentity) == 0)
        #expect(try AuditOutbox.drain(cases, into: accounts).appended == 0)
        #expect(try Self.caseLines(accounts).map(\.target) == ["R1", "R2", "R3"])
        // Lines with an origin already in the log are skipped even past the mark (a second guard).
        try accounts.record([AuditOutbox.entry(all[0], store: cases.auditIdentity)])
        #expect(try Self.caseLines(accounts).count == 3)
    }

    @Test func twoStoresLinesAreKeptApart() throws {
        // Outbox ids start at 1 in every store: the store's identity keeps their origins apart.
        let (first, accounts) = try Self.stores("two")
        let second = try CaseStore(path: (first.path as NSString).deletingLastPathComponent + "/cases2.sqlite")
        let audit = CaseAudit(at: Self.t0.seconds, address: "cli")
        try first.add(Self.newCase("F1"), actor: "desk", note: "", ladder: CaseLadder(), audit: audit)
        try second.add(Self.newCase("S1"), actor: "desk", note: "", ladder: CaseLadder(), audit: audit)
        #expect(try first.pendingAudit(after: 0, limit: 1)[0].id == second.pendingAudit(after: 0, limit: 1)[0].id)
        #expect(first.auditIdentity != second.auditIdentity)
        try AuditOutbox.drain(first, into: accounts)
        try AuditOutbox.drain(second, into: accounts)
        #expect(try Self.caseLines(accounts).map(\.target) == ["F1", "S1"])
    }

    @Test func aGroupCommitsRefusedCaseLeavesNoLine() throws {
        let (cases, accounts) = try Self.stores("batch")
        let audit = CaseAudit(at: Self.t0.seconds, address: "cli")
        let results = try cases.addAll([NewCase(record: Self.newCase("B1"), actor: "a", note: "", audit: audit),
                                        NewCase(record: Self.newCase("B1"), actor: "b", note: "", audit: audit),   // a duplicate: refused
                                        NewCase(record: Self.newCase("B2"), actor: "c", note: "", audit: audit)], ladder: CaseLadder())
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        try AuditOutbox.drain(cases, into: accounts)
        #expect(try Self.caseLines(accounts).map(\.actor) == ["a", "c"])
    }

    @Test func anAutomaticEscalationHasALinePerLevel() throws {
        let (cases, accounts) = try Self.stores("tick")
        try cases.add(Self.newCase("T1"), actor: "desk", note: "", ladder: CaseLadder())   // registered without audit
        let later = CaseTime(iso8601: "2026-12-20T09:00:00+08:00")!
        let moved = try cases.tick(now: later, ladder: CaseLadder(), audit: CaseAudit(at: later.seconds, address: "server"))
        #expect(moved.count == 1 && moved[0].1.count >= 2)
        try AuditOutbox.drain(cases, into: accounts)
        let lines = try Self.caseLines(accounts)
        #expect(lines.count == moved[0].1.count && lines.allSatisfy { $0.actor == AutoEscalation.actor && $0.detail.hasSuffix("(deadline passed)") })
        #expect(lines.first?.detail == "escalate grid→village (deadline passed)")
    }

    /// Copied lines are removed from the outbox a thousand at a time (one more commit each).
    @Test func manyLinesAreCopiedInBatchesAndTheOutboxCleared() throws {
        let (cases, accounts) = try Self.stores("many")
        let items = (0..<2_345).map { NewCase(record: Self.newCase("M\($0)"), actor: "desk", note: "", audit: CaseAudit(at: Self.t0.seconds, address: "cli")) }
        _ = try cases.addAll(items, ladder: CaseLadder())
        #expect(try AuditOutbox.drain(cases, into: accounts) == (2_345, 2_345))
        #expect(try Set(Self.caseLines(accounts).map(\.target)).count == 2_345)
        #expect(try cases.oldestAuditLine() == 2_001)
        // Copied lines below the next thousand stay (no commit on the case store for them).
        try cases.add(Self.newCase("N1"), actor: "desk", note: "", ladder: CaseLadder(), audit: CaseAudit(at: Self.t0.seconds, address: "cli"))
        #expect(try AuditOutbox.drain(cases, into: accounts) == (1, 2_346))
        #expect(try cases.oldestAuditLine() == 2_001 && cases.pendingAudit(after: 2_345, limit: 10).map(\.target) == ["N1"])
    }
}
