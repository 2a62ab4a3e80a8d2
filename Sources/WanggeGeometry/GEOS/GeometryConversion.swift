import CGEOS

// Value `Geometry` ⇄ GEOS handle. Building happens on raw pointers so that a failure halfway
// (say the third hole is not closed) frees exactly what was built so far and nothing twice.

extension GEOSContext {
    /// Builds a GEOS geometry from a value, after checking it in Swift (finite coordinates, closed
    /// rings of 4+ coordinates, lines of 2+), so GEOS never sees input it might crash on.
    public func geometry(from value: Geometry) throws -> GEOSGeometryHandle {
        try validate(value)
        return GEOSGeometryHandle(owning: try build(value), context: self)
    }

    /// A rectangle polygon covering `envelope` (a point or line if it is degenerate).
    public func geometry(from envelope: Envelope) throws -> GEOSGeometryHandle {
        try checkFinite(Coordinate(envelope.minX, envelope.minY))
        try checkFinite(Coordinate(envelope.maxX, envelope.maxY))
        // GEOSGeom_createRectangle_r (3.11+): NULL on error.
        return try makeGeometry("GEOSGeom_createRectangle_r") {
            GEOSGeom_createRectangle_r($0, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY)
        }
    }

    /// A point geometry.
    public func point(_ c: Coordinate) throws -> GEOSGeometryHandle {
        try checkFinite(c)
        return try makeGeometry("GEOSGeom_createPointFromXY_r") { GEOSGeom_createPointFromXY_r($0, c.x, c.y) }
    }

    // MARK: Swift-side checks

    func checkFinite(_ c: Coordinate) throws {
        guard c.x.isFinite, c.y.isFinite else { throw GeometryInputError.nonFiniteCoordinate(c) }
    }

    private func validate(_ value: Geometry) throws {
        try value.forEachCoordinate(checkFinite)
        func line(_ cs: [Coordinate]) throws {
            guard cs.isEmpty || cs.count >= 2 else {
                throw GeometryInputError.tooFewCoordinates(kind: "LineString", required: 2, actual: cs.count)
            }
        }
        func ring(_ cs: [Coordinate]) throws {
            guard cs.count >= 4 else {
                throw GeometryInputError.tooFewCoordinates(kind: "LinearRing", required: 4, actual: cs.count)
            }
            guard Ring.isClosed(cs) else { throw GeometryInputError.ringNotClosed(first: cs[0], last: cs[cs.count - 1]) }
        }
        func polygon(_ p: Polygon) throws {
            if p.exterior.isEmpty {
                // An empty polygon cannot have holes.
                guard p.holes.isEmpty else {
                    throw GeometryInputError.tooFewCoordinates(kind: "LinearRing", required: 4, actual: 0)
                }
                return
            }
            try p.rings.forEach(ring)
        }
        switch value {
        case .point, .multiPoint: break
        case .lineString(let cs): try line(cs)
        case .multiLineString(let ls): try ls.forEach(line)
        case .polygon(let p): try polygon(p)
        case .multiPolygon(let ps): try ps.forEach(polygon)
        case .geometryCollection(let gs): try gs.forEach(validate)
        }
    }

    // MARK: Building (inputs already validated)

    private func coordinateSequence(_ cs: [Coordinate]) throws -> OpaquePointer {
        var buffer = [Double]()
        buffer.reserveCapacity(cs.count * 2)
        for c in cs { buffer.append(c.x); buffer.append(c.y) }
        clearMessages()
        // GEOSCoordSeq_copyFromBuffer_r: NULL on error. Interleaved x,y without Z or M.
        guard let seq = buffer.withUnsafeBufferPointer({
            GEOSCoordSeq_copyFromBuffer_r(handle, $0.baseAddress, UInt32(cs.count), 0, 0)
        }) else { throw failure("GEOSCoordSeq_copyFromBuffer_r") }
        return seq
    }

    private func lineString(_ cs: [Coordinate]) throws -> OpaquePointer {
        if cs.isEmpty { return try rawPointer("GEOSGeom_createEmptyLineString_r") { GEOSGeom_createEmptyLineString_r($0) } }
        let seq = try coordinateSequence(cs)
        // GEOSGeom_createLineString_r takes the sequence, even on failure (NULL on error).
        return try rawPointer("GEOSGeom_createLineString_r") { GEOSGeom_createLineString_r($0, seq) }
    }

    private func linearRing(_ cs: [Coordinate]) throws -> OpaquePointer {
        let seq = try coordinateSequence(cs)
        // GEOSGeom_createLinearRing_r takes the sequence (NULL on error).
        return try rawPointer("GEOSGeom_createLinearRing_r") { GEOSGeom_createLinearRing_r($0, seq) }
    }

    private func polygon(_ p: Polygon) throws -> OpaquePointer {
        if p.exterior.isEmpty { return try rawPointer("GEOSGeom_createEmptyPolygon_r") { GEOSGeom_createEmptyPolygon_r($0) } }
        let shell = try linearRing(p.exterior)
        var holes: [OpaquePointer?] = []
        do {
            for hole in p.holes { holes.append(try linearRing(hole)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            for h in holes { GEOSGeom_destroy_r(handle, h) }
            throw error
        }
        // GEOSGeom_createPolygon_r takes the shell and the hole geometries but not the array.
        // NULL on error, which only happens for non-ring inputs: impossible here, as we built them.
        return try holes.withUnsafeMutableBufferPointer { buffer in
            try rawPointer("GEOSGeom_createPolygon_r") { GEOSGeom_createPolygon_r($0, shell, buffer.baseAddress, UInt32(buffer.count)) }
        }
    }

    /// Wraps already-built members in a collection. Takes ownership of `members` in all cases.
    func collection(type: GEOSGeomTypes, members: [OpaquePointer]) throws -> OpaquePointer {
        if members.isEmpty {
            // GEOSGeom_createEmptyCollection_r: NULL on error.
            return try rawPointer("GEOSGeom_createEmptyCollection_r") { GEOSGeom_createEmptyCollection_r($0, Int32(type.rawValue)) }
        }
        var array: [OpaquePointer?] = members
        // GEOSGeom_createCollection_r takes the members, not the array (NULL on error).
        return try array.withUnsafeMutableBufferPointer { buffer in
            try rawPointer("GEOSGeom_createCollection_r") {
                GEOSGeom_createCollection_r($0, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count))
            }
        }
    }

    /// Builds every member, freeing the ones already built if a later one fails.
    private func members<T>(_ items: [T], _ build: (T) throws -> OpaquePointer) throws -> [OpaquePointer] {
        var built: [OpaquePointer] = []
        built.reserveCapacity(items.count)
        do {
            for item in items { built.append(try build(item)) }
        } catch {
            for g in built { GEOSGeom_destroy_r(handle, g) }
            throw error
        }
        return built
    }

    private func build(_ value: Geometry) throws -> OpaquePointer {
        switch value {
        case .point(let c):
            return try rawPointer("GEOSGeom_createPointFromXY_r") { GEOSGeom_createPointFromXY_r($0, c.x, c.y) }
        case .multiPoint(let cs):
            let points = try members(cs) { c in
                try rawPointer("GEOSGeom_createPointFromXY_r") { GEOSGeom_createPointFromXY_r($0, c.x, c.y) }
            }
            return try collection(type: GEOS_MULTIPOINT, members: points)
        case .lineString(let cs):
            return try lineString(cs)
        case .multiLineString(let ls):
            return try collection(type: GEOS_MULTILINESTRING, members: try members(ls.filter { !$0.isEmpty }, lineString))
        case .polygon(let p):
            return try polygon(p)
        case .multiPolygon(let ps):
            return try collection(type: GEOS_MULTIPOLYGON, members: try members(ps.filter { !$0.exterior.isEmpty }, polygon))
        case .geometryCollection(let gs):
            return try collection(type: GEOS_GEOMETRYCOLLECTION, members: try members(gs, build))
        }
    }
}

extension GEOSGeometryHandle {
    /// The value form of this geometry. Lossy in three documented ways, all about what `Geometry`
    /// cannot express: a LinearRing becomes a `.lineString`, `POINT EMPTY` becomes
    /// `.multiPoint([])`, and empty points inside a MultiPoint are dropped.
    public func value() throws -> Geometry {
        let typeId = try typeId()
        switch Int(typeId) {
        case Int(GEOS_POINT.rawValue):
            let cs = try coordinates()
            return cs.first.map(Geometry.point) ?? .multiPoint([])
        case Int(GEOS_LINESTRING.rawValue), Int(GEOS_LINEARRING.rawValue):
            return .lineString(try coordinates())
        case Int(GEOS_POLYGON.rawValue):
            return .polygon(try polygonValue())
        case Int(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try geometries().compactMap { try $0.coordinates().first })
        case Int(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try geometries().map { try $0.coordinates() })
        case Int(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try geometries().map { try $0.polygonValue() })
        case Int(GEOS_GEOMETRYCOLLECTION.rawValue):
            return .geometryCollection(try geometries().map { try $0.value() })
        default:
            throw GeometryInputError.unsupportedGeometryType(typeId)
        }
    }

    private func polygonValue() throws -> Polygon {
        if try isEmpty() { return Polygon(exterior: []) }
        return Polygon(exterior: try exteriorRing().coordinates(), holes: try interiorRings().map { try $0.coordinates() })
    }

    /// The coordinates of a Point, LineString or LinearRing (x, y only).
    func coordinates() throws -> [Coordinate] {
        let ctx = context
        // GEOSGeom_getCoordSeq_r: NULL on error; the sequence is owned by the geometry.
        ctx.clearMessages()
        guard let seq = GEOSGeom_getCoordSeq_r(ctx.handle, pointer) else { throw ctx.failure("GEOSGeom_getCoordSeq_r") }
        var size: UInt32 = 0
        // GEOSCoordSeq_getSize_r: 0 on exception.
        guard GEOSCoordSeq_getSize_r(ctx.handle, seq, &size) != 0 else { throw ctx.failure("GEOSCoordSeq_getSize_r") }
        if size == 0 { return [] }
        var buffer = [Double](repeating: 0, count: Int(size) * 2)
        // GEOSCoordSeq_copyToBuffer_r: 0 on exception.
        let ok = buffer.withUnsafeMutableBufferPointer { GEOSCoordSeq_copyToBuffer_r(ctx.handle, seq, $0.baseAddress, 0, 0) }
        guard ok != 0 else { throw ctx.failure("GEOSCoordSeq_copyToBuffer_r") }
        return (0..<Int(size)).map { Coordinate(buffer[2 * $0], buffer[2 * $0 + 1]) }
    }

    /// WKT, trimmed; `precision` decimals, or full precision when nil.
    public func wkt(precision: Int? = nil) throws -> String {
        try context.wkt(of: pointer, precision: precision)
    }

    /// 2-D little-endian ISO WKB.
    public func wkb() throws -> [UInt8] {
        try context.wkb(of: pointer)
    }
}
