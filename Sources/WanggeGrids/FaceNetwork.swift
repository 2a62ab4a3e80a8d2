import Foundation
import WanggeGeometry

/// Faces of a line network and which of them share an edge, as plain numbers.
public struct FaceGraph: Sendable {
    public var area: [Double]
    public var perimeter: [Double]
    /// Neighbours of each face with the length of the shared edge, sorted by neighbour index.
    public var neighbours: [[(face: Int, shared: Double)]]

    public var count: Int { area.count }

    public init(area: [Double], perimeter: [Double], neighbours: [[(face: Int, shared: Double)]]) {
        self.area = area
        self.perimeter = perimeter
        self.neighbours = neighbours
    }
}

/// The faces that a set of lines cuts a polygon into (node + polygonize), and which faces share
/// an edge. Used for the district's faces (generator) and each village's blocks (partition).
public struct FaceNetwork: Sendable {
    public var faces: [Polygon]
    public var graph: FaceGraph
    public var centroids: [Coordinate]

    /// Nodes and polygonizes `lines` together with the outline, keeps the faces inside it, and
    /// finds shared edges by matching identical segments (polygonize builds every face from the
    /// same noded edges, so neighbours share exactly equal coordinates).
    /// - Parameters:
    ///   - gridSize: when set, lines are noded by snap-rounding to this grid, which is robust for
    ///     lines that nearly coincide with the outline (as when they were its source). Keep it
    ///     tiny (1 µm): the outline itself is rounded to it too.
    ///   - snapTolerance: when set, line vertices this close to the outline are first snapped
    ///     onto it (costly on long outlines; without it, a line running a hair inside the
    ///     outline leaves a sliver face, which callers merge).
    public init(lines: [[Coordinate]], outline: Polygon, context ctx: GEOSContext, gridSize: Double? = nil,
                snapTolerance: Double? = nil) throws {
        let noded: GEOSGeometryHandle
        let all = try ctx.geometry(from: .multiLineString(lines.filter { $0.count >= 2 } + outline.rings))
        if let gridSize {
            let ring = try ctx.geometry(from: .multiLineString(outline.rings))
            let kept = lines.filter { $0.count >= 2 }
            var linework = try ctx.geometry(from: .multiLineString(kept))
            if let snapTolerance {
                // GEOS snaps each line of a collection on its own, to the reference's vertices
                // only, and a vertex farther than the tolerance from a line moves nothing on it:
                // snapping each line to the outline vertices near it gives the same lines as
                // snapping the whole network to the whole outline, without GEOS's scan of every
                // line segment for every outline vertex (village outlines follow these lines).
                var snapped: [[Coordinate]] = []
                let nearEach = FaceNetwork.vertices(of: outline.rings, within: snapTolerance, ofEach: kept)
                for (line, near) in zip(kept, nearEach) {
                    guard !near.isEmpty else { snapped.append(line); continue }
                    let moved = try ctx.geometry(from: .lineString(line))
                        .snapped(to: try ctx.geometry(from: .multiPoint(near)), tolerance: snapTolerance).value()
                    // GEOS returns a line for a line; anything else would be a GEOS change: keep the line.
                    if case .lineString(let l) = moved { snapped.append(l) } else { snapped.append(line) }
                }
                linework = try ctx.geometry(from: .multiLineString(snapped))
            }
            noded = try ctx.collection(of: [linework, ring]).unaryUnion(gridSize: gridSize)
        } else {
            noded = try all.node()
        }
        let polygons = try ctx.polygonize([noded]).value().polygons
        var kept: [Polygon] = []
        for p in polygons {
            let probe = FaceNetwork.interiorPoint(p)
            if FaceNetwork.contains(outline, probe) { kept.append(p) }
        }
        // A canonical order (by centroid, west→east then north→south) so ids do not depend on
        // GEOS's internal order.
        let cents = kept.map(FaceNetwork.centroid)
        let order = kept.indices.sorted {
            (cents[$0].x, -cents[$0].y) < (cents[$1].x, -cents[$1].y)
        }
        faces = order.map { kept[$0] }
        centroids = order.map { cents[$0] }

        struct Segment: Hashable { let ax, ay, bx, by: Double }
        func key(_ a: Coordinate, _ b: Coordinate) -> Segment {
            (a.x, a.y) < (b.x, b.y) ? Segment(ax: a.x, ay: a.y, bx: b.x, by: b.y)
                                    : Segment(ax: b.x, ay: b.y, bx: a.x, by: a.y)
        }
        var owner: [Segment: Int] = [:]
        var shared = [[Int: Double]](repeating: [:], count: faces.count)
        var perimeter = [Double](repeating: 0, count: faces.count)
        for (f, p) in faces.enumerated() {
            for ring in p.rings {
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1]
                    let len = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                    perimeter[f] += len
                    let s = key(a, b)
                    if let g = owner[s], g != f {
                        shared[f][g, default: 0] += len
                        shared[g][f, default: 0] += len
                    } else {
                        owner[s] = f
                    }
                }
            }
        }
        graph = FaceGraph(
            area: faces.map(\.planarArea),
            perimeter: perimeter,
            neighbours: shared.map { d in d.keys.sorted().map { (face: $0, shared: d[$0]!) } }
        )
    }

    /// For each of `lines`, the distinct vertices of `rings` that lie within `tolerance` (or a
    /// little more) of one of its segments, in ring order. The ring vertices are bucketed once,
    /// so this is linear in practice.
    static func vertices(of rings: [[Coordinate]], within tolerance: Double, ofEach lines: [[Coordinate]]) -> [[Coordinate]] {
        let size = 25.0, margin = tolerance * 2
        func cell(_ v: Double) -> Int { Int((v / size).rounded(.down)) }
        func key(_ i: Int, _ j: Int) -> Int { i &* 1_000_003 &+ j }
        // Distinct ring vertices in ring order, bucketed.
        struct Key: Hashable { let x: Double, y: Double }
        var seen = Set<Key>()
        var vertices: [Coordinate] = []
        var buckets: [Int: [Int]] = [:]
        for r in rings {
            for c in r where seen.insert(Key(x: c.x, y: c.y)).inserted {
                buckets[key(cell(c.x), cell(c.y)), default: []].append(vertices.count)
                vertices.append(c)
            }
        }
        return lines.map { line in
            var near = Set<Int>()
            for (a, b) in zip(line, line.dropFirst()) {
                let dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy
                func test(_ k: Int) {
                    let c = vertices[k]
                    let t = len2 > 0 ? max(0, min(1, ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2)) : 0
                    if hypot(a.x + t * dx - c.x, a.y + t * dy - c.y) <= margin { near.insert(k) }
                }
                let (i0, i1) = (cell(min(a.x, b.x) - margin), cell(max(a.x, b.x) + margin))
                let (j0, j1) = (cell(min(a.y, b.y) - margin), cell(max(a.y, b.y) + margin))
                // A long diagonal segment (a straight cut drawn well past its block) spans more
                // cells than the ring has vertices: then test the vertices, not the cells.
                if (i1 - i0 + 1).multipliedReportingOverflow(by: j1 - j0 + 1).partialValue > vertices.count
                    || (i1 - i0 + 1).multipliedReportingOverflow(by: j1 - j0 + 1).overflow {
                    for k in vertices.indices where !near.contains(k) { test(k) }
                    continue
                }
                for i in i0...i1 {
                    for j in j0...j1 {
                        for k in buckets[key(i, j)] ?? [] where !near.contains(k) { test(k) }
                    }
                }
            }
            return near.sorted().map { vertices[$0] }
        }
    }

    /// Index of the face containing `p`, if any.
    public func face(containing p: Coordinate) -> Int? {
        faces.indices.first { f in
            let e = Geometry.polygon(faces[f]).envelope!
            return e.contains(p) && FaceNetwork.contains(faces[f], p)
        }
    }

    public static func centroid(_ p: Polygon) -> Coordinate {
        let r = p.exterior
        var a = 0.0, cx = 0.0, cy = 0.0
        let o = r[0]
        for k in 0..<(r.count - 1) {
            let x0 = r[k].x - o.x, y0 = r[k].y - o.y, x1 = r[k + 1].x - o.x, y1 = r[k + 1].y - o.y
            let c = x0 * y1 - x1 * y0
            a += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c
        }
        guard abs(a) > 1e-12 else { return o }
        return Coordinate(o.x + cx / (3 * a), o.y + cy / (3 * a))
    }

    /// Even–odd point in polygon (holes included).
    public static func contains(_ p: Polygon, _ c: Coordinate) -> Bool {
        var inside = false
        for ring in p.rings {
            for k in 0..<(ring.count - 1) {
                let a = ring[k], b = ring[k + 1]
                if (a.y > c.y) != (b.y > c.y), c.x < a.x + (c.y - a.y) / (b.y - a.y) * (b.x - a.x) {
                    inside.toggle()
                }
            }
        }
        return inside
    }

    /// A point strictly inside the polygon: the midpoint of the widest inside span on the
    /// horizontal line through the middle of its extent (centroids can fall outside).
    public static func interiorPoint(_ p: Polygon) -> Coordinate {
        let e = Geometry.polygon(p).envelope!
        for frac in [0.5, 0.37, 0.63, 0.25, 0.75, 0.12, 0.88] {
            let y = e.minY + (e.maxY - e.minY) * frac
            var xs: [Double] = []
            for ring in p.rings {
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1]
                    if (a.y > y) != (b.y > y) { xs.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x)) }
                }
            }
            xs.sort()
            var best: (Double, Double)? = nil
            var k = 0
            while k + 1 < xs.count {
                if best == nil || xs[k + 1] - xs[k] > best!.1 - best!.0 { best = (xs[k], xs[k + 1]) }
                k += 2
            }
            if let b = best, b.1 > b.0 { return Coordinate((b.0 + b.1) / 2, y) }
        }
        return p.exterior[0]
    }
}
