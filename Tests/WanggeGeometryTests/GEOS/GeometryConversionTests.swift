import Testing
@testable import WanggeGeometry

@Suite struct GeometryConversionTests {
    let context = GEOSContext()

    @Test(arguments: canonicalValues)
    func valueRoundTripsThroughGEOS(_ value: Geometry) throws {
        let handle = try context.geometry(from: value)
        #expect(try handle.value() == value)
        #expect(try handle.isEmpty() == value.isEmpty)
        #expect(try handle.geometryType() == value.typeName)
    }

    @Test(arguments: canonicalValues)
    func wkbRoundTripIsByteExactAndValueExact(_ value: Geometry) throws {
        let wkb = try context.geometry(from: value).wkb()
        let back = try context.geometry(wkb: wkb)
        #expect(try back.wkb() == wkb)
        #expect(try back.value() == value)
    }

    @Test(arguments: [
        "POINT (1.5 -2.25)",
        "POINT EMPTY",
        "LINESTRING (0 0, 1 1, 2 0)",
        "LINESTRING EMPTY",
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))",
        "POLYGON EMPTY",
        "MULTIPOINT (0 0, 1 1)", // GEOS 3.11's form; 3.12 writes MULTIPOINT ((0 0), (1 1))
        "MULTIPOINT EMPTY",
        "MULTILINESTRING ((0 0, 1 1), (2 2, 3 2))",
        "MULTILINESTRING EMPTY",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5), (6 6, 7 6, 7 7, 6 7, 6 6)))",
        "MULTIPOLYGON EMPTY",
        "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 3 4))",
        "GEOMETRYCOLLECTION EMPTY",
    ])
    func wktRoundTripsExactly(_ wkt: String) throws {
        let handle = try context.geometry(wkt: wkt)
        #expect(try handle.wkt() == wkt)
        // And through WKB, which must keep even POINT EMPTY.
        #expect(try context.geometry(wkb: handle.wkb()).wkt() == wkt)
    }

    @Test func wktPrecisionRoundsAndTrims() throws {
        let handle = try context.geometry(from: .point(Coordinate(1.23456, 2.5)))
        #expect(try handle.wkt(precision: 2) == "POINT (1.23 2.5)")
        #expect(try handle.wkt() == "POINT (1.23456 2.5)")
    }

    @Test func pointEmptyBecomesEmptyMultiPointValue() throws {
        #expect(try context.geometry(wkt: "POINT EMPTY").value() == .multiPoint([]))
        #expect(try context.geometry(wkt: "MULTIPOINT (EMPTY, (1 1))").value() == .multiPoint([Coordinate(1, 1)]))
    }

    @Test func collectionOfHandlesLeavesInputsUsable() throws {
        let a = try context.geometry(wkt: "POINT (0 0)")
        let b = try context.geometry(wkt: "POINT (1 1)")
        let c = try context.collection(of: [a, b])
        #expect(try c.numberOfGeometries() == 2)
        #expect(try a.wkt() == "POINT (0 0)")
    }
}
