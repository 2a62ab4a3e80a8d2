import Testing
@testable import WanggeGeometry

@Suite struct MeasuresTests {
    let context = GEOSContext()

    @Test func polygonWithHoleMeasures() throws {
        let g = try context.geometry(from: canonicalValues[8]) // 10x10 minus two 2x2 holes
        #expect(try g.area() == 92)
        #expect(try g.length() == 40 + 8 + 8)
        #expect(try g.envelope() == Envelope(minX: 0, minY: 0, maxX: 10, maxY: 10))
        #expect(try g.numberOfGeometries() == 1)
    }

    @Test func distanceBetweenDisjointSquares() throws {
        let a = try context.geometry(from: .polygon(square(0, 0, 1, 1)))
        let b = try context.geometry(from: .polygon(square(4, 5, 6, 6)))
        #expect(try a.distance(to: b) == 5) // (1,1) to (4,5): 3-4-5
    }

    @Test func pointOnSurfaceIsInsideWhereCentroidIsNot() throws {
        // A U shape: its centroid falls in the notch.
        let u = try context.geometry(wkt: "POLYGON ((0 0, 3 0, 3 3, 2 3, 2 1, 1 1, 1 3, 0 3, 0 0))")
        #expect(try !u.contains(u.centroid()))
        #expect(try u.contains(u.pointOnSurface()))
    }

    @Test func emptyGeometryHasNoEnvelope() throws {
        #expect(try context.geometry(wkt: "POLYGON EMPTY").envelope() == nil)
        #expect(try context.geometry(wkt: "POLYGON EMPTY").area() == 0)
    }

    @Test func centroidOfSquare() throws {
        #expect(try context.geometry(from: .polygon(square(0, 0, 2, 4))).centroid().pointCoordinate() == Coordinate(1, 2))
    }
}
