import WanggeGeometry

/// Turns coordinates from any `CRS` into any other. GCJ-02 and BD-09 are defined relative to
/// WGS-84, so they are unwrapped to WGS-84 first (iteratively), PROJ does WGS-84 → target, and
/// the offset is reapplied if the target is GCJ-02 / BD-09:
///
///     gcj02 → (iterative inverse) → wgs84 → (PROJ) → EPSG:n
///
/// GCJ-02 ↔ BD-09 go directly. Not Sendable (it may own a PROJ context): one per thread/task.
public final class CoordinateTransform {
    public let source: CRS
    public let target: CRS
    private let proj: PROJTransformer?

    public init(from source: CRS, to target: CRS) throws(CRSError) {
        self.source = source
        self.target = target
        let s = CoordinateTransform.projSide(source), t = CoordinateTransform.projSide(target)
        // No PROJ step when both ends are the same PROJ CRS (e.g. gcj02 → wgs84, or identity).
        proj = (s == t) ? nil : try PROJTransformer(from: s, to: t)
    }

    /// The PROJ CRS standing in for `crs`: WGS-84 for the Chinese offsets, itself otherwise.
    private static func projSide(_ crs: CRS) -> CRS {
        switch crs {
        case .gcj02, .bd09: .wgs84
        default: crs
        }
    }

    public func transform(_ c: Coordinate) throws(CRSError) -> Coordinate {
        guard c.x.isFinite, c.y.isFinite else { throw .nonFiniteCoordinate(c) }
        switch (source, target) {
        case (.gcj02, .gcj02), (.bd09, .bd09): return c
        case (.gcj02, .bd09): return BD09.fromGCJ02(c)
        case (.bd09, .gcj02): return try BD09.toGCJ02(c)
        default: break
        }
        var p = c
        switch source {
        case .gcj02: p = try GCJ02.toWGS84(p)
        case .bd09: p = try BD09.toWGS84(p)
        default: break
        }
        if let proj { p = try proj.transform(p) }
        switch target {
        case .gcj02: p = GCJ02.fromWGS84(p)
        case .bd09: p = BD09.fromWGS84(p)
        default: break
        }
        return p
    }

    /// Batch form; the PROJ step runs as one `proj_trans_generic` call.
    public func transform(_ cs: [Coordinate]) throws(CRSError) -> [Coordinate] {
        switch (source, target) {
        case (.gcj02, .gcj02), (.bd09, .bd09), (.gcj02, .bd09), (.bd09, .gcj02):
            return try cs.map { c throws(CRSError) in try transform(c) }
        default: break
        }
        var ps = cs
        if let bad = ps.first(where: { !$0.x.isFinite || !$0.y.isFinite }) { throw .nonFiniteCoordinate(bad) }
        switch source {
        case .gcj02: ps = try ps.map { c throws(CRSError) in try GCJ02.toWGS84(c) }
        case .bd09: ps = try ps.map { c throws(CRSError) in try BD09.toWGS84(c) }
        default: break
        }
        if let proj { ps = try proj.transform(ps) }
        switch target {
        case .gcj02: ps = ps.map(GCJ02.fromWGS84)
        case .bd09: ps = ps.map(BD09.fromWGS84)
        default: break
        }
        return ps
    }

    /// Every coordinate of a geometry, structure kept. Each ring or line goes through the batch
    /// transform at once.
    public func transform(_ g: Geometry) throws(CRSError) -> Geometry {
        try g.mapSequences { (cs: [Coordinate]) throws(CRSError) -> [Coordinate] in try transform(cs) }
    }
}
