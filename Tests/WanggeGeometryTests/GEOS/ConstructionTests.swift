import Testing
@testable import WanggeGeometry

@Suite struct ConstructionTests {
    let context = GEOSContext()

    @Test func pointBufferApproachesCircleAreaWithMoreSegments() throws {
        let p = try context.point(Coordinate(0, 0))
        let coarse = try p.buffer(width: 1, style: BufferStyle(quadrantSegments: 2)).area()
        let fine = try p.buffer(width: 1, style: BufferStyle(quadrantSegments: 32)).area()
        // 2 segments per quadrant: a regular octagon of circumradius 1, area 2√2.
        #expect(abs(coarse - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(abs(fine - Double.pi) < 0.01)
        #expect(fine > coarse)
    }

    @Test func capStylesChangeLineBufferArea() throws {
        let line = try context.geometry(from: .lineString([Coordinate(0, 0), Coordinate(10, 0)]))
        let flat = try line.buffer(width: 1, style: BufferStyle(capStyle: .flat)).area()
        let square = try line.buffer(width: 1, style: BufferStyle(capStyle: .square)).area()
        #expect(abs(flat - 20) < 1e-9)
        #expect(abs(square - 24) < 1e-9)
    }

    @Test func mitreJoinKeepsSquareCorners() throws {
        let sq = try context.geometry(from: .polygon(square(0, 0, 2, 2)))
        let grown = try sq.buffer(width: 1, style: BufferStyle(joinStyle: .mitre))
        #expect(try abs(grown.area() - 16) < 1e-9)
    }

    @Test func topologyPreservingSimplifyDropsSmallWiggleButKeepsHole() throws {
        let g = try context.geometry(wkt: "POLYGON ((0 0, 5 0.01, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))")
        let s = try g.simplifyPreservingTopology(tolerance: 0.1)
        #expect(try s.wkt() == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))")
        #expect(try s.isValid())
    }

    @Test func snapClosesASliverBetweenNeighbours() throws {
        let a = try context.geometry(from: .polygon(square(0, 0, 1, 1)))
        let b = try context.geometry(wkt: "POLYGON ((1.001 0, 2 0, 2 1, 1.001 1, 1.001 0))")
        #expect(try !a.touches(b))
        let snapped = try b.snapped(to: a, tolerance: 0.01)
        #expect(try a.touches(snapped))
        #expect(try abs(a.union(snapped).area() - 2) < 1e-12)
    }
}
