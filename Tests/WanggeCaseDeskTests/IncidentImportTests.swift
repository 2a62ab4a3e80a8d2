import Foundation
import Testing
import WanggeAssign
import WanggeCases
@testable import WanggeCaseDesk
import WanggeGeometry
import WanggeStore

@Suite(.serialized) struct IncidentImportTests {
    @Test func theBundledTwelveMonthsLoadAsCasesOnTheirGrids() throws {
        let result = Bundled.imported
        #expect(result.problems.isEmpty, "\(result.problems.prefix(3))")
        #expect(result.cases.count == 6610)
        // Each case's grid contains its point (checked with GEOS-free planar coverage, not the raster index).
        let grids = Bundled.grids
        let outside = result.cases.filter { c, _ in
            guard let g = c.gridCode, let lon = c.location.lon, let lat = c.location.lat else { return true }
            return !grids.covers(gridCode: g, lon: lon, lat: lat)
        }
        #expect(outside.isEmpty, "\(outside.prefix(3).map(\.0.id))")
        // The type counts of PROVENANCE.md, and the levels as recorded.
        var types: [CaseType: Int] = [:], levels: [CaseLevel: Int] = [:]
        for (c, _) in result.cases { types[c.type, default: 0] += 1; levels[c.level, default: 0] += 1 }
        #expect(types == [.departmentMatter: 780, .dispute: 730, .errand: 1300, .problem: 3800])
        #expect(levels == [.grid: 4588, .village: 1196, .township: 550, .district: 196, .department: 80])
        // Every history is a legal walk: reported, accepted, (escalated, accepted)*, resolved.
        for (c, ts) in result.cases {
            #expect(ts.first?.action == .report && ts.last?.action == .resolve && c.status == .resolved)
            #expect(ts.filter { $0.action == .escalate }.count == c.level.rank)
            #expect(zip(ts, ts.dropFirst()).allSatisfy { $0.time <= $1.time && $0.seq + 1 == $1.seq })
        }
    }

    @Test func importIsIdempotentAndOneTransaction() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try CaseStore(path: dir + "/cases.sqlite")
        let items = Bundled.imported.cases
        #expect(try store.importCases(items) == (6610, 0))
        #expect(try store.importCases(items) == (0, 6610))
        #expect(try store.count() == 6610)
        #expect(try store.transitionCount() == items.reduce(0) { $0 + $1.1.count })
        // Resumed after losing some: only the missing ones are added.
        let store2 = try CaseStore(path: dir + "/partial.sqlite")
        #expect(try store2.importCases(Array(items.prefix(1000))) == (1000, 0))
        #expect(try store2.importCases(items) == (5610, 1000))
        // The report over the import: recorded deadlines give the lights (403 late of 6610).
        let report = try store.report(now: CaseTime(iso8601: "2026-12-01")!, marginSeconds: 86_400)
        #expect(report.total.total == 6610 && report.total.yellow == 0 && report.total.parked == 0)
        let late = items.filter { c, _ in (c.resolvedAt ?? c.deadline) > c.deadline }.count
        #expect(report.total.red == late)
    }

    @Test func badFeaturesAreNamedAndTheRestGoesOn() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.geojson"
        let good = #"{"type":"Feature","id":"G1","properties":{"type":"dispute","category":"邻里纠纷","reported_at":"2025-11-01T06:17:27+08:00","deadline_hours":168,"resolved_at":null,"level":"grid","village_code":"511111001001"},"geometry":{"type":"Point","coordinates":[103.5456277,29.4112789]}}"#
        let features = [
            good,
            good.replacingOccurrences(of: "\"G1\"", with: "\"B1\"").replacingOccurrences(of: "\"dispute\"", with: "\"complaint\""),
            good.replacingOccurrences(of: "\"G1\"", with: "\"B2\"").replacingOccurrences(of: "2025-11-01T06:17:27+08:00", with: "yesterday"),
            good.replacingOccurrences(of: "\"G1\"", with: "\"B3\"").replacingOccurrences(of: "\"grid\"", with: "\"street\""),
            good.replacingOccurrences(of: "\"G1\"", with: "\"B4\"").replacingOccurrences(of: "[103.5456277,29.4112789]", with: "[104.9,28.1]")
                .replacingOccurrences(of: ",\"village_code\":\"511111001001\"", with: ""),
            good,
        ]
        try Data(("{\"type\":\"FeatureCollection\",\"features\":[\n" + features.joined(separator: ",\n") + "\n]}\n").utf8).write(to: URL(fileURLWithPath: path))
        let r = try IncidentImport.read(path: path, grids: Bundled.grids, ladder: CaseLadder())
        #expect(r.cases.map(\.0.id) == ["G1"])
        #expect(r.problems.count == 5)
        let words = ["complaint", "reported_at", "street", "in no grid", "twice"]
        for (p, (i, w)) in zip(r.problems, zip([1, 2, 3, 4, 5], words)) {
            #expect(p.file == path && p.description.contains("feature \(i)") && p.description.contains(w), "\(p)")
        }
        // An open case (no resolved_at) stays at its level, accepted, with the recorded deadline.
        #expect(r.cases[0].0.status == .accepted && r.cases[0].0.deadline == CaseTime(iso8601: "2025-11-08T06:17:27+08:00"))
    }
}

@Suite struct CSVHistoryTests {
    @Test func badRowsAreNamedByLineAndTheRestGoesOn() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/history.csv"
        // CRLF line ends, a quoted address with a comma, a blank line; lines 3–7 are bad.
        let rows = [
            "id,type,category,reported_at,deadline_hours,resolved_at,level,address,village_code,lon,lat",
            "H1,dispute,邻里纠纷,2025-11-01T06:17:27+08:00,168,2025-11-02T06:00:00+08:00,village,\"文昌巷317号,2楼\",511111001001,103.5456277,29.4112789",
            "H2,complaint,,2025-11-01T06:17:27+08:00,,,,,,103.5456277,29.4112789",
            "H3,problem,,2025-11-01,72,2025-10-01T00:00:00+08:00,,,,103.5456277,29.4112789",
            "H4,problem,,2025-11-01T06:17:27+08:00,-3,,,,,103.5456277,29.4112789",
            "H5,problem,,2025-11-01T06:17:27+08:00,72,,,,,east,29.4112789",
            "H1,problem,,2025-11-01T06:17:27+08:00,72,,,,,103.5456277,29.4112789",
            "",
            "H6,errand,低保申请,2025-11-03T10:00:00+08:00,120,,,,,103.5456277,29.4112789",
        ]
        try Data((rows.joined(separator: "\r\n") + "\r\n").utf8).write(to: URL(fileURLWithPath: path))
        let r = try IncidentImport.read(path: path, grids: Bundled.grids, ladder: CaseLadder())
        #expect(r.cases.map(\.0.id) == ["H1", "H6"])
        #expect(r.cases[0].0.location.address == "文昌巷317号,2楼" && r.cases[0].0.level == .village && r.cases[0].0.status == .resolved)
        #expect(r.problems.map(\.line) == [3, 4, 5, 6, 7])
        for (p, w) in zip(r.problems, ["complaint", "before reported_at", "deadline_hours", "lon", "twice"]) {
            #expect(p.file == path && p.description.contains(path + ":\(p.line ?? 0)") && p.description.contains(w), "\(p)")
        }
    }

    /// Excel in China saves CSV as GBK. The Chinese fields' bytes come from Python's `codecs`
    /// (`'邻里纠纷'.encode('gbk')` …), not from our decoder; a UTF-8 row pasted in still reads.
    @Test func aGBKHistoryFromExcelReadsAsItsUTF8Twin() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dispute: [UInt8] = [0xC1, 0xDA, 0xC0, 0xEF, 0xBE, 0xC0, 0xB7, 0xD7]                          // 邻里纠纷
        let address: [UInt8] = [0xC4, 0xAD, 0xBD, 0xAD, 0xBD, 0xD6, 0xB5, 0xC0, 0xCE, 0xC4, 0xB2, 0xFD,
                                0xCF, 0xEF, 0x33, 0x31, 0x37, 0xBA, 0xC5]                                  // 沫江街道文昌巷317号
        let errand: [UInt8] = [0xB5, 0xCD, 0xB1, 0xA3, 0xC9, 0xEA, 0xC7, 0xEB]                             // 低保申请
        var bytes = Array("id,type,category,reported_at,deadline_hours,resolved_at,level,address,village_code,lon,lat\r\n".utf8)
        bytes += Array("G1,dispute,".utf8) + dispute + Array(",2025-11-01T06:17:27+08:00,168,,,".utf8) + address
        bytes += Array(",511111001001,103.5456277,29.4112789\r\n".utf8)
        bytes += Array("G2,errand,".utf8) + errand + Array(",2025-11-03T10:00:00+08:00,120,,,,,103.5456277,29.4112789\r\n".utf8)
        bytes += Array("G3,errand,低保申请,2025-11-03T11:00:00+08:00,120,,,,,103.5456277,29.4112789\r\n".utf8)
        bytes += [0x47, 0x34, 0x2C, 0xFF, 0xFE, 0x0A]                                                     // neither encoding
        let path = dir + "/history-gbk.csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let r = try IncidentImport.read(path: path, grids: Bundled.grids, ladder: CaseLadder())
        #expect(r.cases.map(\.0.id) == ["G1", "G2", "G3"])
        #expect(r.cases.map(\.0.category) == ["邻里纠纷", "低保申请", "低保申请"])
        #expect(r.cases[0].0.location.address == "沫江街道文昌巷317号")
        #expect(r.problems.map(\.line) == [5] && r.problems.first?.description.contains("GB18030") == true, "\(r.problems)")
    }

    @Test func aHeaderWithoutTheRequiredColumnsIsRefused() throws {
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/h.csv"
        try Data("id,type,when\nX,problem,2025-11-01\n".utf8).write(to: URL(fileURLWithPath: path))
        do { _ = try IncidentImport.read(path: path, grids: Bundled.grids, ladder: CaseLadder()); Issue.record("accepted") } catch let e as CaseError {
            #expect(e.description.contains(path + ":1") && e.description.contains("reported_at"))
        }
    }
}
