// Plain geometry values: coordinates and nothing else. They carry no GEOS handle, so they are
// Sendable, Hashable and cheap to pass around; `GEOSContext` turns them into handles when an
// operation needs GEOS (see GEOS/).

/// A position. `x` is longitude (or easting), `y` latitude (or northing), as in GeoJSON and GEOS.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    public init(_ x: Double, _ y: Double) {
        self.init(x: x, y: y)
    }

    public var description: String { "(\(x), \(y))" }
}

/// A polygon: one exterior ring and any number of holes. Rings are closed (first == last).
public struct Polygon: Hashable, Sendable {
    public var exterior: [Coordinate]
    public var holes: [[Coordinate]]

    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// All rings, exterior first.
    public var rings: [[Coordinate]] { [exterior] + holes }

    /// Planar area in the units of the coordinates (exterior minus holes, whatever their
    /// orientation); measure in a metric CRS for square metres.
    public var planarArea: Double {
        abs(Ring.signedArea(exterior)) - holes.reduce(0) { $0 + abs(Ring.signedArea($1)) }
    }

    /// Planar length of all rings.
    public var planarPerimeter: Double {
        rings.reduce(0) { total, ring in
            total + zip(ring, ring.dropFirst()).reduce(0) { sum, pair in
                let dx = pair.1.x - pair.0.x, dy = pair.1.y - pair.0.y
                return sum + (dx * dx + dy * dy).squareRoot()
            }
        }
    }
}

/// Any of the seven OGC / GeoJSON geometry types.
public indirect enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case multiPoint([Coordinate])
    case lineString([Coordinate])
    case multiLineString([[Coordinate]])
    case polygon(Polygon)
    case multiPolygon([Polygon])
    case geometryCollection([Geometry])

    /// The GeoJSON / OGC type name.
    public var typeName: String {
        switch self {
        case .point: "Point"
        case .multiPoint: "MultiPoint"
        case .lineString: "LineString"
        case .multiLineString: "MultiLineString"
        case .polygon: "Polygon"
        case .multiPolygon: "MultiPolygon"
        case .geometryCollection: "GeometryCollection"
        }
    }

    /// True when the geometry has no coordinates at all.
    public var isEmpty: Bool {
        switch self {
        case .point: false
        case .multiPoint(let c), .lineString(let c): c.isEmpty
        case .multiLineString(let l): l.allSatisfy(\.isEmpty)
        case .polygon(let p): p.exterior.isEmpty
        case .multiPolygon(let ps): ps.allSatisfy { $0.exterior.isEmpty }
        case .geometryCollection(let gs): gs.allSatisfy(\.isEmpty)
        }
    }

    /// The same geometry with every coordinate passed through `transform`.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ r: [Coordinate]) throws -> [Coordinate] { try r.map(transform) }
        func poly(_ p: Polygon) throws -> Polygon {
            Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring))
        }
        switch self {
        case .point(let c): return .point(try transform(c))
        case .multiPoint(let cs): return .multiPoint(try ring(cs))
        case .lineString(let cs): return .lineString(try ring(cs))
        case .multiLineString(let ls): return .multiLineString(try ls.map(ring))
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(poly))
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapCoordinates(transform) })
        }
    }

    /// The same geometry with each coordinate sequence (point list, line, ring) passed whole
    /// through `transform`, which must return as many coordinates: lets a caller batch work
    /// (e.g. one PROJ call per ring instead of per point).
    public func mapSequences<E: Error>(_ transform: ([Coordinate]) throws(E) -> [Coordinate]) throws(E) -> Geometry {
        func poly(_ p: Polygon) throws(E) -> Polygon {
            var holes: [[Coordinate]] = []
            for h in p.holes { holes.append(try transform(h)) }
            return Polygon(exterior: try transform(p.exterior), holes: holes)
        }
        switch self {
        case .point(let c): return .point(try transform([c])[0])
        case .multiPoint(let cs): return .multiPoint(try transform(cs))
        case .lineString(let cs): return .lineString(try transform(cs))
        case .multiLineString(let ls):
            var out: [[Coordinate]] = []
            for l in ls { out.append(try transform(l)) }
            return .multiLineString(out)
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let ps):
            var out: [Polygon] = []
            for p in ps { out.append(try poly(p)) }
            return .multiPolygon(out)
        case .geometryCollection(let gs):
            var out: [Geometry] = []
            for g in gs { out.append(try g.mapSequences(transform)) }
            return .geometryCollection(out)
        }
    }

    /// Calls `body` for every coordinate, in order.
    public func forEachCoordinate(_ body: (Coordinate) throws -> Void) rethrows {
        switch self {
        case .point(let c): try body(c)
        case .multiPoint(let cs), .lineString(let cs): try cs.forEach(body)
        case .multiLineString(let ls): for l in ls { try l.forEach(body) }
        case .polygon(let p): for r in p.rings { try r.forEach(body) }
        case .multiPolygon(let ps): for p in ps { for r in p.rings { try r.forEach(body) } }
        case .geometryCollection(let gs): for g in gs { try g.forEachCoordinate(body) }
        }
    }

    /// The bounding box, or nil for an empty geometry.
    public var envelope: Envelope? {
        var e: Envelope?
        forEachCoordinate { c in
            if e == nil { e = Envelope(minX: c.x, minY: c.y, maxX: c.x, maxY: c.y) } else { e!.expand(toInclude: c) }
        }
        return e
    }

    /// The polygons of a Polygon or MultiPolygon (empty for other types).
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): [p]
        case .multiPolygon(let ps): ps
        case .geometryCollection(let gs): gs.flatMap(\.polygons)
        default: []
        }
    }
}

/// An axis-aligned bounding box.
public struct Envelope: Hashable, Sendable {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest envelope holding both.
    public func union(_ o: Envelope) -> Envelope {
        Envelope(minX: Swift.min(minX, o.minX), minY: Swift.min(minY, o.minY),
                 maxX: Swift.max(maxX, o.maxX), maxY: Swift.max(maxY, o.maxY))
    }

    public mutating func expand(toInclude c: Coordinate) {
        minX = Swift.min(minX, c.x); maxX = Swift.max(maxX, c.x)
        minY = Swift.min(minY, c.y); maxY = Swift.max(maxY, c.y)
    }

    public mutating func expand(toInclude e: Envelope) {
        minX = Swift.min(minX, e.minX); maxX = Swift.max(maxX, e.maxX)
        minY = Swift.min(minY, e.minY); maxY = Swift.max(maxY, e.maxY)
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }

    public func intersects(_ o: Envelope) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }

    public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }
}

/// Planar ring measures, in the units of the coordinates. Used for orientation (RFC 7946's
/// right-hand rule) without a GEOS round trip; metric areas go through a metric CRS first.
public enum Ring {
    /// Shoelace signed area: positive for counter-clockwise rings.
    public static func signedArea(_ ring: [Coordinate]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        // Relative to the first point, for precision with large (projected) coordinates.
        let o = ring[0]
        for i in 1..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            sum += (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y)
        }
        return sum / 2
    }

    public static func isCounterClockwise(_ ring: [Coordinate]) -> Bool { signedArea(ring) > 0 }

    public static func isClosed(_ ring: [Coordinate]) -> Bool {
        guard let f = ring.first, let l = ring.last else { return false }
        return f == l
    }
}

/// Adding vertices so that no segment is longer than a limit.
public enum Densify {
    /// Splits every segment longer than `maxSegment` into equal parts. Each segment is split
    /// the same way whichever direction it is walked in (points are computed from its
    /// lexicographically smaller end), so two polygons sharing an edge keep sharing every vertex.
    public static func ring(_ ring: [Coordinate], maxSegment: Double) -> [Coordinate] {
        guard ring.count >= 2, maxSegment > 0 else { return ring }
        var out: [Coordinate] = [ring[0]]
        for k in 0..<(ring.count - 1) {
            let a = ring[k], b = ring[k + 1]
            let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            let parts = Int((length / maxSegment).rounded(.up))
            if parts > 1 {
                let forward = (a.x, a.y) <= (b.x, b.y)
                let (o, e) = forward ? (a, b) : (b, a)
                var inner: [Coordinate] = []
                for i in 1..<parts {
                    let t = Double(i) / Double(parts)
                    inner.append(Coordinate(o.x + (e.x - o.x) * t, o.y + (e.y - o.y) * t))
                }
                out += forward ? inner : inner.reversed()
            }
            out.append(b)
        }
        return out
    }

    public static func polygon(_ p: Polygon, maxSegment: Double) -> Polygon {
        Polygon(exterior: ring(p.exterior, maxSegment: maxSegment), holes: p.holes.map { ring($0, maxSegment: maxSegment) })
    }
}
