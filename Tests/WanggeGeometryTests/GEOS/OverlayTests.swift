import Testing
@testable import WanggeGeometry

@Suite struct OverlayTests {
    let context = GEOSContext()

    @Test func overlappingSquaresOverlayAreas() throws {
        let a = try context.geometry(from: .polygon(square(0, 0, 2, 2)))
        let b = try context.geometry(from: .polygon(square(1, 1, 3, 3)))
        #expect(try a.union(b).area() == 7)
        #expect(try a.intersection(b).area() == 1)
        #expect(try a.difference(b).area() == 3)
        #expect(try a.symDifference(b).area() == 6)
        #expect(try a.intersection(b).equals(context.geometry(from: .polygon(square(1, 1, 2, 2)))))
    }

    @Test func unionOfManyDissolvesSharedEdges() throws {
        // A 3x3 block of unit cells unions to the single 3x3 square.
        var cells: [GEOSGeometryHandle] = []
        for i in 0..<3 { for j in 0..<3 {
            cells.append(try context.geometry(from: .polygon(square(Double(i), Double(j), Double(i + 1), Double(j + 1)))))
        } }
        let union = try context.union(of: cells)
        #expect(try union.geometryType() == "Polygon")
        #expect(try union.area() == 9)
        #expect(try union.equals(context.geometry(from: .polygon(square(0, 0, 3, 3)))))
    }

    @Test func unaryUnionMergesOverlappingParts() throws {
        let g = try context.geometry(wkt: "MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((1 1, 3 1, 3 3, 1 3, 1 1)))")
        #expect(try g.area() == 8)
        #expect(try g.unaryUnion().area() == 7)
    }

    @Test func coverageUnionCancelsSharedEdgesAndRefusesWhatIsNoCoverage() throws {
        // Three cells around a fourth's hole: shared edges with the same vertices.
        let cells = try context.geometry(wkt: "MULTIPOLYGON (((0 0, 2 0, 2 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)), ((0 1, 2 1, 4 1, 4 3, 0 3, 0 1), (1 1.5, 3 1.5, 3 2.5, 1 2.5, 1 1.5)))")
        let u = try cells.coverageUnion()
        #expect(try u.value().polygons.count == 1 && u.area() == 10)
        #expect(try u.equals(cells.unaryUnion()))
        #expect(try u.value().polygons[0].rings.count == 2)   // the hole kept
        // A shared edge whose vertices differ (2 1 on one side only) is not: refused.
        let unmatched = try context.geometry(wkt: "MULTIPOLYGON (((0 0, 2 0, 2 1, 0 1, 0 0)), ((2 0, 4 0, 4 1, 2 1, 2 0)), ((0 1, 4 1, 4 3, 0 3, 0 1)))")
        #expect(throws: (any Error).self) { _ = try unmatched.coverageUnion() }
        // Overlapping parts are not a coverage either, and GEOS does not notice (the area is
        // kept): the parts come back apart, which is why GridPlanner takes one valid polygon only.
        let overlapping = try context.geometry(wkt: "MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((1 1, 3 1, 3 3, 1 3, 1 1)))")
        #expect(try overlapping.coverageUnion().value().polygons.count == 2)
    }

    @Test func predicatesFollowBoundarySemantics() throws {
        let cell = try context.geometry(from: .polygon(square(0, 0, 2, 2)))
        let neighbour = try context.geometry(from: .polygon(square(2, 0, 4, 2)))
        let inside = try context.point(Coordinate(1, 1))
        let onEdge = try context.point(Coordinate(2, 1))
        #expect(try cell.contains(inside) && cell.covers(inside) && inside.within(cell))
        #expect(try !cell.contains(onEdge) && cell.covers(onEdge) && cell.intersects(onEdge))
        #expect(try !neighbour.contains(onEdge)) // on the shared edge: in neither by `contains`
        #expect(try cell.touches(neighbour) && !cell.contains(neighbour))
        #expect(try !cell.intersects(context.point(Coordinate(5, 5))))
    }
}
