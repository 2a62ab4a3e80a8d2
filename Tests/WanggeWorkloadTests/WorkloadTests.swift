import Foundation
import Testing
import WanggeDistrict
import WanggeGeoJSON
import WanggeCRS
import WanggeGeometry
import WanggeGrids
@testable import WanggeWorkload

/// The bundled district, partitioned once (tests never read out/).
enum Bundled {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boundaries = try! DistrictBoundaries.load(directory: root.appendingPathComponent("boundaries").path)
    static let layers = try! DistrictLayers.load(directory: root.appendingPathComponent("boundaries").path)
    static let grids: FeatureCollection = {
        let plan = try! GridPlanner().plan(boundaries: boundaries, layers: layers)
        return try! GridPlanWriter().gridsCollection(plan)
    }()
    static let figures = try! WorkloadCalculator.figures(grids: grids, boundaries: boundaries, layers: layers)
}

@Suite struct GridFiguresTests {
    /// Every address and incident counts in exactly one grid: the district's totals are the layers'.
    @Test func everyPointCountsOnce() {
        let f = Bundled.figures, l = Bundled.layers
        #expect(f.count == 204)
        #expect(f.reduce(0) { $0 + $1.records } == l.addresses.count)
        #expect(f.reduce(0) { $0 + $1.households } == l.addresses.reduce(0) { $0 + $1.households })
        #expect(f.reduce(0) { $0 + $1.residents } == l.addresses.reduce(0) { $0 + $1.residents })
        #expect(f.reduce(0) { $0 + $1.elderlyAlone + $1.disabled + $1.lowIncome + $1.keyPersons } == l.addresses.reduce(0) { $0 + $1.flagged })
        #expect(f.reduce(0) { $0 + $1.incidentCount } == l.incidents.count)
        // The grids tile the district: their areas add up to the district's (in the same metric CRS).
        let area = f.reduce(0) { $0 + $1.areaKm2 }
        let toMetric = try! PROJTransformer(from: .wgs84, to: Bundled.boundaries.profile.metricCRS)
        let districtKm2 = try! toMetric.transform(Bundled.boundaries.outline).polygons.reduce(0) { $0 + $1.planarArea } / 1e6
        #expect(abs(area - districtKm2) < 0.01, "\(area) km² of grids, \(districtKm2) km² of district")
        #expect(f.allSatisfy { $0.patrolKm >= 0 && $0.patrolKm.isFinite })
        #expect(f.filter { $0.records > 1 }.allSatisfy { $0.patrolKm > 0 })
    }

    /// A grid file with nothing but codes and geometry reports exactly as the full one.
    @Test func codesOnlyFileGivesTheSameFigures() throws {
        let bare = FeatureCollection(features: Bundled.grids.features.map { f in
            Feature(id: f.id, properties: ["code": .string(f.string("code")!)], geometry: f.geometry)
        })
        let figures = try WorkloadCalculator.figures(grids: bare, boundaries: Bundled.boundaries, layers: Bundled.layers)
        #expect(figures == Bundled.figures)
        #expect(figures.allSatisfy { !$0.village.isEmpty && !$0.township.isEmpty })
    }

    /// Stale or invented properties (a QGIS edit) change nothing: figures come from geometry.
    @Test func storedFiguresAreIgnored() throws {
        let lying = FeatureCollection(features: Bundled.grids.features.map { f in
            var f = f
            f[property: "households"] = .number(JSONNumber(999_999))
            f[property: "workload"] = .number(JSONNumber(-1))
            return f
        })
        #expect(try WorkloadCalculator.figures(grids: lying, boundaries: Bundled.boundaries, layers: Bundled.layers) == Bundled.figures)
    }

    /// Two grids of one village merged (as in QGIS): the merged grid carries exactly the sum of
    /// their households, residents, flags, records and incidents, and the sum of their areas.
    @Test func mergedGridsAddUp() throws {
        let features = Bundled.grids.features.sorted { $0.string("code")! < $1.string("code")! }
        let byVillage = Dictionary(grouping: features, by: { $0.string("village_code")! })
        let village = byVillage.keys.sorted().first { byVillage[$0]!.count >= 2 }!
        let a = byVillage[village]![0], b = byVillage[village]![1]
        let ctx = GEOSContext()
        let union = try ctx.geometry(from: a.geometry!).union(ctx.geometry(from: b.geometry!)).value()
        var merged = a
        merged.geometry = union
        let rest = features.filter { $0.string("code") != a.string("code") && $0.string("code") != b.string("code") }
        let figures = try WorkloadCalculator.figures(grids: FeatureCollection(features: rest + [merged]),
                                                     boundaries: Bundled.boundaries, layers: Bundled.layers)
        let m = figures.first { $0.code == a.string("code") }!
        let fa = Bundled.figures.first { $0.code == a.string("code") }!, fb = Bundled.figures.first { $0.code == b.string("code") }!
        #expect(figures.count == 203)
        #expect(m.households == fa.households + fb.households)
        #expect(m.residents == fa.residents + fb.residents)
        #expect(m.records == fa.records + fb.records)
        #expect(m.elderlyAlone == fa.elderlyAlone + fb.elderlyAlone && m.disabled == fa.disabled + fb.disabled)
        #expect(m.lowIncome == fa.lowIncome + fb.lowIncome && m.keyPersons == fa.keyPersons + fb.keyPersons)
        #expect(m.incidentCount == fa.incidentCount + fb.incidentCount)
        #expect(abs(m.areaKm2 - (fa.areaKm2 + fb.areaKm2)) < 1e-6)
        // The other grids are untouched.
        for f in figures where f.code != m.code { #expect(f == Bundled.figures.first { $0.code == f.code }!) }
    }

    /// Patrol over the terrain: a round trip is never faster than on the flat; a flat raster gives
    /// exactly the flat time; a uniform 10 % slope gives Tobler's round trip; steeper than the path
    /// limit is walked as switchbacks at the limit.
    @Test func slopeSlowsThePatrol() throws {
        let flat = try ElevationModel(columns: 10, rows: 10, minX: 0, minY: 0, cellSize: 100, values: Array(repeating: 200, count: 100))
        let leg = [(Coordinate(150, 150), Coordinate(850, 150))]
        #expect(abs(WorkloadCalculator.slowdown(leg, flat) - 1) < 1e-12)
        #expect(WorkloadCalculator.slowdown(leg, nil) == 1)
        // Rising 10 m per 100 m eastwards (x): values row-major from the north.
        let ramp = try ElevationModel(columns: 10, rows: 10, minX: 0, minY: 0, cellSize: 100,
                                      values: (0..<100).map { Double($0 % 10) * 10 })
        let expected = (1 / Tobler.speed(slope: 0.1) + 1 / Tobler.speed(slope: -0.1)) / (2 / Tobler.speed(slope: 0))
        #expect(abs(WorkloadCalculator.slowdown(leg, ramp) - expected) < 1e-9)
        // 50 % is walked as a 20 % path: 2.5 × as long, at 20 %'s speeds.
        let steep = try ElevationModel(columns: 10, rows: 10, minX: 0, minY: 0, cellSize: 100,
                                       values: (0..<100).map { Double($0 % 10) * 50 })
        let switchback = (2.5 / Tobler.speed(slope: 0.2) + 2.5 / Tobler.speed(slope: -0.2)) / (2 / Tobler.speed(slope: 0))
        #expect(abs(WorkloadCalculator.slowdown(leg, steep) - switchback) < 1e-9)
        // On the bundled terrain every grid's round trip is at least its flat time.
        #expect(Bundled.boundaries.elevation != nil)
        #expect(Bundled.figures.allSatisfy { $0.patrolSlowdown >= 1 })
        #expect(Bundled.figures.contains { $0.patrolSlowdown > 1.5 })
    }

    @Test func spanningTree() {
        #expect(WorkloadCalculator.spanningTreeLength([]) == 0)
        #expect(WorkloadCalculator.spanningTreeLength([Coordinate(0, 0)]) == 0)
        // A unit square's tree is three sides; a line of points is its length.
        #expect(abs(WorkloadCalculator.spanningTreeLength([Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1)]) - 3) < 1e-12)
        #expect(abs(WorkloadCalculator.spanningTreeLength((0..<10).map { Coordinate(Double($0) * 2, 0) }.reversed()) - 18) < 1e-12)
    }
}

@Suite struct HoursTests {
    /// Each part by hand from the standard model.
    @Test func partsByHand() {
        var f = GridFigures(code: "511111001001001", name: "", villageCode: "511111001001", village: "", township: "")
        f.households = 52; f.elderlyAlone = 13; f.disabled = 0; f.lowIncome = 0; f.keyPersons = 0
        f.incidents = [("dispute", 52), ("weird", 26)]
        f.patrolKm = 10; f.records = 200
        let h = WorkloadCalculator.hours(f, model: .standard)
        #expect(abs(h.parts[0] - 52 * 12 / 52 * 0.25) < 1e-9)          // households: 3 h
        #expect(abs(h.parts[1] - 13 * 4 * 12 / 52 * 0.5) < 1e-9)       // flagged: 6 h
        #expect(abs(h.parts[2] - (1 * 4 + 0.5 * 2)) < 1e-9)            // a dispute a week, an unknown type every two
        #expect(abs(h.parts[3] - 2 * 6 * 0.25 * 10 / 4) < 1e-9)        // patrol: 7.5 h
        #expect(abs(h.parts[4] - 1) < 1e-9)                            // upkeep
        #expect(abs(h.total - h.parts.reduce(0, +)) < 1e-12)
    }

    @Test func spread() {
        let even = Spread([2, 2, 2, 2])
        #expect(even.cv == 0 && even.gini == 0 && even.maxOverMean == 1)
        let one = Spread([0, 0, 0, 4])
        #expect(abs(one.gini - 0.75) < 1e-12 && one.maxOverMean == 4 && one.minOverMean == 0)
        #expect(abs(Spread([1, 3]).cv - 0.5) < 1e-12)
    }

    @Test func reportOutputs() {
        let r = WorkloadReport(figures: Bundled.figures, model: .standard)
        #expect(r.gridsCSV.hasPrefix("\u{FEFF}code,name,"))
        #expect(r.gridsCSV.split(separator: "\n").count == 205)
        #expect((try? JSONSerialization.jsonObject(with: Data(r.json.utf8))) != nil)
        #expect(r.histogramSVG.hasPrefix("<svg") && r.histogramSVG.contains("mean"))
        #expect(r.headline.contains("hours, district-wide") && r.headline.contains("hours, within villages"))
        // District-wide spread is wider than within villages (119 villages have one grid).
        #expect(r.districtSpread.cv > r.withinVillageSpread.cv)
        // Same input, same bytes.
        #expect(WorkloadReport(figures: Bundled.figures, model: .standard).json == r.json)
    }
}

@Suite struct WorkloadModelTests {
    func write(_ text: String) -> String {
        let path = NSTemporaryDirectory() + "wangge-workload-\(getpid())-\(UUID().uuidString).json"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func standardRoundTrips() throws {
        let path = write(WorkloadModel.standard.json)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let m = try WorkloadModel.load(path)
        #expect(m.parameters.map(\.value) == WorkloadModel.standard.parameters.map(\.value))
        #expect(m.parameters.map(\.note) == WorkloadModel.standard.parameters.map(\.note))
    }

    @Test func partialFileKeepsDefaults() throws {
        let path = write("{\"household_visit_hours\": 0.5, \"patrols_per_day\": {\"value\": 1, \"note\": \"one patrol\"}}")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let m = try WorkloadModel.load(path)
        #expect(m["household_visit_hours"] == 0.5 && m["patrols_per_day"] == 1 && m["dispute_hours"] == 4)
    }

    @Test(arguments: [
        ("{\"houshold_visit_hours\": 1}", "unknown key \"houshold_visit_hours\""),
        ("{\"dispute_hours\": -2}", "dispute_hours: -2.0 is negative"),
        ("{\"dispute_hours\": \"three\"}", "dispute_hours: \"three\" is not a number"),
        ("{\"dispute_hours\": true}", "dispute_hours"),
        ("{\"dispute_hours\": {\"valeu\": 2}}", "unknown field \"valeu\""),
        ("{\"walking_speed_kmh\": 0}", "walking_speed_kmh must be greater than 0"),
        ("[1, 2]", "expected a JSON object"),
        ("{\"dispute_hours\": ", "not valid JSON"),
    ])
    func badFiles(_ text: String, _ message: String) {
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try WorkloadModel.load(path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains(message)
        }
    }
}
