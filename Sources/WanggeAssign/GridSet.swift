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
    public init(collection: FeatureCollection, metricCRS: CRS? = nil, metricPolygons copy: MetricCopy = .now) throws {
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
        index = try GridIndex(grids: items)
        var extent = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
        for polys in index.geometries { for p in polys { for c in p.exterior { extent.expand(toInclude: c) } } }
        let metricCRS = metricCRS ?? .localTransverseMercator(around: extent)
        self.metricCRS = metricCRS
        let toMetric = try CoordinateTransform(from: .wgs84, to: metricCRS)
        // Every vertex is taken to metres here, so a grid file the metric CRS cannot take is refused
        // now, not when `nearest` or `metricPolygons` is first used.
        switch copy {
        case .now:
            metricPolygonsMade = try index.geometries.map { polys in
                try polys.map { p in
                    Polygon(exterior: try toMetric.transform(p.exterior), holes: try p.holes.map { try toMetric.transform($0) })
                }
            }
        case .onFirstUse:
            for polys in index.geometries {
                for p in polys { for ring in p.rings { _ = try toMetric.transform(ring) } }
            }
        }
        lattice = try MetricLattice(envelope: extent, to: toMetric)
    }

    public convenience init(contentsOf path: String) throws {
        try self.init(collection: GeoJSONReader().readFeatureCollection(contentsOf: path))
    }
}
