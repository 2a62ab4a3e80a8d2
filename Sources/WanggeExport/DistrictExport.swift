import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeAssign
import WanggeCases
import WanggeWorkload
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggeGrids
import WanggeStore

/// The coordinate system of exported GeoJSON. The GeoPackage is always WGS-84 (EPSG:4326):
/// GCJ-02 and BD-09 have no EPSG code and only Chinese web base maps expect them.
public enum ExportCRS: String, Sendable, CaseIterable {
    case wgs84, gcj02, bd09

    var crs: CRS {
        switch self {
        case .wgs84: .wgs84
        case .gcj02: .gcj02
        case .bd09: .bd09
        }
    }

    /// The top-level "coordinate_system" member of exported GeoJSON.
    var note: String {
        switch self {
        case .wgs84: "WGS-84 (EPSG:4326, RFC 7946)"
        case .gcj02: "GCJ-02 (offset for Amap/Tencent base maps; not the RFC 7946 WGS-84 — convert back before other use)"
        case .bd09: "BD-09 (offset for Baidu base maps; not the RFC 7946 WGS-84 — convert back before other use)"
        }
    }
}

/// What an export or a map is made from: the district, its point layers, and a set of grids
/// (WGS-84 features with at least a code; every figure — households, residents, workload in hours
/// a week and its parts — is recomputed), plus their blocks when known.
public struct ExportInput: Sendable {
    public var boundaries: DistrictBoundaries
    public var layers: DistrictLayers
    /// landmarks.geojson and incidents.geojson as read (empty when missing).
    public var landmarks: FeatureCollection
    public var incidents: FeatureCollection
    public var grids: FeatureCollection
    public var blocks: FeatureCollection?
    /// The workload report the grids' figures came from (nil without grids).
    public var workloadReport: WorkloadReport?

    /// The grids' figures are recomputed here from their geometry and `layers` (`WorkloadCalculator`,
    /// as `wangge report` does) and replace whatever the grid file says: a grid file edited in QGIS
    /// or one with nothing but codes exports and maps with true numbers.
    public init(boundaries: DistrictBoundaries, layers: DistrictLayers, landmarks: FeatureCollection = .init(),
                incidents: FeatureCollection = .init(), grids: FeatureCollection, blocks: FeatureCollection?,
                workload: WorkloadModel = .standard) throws {
        self.boundaries = boundaries
        self.layers = layers
        self.landmarks = landmarks
        self.incidents = incidents
        (self.grids, self.workloadReport) = try Self.recomputed(grids, boundaries: boundaries, layers: layers, model: workload)
        self.blocks = blocks
    }

    /// `grids` with households, residents, flags, incidents, area, patrol and hours (total and by
    /// part) set from geometry; `workload` is the hours a week; names from boundaries/.
    static func recomputed(_ grids: FeatureCollection, boundaries: DistrictBoundaries, layers: DistrictLayers,
                           model: WorkloadModel) throws -> (FeatureCollection, WorkloadReport?) {
        guard !grids.features.isEmpty else { return (grids, nil) }
        let report = WorkloadReport(figures: try WorkloadCalculator.figures(grids: grids, boundaries: boundaries, layers: layers, model: model),
                                    model: model)
        return (setting(report, on: grids), report)
    }

    /// `grids` (a whole plan) whose grids outside `villages` are as in `previous` (grids with
    /// recomputed figures, and their report): only the grids of `villages` are measured, from
    /// those villages' own addresses and incidents — a point is placed among its own village's
    /// grids, so their figures are what a district-wide run gives — and the report is re-made
    /// from every grid's figures. What a server does after an edit of a few villages.
    public static func recomputed(_ grids: FeatureCollection, villages: Set<String>, previous: (grids: [Feature], report: WorkloadReport),
                                  boundaries: DistrictBoundaries, layers: DistrictLayers,
                                  model: WorkloadModel = .standard) throws -> (FeatureCollection, WorkloadReport) {
        func village(_ f: Feature) -> String { f.string("village_code") ?? String((f.string("code") ?? "").prefix(12)) }
        var measured = grids, pointLayers = layers
        measured.features = grids.features.filter { villages.contains(village($0)) }
        pointLayers.addresses = layers.addresses.filter { villages.contains($0.villageCode) }
        pointLayers.incidents = layers.incidents.filter { villages.contains($0.villageCode) }
        let fresh = measured.features.isEmpty ? [] : try WorkloadCalculator.figures(grids: measured, boundaries: boundaries, layers: pointLayers, model: model)
        var figures = Dictionary(previous.report.grids.map { ($0.figures.code, $0.figures) }, uniquingKeysWith: { a, _ in a })
        for f in previous.report.grids where villages.contains(f.figures.villageCode) { figures[f.figures.code] = nil }
        for f in fresh { figures[f.code] = f }
        // In the order a whole run reports them: the plan's grids' order.
        let codes = grids.features.compactMap { $0.string("code") ?? $0.id.map(\.text) }
        let report = WorkloadReport(figures: codes.compactMap { figures[$0] }, model: model)
        let kept = Dictionary(previous.grids.map { ($0.string("code") ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        var out = setting(report, on: measured)
        let remeasured = Dictionary(out.features.map { ($0.string("code") ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        out.features = grids.features.map { f in
            let code = f.string("code") ?? f.id.map(\.text) ?? ""
            return villages.contains(village(f)) ? (remeasured[code] ?? f) : (kept[code] ?? f)
        }
        return (out, report)
    }

    /// `grids` with each one's figures from `report` set as properties.
    static func setting(_ report: WorkloadReport, on grids: FeatureCollection) -> FeatureCollection {
        let byCode = Dictionary(report.grids.map { ($0.figures.code, $0) }, uniquingKeysWith: { a, _ in a })
        func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
        func real(_ v: Double) -> JSONValue { .number(JSONNumber((v * 10).rounded() / 10)) }
        var out = grids
        for k in out.features.indices {
            let f = out.features[k]
            guard let code = f.string("code") ?? f.id.map(\.text), let h = byCode[code] else { continue }
            let g = h.figures
            out.features[k][property: "code"] = .string(code)
            out.features[k][property: "village_code"] = .string(g.villageCode)
            out.features[k][property: "village"] = .string(g.village)
            out.features[k][property: "township"] = .string(g.township)
            if f.string("name") == nil { out.features[k][property: "name"] = .string(code) }
            out.features[k][property: "households"] = int(g.households)
            out.features[k][property: "residents"] = int(g.residents)
            out.features[k][property: "flagged"] = int(g.elderlyAlone + g.disabled + g.lowIncome + g.keyPersons)
            out.features[k][property: "incidents"] = int(g.incidentCount)
            out.features[k][property: "workload"] = real(h.total)
            for (part, hours) in zip(GridHours.partNames, h.parts) { out.features[k][property: "hours_" + part] = real(hours) }
            out.features[k][property: "patrol_km"] = real(g.patrolKm)
        }
        return out
    }

    /// The grid properties the case colourings read.
    public static let openCasesKey = "cases_open", overdueCasesKey = "cases_overdue"

    /// The input with each grid's open and overdue cases (grid code → counts; a grid absent has 0).
    public func settingCaseCounts(_ counts: [String: (open: Int, overdue: Int)]) -> ExportInput {
        var copy = self
        for k in copy.grids.features.indices {
            let code = copy.grids.features[k].string("code") ?? ""
            let c = counts[code] ?? (0, 0)
            copy.grids.features[k][property: Self.openCasesKey] = .number(JSONNumber(c.open))
            copy.grids.features[k][property: Self.overdueCasesKey] = .number(JSONNumber(c.overdue))
        }
        return copy
    }

    /// Loads `boundaries/`; the grids come from `gridsFile` (and blocks.geojson beside it, when
    /// present), or — without one — from `planned`, else from partitioning the bundled plan with
    /// the default options.
    /// A grid file is validated against the district first (`GridFile`), unless `validate` is false.
    public static func load(boundaries directory: String, gridsFile: String?, planned: GridPlan? = nil, validate: Bool = true,
                            progress: ((Int, Int, String) -> Void)? = nil) throws -> ExportInput {
        let district = try DistrictBoundaries.load(directory: directory)
        let layers = try DistrictLayers.load(directory: directory)
        let reader = GeoJSONReader()
        func optional(_ name: String) throws -> FeatureCollection {
            let path = (directory as NSString).appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: path) ? try reader.readFeatureCollection(contentsOf: path) : .init()
        }
        let landmarks = try optional("landmarks.geojson"), incidents = try optional("incidents.geojson")
        if let gridsFile {
            let grids = try GridFile.load(gridsFile, boundaries: district, validate: validate)
            let blocksPath = ((gridsFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent("blocks.geojson")
            let blocks = FileManager.default.fileExists(atPath: blocksPath) ? try reader.readFeatureCollection(contentsOf: blocksPath) : nil
            return try ExportInput(boundaries: district, layers: layers, landmarks: landmarks, incidents: incidents, grids: grids, blocks: blocks)
        }
        let plan = try planned ?? GridPlanner().plan(boundaries: district, layers: layers) { done, total, name in progress?(done, total, name) }
        try plan.checkValid(against: district)
        return try ExportInput(plan: plan, boundaries: district, layers: layers, landmarks: landmarks, incidents: incidents)
    }

    public init(plan: GridPlan, boundaries: DistrictBoundaries, layers: DistrictLayers,
                landmarks: FeatureCollection = .init(), incidents: FeatureCollection = .init()) throws {
        let writer = GridPlanWriter()
        try self.init(boundaries: boundaries, layers: layers, landmarks: landmarks, incidents: incidents,
                      grids: try writer.gridsCollection(plan), blocks: try writer.blocksCollection(plan))
    }
}

/// One file an export wrote.
public struct ExportedFile: Sendable, Equatable {
    public var path: String
    /// Features (GeoJSON, per layer in the GeoPackage) or data rows (CSV).
    public var count: Int
    public var detail: String
}

/// `wangge export`: every layer as GeoJSON (RFC 7946, 7 decimals, optionally GCJ-02/BD-09), one
/// GeoPackage with all layers (WGS-84), and CSV tables of grids and of assignments. Every file is
/// replaced atomically. Features are sorted by id/code, so the same input gives the same bytes.
public struct DistrictExport {
    public let input: ExportInput
    /// Grid features sorted by code, with the grid worker's properties (`GridWorker`: worker, worker_phone,
    /// worker_id, staff_hours) added, blank, where the grid file names nobody.
    public let grids: [Feature]
    /// Address id → grid code, by the one point-to-grid rule (`GridLocator`): the grid of the
    /// address's own village that covers it, else that village's nearest grid.
    public let addressGrid: [String: String]
    /// incidents.geojson's cases with their grid (`grid_code`, by the one rule with the case's
    /// village), `deadline` (reported + deadline_hours) and `light` — as of the latest event of the
    /// history, so the same file gives the same lights — sorted by id.
    public let incidents: [Feature]
    /// landmarks.geojson's points with their grid (`grid_code`), sorted by id.
    public let landmarks: [Feature]

    /// The name of the GeoPackage written into the output directory.
    public static let geoPackageName = "wangge.gpkg"

    public init(_ input: ExportInput) throws {
        self.input = input
        var grids = input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        for k in grids.indices {
            GridWorker.set(GridWorker(grids[k]), staffHours: GridWorker.staffHours(grids[k]), on: &grids[k])
        }
        self.grids = grids
        let locator = grids.isEmpty ? nil
            : try GridLocator(GridSet(collection: FeatureCollection(features: grids), metricCRS: input.boundaries.profile.metricCRS))
        var addressGrid: [String: String] = [:]
        if let locator {
            for a in input.layers.addresses {
                if let g = locator.grid(at: a.position, village: a.villageCode) { addressGrid[a.id] = locator.grids[g].code }
            }
        }
        self.addressGrid = addressGrid
        func gridCode(_ f: Feature) -> JSONValue {
            guard let locator, case .point(let p)? = f.geometry,
                  let g = locator.grid(at: p, village: f.string("village_code")) else { return .null }
            return .string(locator.grids[g].code)
        }
        func byID(_ fs: [Feature]) -> [Feature] { fs.sorted { ($0.id?.description ?? "") < ($1.id?.description ?? "") } }
        landmarks = byID(input.landmarks.features).map { f in
            var f = f
            f[property: "grid_code"] = gridCode(f)
            return f
        }
        incidents = Self.incidentsWithLights(byID(input.incidents.features), grid: gridCode)
    }

    /// The columns of the incidents layer that hold times (GeoPackage DATETIME; ISO 8601 in GeoJSON).
    public static let incidentTimeColumns = ["reported_at", "resolved_at", "deadline"]

    static func incidentsWithLights(_ features: [Feature], grid: (Feature) -> JSONValue) -> [Feature] {
        let times = features.flatMap { f in ["reported_at", "resolved_at"].compactMap { f.string($0).flatMap(CaseTime.init(iso8601:)) } }
        let asOf = times.max() ?? CaseTime(seconds: 0)
        let margin = CaseDeadlines.standard.yellowMarginSeconds
        return features.map { f in
            var f = f
            f[property: "grid_code"] = grid(f)
            guard let reported = f.string("reported_at").flatMap(CaseTime.init(iso8601:)), let hours = f.double("deadline_hours"),
                  hours.isFinite, hours >= 0 else {
                f[property: "deadline"] = .null
                f[property: "light"] = .null
                return f
            }
            let deadline = reported.adding(hours: hours)
            let resolved = f.string("resolved_at").flatMap(CaseTime.init(iso8601:))
            let record = CaseRecord(id: f.id?.text ?? "", type: CaseType(rawValue: f.string("type") ?? "") ?? CaseType.allCases[0],
                                    status: resolved == nil ? .reported : .resolved, deadline: deadline, reportedAt: reported, resolvedAt: resolved)
            f[property: "deadline"] = .string(deadline.iso8601)
            f[property: "light"] = .string(record.light(at: asOf, marginSeconds: margin).rawValue)
            return f
        }
    }

    func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }

    /// The layers in export order, WGS-84, each sorted by id or code.
    public func layers() -> [GeoPackageLayer] {
        let b = input.boundaries
        var out: [GeoPackageLayer] = []
        out.append(GeoPackageLayer(name: "district", description: "District outline", features: [
            Feature(id: .string(b.code), properties: ["code": .string(b.code), "name": .string(b.name),
                                                     "townships": int(b.townships.count), "villages": int(b.villages.count),
                                                     "grids": int(grids.count)], geometry: b.outline)]))
        func gridCount(_ key: String, _ code: String) -> Int { grids.filter { $0.string(key) == code }.count }
        let gridsByTownship = Dictionary(grouping: grids, by: { String(($0.string("village_code") ?? "").prefix(9)) }).mapValues(\.count)
        let gridsByVillage = Dictionary(grouping: grids, by: { $0.string("village_code") ?? "" }).mapValues(\.count)
        out.append(GeoPackageLayer(name: "townships", description: "Townships (镇/乡/街道)", features: b.townships.map { t in
            Feature(id: .string(t.code), properties: [
                "code": .string(t.code), "name": .string(t.name), "kind": .string(t.kind),
                "villages": int(b.villages.filter { $0.townshipCode == t.code }.count), "grids": int(gridsByTownship[t.code] ?? 0),
            ], geometry: t.geometry)
        }))
        out.append(GeoPackageLayer(name: "villages", description: "Villages and communities (村/社区)", features: b.villages.map { v in
            Feature(id: .string(v.code), properties: [
                "code": .string(v.code), "name": .string(v.name), "kind": .string(v.kind.rawValue),
                "township_code": .string(v.townshipCode), "township": .string(v.township), "grids": int(gridsByVillage[v.code] ?? 0),
            ], geometry: v.geometry)
        }))
        out.append(GeoPackageLayer(name: "grids", description: "Grids (网格), one grid worker each", features: grids,
                                   columnKinds: ["workload": .real, "polsby_popper": .real, GridWorker.staffHoursKey: .real]))
        if let blocks = input.blocks {
            out.append(GeoPackageLayer(name: "blocks", description: "Blocks the grids are made of",
                                       features: blocks.features.sorted { ($0.string("id") ?? "") < ($1.string("id") ?? "") },
                                       columnKinds: ["workload": .real]))
        }
        let villages = Dictionary(b.villages.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        out.append(GeoPackageLayer(name: "addresses", description: "Address points with their grid",
                                   features: input.layers.addresses.sorted { $0.id < $1.id }.map { a in
            Feature(id: .string(a.id), properties: [
                "id": .string(a.id), "village_code": .string(a.villageCode), "village": .string(villages[a.villageCode]?.name ?? ""),
                "grid_code": addressGrid[a.id].map { .string($0) } ?? .null,
                "households": int(a.households), "residents": int(a.residents), "flagged": int(a.flagged),
            ], geometry: .point(a.position))
        }))
        out.append(GeoPackageLayer(name: "landmarks", description: "Landmarks callers name, with their grid", features: landmarks))
        out.append(GeoPackageLayer(name: "incidents", description: "Cases (synthetic) with grid, deadline and light", features: incidents,
                                   columnKinds: Dictionary(uniqueKeysWithValues: Self.incidentTimeColumns.map { ($0, .datetime) })))
        return out
    }

    /// The columns of grids.csv.
    public static let gridsCSVColumns = ["code", "name", "village", "township", "households", "residents", "workload",
                                         GridWorker.nameKey, GridWorker.phoneKey, GridWorker.idKey, GridWorker.staffHoursKey]

    /// grids.csv: code, name, village, township, households, residents, workload (hours a week),
    /// and the grid worker (网格员) with phone, roster id and the grid's staff hours — blank where
    /// the grid file names nobody (`wangge staff --grids-out` fills them).
    public func gridsCSV() -> String {
        var s = Self.gridsCSVColumns.joined(separator: ",") + "\n"
        for g in grids {
            let fields = Self.gridsCSVColumns.map { key -> String in
                switch g.properties?[key] {
                case .string(let v)?: v
                case .number(let n)?: n.text
                case .bool(let b)?: b ? "true" : "false"
                default: ""
                }
            }
            s += fields.map(CSV.field).joined(separator: ",") + "\n"
        }
        return s
    }

    /// assignments.csv: kind (block/address), id, village_code, grid_code — blocks by id, then
    /// addresses by id. An address in no grid polygon has an empty grid_code.
    public func assignmentsCSV() -> String {
        var s = "kind,id,village_code,grid_code\n"
        for f in (input.blocks?.features ?? []).sorted(by: { ($0.string("id") ?? "") < ($1.string("id") ?? "") }) {
            s += ["block", f.string("id") ?? "", f.string("village_code") ?? "", f.string("grid_code") ?? ""].map(CSV.field).joined(separator: ",") + "\n"
        }
        for a in input.layers.addresses.sorted(by: { $0.id < $1.id }) {
            s += ["address", a.id, a.villageCode, addressGrid[a.id] ?? ""].map(CSV.field).joined(separator: ",") + "\n"
        }
        return s
    }

    /// Writes `<layer>.geojson` per layer, `wangge.gpkg`, `grids.csv` and `assignments.csv` as
    /// one set (`AtomicFileSet`): a failed or killed export leaves the previous files, whole.
    public func write(to directory: String, crs: ExportCRS = .wgs84) throws -> [ExportedFile] {
        func path(_ name: String) -> String { FilePath.join(directory, name) }
        let layers = layers()
        var written: [ExportedFile] = []
        let writer = GeoJSONWriter(options: .init(decimals: 7))
        let transform = crs == .wgs84 ? nil : try CoordinateTransform(from: .wgs84, to: crs.crs)
        let set = try AtomicFileSet(directory: directory)
        for layer in layers {
            var features = layer.features
            if let transform {
                for k in features.indices { features[k].geometry = try features[k].geometry.map { g throws(CRSError) in try transform.transform(g) } }
            }
            let fc = FeatureCollection(features: features, foreignMembers: [
                JSONMember("name", .string(layer.name)), JSONMember("coordinate_system", .string(crs.note)),
            ])
            try set.write(layer.name + ".geojson", try writer.encode(fc))
            written.append(ExportedFile(path: path(layer.name + ".geojson"), count: features.count,
                                        detail: crs == .wgs84 ? "RFC 7946, WGS-84" : "\(crs == .gcj02 ? "GCJ-02" : "BD-09") (not RFC 7946 WGS-84)"))
        }
        let geoPackage = try set.stage(Self.geoPackageName)
        try GeoPackageWriter().build(layers, at: geoPackage.temporaryPath, for: path(Self.geoPackageName))
        written.append(ExportedFile(path: path(Self.geoPackageName), count: layers.reduce(0) { $0 + $1.features.count },
                                    detail: "GeoPackage 1.3, \(layers.count) layers, EPSG:4326, R-tree per layer"))
        try set.write("grids.csv", CSV.byteOrderMark + Array(gridsCSV().utf8))
        let named = grids.filter { GridWorker($0) != nil }.count
        written.append(ExportedFile(path: path("grids.csv"), count: grids.count,
                                    detail: named == 0 ? "no grid names its worker (wangge staff --grids-out)" : "\(named) name their grid worker"))
        let assignments = assignmentsCSV()
        try set.write("assignments.csv", CSV.byteOrderMark + Array(assignments.utf8))
        written.append(ExportedFile(path: path("assignments.csv"), count: assignments.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1,
                                    detail: "blocks and addresses → grid"))
        try set.commit()
        return written
    }
}

