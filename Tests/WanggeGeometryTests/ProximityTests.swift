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
}
