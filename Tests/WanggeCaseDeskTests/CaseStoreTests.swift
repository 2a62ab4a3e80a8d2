import Foundation
import Testing
import WanggeIO
import WanggeCaseDesk
import WanggeCases
@testable import WanggeStore

private let t0 = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!

private func newCase(_ id: String = "", _ type: CaseType = .problem, grid: String = "511111001001001", at: CaseTime = t0) -> CaseRecord {
    CaseRecord(id: id, type: type, category: "道路设施", description: "路灯坏了", location: CaseLocation(address: "文昌巷1号", lon: 103.5, lat: 29.4, givenCRS: "wgs84", givenX: 103.5, givenY: 29.4),
               townshipCode: String(grid.prefix(9)), villageCode: String(grid.prefix(12)), gridCode: grid, deadline: at, reportedAt: at)
}

/// Everything the store holds, as one comparable value (cases and transitions by id and seq).
private func snapshot(_ s: CaseStore) throws -> [String] {
    let cases = try s.list(CaseFilter(), now: t0, marginSeconds: 0)
    return try cases.flatMap { c in ["\(c)"] + (try s.history(c.id)).map { "\($0)" } }
}

@Suite struct CaseStoreTests {
    @Test func addStepsAndHistoryRoundTrip() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/sub/cases.sqlite")
        let (a, _) = try store.add(newCase(), actor: "desk", note: "walk-in", ladder: ladder)
        let (b, _) = try store.add(newCase(), actor: "desk", note: "", ladder: ladder)
        #expect(a.id == "D000001" && b.id == "D000002")
        try store.perform(.accept, on: a.id, at: t0.adding(hours: 1), actor: "王五", note: "on my way", ladder: ladder)
        try store.perform(.resolve, on: a.id, at: t0.adding(hours: 5), actor: "王五", note: "fixed", ladder: ladder)
        // A second handle (another desk) sees the same.
        let again = try CaseStore(path: dir + "/sub/cases.sqlite")
        let c = try #require(try again.record(a.id))
        #expect(c.status == .resolved && c.resolvedAt == t0.adding(hours: 5) && c.location.address == "文昌巷1号" && c.lastSeq == 3)
        let h = try again.history(a.id)
        #expect(h.map(\.action) == [.report, .accept, .resolve])
        #expect(h.map(\.actor) == ["desk", "王五", "王五"] && h[1].note == "on my way" && h.map(\.seq) == [1, 2, 3])
        // The stored text is ISO 8601 at +08:00.
        let text = try again.read { db in try String.fetchOne(db, sql: "SELECT reported_at FROM cases WHERE id = 'D000001'") }
        #expect(text == "2026-12-01T09:00:00+08:00")
        do { try store.add(newCase("D000001"), actor: "desk", note: "", ladder: ladder); Issue.record("a duplicate id was added") } catch {
            #expect(error.kind == .duplicateCase)
        }
        do { try store.perform(.accept, on: "NOPE", at: t0, actor: "a", note: "", ladder: ladder); Issue.record("an unknown case moved") } catch {
            #expect(error.kind == .unknownCase)
        }
    }

    /// Several cases in one transaction: each in its own savepoint, so a refused one leaves the
    /// others in; ids keep counting up past any D-id an import brought.
    @Test func addAllCommitsTogetherAndRefusesOneAlone() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        _ = try store.add(newCase(), actor: "desk", note: "", ladder: ladder)                  // D000001
        _ = try store.importCases([try ladder.report(newCase("D000040"), actor: "import", note: "")].map { ($0.0, [$0.1]) })
        let results = try store.addAll([CaseStore.NewCase(record: newCase(), actor: "a", note: ""),
                                        CaseStore.NewCase(record: newCase("D000001"), actor: "b", note: ""),   // taken
                                        CaseStore.NewCase(record: newCase(), actor: "c", note: "")], ladder: ladder)
        #expect(results.count == 3)
        #expect((try? results[0].get())?.0.id == "D000041" && (try? results[2].get())?.0.id == "D000042")
        if case .failure(let e) = results[1] { #expect(e.kind == .duplicateCase) } else { Issue.record("a duplicate id was added") }
        #expect(try store.list(CaseFilter(), now: t0, marginSeconds: 0).map(\.id) == ["D000001", "D000040", "D000041", "D000042"])
        #expect(try store.history("D000042").map(\.actor) == ["c"])
    }

    @Test func aRefusedStepLeavesTheStoreUnchanged() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        try store.add(newCase("X1"), actor: "desk", note: "", ladder: ladder)
        let before = try snapshot(store)
        for action in [CaseAction.resolve, .verify, .close, .extend, .park] {
            #expect(throws: CaseError.self) { try store.perform(action, on: "X1", at: t0.adding(hours: 1), actor: "a", note: "", ladder: ladder) }
        }
        #expect(try snapshot(store) == before)
    }

    @Test func aFailedImportTransactionLeavesTheStoreUnchanged() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        try store.add(newCase("K0"), actor: "desk", note: "", ladder: ladder)
        let before = try snapshot(store)
        var items: [(CaseRecord, [CaseTransition])] = []
        for i in 1...50 {
            let (r, t) = try ladder.report(newCase("K\(i)"), actor: "import", note: "")
            items.append((r, [t]))
        }
        // The 40th case's history repeats a sequence number: the primary key refuses it mid-way.
        items[39].1.append(items[39].1[0])
        #expect(throws: CaseError.self) { try store.importCases(items) }
        #expect(try snapshot(store) == before)
        #expect(try store.count() == 1 && (try store.transitionCount()) == 1)
        // Mended, it goes in whole; again, nothing more.
        items[39].1.removeLast()
        #expect(try store.importCases(items) == (50, 0))
        #expect(try store.importCases(items) == (0, 50))
        #expect(try store.count() == 51)
    }

    @Test func lightsInSQLAreTheLightsInSwift() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        var g = SplitMix64(seed: 12)
        var items: [(CaseRecord, [CaseTransition])] = []
        let grids = ["511111001001001", "511111001001002", "511111100002001", "511111203204001"]
        for i in 0..<600 {
            let reported = t0.adding(seconds: Int64(g.next() % 2_000_000))
            var c = newCase(String(format: "R%04d", i), CaseType.allCases[Int(g.next() % 4)], grid: grids[Int(g.next() % 4)], at: reported)
            let (r, t) = try ladder.report(c, actor: "gen", note: "")
            c = r
            var ts = [t]
            // Random walk up the ladder (legal steps only).
            for _ in 0..<Int(g.next() % 6) {
                let action = CaseAction.allCases[Int(g.next() % UInt64(CaseAction.allCases.count))]
                guard let (n, s) = try? ladder.apply(action, to: c, at: c.updatedAt.adding(seconds: Int64(g.next() % 400_000)),
                                                     actor: "gen", note: "", extendHours: 24) else { continue }
                c = n
                ts.append(s)
            }
            items.append((c, ts))
        }
        #expect(try store.importCases(items).added == 600)
        let margin: Int64 = 24 * 3600
        for hours in stride(from: 0.0, through: 1200, by: 97) {
            let now = t0.adding(hours: hours)
            let report = try store.report(now: now, marginSeconds: margin)
            // The oracle: every case's Swift light, counted by hand.
            var byGrid: [String: LightCounts] = [:]
            for (c, _) in items { byGrid[c.gridCode ?? "-", default: LightCounts()][c.light(at: now, marginSeconds: margin)] += 1 }
            #expect(report.grids.map(\.0) == byGrid.keys.sorted())
            for (code, counts) in report.grids { #expect(counts == byGrid[code]) }
            #expect(report.total.total == 600)
            for light in CaseLight.allCases {
                var f = CaseFilter()
                f.light = light
                let listed = try store.list(f, now: now, marginSeconds: margin).map(\.id)
                #expect(listed == items.filter { $0.0.light(at: now, marginSeconds: margin) == light }.map(\.0.id).sorted())
                // With other filters before it in the query.
                f.gridCode = grids[1]
                f.reportedFrom = t0.adding(hours: 100)
                let narrowed = try store.list(f, now: now, marginSeconds: margin).map(\.id)
                #expect(narrowed == items.filter { c, _ in
                    c.light(at: now, marginSeconds: margin) == light && c.gridCode == grids[1] && c.reportedAt >= t0.adding(hours: 100)
                }.map(\.0.id).sorted())
            }
        }
    }

    @Test func filtersAndTick() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        try store.add(newCase("F1", .problem, grid: "511111001001001"), actor: "d", note: "", ladder: ladder)
        try store.add(newCase("F2", .dispute, grid: "511111100002001", at: t0.adding(hours: 48)), actor: "d", note: "", ladder: ladder)
        try store.add(newCase("F3", .errand, grid: "511111001002001"), actor: "d", note: "", ladder: ladder)
        var f = CaseFilter()
        f.townshipCode = "511111001"
        #expect(try store.list(f, now: t0, marginSeconds: 0).map(\.id) == ["F1", "F3"])
        f = CaseFilter(); f.type = .dispute
        #expect(try store.list(f, now: t0, marginSeconds: 0).map(\.id) == ["F2"])
        f = CaseFilter(); f.reportedFrom = t0.adding(hours: 1)
        #expect(try store.list(f, now: t0, marginSeconds: 0).map(\.id) == ["F2"])
        f = CaseFilter(); f.reportedBefore = t0.adding(hours: 1); f.gridCode = "511111001002001"
        #expect(try store.list(f, now: t0, marginSeconds: 0).map(\.id) == ["F3"])
        // At 100 h the problem (72 h) has climbed once; the errand (120 h) and dispute have not.
        let now = t0.adding(hours: 100)
        let first = try store.tick(now: now, ladder: ladder)
        #expect(first.map(\.0.id) == ["F1"] && first[0].0.level == .village)
        #expect(try store.tick(now: now, ladder: ladder).isEmpty)
        #expect(try store.history("F1").last?.actor == AutoEscalation.actor)
        f = CaseFilter(); f.level = .village; f.status = .escalated
        #expect(try store.list(f, now: now, marginSeconds: 0).map(\.id) == ["F1"])
    }

    @Test func notACaseStoreIsRefused() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let garbage = dir + "/garbage.sqlite"
        try Data("this is not a database, just text that is long enough to be read as a header".utf8).write(to: URL(fileURLWithPath: garbage))
        do { _ = try CaseStore(path: garbage); Issue.record("opened garbage") } catch {
            #expect(error.kind == .store && error.description.contains(garbage))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)).count > 10)
        do { _ = try CaseStore(path: dir); Issue.record("opened a directory") } catch {
            #expect(error.description.contains("directory"))
        }
    }

    /// SQLite would read /dev/null as an empty store, take a case into it (exit 0) and lose it, and
    /// leave its journal beside the device; a FIFO (`<(cat store)`) it cannot read at all.
    @Test func aDeviceOrAPipeIsNeverAStore() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/cases.sqlite"
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, "/dev/null"] {
            do { _ = try CaseStore(path: path); Issue.record("opened \(path) as a store") } catch {
                #expect(error.kind == .store && error.description.contains(path) && error.description.contains("not a regular file"))
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["cases.sqlite"])
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal") && !FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    /// A new store is made whole under a temporary name and linked into place: when making it fails
    /// (the disk full, the schema refused) nothing is left at the path — before, SQLite left an
    /// empty file there — and a store another desk made meanwhile is kept as it is.
    @Test func aNewStoreAppearsWholeOrNotAtAll() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/cases.sqlite"
        struct Refused: Error {}
        let config = StoreFile.configuration
        #expect(throws: CaseError.self) {
            try StoreFile.create(path, configuration: config, failure: { CaseError(.store, $0, file: path) }) { pool in
                try CaseSchema.migrator.migrate(pool)
                throw Refused()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        let store = try CaseStore(path: path)
        try store.add(newCase("KEEP"), actor: "desk", note: "", ladder: CaseLadder())
        try StoreFile.create(path, configuration: config, failure: { CaseError(.store, $0, file: path) }) { pool in
            try CaseSchema.migrator.migrate(pool)
        }
        #expect(try CaseStore(path: path).record("KEEP") != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("wangge-tmp") }.isEmpty)
    }
}


/// What the map colours grids by: open cases per grid and, of them, the overdue.
@Suite struct GridCaseCountTests {
    @Test func openAndOverdueCasesPerGrid() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ladder = CaseLadder()
        let store = try CaseStore(path: dir + "/cases.sqlite")
        let a = "511111001001001", b = "511111001001002"
        let (open1, _) = try store.add(newCase(grid: a), actor: "desk", note: "", ladder: ladder)
        _ = try store.add(newCase(grid: a), actor: "desk", note: "", ladder: ladder)
        let (done, _) = try store.add(newCase(grid: b), actor: "desk", note: "", ladder: ladder)
        try store.perform(.accept, on: done.id, at: t0.adding(hours: 1), actor: "w", note: "", ladder: ladder)
        try store.perform(.resolve, on: done.id, at: t0.adding(hours: 2), actor: "w", note: "", ladder: ladder)
        // Far past every deadline: both open cases of grid a are overdue; grid b's is resolved.
        let late = t0.adding(hours: 24 * 365)
        let counts = try CaseDesk.gridCounts(store, now: late, marginSeconds: ladder.deadlines.yellowMarginSeconds)
        #expect(counts == [a: GridCaseCounts(open: 2, overdue: 2)])
        // Right after reporting: open, not overdue.
        let early = try CaseDesk.gridCounts(store, now: (try store.record(open1.id))!.reportedAt, marginSeconds: 0)
        #expect(early[a] == GridCaseCounts(open: 2, overdue: 0))
    }
}
