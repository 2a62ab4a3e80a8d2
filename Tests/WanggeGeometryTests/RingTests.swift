import Foundation
import Testing
@testable import WanggeGeometry

@Suite struct RingTests {
    @Test func signedAreaOfUnitSquareIsPositiveWhenCounterClockwise() {
        let ccw = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1), Coordinate(0, 0)]
        #expect(Ring.signedArea(ccw) == 1)
        #expect(Ring.signedArea(Array(ccw.reversed())) == -1)
        #expect(Ring.isClosed(ccw))
    }

    @Test func envelopeCoversEveryCoordinate() {
        let g = Geometry.multiLineString([[Coordinate(3, -1), Coordinate(5, 2)], [Coordinate(-2, 7)]])
        #expect(g.envelope == Envelope(minX: -2, minY: -1, maxX: 5, maxY: 7))
    }
}

@Suite struct DensifyTests {
    @Test func sharedEdgesGetTheSameVerticesInBothDirections() {
        let a = [Coordinate(0, 0), Coordinate(103.7, 0.3), Coordinate(103.7, 50), Coordinate(0, 0)]
        let dense = Densify.ring(a, maxSegment: 10)
        #expect(zip(dense, dense.dropFirst()).allSatisfy { hypot($1.x - $0.x, $1.y - $0.y) <= 10 + 1e-9 })
        // The neighbour walks the first edge backwards: same points, reversed, bit for bit.
        let back = Densify.ring([Coordinate(103.7, 0.3), Coordinate(0, 0)], maxSegment: 10)
        let forwardEdge = Array(dense.prefix(while: { $0 != Coordinate(103.7, 0.3) })) + [Coordinate(103.7, 0.3)]
        #expect(back == forwardEdge.reversed())
        #expect(abs(Ring.signedArea(dense) - Ring.signedArea(a)) < 1e-9)
    }
}

@Suite struct PolygonMeasureTests {
    @Test func areaSubtractsHolesWhateverTheirOrientation() {
        let outer = [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)]
        let hole = [Coordinate(2, 2), Coordinate(4, 2), Coordinate(4, 4), Coordinate(2, 4), Coordinate(2, 2)]
        let p = Polygon(exterior: Array(outer.reversed()), holes: [hole])
        #expect(p.planarArea == 96)
        #expect(p.planarPerimeter == 48)
    }
}

@Suite struct MapSequencesTests {
    @Test func everySequenceIsPassedWholeAndStructureIsKept() {
        let g = Geometry.geometryCollection([
            .point(Coordinate(1, 2)),
            .polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(0, 1), Coordinate(0, 0)],
                             holes: [[Coordinate(0.1, 0.1), Coordinate(0.2, 0.1), Coordinate(0.1, 0.2), Coordinate(0.1, 0.1)]])),
            .multiLineString([[Coordinate(5, 5), Coordinate(6, 6)]]),
        ])
        var calls = 0
        let moved = g.mapSequences { (cs: [Coordinate]) -> [Coordinate] in
            calls += 1
            return cs.map { Coordinate($0.x + 10, $0.y) }
        }
        #expect(calls == 4)
        #expect(moved == g.mapCoordinates { Coordinate($0.x + 10, $0.y) })
    }
}
