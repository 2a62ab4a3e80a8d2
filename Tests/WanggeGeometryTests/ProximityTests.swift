import Foundation
import Testing
@testable import WanggeGeometry

@Suite struct ProximityTests {
    let square = [[Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)]]
    let squareEnvelope = Envelope(minX: 0, minY: 0, maxX: 10, maxY: 10)

    @Test func distanceToASegmentIsToItsNearestPointEndsIncluded() {
        let a = Coordinate(0, 0), b = Coordinate(10, 0)
        #expect(Proximity.distanceSquared(Coordinate(5, 3), toSegment: a, b) == 9)
        #expect(Proximity.distanceSquared(Coordinate(13, 4), toSegment: a, b) == 25)
        #expect(Proximity.distanceSquared(Coordinate(-3, 0), toSegment: a, b) == 9)
        #expect(Proximity.distanceSquared(Coordinate(1, 1), toSegment: a, a) == 2)
    }

    @Test func segmentsCrossTouchOverlapOrMiss() {
        let a = Coordinate(0, 0), b = Coordinate(10, 10)
        #expect(Proximity.segmentsIntersect(a, b, Coordinate(0, 10), Coordinate(10, 0)))      // crossing
        #expect(Proximity.segmentsIntersect(a, b, Coordinate(5, 5), Coordinate(9, 0)))        // an end on it
        #expect(Proximity.segmentsIntersect(a, b, Coordinate(5, 5), Coordinate(20, 20)))      // collinear overlap
        #expect(!Proximity.segmentsIntersect(a, b, Coordinate(11, 11), Coordinate(20, 20)))   // collinear, apart
        #expect(!Proximity.segmentsIntersect(a, b, Coordinate(0, 1), Coordinate(9, 10)))      // parallel
        #expect(!Proximity.segmentsIntersect(a, b, Coordinate(6, 5), Coordinate(9, 0)))       // stops short
    }

    @Test func aLineNearsAPolygonInsideAcrossOrWithinTheTolerance() {
        func near(_ l: [Coordinate], _ t: Double = 0.1) -> Bool {
            Proximity.line(l, within: t, ofPolygon: square, envelope: squareEnvelope)
        }
        #expect(near([Coordinate(2, 2), Coordinate(3, 3)]))                       // wholly inside
        #expect(near([Coordinate(-5, 5), Coordinate(15, 5)]))                     // across
        #expect(near([Coordinate(-5, 20), Coordinate(5, 20), Coordinate(5, 9)]))  // in through its last segment
        #expect(near([Coordinate(-5, 10.05), Coordinate(15, 10.05)]))             // 5 cm outside, along an edge
        #expect(!near([Coordinate(-5, 10.2), Coordinate(15, 10.2)]))              // 20 cm outside
        #expect(!near([Coordinate(-5, -5), Coordinate(-1, 20), Coordinate(20, 20)])) // around, never near
        // A ring around the square, however close its envelope: not near.
        #expect(!near([Coordinate(-1, -1), Coordinate(11, -1), Coordinate(11, 11), Coordinate(-1, 11), Coordinate(-1, -1)]))
    }

    @Test func polygonsThatCanShareAnEdgeHaveAVertexOnTheOthersEdge() {
        // Side by side: shared vertices.
        let east = [[Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 0)]]
        #expect(Proximity.someVertex(of: east, within: 0.02, ofEdgesOf: square, edgesEnvelope: squareEnvelope))
        // Shifted half way up: no vertex in common, but each has one on the other's edge.
        let shifted = [[Coordinate(10, 5), Coordinate(20, 5), Coordinate(20, 15), Coordinate(10, 15), Coordinate(10, 5)]]
        #expect(Proximity.someVertex(of: shifted, within: 0.02, ofEdgesOf: square, edgesEnvelope: squareEnvelope))
        // Overlapping envelopes, 5 cm apart: nothing shared.
        let apart = [[Coordinate(10.05, -5), Coordinate(20, -5), Coordinate(20, 5), Coordinate(10.05, 5), Coordinate(10.05, -5)]]
        #expect(!Proximity.someVertex(of: apart, within: 0.02, ofEdgesOf: square, edgesEnvelope: squareEnvelope))
        let apartEnvelope = Envelope(minX: 10.05, minY: -5, maxX: 20, maxY: 5)
        #expect(!Proximity.someVertex(of: square, within: 0.02, ofEdgesOf: apart, edgesEnvelope: apartEnvelope))
    }

    @Test func sharedSegmentsAreTheCommonBoundaryOrNothingIsClaimed() {
        func env(_ r: [[Coordinate]]) -> Envelope { Geometry.multiLineString(r).envelope! }
        func shared(_ b: [[Coordinate]]) -> [(Coordinate, Coordinate)]? {
            Proximity.sharedSegments(square, squareEnvelope, b, env(b), tolerance: 0.02)
        }
        let east = [[Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 0)]]
        #expect(shared(east).map { $0.map { [$0.0, $0.1] } } == [[Coordinate(10, 0), Coordinate(10, 10)]])
        // Corner to corner only: nothing shared, and that is sure.
        let diagonal = [[Coordinate(10, 10), Coordinate(20, 10), Coordinate(20, 20), Coordinate(10, 20), Coordinate(10, 10)]]
        #expect(shared(diagonal)?.isEmpty == true)
        // A vertex of the neighbour on the shared edge that the square lacks (a T-junction), or
        // one a centimetre off it: only an overlay can say.
        let tee = [[Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10, 5), Coordinate(10, 0)]]
        let off = [[Coordinate(10, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10, 10), Coordinate(10.01, 5), Coordinate(10, 0)]]
        #expect(shared(tee) == nil && shared(off) == nil)
        // Apart by more than the tolerance: sure again, nothing shared.
        let apart = [[Coordinate(10.5, 0), Coordinate(20, 0), Coordinate(20, 10), Coordinate(10.5, 10), Coordinate(10.5, 0)]]
        #expect(shared(apart)?.isEmpty == true)
    }

    /// Against GEOS's intersection of the rings, on jittered tilings where some cells' edges carry
    /// an extra vertex on one side only: wherever `sharedSegments` answers, the length is GEOS's.
    @Test func sharedSegmentsMeasureWhatTheOverlayMeasures() throws {
        let ctx = GEOSContext()
        var state: UInt64 = 20261201
        func random() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var answered = 0, deferred = 0
        for _ in 0..<20 {
            let n = 5
            var corner = [[Coordinate]](repeating: [], count: n + 1)
            for i in 0...n { for j in 0...n { corner[i].append(Coordinate(Double(i) * 10 + random() * 3, Double(j) * 10 + random() * 3)) } }
            // The midpoint of some vertical edges, given to the left cell, the right one or both.
            var mid: [String: (Coordinate, left: Bool, right: Bool)] = [:]
            for i in 1..<n { for j in 0..<n where random() < 0.5 {
                let a = corner[i][j], b = corner[i][j + 1], side = random()
                let m = Coordinate((a.x + b.x) / 2 + (random() < 0.3 ? 0.005 : 0), (a.y + b.y) / 2)
                mid["\(i),\(j)"] = (m, side < 0.7, side > 0.3)
            } }
            var cells: [[[Coordinate]]] = []
            for i in 0..<n { for j in 0..<n {
                var ring = [corner[i][j], corner[i + 1][j]]
                if let m = mid["\(i + 1),\(j)"], m.left { ring.append(m.0) }
                ring += [corner[i + 1][j + 1], corner[i][j + 1]]
                if let m = mid["\(i),\(j)"], m.right { ring.append(m.0) }
                ring.append(corner[i][j])
                cells.append([ring])
            } }
            for a in cells.indices { for c in (a + 1)..<cells.count {
                let ea = Geometry.multiLineString(cells[a]).envelope!, ec = Geometry.multiLineString(cells[c]).envelope!
                guard ea.intersects(ec) else { continue }
                guard let segments = Proximity.sharedSegments(cells[a], ea, cells[c], ec, tolerance: 0.02) else { deferred += 1; continue }
                answered += 1
                let mine = segments.reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
                let overlay = try ctx.geometry(from: .multiLineString(cells[a])).intersection(ctx.geometry(from: .multiLineString(cells[c]))).length()
                #expect(abs(mine - overlay) <= 1e-9 * max(1, overlay), "cells \(a), \(c): \(mine) against \(overlay)")
            } }
        }
        #expect(answered > 500 && deferred > 50, "answered \(answered), deferred \(deferred)")
    }
}
