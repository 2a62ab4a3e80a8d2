import CGEOS

/// A GEOS prepared geometry: indexes its base once so repeated predicates against many other
/// geometries (e.g. thousands of points against one grid cell) are fast.
///
/// Holds a strong reference to its base handle: GEOS prepared geometries point into the base
/// geometry, so the base must outlive it. Not `Sendable` (bound to its context's thread).
public final class PreparedGeometry {
    public let base: GEOSGeometryHandle
    private let prepared: OpaquePointer
    private var context: GEOSContext { base.context }

    public init(_ base: GEOSGeometryHandle) throws {
        self.base = base
        // GEOSPrepare_r: NULL on exception.
        self.prepared = try base.context.rawPointer("GEOSPrepare_r") { GEOSPrepare_r($0, base.pointer) }
    }

    deinit {
        GEOSPreparedGeom_destroy_r(base.context.handle, prepared)
    }

    private func test(_ function: String, _ other: GEOSGeometryHandle,
                      _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        base.sameContext(other)
        return try context.predicate(function) { op($0, prepared, other.pointer) }
    }

    // Prepared predicates return 2 on exception.
    /// Same semantics as `GEOSGeometryHandle.contains`: boundary-only is not contained.
    public func contains(_ other: GEOSGeometryHandle) throws -> Bool {
        try test("GEOSPreparedContains_r", other, GEOSPreparedContains_r)
    }

    /// `other` lies in the interior, not touching the boundary at all.
    public func containsProperly(_ other: GEOSGeometryHandle) throws -> Bool {
        try test("GEOSPreparedContainsProperly_r", other, GEOSPreparedContainsProperly_r)
    }

    public func covers(_ other: GEOSGeometryHandle) throws -> Bool {
        try test("GEOSPreparedCovers_r", other, GEOSPreparedCovers_r)
    }

    public func intersects(_ other: GEOSGeometryHandle) throws -> Bool {
        try test("GEOSPreparedIntersects_r", other, GEOSPreparedIntersects_r)
    }

    // Point tests. GEOSPreparedContainsXY_r only arrives in GEOS 3.12, and GEOS points are
    // immutable through the C API (mutating one would leave its cached envelope stale), so each
    // test makes one small point on this context and frees it straight after.
    private func pointTest(_ function: String, _ c: Coordinate,
                           _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        try context.checkFinite(c)
        let ctx = context
        let point = try ctx.rawPointer("GEOSGeom_createPointFromXY_r") { GEOSGeom_createPointFromXY_r($0, c.x, c.y) }
        defer { GEOSGeom_destroy_r(ctx.handle, point) }
        return try ctx.predicate(function) { op($0, prepared, point) }
    }

    /// True when `c` is in the interior (a point on the boundary is not contained).
    public func contains(_ c: Coordinate) throws -> Bool {
        try pointTest("GEOSPreparedContains_r", c, GEOSPreparedContains_r)
    }

    /// True when `c` is in the interior or on the boundary.
    public func covers(_ c: Coordinate) throws -> Bool {
        try pointTest("GEOSPreparedCovers_r", c, GEOSPreparedCovers_r)
    }

    public func intersects(_ c: Coordinate) throws -> Bool {
        try pointTest("GEOSPreparedIntersects_r", c, GEOSPreparedIntersects_r)
    }

    /// `contains` for many points, in order.
    public func contains(_ points: [Coordinate]) throws -> [Bool] {
        try points.map { try contains($0) }
    }
}

extension GEOSGeometryHandle {
    public func prepared() throws -> PreparedGeometry { try PreparedGeometry(self) }
}
