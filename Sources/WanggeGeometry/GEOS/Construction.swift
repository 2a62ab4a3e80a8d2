import CGEOS

/// How buffer ends look (GEOSBufCapStyles).
public enum BufferCapStyle: Int32, Sendable {
    case round = 1, flat = 2, square = 3
}

/// How buffer corners look (GEOSBufJoinStyles).
public enum BufferJoinStyle: Int32, Sendable {
    case round = 1, mitre = 2, bevel = 3
}

public struct BufferStyle: Hashable, Sendable {
    /// Segments per quarter circle for round caps and joins.
    public var quadrantSegments: Int
    public var capStyle: BufferCapStyle
    public var joinStyle: BufferJoinStyle
    /// Mitre joins longer than this ratio of the width are bevelled.
    public var mitreLimit: Double

    public init(quadrantSegments: Int = 8, capStyle: BufferCapStyle = .round,
                joinStyle: BufferJoinStyle = .round, mitreLimit: Double = 5) {
        self.quadrantSegments = quadrantSegments
        self.capStyle = capStyle
        self.joinStyle = joinStyle
        self.mitreLimit = mitreLimit
    }
}

extension GEOSGeometryHandle {
    private func checkTolerance(_ tolerance: Double) throws {
        guard tolerance.isFinite, tolerance >= 0 else { throw GeometryInputError.invalidParameter(name: "tolerance", value: tolerance) }
    }

    /// The area within `width` (negative shrinks polygons), in coordinate units.
    public func buffer(width: Double, style: BufferStyle = BufferStyle()) throws -> GEOSGeometryHandle {
        guard width.isFinite else { throw GeometryInputError.invalidParameter(name: "buffer width", value: width) }
        guard style.quadrantSegments >= 1 else {
            throw GeometryInputError.invalidParameter(name: "quadrant segments", value: Double(style.quadrantSegments))
        }
        // GEOSBufferWithStyle_r: NULL on exception.
        return try context.makeGeometry("GEOSBufferWithStyle_r") {
            GEOSBufferWithStyle_r($0, pointer, width, Int32(style.quadrantSegments),
                                  style.capStyle.rawValue, style.joinStyle.rawValue, style.mitreLimit)
        }
    }

    /// Douglas–Peucker simplification that never makes rings cross or holes escape their shell.
    public func simplifyPreservingTopology(tolerance: Double) throws -> GEOSGeometryHandle {
        try checkTolerance(tolerance)
        // GEOSTopologyPreserveSimplify_r: NULL on exception.
        return try context.makeGeometry("GEOSTopologyPreserveSimplify_r") { GEOSTopologyPreserveSimplify_r($0, pointer, tolerance) }
    }

    /// Moves this geometry's vertices (and adds vertices on its segments) onto `reference`'s
    /// vertices within `tolerance`: closes slivers between neighbouring boundaries.
    public func snapped(to reference: GEOSGeometryHandle, tolerance: Double) throws -> GEOSGeometryHandle {
        sameContext(reference)
        try checkTolerance(tolerance)
        // GEOSSnap_r: NULL on exception.
        return try context.makeGeometry("GEOSSnap_r") { GEOSSnap_r($0, pointer, reference.pointer, tolerance) }
    }

    /// The Voronoi cells of this geometry's vertices (a collection of polygons, in no particular
    /// order: GEOS 3.11 cannot keep the sites' order), clipped to `envelope` or to the larger
    /// box GEOS puts around the sites.
    public func voronoiCells(envelope: GEOSGeometryHandle? = nil) throws -> GEOSGeometryHandle {
        if let envelope { sameContext(envelope) }
        // GEOSVoronoiDiagram_r: NULL on exception.
        return try context.makeGeometry("GEOSVoronoiDiagram_r") {
            GEOSVoronoiDiagram_r($0, pointer, envelope?.pointer, 0, 0)
        }
    }
}
