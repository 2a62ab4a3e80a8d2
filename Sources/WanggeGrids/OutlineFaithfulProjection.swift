import Foundation
import WanggeCRS
import WanggeGeometry

/// Takes the grids (or blocks) of one village from the metric CRS back to WGS-84 so that they
/// still tile the village exactly as the village file has it.
///
/// The pieces were cut in metric coordinates from the village outline as read. Along that
/// outline they carry, besides the outline's own vertices, vertices where lines met it. Written
/// as they are and rounded to 7 decimals (±5 mm), each such vertex would open a sliver of a few
/// hundredths of a square metre against the neighbouring village — hundreds of them add up to
/// square metres. So, on the outline, a piece keeps exactly the village's own WGS-84 vertices,
/// plus only the junctions where two pieces meet it (placed on the village's WGS-84 edge, at the
/// same fraction). Elsewhere vertices are projected and rounded as usual; repeated vertices and
/// zero-width spikes that rounding leaves are removed.
struct OutlineFaithfulProjection {
    /// A vertex this close (metres) to the village outline is treated as lying on it: put on the
    /// outline's WGS-84 edge when pieces meet there, dropped otherwise.
    static let outlineTolerance = 0.01

    let toWGS84: CoordinateTransform
    let decimals: Int

    /// One edge of the village outline, in both CRSs.
    struct Edge {
        let ma: Coordinate, mb: Coordinate, a: Coordinate, b: Coordinate

        func fraction(_ c: Coordinate) -> Double {
            let dx = mb.x - ma.x, dy = mb.y - ma.y, len2 = dx * dx + dy * dy
            return len2 > 0 ? ((c.x - ma.x) * dx + (c.y - ma.y) * dy) / len2 : 0
        }

        func distance(_ c: Coordinate) -> Double {
            let t = max(0, min(1, fraction(c)))
            return hypot(ma.x + t * (mb.x - ma.x) - c.x, ma.y + t * (mb.y - ma.y) - c.y)
        }
    }

    /// Village vertices and edges in buckets, for quick "is this on the outline?" questions.
    struct Outline {
        var vertices: [Int: [(metric: Coordinate, wgs84: Coordinate)]] = [:]
        var edges: [Int: [Edge]] = [:]
        let size = 50.0

        func key(_ i: Int, _ j: Int) -> Int { i &* 1_000_003 &+ j }
        func cell(_ v: Double) -> Int { Int((v / size).rounded(.down)) }

        init(wgs84: [Polygon], metric: [Polygon]) {
            for (pw, pm) in zip(wgs84, metric) {
                for (rw, rm) in zip(pw.rings, pm.rings) where rw.count == rm.count {
                    for k in 0..<rm.count {
                        vertices[key(cell(rm[k].x), cell(rm[k].y)), default: []].append((rm[k], rw[k]))
                        guard k + 1 < rm.count else { continue }
                        let e = Edge(ma: rm[k], mb: rm[k + 1], a: rw[k], b: rw[k + 1])
                        for i in cell(min(e.ma.x, e.mb.x) - 0.02)...cell(max(e.ma.x, e.mb.x) + 0.02) {
                            for j in cell(min(e.ma.y, e.mb.y) - 0.02)...cell(max(e.ma.y, e.mb.y) + 0.02) {
                                edges[key(i, j), default: []].append(e)
                            }
                        }
                    }
                }
            }
        }

        func vertex(near c: Coordinate) -> Coordinate? {
            vertices[key(cell(c.x), cell(c.y))]?.first { hypot($0.metric.x - c.x, $0.metric.y - c.y) < 1e-4 }?.wgs84
        }

        func edge(near c: Coordinate) -> Edge? {
            edges[key(cell(c.x), cell(c.y))]?.first { $0.distance(c) < OutlineFaithfulProjection.outlineTolerance }
        }
    }

    /// The pieces of one village, in WGS-84, in the same order.
    /// - Parameter repairing: when a piece comes out invalid, clean its rings again with the
    ///   stricter spike test (`cleaned(_:strict:)`). Pieces that come out valid are untouched.
    /// - Parameter spikesOnlyWhenInvalid: remove only repeated vertices, and spikes (then the
    ///   stricter ones) only from pieces that are invalid without it. For blocks: a vertex that
    ///   looks like a spike in one block after rounding is a corner of its neighbour, and dropping
    ///   it from one side only leaves a sliver between them, so the blocks of a grid, dissolved,
    ///   would touch at a point.
    func project(_ pieces: [Polygon], village: (wgs84: [Polygon], metric: [Polygon])?,
                 repairing: Bool = false, spikesOnlyWhenInvalid: Bool = false) throws -> [Polygon] {
        let projected = try project(pieces, village: village, spikeTolerance: spikesOnlyWhenInvalid ? 0 : 2e-7)
        guard repairing || spikesOnlyWhenInvalid else { return projected }
        let ctx = GEOSContext()
        func valid(_ p: Polygon) throws -> Bool {
            guard p.exterior.count >= 4 else { return false }
            return try ctx.geometry(from: .polygon(p)).validity().isValid
        }
        return try projected.map { p in
            guard p.exterior.count >= 4, try !valid(p) else { return p }
            if spikesOnlyWhenInvalid {
                let cleaned = Polygon(exterior: Self.cleaned(p.exterior), holes: p.holes.map { Self.cleaned($0) }.filter { $0.count >= 4 })
                if try valid(cleaned) { return cleaned }
            }
            let again = Polygon(exterior: Self.cleaned(p.exterior, strict: true),
                                holes: p.holes.map { Self.cleaned($0, strict: true) }.filter { $0.count >= 4 })
            return again.exterior.count >= 4 ? again : p
        }
    }

    private func project(_ pieces: [Polygon], village: (wgs84: [Polygon], metric: [Polygon])?,
                         spikeTolerance: Double) throws -> [Polygon] {
        guard let village else { return try pieces.map { try plain($0, spikeTolerance: spikeTolerance) } }
        let outline = Outline(wgs84: village.wgs84, metric: village.metric)
        // Vertices used by two or more pieces: where pieces meet (junctions).
        struct Key: Hashable { let x: Int64, y: Int64 }
        func key(_ c: Coordinate) -> Key { Key(x: Int64((c.x * 1e4).rounded()), y: Int64((c.y * 1e4).rounded())) }
        var users: [Key: Int] = [:]
        for (n, p) in pieces.enumerated() {
            var mine: Set<Key> = []
            for r in p.rings { for c in r { mine.insert(key(c)) } }
            for k in mine { users[k, default: 0] += 1 }
            _ = n
        }
        var onOutline = Set<Coordinate>()
        let rounded = try pieces.map { p in
            func ring(_ r: [Coordinate]) throws -> [Coordinate] {
                var out: [Coordinate] = []
                for c in r.dropLast() {
                    if let w = outline.vertex(near: c) {
                        out.append(w)
                        onOutline.insert(w)
                    } else if let e = outline.edge(near: c) {
                        // On the outline but not one of its vertices: keep only junctions.
                        guard users[key(c)] ?? 0 >= 2 else { continue }
                        let t = max(0, min(1, e.fraction(c)))
                        let w = Coordinate(round(e.a.x + t * (e.b.x - e.a.x)), round(e.a.y + t * (e.b.y - e.a.y)))
                        out.append(w)
                        onOutline.insert(w)
                    } else {
                        let w = try toWGS84.transform(c)
                        out.append(Coordinate(round(w.x), round(w.y)))
                    }
                }
                return out
            }
            return (exterior: try ring(p.exterior), holes: try p.holes.map(ring))
        }
        // Grids only (blocks keep every vertex): see `mergingNearPairs`.
        let merge = spikeTolerance > 0 ? Self.nearPairs(in: rounded.flatMap { [$0.exterior] + $0.holes }, keeping: onOutline) : [:]
        func closed(_ r: [Coordinate]) -> [Coordinate] {
            let moved = merge.isEmpty ? r : r.map { merge[$0] ?? $0 }
            guard let first = moved.first else { return [] }
            return Self.cleaned(moved + [first], tolerance: spikeTolerance)
        }
        return rounded.map { Polygon(exterior: closed($0.exterior), holes: $0.holes.map(closed).filter { $0.count >= 4 }) }
    }

    /// Two vertices next to each other on a ring that rounding left a grid step apart (< 1.5 ×
    /// 10⁻⁷°, a centimetre): each is replaced by the smaller of the pair (by x, then y), in every
    /// piece of the village — by the one in `kept` (the village outline's own vertices and the
    /// junctions put on it) when there is one, and not at all when both are. Left alone, such a pair at a corner looks like a spike after
    /// rounding, and the spike test drops one of the two — the first going round the ring,
    /// which is the other one for the grid across the edge (it goes round the other way): the
    /// two grids then overlap or part by a thin triangle along both edges at the corner
    /// (511111100003 at --households-per-grid 120: 1.3 m²). Keyed by the vertex replaced.
    static func nearPairs(in rings: [[Coordinate]], keeping kept: Set<Coordinate> = [],
                          within limit: Double = 1.5e-7) -> [Coordinate: Coordinate] {
        var to: [Coordinate: Coordinate] = [:]
        func root(_ c: Coordinate) -> Coordinate {
            var c = c
            while let next = to[c] { c = next }
            return c
        }
        for r in rings where r.count >= 2 {
            for k in r.indices {
                let u = r[k], v = r[(k + 1) % r.count]
                guard u != v, abs(u.x - v.x) < limit, abs(u.y - v.y) < limit, hypot(u.x - v.x, u.y - v.y) < limit else { continue }
                let (ru, rv) = (root(u), root(v))
                guard ru != rv else { continue }
                switch (kept.contains(ru), kept.contains(rv)) {
                case (true, true): continue
                case (true, false): to[rv] = ru
                case (false, true): to[ru] = rv
                case (false, false): if (ru.x, ru.y) < (rv.x, rv.y) { to[rv] = ru } else { to[ru] = rv }
                }
            }
        }
        var out: [Coordinate: Coordinate] = [:]
        for c in to.keys { out[c] = root(c) }
        return out
    }

    private func plain(_ p: Polygon, spikeTolerance: Double) throws -> Polygon {
        func ring(_ r: [Coordinate]) throws -> [Coordinate] {
            Self.cleaned(try r.map { let w = try toWGS84.transform($0); return Coordinate(round(w.x), round(w.y)) },
                         tolerance: spikeTolerance)
        }
        return Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring).filter { $0.count >= 4 })
    }

    private func round(_ v: Double) -> Double {
        let s = pow(10, Double(decimals))
        return (v * s).rounded() / s
    }

    /// Drops repeated vertices and zero-width spikes that rounding leaves: a vertex where the
    /// ring turns straight back on itself (a → b → c with c on the line a–b, behind b).
    ///
    /// `strict` also measures the spike the other way round — a off the line b–c — when b–c is
    /// the longer leg. Measured off a short leg, the error that rounding leaves in its direction
    /// grows along the long one: a junction put on the village edge a few metres from the next
    /// outline vertex, the ring then running back along that edge past it, is a spike whose far
    /// end lies a few 10⁻⁷° off the short leg's line, and left in place it crosses the ring.
    static func cleaned(_ ring: [Coordinate], tolerance: Double = 2e-7, strict: Bool = false) -> [Coordinate] {
        var pts: [Coordinate] = []
        for c in ring.dropLast() where pts.last != c { pts.append(c) }
        if pts.count > 1 && pts.first == pts.last { pts.removeLast() }
        var changed = true
        while changed && pts.count >= 3 {
            changed = false
            var k = 0
            while pts.count >= 3 && k < pts.count {
                let a = pts[(k + pts.count - 1) % pts.count], b = pts[k], c = pts[(k + 1) % pts.count]
                let abx = b.x - a.x, aby = b.y - a.y, bcx = c.x - b.x, bcy = c.y - b.y
                let ab = (abx * abx + aby * aby).squareRoot()
                var offLine = ab > 0 ? abs(abx * (c.y - a.y) - aby * (c.x - a.x)) / ab : (bcx * bcx + bcy * bcy).squareRoot()
                if strict {
                    let bc = (bcx * bcx + bcy * bcy).squareRoot()
                    if bc > ab { offLine = abs(abx * (c.y - a.y) - aby * (c.x - a.x)) / bc }
                }
                if b == c || (abx * bcx + aby * bcy < 0 && offLine < tolerance) {
                    pts.remove(at: k)
                    changed = true
                    k = max(0, k - 1)
                } else {
                    k += 1
                }
            }
        }
        return pts.count < 3 ? [] : pts + [pts[0]]
    }
}
