import Foundation
import Testing
import WanggeAssign
import WanggeDistrict
import WanggeGeoJSON
import WanggeGrids
import WanggeIO
import WanggeStaffing
@testable import WanggeTeam

enum Bundled {
    static let boundaries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("boundaries").path
    static let district = try! DistrictBoundaries.load(directory: boundaries)
    static let villageCodes = Set(district.villages.map(\.code))
}

/// The roster as a file: encodings, line ends, what is refused.
@Suite struct RosterFileTests {
    static let villages: Set<String> = ["511111001001"]
    static let text = "id,name,role,home_village_code,phone,hours_per_week\r\nP1,王建国,grid_worker,511111001001,13800000001,40\r\n"
        + "P2,\"李,丽\",village_cadre,511111001001,13800000002,15\r\nP3,张三,group_leader,511111009999,13800000003,6\r\n"

    @Test func utf8WithAByteOrderMarkAndCRLF() throws {
        let roster = try RosterFile.read(bytes: CSV.byteOrderMark + Array(Self.text.utf8), name: "r.csv", villageCodes: Self.villages)
        #expect(roster.entries.map(\.name) == ["王建国", "李,丽"])
        #expect(roster.encoding == "UTF-8")
        #expect(roster.warnings.map(\.description) == ["r.csv line 4, home_village_code: \"511111009999\" is not a village or community of the district; row skipped"])
    }

    @Test func gbkAsExcelInChinaSavesIt() throws {
        // Foundation's GB18030-2000 (kCFStringEncodingGB_18030_2000), as WanggeIO's TextEncoding.
        let gbk = String.Encoding(rawValue: 0x8000_0632)
        let bytes = Array(Self.text.data(using: gbk)!)
        #expect(String(validating: bytes, as: UTF8.self) == nil)  // really not UTF-8
        let roster = try RosterFile.read(bytes: bytes, name: "r.csv", villageCodes: Self.villages)
        #expect(roster.encoding == "GB18030")
        #expect(roster.entries.map(\.name) == ["王建国", "李,丽"])
        #expect(roster.skipped == 1)
    }

    @Test func refusedFilesSayWhy() throws {
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try RosterFile.read(bytes: bytes, name: "r.csv", villageCodes: Self.villages); return "accepted" } catch { return "\(error)" }
        }
        #expect(message([]).hasPrefix("r.csv: it is empty"))
        #expect(message([0xFF, 0xFE] + Array("i\0d\0".utf8)).hasPrefix("r.csv: it is UTF-16"))
        #expect(message(Array("id,name,role,phone\nP1,a,grid_worker,1\n".utf8))
            == "r.csv: no columns \"home_village_code\", \"hours_per_week\"; the header has id, name, role, phone (a roster needs id,name,role,home_village_code,phone,hours_per_week)")
        #expect(message(Array((Self.text + "P4,\"open,grid_worker,511111001001,1,4\nP5,x,grid_worker,511111001001,13800000005,4\n").utf8))
            .contains("line 5: a quote opened in this row is never closed"))
    }

    @Test func undecodableAndOverlongRowsAreSkippedInPlace() throws {
        var bytes = Array(Self.text.utf8)
        bytes += [0x50, 0x39, 0x2C, 0xFF, 0xFE, 0x0A]                        // line 5: neither UTF-8 nor GB18030
        bytes += Array(("P6," + String(repeating: "x", count: 300) + "\n").utf8)  // line 6: too long
        bytes += Array("P7,周七,social_worker,511111001001,13800000007,20\n".utf8)
        let roster = try RosterFile.read(bytes: bytes, name: "r.csv", villageCodes: Self.villages, maxRecordBytes: 200)
        #expect(roster.entries.map(\.id) == ["P1", "P2", "P7"])
        #expect(roster.warnings.map(\.line) == [4, 5, 6])
    }
}

/// The bundled district: its roster, the plan staffed, the files written.
@Suite(.serialized) struct BundledTeamTests {
    static let roster = try! RosterFile.read(FilePath.join(Bundled.boundaries, "roster.csv"), villageCodes: Bundled.villageCodes)
    static let plan = try! GridPlanner().plan(boundaries: Bundled.district, layers: DistrictLayers.load(directory: Bundled.boundaries))
    static let grids = try! GridPlanWriter().gridsCollection(plan)
    static let loaded = try! TeamInput.load(boundaries: Bundled.district, grids: grids,
                                            layers: DistrictLayers.load(directory: Bundled.boundaries), roster: roster)
    static let result = try! Staffing().solve(loaded.problem)

    @Test func theBundledRosterLoadsWithTheExpectedCounts() {
        let r = Self.roster
        #expect(r.skipped == 0)
        #expect(r.entries.count == 2211)
        // By role, as the generator's assumptions give them (boundaries/PROVENANCE.md).
        #expect(StaffRole.allCases.map { r.count($0) } == [204, 593, 1070, 121, 223])
        #expect(Set(r.entries.map(\.homeVillageCode)) == Bundled.villageCodes)
        #expect(Set(r.entries.map(\.phone)).count == 2211)
        #expect(r.entries.allSatisfy { $0.phone.hasPrefix("1380000") && $0.phone.count == 11 })
        // Every village has at least one grid worker, and no more than a few.
        var workers: [String: Int] = [:]
        for e in r.entries where e.role == .gridWorker { workers[e.homeVillageCode, default: 0] += 1 }
        #expect(workers.count == 148 && workers.values.max()! <= 8)
    }

    @Test func householdsPerGridAreThoseThePlanCounted() {
        // Independent paths: the plan counts addresses per block; TeamInput by GridLocator.
        let byPlan = Dictionary(uniqueKeysWithValues: Self.plan.grids.map { ($0.code, $0.figures.households) })
        for (g, h) in zip(Self.loaded.locator.grids, Self.loaded.households) { #expect(byPlan[g.code] == h, "\(g.code)") }
    }

    @Test func everyGridIsStaffedAndTheRatioIsEven() {
        let r = Self.result
        #expect(r.unfilled.isEmpty)
        #expect(r.unassigned.isEmpty)
        #expect(r.workHours.cv > 0.3)          // hours per grid before staffing: CV 0.38 (wangge report)
        #expect(r.naive.cv > 0.3)
        #expect(r.ratio.cv <= 0.10, "CV \(r.ratio.cv)")
        // Every supporting member away from home is on a neighbour's grid within the limit.
        let villages = Dictionary(uniqueKeysWithValues: Self.loaded.problem.villages.map { ($0.code, $0) })
        let gridVillage = Dictionary(uniqueKeysWithValues: r.grids.map { ($0.code, $0.villageCode) })
        for p in r.people where p.post == .support {
            let v = gridVillage[p.grid!]!
            if v != p.villageCode {
                #expect(villages[p.villageCode]!.neighbours.contains(v), "\(p.id)")
                #expect(p.distance! <= 5000, "\(p.id)")
            }
        }
    }

    @Test func villageNeighboursAreSymmetric() {
        let villages = Self.loaded.problem.villages
        let byCode = Dictionary(uniqueKeysWithValues: villages.map { ($0.code, $0) })
        for v in villages {
            #expect(!v.neighbours.isEmpty, "\(v.code) has no neighbour")
            for n in v.neighbours { #expect(byCode[n]!.neighbours.contains(v.code)) }
        }
    }

    @Test func theFilesAreTheSameBytesEveryRun() throws {
        let report = StaffingReport(result: Self.result, roster: Self.roster, loaded: Self.loaded, options: StaffingOptions(), gridsFile: "grids.geojson")
        let again = StaffingReport(result: try Staffing().solve(Self.loaded.problem), roster: Self.roster, loaded: Self.loaded,
                                   options: StaffingOptions(), gridsFile: "grids.geojson")
        #expect(report.csv() == again.csv())
        #expect(report.json() == again.json())
        let csv = report.csv()
        #expect(Array(csv.prefix(3)) == CSV.byteOrderMark)
        let lines = String(decoding: csv.dropFirst(3), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2212)
        #expect(lines[0] == Substring(StaffingReport.csvHeader.joined(separator: ",")))
        // Written together into a directory, and read back as JSON.
        let dir = NSTemporaryDirectory() + "wangge-team-tests-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try report.write(to: dir)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/staffing.json"))) as! [String: Any]
        #expect((json["grids"] as! [Any]).count == 204)
        #expect((json["people"] as! [Any]).count == 2211)
        #expect(FileManager.default.contents(atPath: dir + "/staffing.csv") == Data(csv))
    }

    @Test func theStaffedGridFileNamesEachGridsWorkerAndKeepsEverythingElse() throws {
        let report = StaffingReport(result: Self.result, roster: Self.roster, loaded: Self.loaded, options: StaffingOptions(), gridsFile: "grids.geojson")
        // A grid left over from an earlier staffing names someone; the new staffing replaces it.
        var stale = Self.grids
        stale.features[0][property: GridWorker.nameKey] = .string("旧网格员")
        let staffed = report.staffedGrids(stale)
        #expect(staffed.features.count == Self.grids.features.count)
        let people = Dictionary(uniqueKeysWithValues: Self.roster.entries.map { ($0.id, $0) })
        let byCode = Dictionary(uniqueKeysWithValues: Self.result.grids.map { ($0.code, $0) })
        for (before, after) in zip(Self.grids.features, staffed.features) {
            #expect(after.geometry == before.geometry)
            for m in before.properties?.members ?? [] { #expect(after.properties?[m.key] == m.value, "\(m.key)") }
            let code = before.string("code")!
            let grid = try #require(byCode[code])
            let worker = try #require(GridWorker(after), "\(code) names no worker")
            let entry = try #require(people[grid.gridWorker!])
            #expect(entry.role == .gridWorker)
            #expect(worker == GridWorker(id: entry.id, name: entry.name, phone: entry.phone))
            #expect(abs(GridWorker.staffHours(after)! - grid.staffHours) <= 0.05)
        }
        // The point-to-grid index reads them back, as assign and the gazetteer use it.
        let set = try GridSet(collection: staffed, metricCRS: Bundled.district.profile.metricCRS)
        #expect(set.grids.allSatisfy { $0.worker != nil })
        #expect(Set(set.grids.compactMap { $0.worker?.id }).count == 204)
        // A grid nobody staffs is blanked, not left naming the earlier worker.
        var none = staffed.features[0]
        GridWorker.set(nil, staffHours: nil, on: &none)
        #expect(GridWorker(none) == nil && GridWorker.staffHours(none) == nil)
    }
}
