import Testing
@testable import WanggeGeometry

@Suite struct GEOSGeometryHandleTests {
    let context = GEOSContext()

    @Test func borrowedPartOutlivesTheLastReferenceToItsParent() throws {
        var parent: GEOSGeometryHandle? = try context.geometry(wkt: "MULTIPOINT ((1 2), (3 4))")
        let second = try parent!.geometry(at: 1)
        parent = nil
        #expect(second.isBorrowed)
        #expect(try second.value() == .point(Coordinate(3, 4)))
    }

    @Test func partIndexOutOfRangeThrowsInsteadOfCrashing() throws {
        let g = try context.geometry(wkt: "MULTIPOINT (1 2, 3 4)")
        #expect(throws: GeometryInputError.indexOutOfRange(index: 2, count: 2)) { try g.geometry(at: 2) }
        #expect(throws: GeometryInputError.indexOutOfRange(index: -1, count: 2)) { try g.geometry(at: -1) }
    }

    @Test func ringsAreReadFromPolygons() throws {
        let polygon = try context.geometry(from: canonicalValues[8])
        #expect(try polygon.exteriorRing().geometryType() == "LinearRing")
        #expect(try polygon.interiorRings().count == 2)
        #expect(try polygon.interiorRings()[1].value() == .lineString(square(6, 6, 8, 8).exterior))
    }

    @Test func cloneOfBorrowedPartIsOwned() throws {
        let part = try context.geometry(wkt: "MULTIPOINT (1 2, 3 4)").geometry(at: 0)
        let copy = try part.clone()
        #expect(part.isBorrowed && !copy.isBorrowed)
        #expect(try copy.equals(part))
    }
}
