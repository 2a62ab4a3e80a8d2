// Loading a grid file into the two indexes.
import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry

/// A grid file ready for assignment: the point index (WGS-84) and the nearest-grid index (metres).
public final class GridSet: @unchecked Sendable {
    public let index: GridIndex
    /// Built on first use: only a point outside every grid needs it, and building it is most of
    /// a one-shot command's load time (`case add`, `geocode` of one address).
    public var nearest: NearestGrid {
        lazily.withLock {
            if let built = nearestBuilt { return built }
            let toMetric = metricTransform()
            let built = NearestGrid(polygons: index.geometries) { ends in Self.checked { try toMetric.transform(ends) } }
            nearestBuilt = built
            return built
        }
    }
    /// The metric CRS of `nearest` (Shawan transverse Mercator).
    public let metricCRS: CRS
    /// WGS-84 → `metricCRS` around the grids, without PROJ per point.
    public let lattice: MetricLattice

    public var grids: [GridInfo] { index.grids }
    /// Each grid's polygons in `metricCRS` (index order): made while loading, or on first use
    /// (`MetricCopy`).
    public var metricPolygons: [[Polygon]] {
        lazily.withLock {
            if let made = metricPolygonsMade { return made }
            let toMetric = metricTransform()
            let made = index.geometries.map { polys in
                polys.map { p in
                    Self.checked { Polygon(exterior: try toMetric.transform(p.exterior), holes: try p.holes.map { try toMetric.transform($0) }) }
                }
            }
            metricPolygonsMade = made
            return made
        }
    }
    private let lazily = NSLock()
    private var nearestBuilt: NearestGrid?
    private var metricPolygonsMade: [[Polygon]]?
    /// The WGS-84 extent of the grids' outer rings (what `lattice` covers).
    let extent: Envelope

    /// A transform of its own for each lazy build (PROJ objects are used from one thread at a time).
    private func metricTransform() -> CoordinateTransform {
        Self.checked { try CoordinateTransform(from: .wgs84, to: metricCRS) }
    }

    /// PROJ work `init` has already done once on the same coordinates (deterministic): it cannot fail here.
    private static func checked<T>(_ body: () throws -> T) -> T {
        do { return try body() } catch { preconditionFailure("metric transform failed after succeeding in GridSet.init: \(error)") }
    }

    /// When `metricPolygons` is made. Areas and the village rule need it; assigning points by
    /// geometry does not (the nearest-grid search takes only the outline to metres), and on a big
    /// grid file it is as large as the grids themselves.
    public enum MetricCopy: Sendable {
        /// While loading, in the same pass that checks every vertex can be taken to metres.
        case now
        /// On first use; loading still takes every vertex to metres once, keeping nothing.
        case onFirstUse
    }

    /// `metricCRS`: the district's (`DistrictProfile.metricCRS`); nil derives a local transverse
    /// Mercator from the grids' extent.
    public convenience init(collection: FeatureCollection, metricCRS: CRS? = nil, metricPolygons copy: MetricCopy = .now) throws {
        try self.init(collection: collection, metricCRS: metricCRS, reusing: nil, metricPolygons: copy)
    }

    /// The same, `reusing` a set of another version of the layer (a plan before its edit): the
    /// metric polygons of grids it has with the same code and the same polygons, and its lattice
    /// over the same extent, are taken from it — what transforming them again would give, since a
    /// transform is a pure function of its input — instead of transforming every vertex again.
    public init(collection: FeatureCollection, metricCRS: CRS?, reusing other: GridSet?,
                metricPolygons copy: MetricCopy = .now) throws {
        index = try GridIndex(grids: Self.items(collection))
        var extent = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for polys in index.geometries { for p in polys { for c in p.exterior { extent.expand(toInclude: c) } } }
        let metricCRS = metricCRS ?? .localTransverseMercator(around: extent)
        self.metricCRS = metricCRS
        self.extent = extent
        let toMetric = try CoordinateTransform(from: .wgs84, to: metricCRS)
        let same = other.flatMap { $0.metricCRS == metricCRS ? $0 : nil }
        // Every vertex is taken to metres here (or was, by the set reused), so a grid file the
        // metric CRS cannot take is refused now, not when `nearest` or `metricPolygons` is first used.
        switch copy {
        case .now:
            var sameByCode: [String: Int] = [:]
            for (k, g) in (same?.grids ?? []).enumerated() where sameByCode[g.code] == nil { sameByCode[g.code] = k }
            metricPolygonsMade = try zip(index.grids, index.geometries).map { grid, polys in
                if let same, let k = sameByCode[grid.code], same.index.geometries[k] == polys { return same.metricPolygons[k] }
                return try polys.map { p in
                    Polygon(exterior: try toMetric.transform(p.exterior), holes: try p.holes.map { try toMetric.transform($0) })
                }
            }
        case .onFirstUse:
            for polys in index.geometries {
                for p in polys { for ring in p.rings { _ = try toMetric.transform(ring) } }
            }
        }
        if let same, same.extent == extent { lattice = same.lattice } else { lattice = try MetricLattice(envelope: extent, to: toMetric) }
    }

    /// What a set indexes of a grid layer: each feature with a polygonal geometry, as its
    /// grid (code, names, village, worker) and polygons, in feature order.
    static func items(_ collection: FeatureCollection) throws -> [(GridInfo, [Polygon])] {
        var items: [(GridInfo, [Polygon])] = []
        for (i, f) in collection.features.enumerated() {
            guard let g = f.geometry, !g.polygons.isEmpty else { continue }
            let code: String
            if let c = f.string("code") { code = c }
            else if case .string(let s)? = f.id { code = s }
            else if case .number(let n)? = f.id { code = n.text }
            else { throw AssignError.missingProperty(feature: i, key: "code") }
            let info = GridInfo(code: code, name: f.string("name") ?? "",
                                village: f.string("village") ?? "", township: f.string("township") ?? "",
                                villageCode: f.string("village_code"), worker: GridWorker(f))
            items.append((info, g.polygons))
        }
        return items
    }

    /// True when this set is what `init(collection:metricCRS:)` would build from `collection` in
    /// `metricCRS`: the same grids (codes, names, villages, workers) with the same polygons — the
    /// layer it was built from, or that layer with other properties (figures) rewritten. Such a
    /// set can serve the layer as it is; building it again costs a transform of every vertex.
    public func indexes(_ collection: FeatureCollection, metricCRS: CRS) -> Bool {
        guard metricCRS == self.metricCRS, let items = try? Self.items(collection), items.count == grids.count else { return false }
        // GridIndex orders its grids so.
        let sorted = items.sorted { $0.0.code < $1.0.code }
        for (k, item) in sorted.enumerated() where item.0 != grids[k] || item.1 != index.geometries[k] { return false }
        return true
    }

    public convenience init(contentsOf path: String) throws {
        try self.init(collection: GeoJSONReader().readFeatureCollection(contentsOf: path))
    }
}
