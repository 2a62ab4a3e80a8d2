import Testing
@testable import WanggeGeometry

@Suite struct GEOSErrorTests {
    let context = GEOSContext()

    @Test func wktParseErrorSurfacesWithGEOSMessage() throws {
        let error = try #require(throws: GEOSError.self) { try context.geometry(wkt: "POLYGON ((0 0, 1 0") }
        guard case .operationFailed(let function, let message) = error else { return }
        #expect(function == "GEOSWKTReader_read_r")
        #expect(message.contains("ParseException"))
    }

    @Test func messageIsClearedBetweenCalls() throws {
        _ = try? context.geometry(wkt: "NOT WKT")
        #expect(context.lastError != nil)
        _ = try context.geometry(wkt: "POINT (1 1)")
        #expect(context.lastError == nil)
    }

    @Test func truncatedWKBIsAnError() throws {
        let wkb = try context.geometry(wkt: "LINESTRING (0 0, 1 1)").wkb()
        #expect(throws: GEOSError.self) { try context.geometry(wkb: Array(wkb.prefix(wkb.count - 4))) }
    }

    @Test func emptyInputsAreParseErrorsNotCrashes() {
        #expect(throws: GEOSError.self) { try context.geometry(wkt: "") }
        #expect(throws: GEOSError.self) { try context.geometry(wkb: []) }
    }

    @Test func nonFiniteParametersAreRejectedInSwift() throws {
        let p = try context.point(Coordinate(0, 0))
        #expect(throws: GeometryInputError.invalidParameter(name: "buffer width", value: .infinity)) {
            try p.buffer(width: .infinity)
        }
        #expect(throws: GeometryInputError.invalidParameter(name: "tolerance", value: -1)) {
            try p.simplifyPreservingTopology(tolerance: -1)
        }
    }

    @Test func unclosedRingIsRejectedInSwift() {
        let open = Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 1)])
        #expect(throws: GeometryInputError.ringNotClosed(first: Coordinate(0, 0), last: Coordinate(0, 1))) {
            try context.geometry(from: .polygon(open))
        }
    }

    @Test func tooFewCoordinatesAreRejectedInSwift() {
        #expect(throws: GeometryInputError.tooFewCoordinates(kind: "LinearRing", required: 4, actual: 3)) {
            try context.geometry(from: .polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(1, 0), Coordinate(0, 0)])))
        }
        #expect(throws: GeometryInputError.tooFewCoordinates(kind: "LineString", required: 2, actual: 1)) {
            try context.geometry(from: .lineString([Coordinate(0, 0)]))
        }
    }

    @Test func badHoleAfterGoodRingsIsRejected() {
        let bad = Polygon(exterior: square(0, 0, 10, 10).exterior, holes: [square(1, 1, 2, 2).exterior, [Coordinate(3, 3)]])
        #expect(throws: GeometryInputError.self) { try context.geometry(from: .multiPolygon([square(20, 20, 21, 21), bad])) }
    }

    @Test func nonFiniteCoordinatesAreRejectedInSwift() {
        #expect(throws: GeometryInputError.self) { try context.geometry(from: .point(Coordinate(.nan, 0))) }
        #expect(throws: GeometryInputError.self) {
            try context.geometry(from: .lineString([Coordinate(0, 0), Coordinate(.infinity, 1)]))
        }
    }
}
