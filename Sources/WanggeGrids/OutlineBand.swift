import Foundation
import WanggeGeometry

/// The strip along a village outline, `OutlineFaithfulProjection.outlineTolerance` wide on
/// either side, inside which the WGS-84 writer puts every vertex onto the outline itself (or
/// drops it).
///
/// Boundary that two blocks share only inside this strip does not exist in the written file: a
/// street drawn a few millimetres inside the village outline leaves, on one side, a sliver that
/// narrow, and that sliver's edge along the street is "shared" with the block across the street
/// in metres but collapses onto the outline in WGS-84. `GridPlanner.adjacency` leaves such pairs
/// out, so the regionalizer never joins two blocks into one grid through such a sliver.
/// Bound to one GEOS context (not `Sendable`).
///
/// The strip is kept in pieces (the buffer of each run of `runLength` outline segments; their union
/// is the buffer of the whole outline), so a question about a short shared edge overlays it with
/// the few pieces near it instead of the buffer of a whole village outline.
struct OutlineBand {
    static let runLength = 32
    let pieces: [(envelope: Envelope, strip: PreparedGeometry)]

    init(_ outline: [Polygon], tolerance: Double = OutlineFaithfulProjection.outlineTolerance,
         context ctx: GEOSContext) throws {
        var pieces: [(envelope: Envelope, strip: PreparedGeometry)] = []
        for ring in outline.flatMap(\.rings) where ring.count >= 2 {
            var start = 0
            while start < ring.count - 1 {
                let run = Array(ring[start...min(start + Self.runLength, ring.count - 1)])
                let e = Geometry.lineString(run).envelope!
                let strip = try ctx.geometry(from: .lineString(run)).buffer(width: tolerance)
                pieces.append((Envelope(minX: e.minX - 2 * tolerance, minY: e.minY - 2 * tolerance,
                                        maxX: e.maxX + 2 * tolerance, maxY: e.maxY + 2 * tolerance), try PreparedGeometry(strip)))
                start += Self.runLength
            }
        }
        self.pieces = pieces
    }

    /// Whether no more than `slack` metres of `segments` lie outside the strip
    /// (`lengthOutside(segments) <= slack`). Segments clear of every piece's envelope are
    /// outside whole: when they alone measure more than `slack`, the answer needs no overlay —
    /// the common case, an edge between two blocks inside the village.
    func holds(_ segments: [(Coordinate, Coordinate)], but slack: Double, context ctx: GEOSContext) throws -> Bool {
        var clear = 0.0
        for (p, q) in segments {
            let e = Envelope(minX: min(p.x, q.x), minY: min(p.y, q.y), maxX: max(p.x, q.x), maxY: max(p.y, q.y))
            guard !pieces.contains(where: { $0.envelope.intersects(e) }) else { continue }
            clear += hypot(q.x - p.x, q.y - p.y)
            if clear > slack { return false }
        }
        return try lengthOutside(ctx.geometry(from: .multiLineString(segments.map { [$0.0, $0.1] }))) <= slack
    }

    /// Length of `lines` outside the strip.
    func lengthOutside(_ lines: GEOSGeometryHandle) throws -> Double {
        guard let e = try lines.value().envelope else { return 0 }
        var rest = lines
        for piece in pieces where piece.envelope.intersects(e) {
            guard try piece.strip.intersects(rest) else { continue }
            rest = try rest.difference(piece.strip.base)
        }
        return try rest.length()
    }
}
