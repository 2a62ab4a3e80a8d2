import CGEOS

// Measures and descriptive properties. Planar, in coordinate units: project to a metric CRS first.

extension GEOSGeometryHandle {
    public func area() throws -> Double {
        // GEOSArea_r: 0 on exception.
        try context.measure("GEOSArea_r") { GEOSArea_r($0, pointer, $1) }
    }

    public func length() throws -> Double {
        // GEOSLength_r: 0 on exception.
        try context.measure("GEOSLength_r") { GEOSLength_r($0, pointer, $1) }
    }

    public func distance(to other: GEOSGeometryHandle) throws -> Double {
        sameContext(other)
        // GEOSDistance_r: 0 on exception.
        return try context.measure("GEOSDistance_r") { GEOSDistance_r($0, pointer, other.pointer, $1) }
    }

    public func isEmpty() throws -> Bool {
        // GEOSisEmpty_r: 2 on exception.
        try context.predicate("GEOSisEmpty_r") { GEOSisEmpty_r($0, pointer) }
    }

    /// The GEOS type name, e.g. "Polygon", "MultiPolygon", "LinearRing".
    public func geometryType() throws -> String {
        // GEOSGeomType_r: NULL on exception; freed with GEOSFree_r.
        try context.string("GEOSGeomType_r") { GEOSGeomType_r($0, pointer) }
    }

    /// The GEOS type id (`GEOSGeomTypes`).
    func typeId() throws -> Int32 {
        context.clearMessages()
        // GEOSGeomTypeId_r: -1 on exception.
        let id = GEOSGeomTypeId_r(context.handle, pointer)
        guard id >= 0 else { throw context.failure("GEOSGeomTypeId_r") }
        return id
    }

    /// Number of parts: 1 for a single geometry, the member count for a collection.
    public func numberOfGeometries() throws -> Int {
        context.clearMessages()
        // GEOSGetNumGeometries_r: -1 on exception.
        let n = GEOSGetNumGeometries_r(context.handle, pointer)
        guard n >= 0 else { throw context.failure("GEOSGetNumGeometries_r") }
        return Int(n)
    }

    /// The bounding box, or nil for an empty geometry.
    public func envelope() throws -> Envelope? {
        if try isEmpty() { return nil }
        // GEOSGeom_getXMin_r and friends: 0 on exception.
        return Envelope(
            minX: try context.measure("GEOSGeom_getXMin_r") { GEOSGeom_getXMin_r($0, pointer, $1) },
            minY: try context.measure("GEOSGeom_getYMin_r") { GEOSGeom_getYMin_r($0, pointer, $1) },
            maxX: try context.measure("GEOSGeom_getXMax_r") { GEOSGeom_getXMax_r($0, pointer, $1) },
            maxY: try context.measure("GEOSGeom_getYMax_r") { GEOSGeom_getYMax_r($0, pointer, $1) })
    }

    /// The centroid (POINT EMPTY for an empty geometry).
    public func centroid() throws -> GEOSGeometryHandle {
        // GEOSGetCentroid_r: NULL on exception.
        try context.makeGeometry("GEOSGetCentroid_r") { GEOSGetCentroid_r($0, pointer) }
    }

    /// A point guaranteed to lie in the interior of the geometry (unlike the centroid).
    public func pointOnSurface() throws -> GEOSGeometryHandle {
        // GEOSPointOnSurface_r: NULL on exception.
        try context.makeGeometry("GEOSPointOnSurface_r") { GEOSPointOnSurface_r($0, pointer) }
    }

    /// The coordinate of a non-empty Point geometry.
    public func pointCoordinate() throws -> Coordinate? {
        try coordinates().first
    }
}
