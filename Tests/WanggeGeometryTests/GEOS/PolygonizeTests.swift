import Testing
@testable import WanggeGeometry

@Suite struct PolygonizeTests {
    let context = GEOSContext()

    /// n+1 vertical and n+1 horizontal lines over [0, n]², crossing mid-segment (so unnoded).
    func gridLines(_ n: Int) throws -> GEOSGeometryHandle {
        let d = Double(n)
        var lines: [[Coordinate]] = []
        for i in 0...n {
            let t = Double(i)
            lines.append([Coordinate(t, 0), Coordinate(t, d)])
            lines.append([Coordinate(0, t), Coordinate(d, t)])
        }
        return try context.geometry(from: .multiLineString(lines))
    }

    @Test func nodedGridPolygonizesIntoExactlyNSquaredUnitFaces() throws {
        let faces = try context.polygonize([try gridLines(4).node()])
        let areas = try faces.geometries().map { try $0.area() }
        #expect(areas.count == 16)
        #expect(areas.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(abs(areas.reduce(0, +) - 16) < 1e-12)
    }

    @Test func unnodedGridGivesOnlyTheFacesItsLinesAlreadyClose() throws {
        // Without noding, only the outer square's four lines meet at endpoints, and even they
        // overlap the inner lines' ends: the point is that node() is what makes the 16 faces.
        let faces = try context.polygonize([try gridLines(4)])
        #expect(try faces.numberOfGeometries() < 16)
    }

    @Test func polygonizeFullReportsCutEdgesAndDanglesExactly() throws {
        // Two unit squares joined by a bridge, a spur off square B, and a bowtie ring. Noding
        // first puts nodes where the bridge meets the squares and where the bowtie crosses.
        let lines = try context.geometry(wkt: """
            MULTILINESTRING ((0 0, 1 0, 1 1, 0 1, 0 0), (2 0, 3 0, 3 1, 2 1, 2 0), \
            (1 0.5, 2 0.5), (3 1, 4 2), (5 0, 6 1, 6 0, 5 1, 5 0))
            """)
        let result = try context.polygonizeFull([try lines.node()])

        // The squares and the bowtie's two triangles (0.25 each).
        #expect(try result.polygons.numberOfGeometries() == 4)
        #expect(try result.polygons.area() == 2.5)
        #expect(try result.cutEdges.numberOfGeometries() == 1)
        #expect(try result.cutEdges.geometry(at: 0).equals(context.geometry(wkt: "LINESTRING (1 0.5, 2 0.5)")))
        #expect(try result.dangles.numberOfGeometries() == 1)
        #expect(try result.dangles.geometry(at: 0).equals(context.geometry(wkt: "LINESTRING (3 1, 4 2)")))
        #expect(try result.invalidRings.isEmpty())
    }

    @Test func unnodedSelfCrossingRingIsReportedInvalid() throws {
        let square = try context.geometry(wkt: "LINESTRING (0 0, 1 0, 1 1, 0 1, 0 0)")
        let bowtie = try context.geometry(wkt: "LINESTRING (5 0, 6 1, 6 0, 5 1, 5 0)")
        let result = try context.polygonizeFull([square, bowtie])
        #expect(try result.polygons.numberOfGeometries() == 1)
        #expect(try result.polygons.area() == 1)
        // GEOS 3.11 reports the ring once per traversal direction.
        let invalid = try result.invalidRings.geometries()
        #expect(invalid.count == 2)
        #expect(try invalid.allSatisfy { try $0.equals(bowtie) })
        #expect(try result.cutEdges.isEmpty() && result.dangles.isEmpty())
    }

    @Test func polygonizerOnlyNodesAtLineEndpoints() throws {
        // The bridge ends at interior vertices of the square lines, so without node() GEOS sees
        // it as a dangle, not a cut edge: callers must node first.
        let result = try context.polygonizeFull([
            try context.geometry(wkt: "LINESTRING (0 0, 1 0, 1 0.5, 1 1, 0 1, 0 0)"),
            try context.geometry(wkt: "LINESTRING (2 0, 3 0, 3 1, 2 1, 2 0.5, 2 0)"),
            try context.geometry(wkt: "LINESTRING (1 0.5, 2 0.5)"),
        ])
        #expect(try result.polygons.numberOfGeometries() == 2)
        #expect(try result.cutEdges.isEmpty())
        #expect(try result.dangles.numberOfGeometries() == 1)
    }

    @Test func lineMergeJoinsTouchingLines() throws {
        let merged = try context.geometry(wkt: "MULTILINESTRING ((0 0, 1 0), (1 0, 1 1), (1 1, 2 1))").lineMerge()
        #expect(try merged.value() == .lineString([Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(2, 1)]))
    }
}
