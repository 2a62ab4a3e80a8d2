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
struct OutlineBand {
    let strip: PreparedGeometry

    init(_ outline: [Polygon], tolerance: Double = OutlineFaithfulProjection.outlineTolerance,
         context ctx: GEOSContext) throws {
        let rings = try ctx.geometry(from: .multiLineString(outline.flatMap(\.rings)))
        strip = try PreparedGeometry(rings.buffer(width: tolerance))
    }

    /// Length of `lines` outside the strip.
    func lengthOutside(_ lines: GEOSGeometryHandle) throws -> Double {
        guard try strip.intersects(lines) else { return try lines.length() }
        return try lines.difference(strip.base).length()
    }
}
