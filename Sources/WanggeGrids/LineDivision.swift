import WanggeGeometry

/// Whether lines can cut a polygon in two, decided by counting, not by GEOS's noding: the
/// polygon's faces after cutting are 1 plus the independent cycles of the graph whose nodes are
/// its rings (each ring one node) and the lines' vertices and crossings, and whose edges are the
/// pieces of line inside it. One cycle is enough for a cut.
///
/// It errs towards "can": every contact within `tolerance` (line vertex, crossing or passage near
/// a ring, or near another line) is counted as a meeting, and a meeting never removes a face.
/// The one thing left out — a piece of line lying within the tolerance of a single ring edge —
/// can only part a sliver that narrow from the polygon, which refinement merges back anyway.
/// Used to spare GEOS the lines that enter a block and stop, or lie along its edge.
enum LineDivision {
    static func mayDivide(_ polygon: Polygon, by lines: [[Coordinate]], tolerance τ: Double) -> Bool {
        let rings = polygon.rings
        let t2 = τ * τ
        var parent: [Int] = Array(rings.indices)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { parent[r] = parent[parent[r]]; r = parent[r] }
            return r
        }
        /// Joins two nodes; true when they were joined already (the edge closes a cycle).
        func join(_ a: Int, _ b: Int) -> Bool {
            let (ra, rb) = (root(a), root(b))
            if ra == rb { return true }
            parent[max(ra, rb)] = min(ra, rb)
            return false
        }
        struct VertexKey: Hashable { let x: UInt64, y: UInt64 }
        var vertexNode: [VertexKey: Int] = [:]
        func node(at c: Coordinate) -> Int {
            let key = VertexKey(x: c.x.bitPattern, y: c.y.bitPattern)
            if let n = vertexNode[key] { return n }
            parent.append(parent.count)
            vertexNode[key] = parent.count - 1
            return parent.count - 1
        }
        func freshNode() -> Int { parent.append(parent.count); return parent.count - 1 }
        func near(_ p: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Bool {
            Proximity.distanceSquared(p, toSegment: a, b) <= t2
        }
        func piecesNear(_ p: Coordinate, _ q: Coordinate, _ a: Coordinate, _ b: Coordinate) -> Bool {
            Proximity.segmentsIntersect(p, q, a, b) || near(p, a, b) || near(q, a, b) || near(a, p, q) || near(b, p, q)
        }
        var kept: [(p: Coordinate, q: Coordinate, from: Int, to: Int)] = []
        for line in lines {
            for k in 0..<max(0, line.count - 1) {
                let p = line[k], q = line[k + 1]
                let dx = q.x - p.x, dy = q.y - p.y, len2 = dx * dx + dy * dy
                guard len2 > 0 else { continue }
                // Split where the segment crosses a ring edge or passes a ring vertex.
                var ts: [Double] = [0, 1]
                for r in rings {
                    for j in 0..<(r.count - 1) {
                        let a = r[j], b = r[j + 1]
                        guard max(p.x, q.x) >= min(a.x, b.x) - τ, min(p.x, q.x) <= max(a.x, b.x) + τ,
                              max(p.y, q.y) >= min(a.y, b.y) - τ, min(p.y, q.y) <= max(a.y, b.y) + τ else { continue }
                        let ex = b.x - a.x, ey = b.y - a.y
                        let denominator = dx * ey - dy * ex
                        if denominator != 0 {
                            let t = ((a.x - p.x) * ey - (a.y - p.y) * ex) / denominator
                            let u = ((a.x - p.x) * dy - (a.y - p.y) * dx) / denominator
                            if t > 0, t < 1, u >= 0, u <= 1 { ts.append(t) }
                        }
                        if near(a, p, q) {
                            let t = ((a.x - p.x) * dx + (a.y - p.y) * dy) / len2
                            if t > 0, t < 1 { ts.append(t) }
                        }
                    }
                }
                ts.sort()
                var start = node(at: p)
                for i in 0..<(ts.count - 1) where ts[i + 1] > ts[i] {
                    let a = i == 0 ? p : Coordinate(p.x + ts[i] * dx, p.y + ts[i] * dy)
                    let last = i + 1 == ts.count - 1
                    let b = last ? q : Coordinate(p.x + ts[i + 1] * dx, p.y + ts[i + 1] * dy)
                    let end = last ? node(at: q) : freshNode()
                    defer { start = end }
                    let mid = Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2)
                    // Per ring: whether the piece's start, its end, or only some point between
                    // comes within the tolerance of it.
                    var contacts: [(ring: Int, start: Bool, end: Bool, between: Bool)] = []
                    var alongOneEdge = false
                    for (n, r) in rings.enumerated() {
                        var (atStart, atEnd, touches) = (false, false, false)
                        for j in 0..<(r.count - 1) {
                            let e0 = r[j], e1 = r[j + 1]
                            guard max(a.x, b.x) >= min(e0.x, e1.x) - τ, min(a.x, b.x) <= max(e0.x, e1.x) + τ,
                                  max(a.y, b.y) >= min(e0.y, e1.y) - τ, min(a.y, b.y) <= max(e0.y, e1.y) + τ else { continue }
                            let (s0, s1) = (near(a, e0, e1), near(b, e0, e1))
                            if s0 && s1 { alongOneEdge = true }
                            atStart = atStart || s0
                            atEnd = atEnd || s1
                            if !touches && piecesNear(a, b, e0, e1) { touches = true }
                        }
                        if touches { contacts.append((n, atStart, atEnd, !atStart && !atEnd)) }
                    }
                    // Along a ring edge (a sliver at most), or outside: not an edge of the graph.
                    if alongOneEdge || !Proximity.contains(rings, mid) { continue }
                    // An edge of the graph; each meeting with a ring, an edge too.
                    if join(start, end) { return true }
                    for c in contacts {
                        if c.start || c.between, join(start, c.ring) { return true }
                        if c.end, join(end, c.ring) { return true }
                    }
                    kept.append((a, b, start, end))
                }
            }
        }
        // Lines meeting lines, other than end to end (shared nodes): an edge between them.
        for i in kept.indices {
            for j in (i + 1)..<kept.count {
                let (x, y) = (kept[i], kept[j])
                if x.from == y.from || x.from == y.to || x.to == y.from || x.to == y.to { continue }
                if piecesNear(x.p, x.q, y.p, y.q), join(x.from, y.from) { return true }
            }
        }
        return false
    }
}
