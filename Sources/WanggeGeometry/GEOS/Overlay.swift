import CGEOS

// Overlay operations and binary predicates. Predicates follow OGC/DE-9IM semantics exactly:
// `contains` excludes the boundary (a point on an edge is not contained), `covers` includes it.

extension GEOSGeometryHandle {
    private func binary(_ function: String, _ other: GEOSGeometryHandle,
                        _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> GEOSGeometryHandle {
        sameContext(other)
        return try context.makeGeometry(function) { op($0, pointer, other.pointer) }
    }

    private func relation(_ function: String, _ other: GEOSGeometryHandle,
                          _ op: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        sameContext(other)
        return try context.predicate(function) { op($0, pointer, other.pointer) }
    }

    // All overlay functions return NULL on exception.
    public func union(_ other: GEOSGeometryHandle) throws -> GEOSGeometryHandle {
        try binary("GEOSUnion_r", other, GEOSUnion_r)
    }

    public func intersection(_ other: GEOSGeometryHandle) throws -> GEOSGeometryHandle {
        try binary("GEOSIntersection_r", other, GEOSIntersection_r)
    }

    public func difference(_ other: GEOSGeometryHandle) throws -> GEOSGeometryHandle {
        try binary("GEOSDifference_r", other, GEOSDifference_r)
    }

    public func symDifference(_ other: GEOSGeometryHandle) throws -> GEOSGeometryHandle {
        try binary("GEOSSymDifference_r", other, GEOSSymDifference_r)
    }

    /// Dissolves the parts of this geometry into one (overlapping polygons merge, lines node).
    public func unaryUnion() throws -> GEOSGeometryHandle {
        try context.makeGeometry("GEOSUnaryUnion_r") { GEOSUnaryUnion_r($0, pointer) }
    }

    /// Unary union with snap-rounding to a grid of `gridSize` (OverlayNG): robust where
    /// floating-point noding fails, e.g. on nearly coincident lines. Of linework, it is the
    /// noded, dissolved network that polygonize needs.
    public func unaryUnion(gridSize: Double) throws -> GEOSGeometryHandle {
        guard gridSize.isFinite, gridSize > 0 else {
            throw GeometryInputError.invalidParameter(name: "gridSize", value: gridSize)
        }
        // GEOSUnaryUnionPrec_r: NULL on exception.
        return try context.makeGeometry("GEOSUnaryUnionPrec_r") { GEOSUnaryUnionPrec_r($0, pointer, gridSize) }
    }

    /// Union of a polygonal coverage — polygons that do not overlap and whose shared edges have
    /// the same vertices — by cancelling the edges they share, without noding (GEOS checks that
    /// the area is kept and throws when the input was not such a coverage).
    public func coverageUnion() throws -> GEOSGeometryHandle {
        try context.makeGeometry("GEOSCoverageUnion_r") { GEOSCoverageUnion_r($0, pointer) }
    }

    // All predicates return 2 on exception.
    public func intersects(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSIntersects_r", other, GEOSIntersects_r)
    }

    /// True when `other` lies in this geometry and touches its interior; boundary-only is false.
    public func contains(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSContains_r", other, GEOSContains_r)
    }

    /// True when no point of `other` lies outside this geometry (boundary counts as inside).
    public func covers(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSCovers_r", other, GEOSCovers_r)
    }

    public func within(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSWithin_r", other, GEOSWithin_r)
    }

    public func touches(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSTouches_r", other, GEOSTouches_r)
    }

    /// Topological equality (same point set), not coordinate-by-coordinate equality.
    public func equals(_ other: GEOSGeometryHandle) throws -> Bool {
        try relation("GEOSEquals_r", other, GEOSEquals_r)
    }
}

extension GEOSContext {
    /// Wraps clones of `geometries` in one GeometryCollection (the inputs stay usable).
    public func collection(of geometries: [GEOSGeometryHandle]) throws -> GEOSGeometryHandle {
        var clones: [OpaquePointer] = []
        do {
            for g in geometries {
                precondition(g.context === self, "GEOS handle from another context")
                clones.append(try g.rawClone())
            }
        } catch {
            for c in clones { GEOSGeom_destroy_r(handle, c) }
            throw error
        }
        return GEOSGeometryHandle(owning: try collection(type: GEOS_GEOMETRYCOLLECTION, members: clones), context: self)
    }

    /// The union of many geometries in one cascaded pass (much faster than pairwise unions).
    public func union(of geometries: [GEOSGeometryHandle]) throws -> GEOSGeometryHandle {
        try collection(of: geometries).unaryUnion()
    }
}
