import Foundation
import WanggeGeometry

/// One polygon of a coverage, by id, in a metric CRS.
public struct CoverageMember: Sendable {
    public var id: String
    public var geometry: Geometry

    public init(id: String, geometry: Geometry) {
        self.id = id
        self.geometry = geometry
    }
}

/// A problem found in a coverage, with where it is (metric coordinates).
public struct CoverageIssue: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case invalid, notOnePiece = "not-one-piece", overlap, gap, outsideParent = "outside-parent", empty
    }

    public var kind: Kind
    /// The members involved (one, or two for an overlap), or the parent for a gap.
    public var ids: [String]
    /// Area of the overlap, gap or outside part in m²; 0 for invalid / not one piece.
    public var area: Double
    public var location: Coordinate?
    public var detail: String

    public var description: String {
        let at = location.map { String(format: " at (%.1f, %.1f)", $0.x, $0.y) } ?? ""
        let size = area > 0 ? String(format: ", %.1f m²", area) : ""
        return "\(kind.rawValue) \(ids.joined(separator: " / "))\(size)\(at): \(detail)"
    }
}

/// Checks that polygons tile a parent: each valid and in one piece, no two overlapping, none
/// outside the parent, and no gap, each above a tolerance in m². GEOS 3.11 has no coverage
/// validation (3.12's GEOSCoverageIsValid_r), so it is built here from overlay operations.
public struct CoverageCheck {
    public var tolerance: Double
    let context: GEOSContext

    public init(tolerance: Double = 1.0, context: GEOSContext = GEOSContext()) {
        self.tolerance = tolerance
        self.context = context
    }

    /// Validity and one-piece checks for every member.
    public func checkMembers(_ members: [CoverageMember]) throws -> [CoverageIssue] {
        var issues: [CoverageIssue] = []
        for m in members {
            if m.geometry.isEmpty {
                issues.append(CoverageIssue(kind: .empty, ids: [m.id], area: 0, location: nil, detail: "empty geometry"))
                continue
            }
            let h = try context.geometry(from: m.geometry)
            let v = try h.validity()
            if !v.isValid {
                issues.append(CoverageIssue(kind: .invalid, ids: [m.id], area: 0, location: v.location,
                                            detail: v.reason ?? "invalid"))
            }
            let parts = m.geometry.polygons.count
            if parts != 1 || m.geometry.typeName != "Polygon" && m.geometry.typeName != "MultiPolygon" {
                issues.append(CoverageIssue(kind: .notOnePiece, ids: [m.id], area: 0,
                                            location: m.geometry.polygons.dropFirst().first?.exterior.first,
                                            detail: "\(m.geometry.typeName) with \(parts) polygon part(s)"))
            }
        }
        return issues
    }

    /// Overlaps between members, found by an envelope sweep then exact intersection.
    public func overlaps(_ members: [CoverageMember]) throws -> [CoverageIssue] {
        let handles = try members.map { try context.geometry(from: $0.geometry) }
        let envelopes = members.map { $0.geometry.envelope }
        let order = members.indices.filter { envelopes[$0] != nil }.sorted {
            (envelopes[$0]!.minX, $0) < (envelopes[$1]!.minX, $1)
        }
        var issues: [CoverageIssue] = []
        for (k, a) in order.enumerated() {
            for b in order[(k + 1)...] {
                if envelopes[b]!.minX > envelopes[a]!.maxX { break }
                guard envelopes[a]!.intersects(envelopes[b]!) else { continue }
                let inter = try handles[a].intersection(handles[b])
                let area = try inter.area()
                if area > tolerance {
                    let ids = [members[a].id, members[b].id].sorted()
                    issues.append(CoverageIssue(kind: .overlap, ids: ids, area: area,
                                                location: try inter.pointOnSurface().pointCoordinate(),
                                                detail: "the two overlap"))
                }
            }
        }
        return issues.sorted { ($0.ids.joined(separator: "\u{1}"), $0.area) < ($1.ids.joined(separator: "\u{1}"), $1.area) }
    }

    /// Members that stick out of the parent, and gaps of the parent that no member covers.
    public func gapsAndOutside(parent: CoverageMember, members: [CoverageMember]) throws -> [CoverageIssue] {
        let p = try context.geometry(from: parent.geometry)
        var issues: [CoverageIssue] = []
        var handles: [GEOSGeometryHandle] = []
        for m in members {
            let h = try context.geometry(from: m.geometry)
            handles.append(h)
            let outside = try h.difference(p)
            let area = try outside.area()
            if area > tolerance {
                issues.append(CoverageIssue(kind: .outsideParent, ids: [m.id], area: area,
                                            location: try outside.pointOnSurface().pointCoordinate(),
                                            detail: "lies partly outside \(parent.id)"))
            }
        }
        let covered = try context.union(of: handles)
        let gaps = try p.difference(covered)
        for part in try gaps.geometries() {
            let area = try part.area()
            if area > tolerance {
                issues.append(CoverageIssue(kind: .gap, ids: [parent.id], area: area,
                                            location: try part.pointOnSurface().pointCoordinate(),
                                            detail: "part of \(parent.id) is covered by none of its members"))
            }
        }
        return issues
    }

    /// Whether `members` tile `parent` exactly, edge for edge — decided without an overlay. Each
    /// polygon's boundary is a chain of directed segments (exteriors counter-clockwise, holes
    /// clockwise); if the members' chains sum to the parent's segment for segment, their winding
    /// numbers — for valid polygons, their indicator functions — sum to the parent's, so they
    /// cover it with no gap, no overlap and nothing outside. True only then; anything else (a
    /// vertex on one side of a shared edge only, a shifted coordinate) is false and the overlay
    /// checks decide. The members must be valid (`checkMembers`) for true to mean a tiling.
    /// Grids cut from their village share its coordinates exactly, so this is the usual answer,
    /// and the overlays — which fall back to snapping on such nearly coincident boundaries — are
    /// left for the plans that need them.
    public static func tilesExactly(parent: Geometry, members: [Geometry]) -> Bool {
        guard let residual = unbalancedSegments(parent: parent, members: members) else { return false }
        return residual.isEmpty
    }

    /// Whether `members` tile `parent` up to `tolerance` m², decided without an overlay. As in
    /// `tilesExactly`, the members' boundary chains minus the parent's leave a residual chain
    /// (here: where a vertex lies on one side of a shared edge only, a hair off it). It is closed,
    /// so it splits into loops, and the members' winding numbers sum to the parent's everywhere
    /// but inside them: any gap, overlap or part outside lies there. A loop holds at most its area
    /// when it is simple, its envelope otherwise; when they add up to at most half the tolerance,
    /// no such part can exceed it and the overlays would report nothing: true. False says
    /// nothing; the overlays decide. Members must be valid.
    public static func tiles(parent: Geometry, members: [Geometry], within tolerance: Double) -> Bool {
        guard let residual = unbalancedSegments(parent: parent, members: members) else { return false }
        if residual.isEmpty { return true }
        guard tolerance > 0 else { return false }
        // Directed edges of the residual, by vertex id (ids in first-seen order of sorted segments).
        var ids: [VertexKey: Int] = [:]
        var points: [Coordinate] = []
        var out: [[Int]] = []
        func id(_ x: UInt64, _ y: UInt64) -> Int {
            let key = VertexKey(x: x, y: y)
            if let i = ids[key] { return i }
            ids[key] = points.count
            points.append(Coordinate(Double(bitPattern: x), Double(bitPattern: y)))
            out.append([])
            return points.count - 1
        }
        for (s, count) in residual {
            let low = id(s.x0, s.y0), high = id(s.x1, s.y1)
            for _ in 0..<abs(count) { if count > 0 { out[low].append(high) } else { out[high].append(low) } }
        }
        // Walk it into loops: at every vertex as many edges leave as arrive, so a walk goes on
        // until it meets its own path, and the loop it closes is cut off.
        var held = 0.0
        for start in points.indices {
            var path = [start]
            var onPath = [start: 0]
            while let v = path.last {
                guard let w = out[v].popLast() else {
                    if path.count == 1 { break }
                    return false   // not closed: leave it to the overlays
                }
                if let k = onPath[w] {
                    held += Self.areaHeld(by: path[k...].map { points[$0] } + [points[w]])
                    if held > tolerance / 2 || !held.isFinite { return false }
                    for x in path[(k + 1)...] { onPath[x] = nil }
                    path.removeSubrange((k + 1)...)
                } else {
                    onPath[w] = path.count
                    path.append(w)
                }
            }
        }
        return true
    }

    /// At most the area where a closed loop's winding number is not 0: its area when it is
    /// simple (its edges meet only end to end), else its envelope's.
    static func areaHeld(by loop: [Coordinate]) -> Double {
        var e = Envelope(minX: loop[0].x, minY: loop[0].y, maxX: loop[0].x, maxY: loop[0].y)
        for c in loop { e.expand(toInclude: c) }
        let n = loop.count - 1
        guard n >= 3, n <= 64 else { return n < 3 ? 0 : e.width * e.height }
        for i in 0..<n {
            for j in (i + 1)..<n where j != i + 1 && !(i == 0 && j == n - 1) {
                if Proximity.segmentsIntersect(loop[i], loop[i + 1], loop[j], loop[j + 1]) { return e.width * e.height }
            }
        }
        return abs(Self.signedArea(loop)) / 2
    }

    /// The segments where the members' boundaries (exteriors counter-clockwise, holes
    /// clockwise) and the parent's reversed do not cancel; nil when a ring is degenerate.
    private static func unbalancedSegments(parent: Geometry, members: [Geometry]) -> [(SegmentKey, Int)]? {
        var balance: [SegmentKey: Int] = [:]
        func add(_ g: Geometry, _ sign: Int) -> Bool {
            let polygons = g.polygons
            guard !polygons.isEmpty else { return false }
            for p in polygons {
                for (k, ring) in p.rings.enumerated() {
                    guard ring.count >= 4 else { return false }
                    // Exterior counter-clockwise (positive area), holes clockwise.
                    let area = Self.signedArea(ring)
                    guard area != 0 else { return false }
                    let forward = (k == 0) == (area > 0)
                    for i in 0..<(ring.count - 1) {
                        let a = forward ? ring[i] : ring[i + 1], b = forward ? ring[i + 1] : ring[i]
                        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return false }
                        if a == b { continue }
                        let key = SegmentKey(a, b)
                        balance[key, default: 0] += key.forward(a) ? sign : -sign
                    }
                }
            }
            return true
        }
        guard add(parent, -1) else { return nil }
        for m in members { guard add(m, 1) else { return nil } }
        // In a fixed order (by end points), so the walk does not depend on hashing.
        return balance.filter { $0.value != 0 }.map { ($0.key, $0.value) }
            .sorted { ($0.0.x0, $0.0.y0, $0.0.x1, $0.0.y1) < ($1.0.x0, $1.0.y0, $1.0.x1, $1.0.y1) }
    }

    private struct VertexKey: Hashable { let x: UInt64, y: UInt64 }

    /// Twice the signed area of a closed ring (shoelace), positive counter-clockwise.
    static func signedArea(_ ring: [Coordinate]) -> Double {
        guard let o = ring.first else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += (ring[i].x - o.x) * (ring[i + 1].y - o.y) - (ring[i + 1].x - o.x) * (ring[i].y - o.y)
        }
        return sum
    }

    /// An undirected segment by the exact bits of its end points, lower end first.
    struct SegmentKey: Hashable {
        let x0: UInt64, y0: UInt64, x1: UInt64, y1: UInt64
        init(_ a: Coordinate, _ b: Coordinate) {
            let (p, q) = Self.lessThan(a, b) ? (a, b) : (b, a)
            x0 = p.x.bitPattern; y0 = p.y.bitPattern; x1 = q.x.bitPattern; y1 = q.y.bitPattern
        }
        /// Whether a → b runs from the lower end to the higher.
        func forward(_ a: Coordinate) -> Bool { a.x.bitPattern == x0 && a.y.bitPattern == y0 }
        static func lessThan(_ a: Coordinate, _ b: Coordinate) -> Bool { (a.x, a.y) < (b.x, b.y) }
    }

    /// Overlaps, parts outside and gaps of valid `members` that should tile `parent`: none when
    /// they tile it edge for edge, or but for slivers that cannot reach the tolerance (`tiles(parent:members:within:)`),
    /// else as the overlays find them.
    public func tilingIssues(parent: CoverageMember, members: [CoverageMember]) throws -> [CoverageIssue] {
        if Self.tiles(parent: parent.geometry, members: members.map(\.geometry), within: tolerance) { return [] }
        return try overlaps(members) + gapsAndOutside(parent: parent, members: members)
    }

    /// Everything above, for members that should tile `parent`. The edge-for-edge shortcut holds
    /// for a valid parent and valid members only; otherwise the overlays decide.
    public func check(parent: CoverageMember, members: [CoverageMember]) throws -> [CoverageIssue] {
        let memberIssues = try checkMembers(members)
        let parentValid = parent.geometry.isEmpty ? false : try context.geometry(from: parent.geometry).validity().isValid
        if !parentValid || memberIssues.contains(where: { $0.kind == .invalid || $0.kind == .empty }) {
            return try memberIssues + overlaps(members) + gapsAndOutside(parent: parent, members: members)
        }
        return try memberIssues + tilingIssues(parent: parent, members: members)
    }
}
