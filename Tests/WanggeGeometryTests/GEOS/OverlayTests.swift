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
