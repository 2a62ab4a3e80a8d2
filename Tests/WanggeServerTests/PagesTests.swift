import Foundation
import Testing
import WanggeGeoJSON
import WanggeTestSupport
import WanggeCases
import WanggeCaseDesk
import WanggeStore
import WanggeAccounts
@testable import WanggeServer

/// The pages in a real browser, as their users work: the desk registers a case from the intake
/// page, the grid worker accepts it on `/cases`, the township sees it on `/board`.
@Suite(.serialized) struct PagesBrowserTests {
    /// Types `name` and the test password into the page's login form and submits it.
    static func logIn(_ browser: BrowserSession, as name: String) throws {
        _ = try browser.evaluate("""
            document.getElementById('login-name').value = \(JSONValue.string(name).jsonText);
            document.getElementById('login-password').value = \(JSONValue.string(Fixture.password).jsonText);
            document.getElementById('login').requestSubmit(); true
            """)
    }

    @Test func aCaseIsRegisteredAtTheDeskAcceptedByItsWorkerAndCountedOnTheBoard() async throws {
        let outcome = try await withLiveServer { port -> [String: String] in
            var out: [String: String] = [:]
            let base = "http://127.0.0.1:\(port)"
            // The desk (the village station of 费林湾村): ask, log in, register.
            let desk = try BrowserSession()
            try desk.openPage()
            try desk.navigate(base + "/?q=" + ("福禄镇费林湾村1组27号".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            guard try desk.waitFor("document.getElementById('answer').dataset.status === 'login'") else { out["error"] = "no login form"; return out }
            try Self.logIn(desk, as: "feilinwan")
            guard try desk.waitFor("!document.getElementById('register').hidden") else { out["error"] = "no register form"; return out }
            _ = try desk.evaluate("""
                document.getElementById('case-type').value = 'dispute';
                document.getElementById('case-category').value = '邻里纠纷';
                document.getElementById('case-description').value = '<b>噪音</b> 扰民';
                document.getElementById('register').requestSubmit(); true
                """)
            guard try desk.waitFor("document.getElementById('registered').dataset.case !== ''") else {
                out["error"] = "not registered: " + (try desk.evaluate("document.getElementById('registered').textContent").stringValue ?? ""); return out
            }
            let id = try desk.evaluate("document.getElementById('registered').dataset.case").stringValue ?? ""
            out["id"] = id
            out["registered"] = try desk.evaluate("document.getElementById('registered').textContent").stringValue ?? ""

            // The grid worker: the case is on /cases; accepting it moves it on.
            let worker = try BrowserSession()
            try worker.openPage()
            try worker.navigate(base + "/cases")
            guard try worker.waitFor("!document.getElementById('login').hidden") else { out["error"] = "no login on /cases"; return out }
            try Self.logIn(worker, as: "wang")
            let row = "document.querySelector('#cases tr[data-id=\"\(id)\"]')"
            guard try worker.waitFor("\(row) !== null") else {
                out["error"] = "the case is not on /cases: " + (try worker.evaluate("document.getElementById('status').dataset.state + ' ' + document.getElementById('status').textContent + ' | ' + document.getElementById('login-error').textContent + ' | rows ' + document.querySelectorAll('#cases tbody tr').length").stringValue ?? "")
                return out
            }
            out["row"] = try worker.evaluate("\(row).textContent").stringValue ?? ""
            _ = try worker.evaluate("\(row).querySelector('.note').value = '已联系双方'; \(row).querySelector('button[data-action=accept]').click(); true")
            _ = try worker.waitFor("document.getElementById('status').dataset.state === 'done'")
            _ = try worker.waitFor("\(row) !== null && \(row).dataset.status === 'accepted'")
            out["accepted"] = try worker.evaluate("\(row).dataset.status").stringValue ?? ""
            // A step the ladder does not allow here is refused with the server's reason.
            _ = try worker.evaluate("\(row).querySelector('button[data-action=return]').click(); true")
            _ = try worker.waitFor("document.getElementById('status').dataset.state === 'refused'")
            out["refused"] = try worker.evaluate("document.getElementById('status').dataset.state + ' ' + document.getElementById('status').textContent").stringValue ?? ""

            // The township (福禄镇) on the board: its row counts the case; the grid is painted.
            let board = try BrowserSession()
            try board.openPage()
            try board.navigate(base + "/board")
            guard try board.waitFor("!document.getElementById('login').hidden") else { out["error"] = "no login on /board"; return out }
            try Self.logIn(board, as: "fulu")
            guard try board.waitFor("document.getElementById('board-status').dataset.state === 'ready'") else { out["error"] = "board not ready"; return out }
            out["township"] = try board.evaluate("document.querySelector('#townships tr[data-code=\"511111106\"]').textContent").stringValue ?? ""
            out["otherTownship"] = try board.evaluate("String(document.querySelector('#townships tr[data-code=\"511111102\"]'))").stringValue ?? ""
            let grid = "document.querySelector('.grid[data-code=\"511111106214001\"]')"
            out["gridCases"] = try board.evaluate("\(grid).dataset.cases").stringValue ?? ""
            out["gridFill"] = try board.evaluate("getComputedStyle(\(grid)).fill").stringValue ?? ""
            out["emptyFill"] = try board.evaluate("getComputedStyle(document.querySelector('.grid[data-code=\"511111102207001\"]')).fill").stringValue ?? ""
            _ = try board.evaluate("document.querySelector('input[name=colour][value=red]').click(); true")
            out["legend"] = try board.evaluate("document.getElementById('legend').textContent").stringValue ?? ""
            return out
        }
        #expect(outcome["error"] == nil, "\(outcome)")
        let id = try #require(outcome["id"])
        #expect(id.hasPrefix("D") && outcome["registered"]?.contains("511111106214001") == true && outcome["registered"]?.contains("王建国") == true, "\(outcome)")
        // Script-like text is shown as text, never run as markup.
        #expect(outcome["row"]?.contains("<b>噪音</b> 扰民") == true, "\(outcome)")
        #expect(outcome["accepted"] == "accepted", "\(outcome)")
        #expect(outcome["refused"]?.hasPrefix("refused \(id)：") == true, "\(outcome)")
        // The township sees its own township only, with at least this case in hand.
        let counts = (outcome["township"] ?? "").drop { !$0.isNumber }.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(counts.reduce(0, +) >= 1, "\(outcome)")
        #expect(outcome["otherTownship"] == "null", "\(outcome)")
        #expect(Int(outcome["gridCases"] ?? "") ?? 0 >= 1 && outcome["gridFill"] != outcome["emptyFill"], "\(outcome)")
        #expect(outcome["legend"]?.contains("超期") == true, "\(outcome)")
    }

    @Test func thePagesAreSelfContainedAndPublicButShowNothingWithoutASession() {
        for path in ["/cases", "/board"] {
            let page = Fixture.api.handle(APIRequest(method: "GET", path: path))
            #expect(page.status == 200 && page.contentType.hasPrefix("text/html"), "\(path)")
            #expect(!page.text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "\(path) loads something from elsewhere")
            #expect(page.text.contains("id=\"login\"") && !page.text.contains("王建国") && !page.text.contains("13800000001"), "\(path)")
        }
    }
}

/// Group commit: many desks registering at once each get their own case, committed once.
@Suite struct CaseBatcherTests {
    @Test func concurrentAddsEachGetOneCaseAndAllAreStored() throws {
        let dir = Fixture.scratch("batcher")
        let store = try CaseStore(path: dir + "/cases.sqlite")
        let batcher = CaseBatcher(store: store, ladder: CaseLadder())
        let now = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!
        let ids = LockedIDs()
        DispatchQueue.concurrentPerform(iterations: 64) { k in
            let record = CaseRecord(id: k == 7 ? "D000001" : "", type: .problem, category: "", description: "desk \(k)",
                                    location: CaseLocation(address: "文昌巷\(k)号"), townshipCode: "511111001", villageCode: "511111001001",
                                    gridCode: "511111001001001", deadline: now, reportedAt: now)
            do throws(CaseError) { ids.append(try batcher.add(CaseStore.NewCase(record: record, actor: "desk\(k)", note: "")).0.id) } catch { ids.append("refused \(error.kind)") }
        }
        let all = ids.values
        let stored = try store.list(CaseFilter(), now: now, marginSeconds: 0)
        // Every answer is a distinct stored case (one may be refused: k = 7 asks for an id that another may have taken).
        let accepted = all.filter { !$0.hasPrefix("refused") }
        #expect(Set(accepted).count == accepted.count && accepted.count >= 63, "\(all)")
        #expect(Set(stored.map(\.id)) == Set(accepted))
        for c in stored { #expect(try store.history(c.id).count == 1) }
    }
}

final class LockedIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String] = []
    func append(_ id: String) { lock.withLock { ids.append(id) } }
    var values: [String] { lock.withLock { ids } }
}

/// `wangge login` and `case add --server`: the desk as a client of a running server.
@Suite struct RemoteDeskTests {
    @Test func loginAndAddThroughTheServerWithItsRefusalsInWords() async throws {
        let outcome = try await withLiveServer { port -> [String: String] in
            let server = "http://127.0.0.1:\(port)"
            var out: [String: String] = [:]
            do throws(CaseError) { _ = try RemoteDesk.login(server: server, name: "feilinwan", password: "wrong password"); out["wrong"] = "accepted" } catch {
                out["wrong"] = "\(error.kind) \(error)"
            }
            let (token, expires) = try RemoteDesk.login(server: server, name: "feilinwan", password: Fixture.password)
            out["expires"] = expires
            let desk = try RemoteDesk(server: server, token: token)
            let c = try desk.add(["type": .string("dispute"), "category": .string("邻里纠纷"), "address": .string("福禄镇费林湾村1组27号")])
            out["grid"] = c["grid_code"]?.stringValue ?? ""
            out["actor-id"] = c["id"]?.stringValue ?? ""
            do throws(CaseError) { _ = try desk.add(["type": .string("problem"), "address": .string("北京市朝阳区建国路1号")]); out["outside"] = "accepted" } catch {
                out["outside"] = "\(error.kind) \(error)"
            }
            do throws(CaseError) { _ = try RemoteDesk(server: server, token: "forged").add(["type": .string("problem"), "address": .string("福禄镇费林湾村1组27号")]); out["forged"] = "accepted" } catch {
                out["forged"] = "\(error.kind) \(error)"
            }
            return out
        }
        #expect(outcome["wrong"]?.hasPrefix("forbidden") == true && outcome["wrong"]?.contains("401") == true, "\(outcome)")
        #expect(outcome["expires"]?.isEmpty == false)
        #expect(outcome["grid"] == "511111106214001" && outcome["actor-id"]?.hasPrefix("D") == true, "\(outcome)")
        #expect(outcome["outside"]?.hasPrefix("location") == true && outcome["outside"]?.contains("北京") == true, "\(outcome)")
        #expect(outcome["forged"]?.hasPrefix("forbidden") == true && outcome["forged"]?.contains("wangge login") == true, "\(outcome)")
    }

    @Test func noServerThereIsSaidSoAndTheSessionFileIsPrivate() throws {
        // A port nothing listens on (bound and closed again).
        do throws(CaseError) { _ = try RemoteDesk(server: "http://127.0.0.1:9", token: "t").add(["type": .string("problem")]); Issue.record("answered") } catch {
            #expect(error.description.contains("cannot reach") && error.description.contains("wangge serve"), "\(error)")
        }
        do throws(CaseError) { _ = try RemoteDesk(server: "ftp://x", token: "t"); Issue.record("accepted a bad URL") } catch { #expect(error.kind == .badArgument) }
        do throws(CaseError) { _ = try RemoteDesk(server: "http://127.0.0.1:8080", token: ""); Issue.record("accepted no token") } catch {
            #expect(error.description.contains("wangge login"))
        }
        let path = Fixture.scratch("session") + "/cfg/wangge/session.json"
        let session = DeskSession(server: "http://127.0.0.1:8080", name: "wang", token: "abc", expiresAt: "2026-12-01T17:00:00Z")
        try session.save(path)
        #expect(try DeskSession.load(path) == session)
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        try Data("{\"not\":\"a session\"}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CaseError.self) { try DeskSession.load(path) }
    }
}

/// The server's escalation timer: one tick moves an overdue case up and audits it; a second tick
/// at the same moment does nothing (idempotent, like `wangge case tick`).
@Suite struct EscalationTimerTests {
    @Test func aTickEscalatesOverdueCasesOnceAndAuditsThem() throws {
        let dir = Fixture.scratch("timer")
        let store = try CaseStore(path: dir + "/cases.sqlite")
        guard let intake = Fixture.state.cases?.intake else { Issue.record("no case desk"); return }
        let cases = CaseService(store: store, intake: intake, ladder: CaseLadder())
        let accounts = try AccountStore(path: dir + "/accounts.sqlite")
        let audit = AuditDrain(cases: store, accounts: accounts)
        let reported = CaseTime(iso8601: "2026-11-01T09:00:00+08:00")!
        let record = CaseRecord(id: "", type: .dispute, category: "邻里纠纷", description: "", location: CaseLocation(address: "文昌巷1号"),
                                townshipCode: "511111001", villageCode: "511111001001", gridCode: "511111001001001", deadline: reported, reportedAt: reported)
        let (c, _) = try store.add(record, actor: "desk", note: "", ladder: cases.ladder)
        let now = CaseTime(iso8601: "2026-11-20T09:00:00+08:00")!   // past the grid, village and township windows (7 + 3 + 5 days)
        let first = try EscalationTimer.tick(cases, audit: audit, now: now)
        #expect(first.map(\.id) == [c.id] && first[0].levels == [.village, .township, .district], "\(first)")
        #expect(try store.record(c.id)?.level == .district)
        #expect(try EscalationTimer.tick(cases, audit: audit, now: now).isEmpty)
        let lines = try accounts.audit()
        #expect(lines.count == first[0].levels.count && lines.allSatisfy { $0.target == c.id && $0.actor == AutoEscalation.actor && $0.action == .caseTransition })
    }
}
