// The staffing problem of a district: its villages (points, neighbours), a grid file's grids
// (points, hours of work) and a roster, handed to WanggeStaffing as ids, hours and metres.
import WanggeAssign
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeStaffing
import WanggeWorkload

public enum TeamInput {
    /// Hours of work a week and households per grid, in the order of `locator.grids`: the workload
    /// model's, each grid's figures recomputed from its geometry (`WorkloadCalculator`, as
    /// `wangge report`; addresses placed by `GridLocator`'s one rule).
    public static func gridWork(locator: GridLocator, boundaries: DistrictBoundaries, layers: DistrictLayers,
                                model: WorkloadModel) throws -> (hours: [Double], households: [Int]) {
        let figures = try WorkloadCalculator.figures(locator: locator, boundaries: boundaries, layers: layers, model: model)
        let byCode = Dictionary(figures.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let ordered = locator.grids.map { byCode[$0.code] }
        return (ordered.map { $0.map { WorkloadCalculator.hours($0, model: model).total } ?? 0 }, ordered.map { $0?.households ?? 0 })
    }

    /// Each village's point (centroid, or a point on its surface when the centroid falls outside)
    /// in the district's metric CRS, and its neighbours: the villages it touches (they tile the
    /// district, so neighbours share a boundary).
    public static func villages(_ boundaries: DistrictBoundaries) throws -> [StaffingVillage] {
        let toMetric = try CoordinateTransform(from: .wgs84, to: boundaries.profile.metricCRS)
        let context = GEOSContext()
        let sorted = boundaries.villages.sorted { $0.code < $1.code }
        let handles = try sorted.map { v in try context.geometry(from: try v.geometry.mapCoordinates { try toMetric.transform($0) }) }
        let envelopes = try handles.map { try $0.envelope() }
        var neighbours = [[String]](repeating: [], count: sorted.count)
        for i in sorted.indices {
            guard let e = envelopes[i] else { continue }
            let prepared = try PreparedGeometry(handles[i])
            for j in sorted.indices where j > i {
                guard let f = envelopes[j], e.intersects(f), try prepared.intersects(handles[j]) else { continue }
                neighbours[i].append(sorted[j].code)
                neighbours[j].append(sorted[i].code)
            }
        }
        return try sorted.indices.map { i in
            let p = try point(of: handles[i])
            return StaffingVillage(code: sorted[i].code, townshipCode: sorted[i].townshipCode, x: p.x, y: p.y,
                                   neighbours: neighbours[i].sorted())
        }
    }

    /// The grids of `locator` with their hours (`hours`, same order) and centroids in metres.
    public static func grids(_ locator: GridLocator, hours: [Double]) throws -> [StaffingGrid] {
        let context = GEOSContext()
        return try locator.grids.indices.map { g in
            let polygons = locator.gridSet.metricPolygons[g]
            let p = try point(of: context.geometry(from: polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)))
            return StaffingGrid(code: locator.grids[g].code, villageCode: locator.grids[g].villageCode, workHours: hours[g], x: p.x, y: p.y)
        }
    }

    static func point(of g: GEOSGeometryHandle) throws -> Coordinate {
        let centroid = try g.centroid()
        if try g.intersects(centroid), let c = try centroid.pointCoordinate() { return c }
        return try g.pointOnSurface().pointCoordinate() ?? Coordinate(0, 0)
    }

    /// Everything `wangge staff` needs from a district and a grid file, loaded once.
    public struct Loaded: Sendable {
        public var boundaries: DistrictBoundaries
        public var locator: GridLocator
        public var households: [Int]
        public var problem: StaffingProblem
    }

    /// The staffing problem of `grids` (a validated grid collection) in `boundaries`, with
    /// `addresses` for the hours and `roster` for the people.
    public static func load(boundaries: DistrictBoundaries, grids: FeatureCollection, layers: DistrictLayers,
                            roster: Roster, model: WorkloadModel = .standard) throws -> Loaded {
        let locator = try GridLocator(GridSet(collection: grids, metricCRS: boundaries.profile.metricCRS))
        let work = try gridWork(locator: locator, boundaries: boundaries, layers: layers, model: model)
        let problem = StaffingProblem(grids: try Self.grids(locator, hours: work.hours), villages: try villages(boundaries),
                                      people: roster.entries.map(StaffMember.init))
        return Loaded(boundaries: boundaries, locator: locator, households: work.households, problem: problem)
    }
}

/// `wangge staff` as a library call: read the district, the grid file (checked as `wangge
/// validate` checks it unless `validate` is false), the addresses and the roster; staff the grids.
public enum TeamStaffing {
    /// `grids`: the grid file as read (`GridFile.load`; validating it is the caller's, and may run
    /// beside this). `directory`: boundaries/, for the addresses and incidents behind the hours.
    public static func run(district: DistrictBoundaries, boundaries directory: String, grids: FeatureCollection, gridsFile: String,
                           rosterFile: String, options: StaffingOptions = StaffingOptions(),
                           model: WorkloadModel = .standard) throws -> StaffingReport {
        let roster = try RosterFile.read(rosterFile, villageCodes: Set(district.villages.map(\.code)))
        let layers = try DistrictLayers.load(directory: directory, lines: false)
        let loaded = try TeamInput.load(boundaries: district, grids: grids, layers: layers, roster: roster, model: model)
        let result = try Staffing(options: options).solve(loaded.problem)
        return StaffingReport(result: result, roster: roster, loaded: loaded, options: options, gridsFile: gridsFile)
    }

    /// Everything from files: the grid file is checked as `wangge validate` checks it first,
    /// unless `validate` is false.
    public static func run(boundaries directory: String, gridsFile: String, rosterFile: String,
                           options: StaffingOptions = StaffingOptions(), validate: Bool = true) throws -> StaffingReport {
        let district = try DistrictBoundaries.load(directory: directory)
        let grids = try GridFile.load(gridsFile, boundaries: district, validate: validate)
        return try run(district: district, boundaries: directory, grids: grids, gridsFile: gridsFile, rosterFile: rosterFile, options: options)
    }
}
