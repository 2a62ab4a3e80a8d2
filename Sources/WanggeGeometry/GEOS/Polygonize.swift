import CGEOS

/// Everything `GEOSPolygonize_full_r` finds in a set of lines.
public struct PolygonizeResult {
    /// The faces, as a GeometryCollection of polygons.
    public var polygons: GEOSGeometryHandle
    /// Edges with a polygon on both sides of one ring: they do not bound any face.
    public var cutEdges: GEOSGeometryHandle
    /// Edges with a free end (not part of any ring).
    public var dangles: GEOSGeometryHandle
    /// Closed rings that do not form a valid polygon (e.g. self-intersecting).
    public var invalidRings: GEOSGeometryHandle
}

extension GEOSGeometryHandle {
    /// Nodes the linework: splits every line where it crosses or touches another, so the result
    /// is suitable for polygonize.
    public func node() throws -> GEOSGeometryHandle {
        // GEOSNode_r: NULL on exception.
        try context.makeGeometry("GEOSNode_r") { GEOSNode_r($0, pointer) }
    }

    /// Merges connected lines end to end into the longest possible lines.
    public func lineMerge() throws -> GEOSGeometryHandle {
        // GEOSLineMerge_r: NULL on exception.
        try context.makeGeometry("GEOSLineMerge_r") { GEOSLineMerge_r($0, pointer) }
    }
}

extension GEOSContext {
    /// The faces formed by already-noded linework (node first if lines cross mid-segment).
    /// Returns a GeometryCollection of polygons.
    public func polygonize(_ lines: [GEOSGeometryHandle]) throws -> GEOSGeometryHandle {
        let pointers: [OpaquePointer?] = lines.map { line in
            precondition(line.context === self, "GEOS handle from another context")
            return line.pointer
        }
        // GEOSPolygonize_r: NULL on exception. It reads the inputs and owns neither them nor
        // the array; `lines` keeps them alive for the call.
        return try withExtendedLifetime(lines) {
            try pointers.withUnsafeBufferPointer { array in
                try makeGeometry("GEOSPolygonize_r") { GEOSPolygonize_r($0, array.baseAddress, UInt32(array.count)) }
            }
        }
    }

    /// Polygonize, also reporting cut edges, dangles and invalid rings: the diagnostics that say
    /// why some linework did not close into faces. GEOS only makes nodes at line endpoints:
    /// node() the linework first or a line ending mid-way along another counts as a dangle.
    public func polygonizeFull(_ lines: [GEOSGeometryHandle]) throws -> PolygonizeResult {
        let input = try collection(of: lines)
        clearMessages()
        var cuts: OpaquePointer?, dangles: OpaquePointer?, invalidRings: OpaquePointer?
        // GEOSPolygonize_full_r: NULL on exception; on success all four outputs are owned by us.
        let polygons = GEOSPolygonize_full_r(handle, input.pointer, &cuts, &dangles, &invalidRings)
        // Wrap whatever came back first, so it is freed even when something is missing.
        let wrap = { (p: OpaquePointer?) in p.map { GEOSGeometryHandle(owning: $0, context: self) } }
        let result = (wrap(polygons), wrap(cuts), wrap(dangles), wrap(invalidRings))
        guard let p = result.0, let c = result.1, let d = result.2, let i = result.3 else {
            throw failure("GEOSPolygonize_full_r")
        }
        return PolygonizeResult(polygons: p, cutEdges: c, dangles: d, invalidRings: i)
    }
}
