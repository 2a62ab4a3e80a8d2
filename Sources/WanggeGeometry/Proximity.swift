/// Plain planar nearness tests (metric coordinates), used to skip GEOS work that cannot change
/// a result: pairs of polygons that cannot share an edge, lines that cannot reach a polygon.
public enum Proximity {
    /// Squared distance from `p` to the segment `a`–`b`.
    public static func distanceSquared(_ p: Coordinate, toSegment a: Coordinate, _ b: Coordinate) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0
        t = min(1, max(0, t))
        let x = a.x + t * dx - p.x, y = a.y + t * dy - p.y
        return x * x + y * y
    }

    /// Whether segments `a`–`b` and `c`–`d` share a point: a proper crossing, or an end on the
    /// other segment (orientation signs; touching and collinear overlaps count).
    public static func segmentsIntersect(_ a: Coordinate, _ b: Coordinate, _ c: Coordinate, _ d: Coordinate) -> Bool {
        func orient(_ p: Coordinate, _ q: Coordinate, _ r: Coordinate) -> Double {
            (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
        }
        func within(_ p: Coordinate, _ q: Coordinate, _ r: Coordinate) -> Bool {
            min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
        }
        let d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        return (d1 == 0 && within(c, d, a)) || (d2 == 0 && within(c, d, b))
            || (d3 == 0 && within(a, b, c)) || (d4 == 0 && within(a, b, d))
    }

    /// Whether some vertex of `rings` lies within `tolerance` of an edge of `edges` (rings,
    /// closed). Two polygons can share a stretch of boundary only if this holds one way or the
    /// other: the ends of a stretch two rings share are vertices of one of them — and after
    /// snapping one to the other within the tolerance, still within it of the originals.
    public static func someVertex(of rings: [[Coordinate]], within tolerance: Double,
                                  ofEdgesOf edges: [[Coordinate]], edgesEnvelope e: Envelope) -> Bool {
        let t2 = tolerance * tolerance
        for ring in rings {
            for v in ring where v.x >= e.minX - tolerance && v.x <= e.maxX + tolerance
                && v.y >= e.minY - tolerance && v.y <= e.maxY + tolerance {
                for r in edges {
                    for k in 0..<(r.count - 1) {
                        let a = r[k], b = r[k + 1]
                        guard v.x >= min(a.x, b.x) - tolerance, v.x <= max(a.x, b.x) + tolerance,
                              v.y >= min(a.y, b.y) - tolerance, v.y <= max(a.y, b.y) + tolerance else { continue }
                        if distanceSquared(v, toSegment: a, b) <= t2 { return true }
                    }
                }
            }
        }
        return false
    }

    /// The boundary two simple polygons share, as the segments both have — when that is all of
    /// it: nil when some vertex of one lies within `tolerance` of the other's edges without being
    /// one of its vertices (an overlap or near-overlap of segments that differ, which only an
    /// overlay measures). Otherwise every stretch the rings share is such a segment: its ends are
    /// vertices of one ring lying on the other, hence vertices of both, and a segment of a simple
    /// ring holds no other vertex of it. Segments in the order of `a`'s rings.
    public static func sharedSegments(_ a: [[Coordinate]], _ ea: Envelope, _ c: [[Coordinate]], _ ec: Envelope,
                                      tolerance: Double) -> [(Coordinate, Coordinate)]? {
        struct Segment: Hashable {
            let p: Coordinate, q: Coordinate
            init(_ u: Coordinate, _ v: Coordinate) {
                (p, q) = (u.x, u.y) < (v.x, v.y) ? (u, v) : (v, u)
            }
        }
        // Only what lies where the envelopes meet matters: a vertex near the other's edge lies in
        // both (give or take the tolerance), and so does a segment both have. Neighbouring blocks
        // overlap in a strip along their common edge, so most vertices are passed over here.
        let box = Envelope(minX: max(ea.minX, ec.minX) - tolerance, minY: max(ea.minY, ec.minY) - tolerance,
                           maxX: min(ea.maxX, ec.maxX) + tolerance, maxY: min(ea.maxY, ec.maxY) + tolerance)
        guard box.minX <= box.maxX, box.minY <= box.maxY else { return [] }
        func inBox(_ v: Coordinate) -> Bool { v.x >= box.minX && v.x <= box.maxX && v.y >= box.minY && v.y <= box.maxY }
        /// The edges of `rings` that come within the tolerance of the box.
        func edges(_ rings: [[Coordinate]]) -> [(Coordinate, Coordinate)] {
            var out: [(Coordinate, Coordinate)] = []
            for r in rings {
                for k in 0..<max(0, r.count - 1) {
                    let p = r[k], q = r[k + 1]
                    if max(p.x, q.x) >= box.minX - tolerance, min(p.x, q.x) <= box.maxX + tolerance,
                       max(p.y, q.y) >= box.minY - tolerance, min(p.y, q.y) <= box.maxY + tolerance { out.append((p, q)) }
                }
            }
            return out
        }
        let edgesA = edges(a), edgesC = edges(c)
        let verticesA = Set(edgesA.lazy.flatMap { [$0.0, $0.1] }.filter(inBox))
        let verticesC = Set(edgesC.lazy.flatMap { [$0.0, $0.1] }.filter(inBox))
        func strays(_ vertices: Set<Coordinate>, of others: Set<Coordinate>, near edges: [(Coordinate, Coordinate)]) -> Bool {
            let t2 = tolerance * tolerance
            for v in vertices where !others.contains(v) {
                for (p, q) in edges {
                    guard v.x >= min(p.x, q.x) - tolerance, v.x <= max(p.x, q.x) + tolerance,
                          v.y >= min(p.y, q.y) - tolerance, v.y <= max(p.y, q.y) + tolerance else { continue }
                    if distanceSquared(v, toSegment: p, q) <= t2 { return true }
                }
            }
            return false
        }
        if strays(verticesA, of: verticesC, near: edgesC) || strays(verticesC, of: verticesA, near: edgesA) { return nil }
        var segmentsC = Set<Segment>()
        for (p, q) in edgesC where inBox(p) && inBox(q) { segmentsC.insert(Segment(p, q)) }
        return edgesA.filter { inBox($0.0) && inBox($0.1) && segmentsC.contains(Segment($0.0, $0.1)) }
    }

    /// Whether the polyline `line` comes within `tolerance` of the polygon with rings `rings`
    /// (exterior first): a vertex inside it, or a segment within the tolerance of one of its
    /// edges (crossing included).
    public static func line(_ line: [Coordinate], within tolerance: Double, ofPolygon rings: [[Coordinate]],
                            envelope e: Envelope) -> Bool {
        let t2 = tolerance * tolerance
        for k in 0..<max(0, line.count - 1) {
            let p = line[k], q = line[k + 1]
            guard max(p.x, q.x) >= e.minX - tolerance, min(p.x, q.x) <= e.maxX + tolerance,
                  max(p.y, q.y) >= e.minY - tolerance, min(p.y, q.y) <= e.maxY + tolerance else { continue }
            for r in rings {
                for j in 0..<(r.count - 1) {
                    let a = r[j], b = r[j + 1]
                    guard max(p.x, q.x) >= min(a.x, b.x) - tolerance, min(p.x, q.x) <= max(a.x, b.x) + tolerance,
                          max(p.y, q.y) >= min(a.y, b.y) - tolerance, min(p.y, q.y) <= max(a.y, b.y) + tolerance else { continue }
                    if segmentsIntersect(p, q, a, b)
                        || distanceSquared(p, toSegment: a, b) <= t2 || distanceSquared(q, toSegment: a, b) <= t2
                        || distanceSquared(a, toSegment: p, q) <= t2 || distanceSquared(b, toSegment: p, q) <= t2 {
                        return true
                    }
                }
            }
        }
        // No segment near an edge: the line is wholly inside or wholly outside.
        guard let first = line.first else { return false }
        return contains(rings, first)
    }

    /// Even–odd point in polygon (rings, exterior first); a point on an edge may go either way.
    public static func contains(_ rings: [[Coordinate]], _ c: Coordinate) -> Bool {
        var inside = false
        for ring in rings {
            for k in 0..<(ring.count - 1) {
                let a = ring[k], b = ring[k + 1]
                if (a.y > c.y) != (b.y > c.y), c.x < a.x + (c.y - a.y) / (b.y - a.y) * (b.x - a.x) {
                    inside.toggle()
                }
            }
        }
        return inside
    }
}
