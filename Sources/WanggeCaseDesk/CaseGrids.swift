import WanggeAssign
import WanggeCases
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry

/// The grid file a case desk places cases on: `GridLocator` (the one point-to-grid rule every
/// module uses) plus, per grid, its township code and grid worker from the file's properties.
public final class CaseGrids: @unchecked Sendable {
    // Read-only after init; GridLocator is used from one thread at a time (a desk is one command).
    public let path: String
    public let locator: GridLocator
    private let townshipByGrid: [String]
    private let workerByGrid: [String?]

    /// Where a point lands: its grid, that grid's village and township, and its worker if known.
    public struct Placement: Hashable, Sendable {
        public var gridCode: String
        public var villageCode: String
        public var townshipCode: String
        public var gridWorker: String?
        /// True when the point is in no grid and was given its village's nearest grid (rule 2).
        public var nearestOnly: Bool
    }

    /// Reads the grid file (`validate`: each feature a valid polygon with a code of its own, as
    /// `GridFile.structuralProblems` checks; `--no-validate` to insist).
    public convenience init(path: String, validate: Bool = true) throws {
        let collection = try GridFile.load(path, boundaries: nil, validate: validate)
        self.init(path: path, collection: collection, locator: try GridLocator(GridSet(collection: collection)))
    }

    /// A grid file already read, with its locator (e.g. the server's).
    public init(path: String, collection: FeatureCollection, locator: GridLocator) {
        self.path = path
        self.locator = locator
        var township: [String: String] = [:]
        for f in collection.features {
            guard let code = f.string("code") else { continue }
            township[code] = f.string("township_code")
        }
        let set = locator.gridSet
        // A 12-digit village code is its township's 9 digits + 3 (the national 统计用区划代码 rule).
        townshipByGrid = set.grids.map { township[$0.code] ?? String($0.villageCode.prefix(9)) }
        workerByGrid = set.grids.map { $0.worker?.name }
    }

    /// The grid of a WGS-84 point: with `village` known, that village's covering grid (else its
    /// nearest); without, the covering grid. nil when it is in no grid and no village is known.
    public func place(lon: Double, lat: Double, village: String?) -> Placement? {
        let c = Coordinate(x: lon, y: lat)
        let covering = locator.locate(c).gridIndex
        guard let g = locator.grid(at: c, village: village) else { return nil }
        let info = locator.grids[g]
        let nearest = covering == nil || !locator.gridSet.index.geometries[g].contains { Planar.covers($0, c) }
        return Placement(gridCode: info.code, villageCode: info.villageCode, townshipCode: townshipByGrid[g],
                         gridWorker: workerByGrid[g], nearestOnly: nearest)
    }

    /// The nearest grid of a point in none, and the distance in metres (for messages).
    public func nearest(lon: Double, lat: Double) -> (code: String, metres: Double)? {
        locator.nearest(Coordinate(x: lon, y: lat)).map { (locator.grids[$0.grid].code, $0.distance) }
    }

    /// True when grid `code` covers the point (boundary included).
    public func covers(gridCode code: String, lon: Double, lat: Double) -> Bool {
        guard let g = locator.grids.firstIndex(where: { $0.code == code }) else { return false }
        return locator.gridSet.index.geometries[g].contains { Planar.covers($0, Coordinate(x: lon, y: lat)) }
    }
}
