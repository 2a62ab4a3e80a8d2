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
