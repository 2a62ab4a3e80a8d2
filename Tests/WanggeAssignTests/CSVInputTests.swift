import Testing
import WanggeGeometry
@testable import WanggeAssign

/// Rows a planner's spreadsheet really contains: each must be skipped with its line and reason,
/// never shifted under the wrong header or read as a wrong number.
@Suite struct CSVInputTests {
    /// A point well inside the first grid (village) of the fixture, and that grid's code.
    static let inside: (Coordinate, String) = {
        let ctx = GEOSContext()
        let polys = Fixture.set.index.geometries[0]
        let p = try! ctx.geometry(from: polys.count == 1 ? .polygon(polys[0]) : .multiPolygon(polys)).pointOnSurface().pointCoordinate()!
        return (p, Fixture.set.grids[0].code)
    }()

    @Test func raggedRowsAreSkippedNotShifted() throws {
        let (c, code) = Self.inside
        let csv = "id,name,lon,lat\n1,a,\(c.x),\(c.y)\n2,b,extra,\(c.x),\(c.y)\n3,\(c.x),\(c.y)\n4,d,\(c.x),\(c.y)\n"
        let (out, summary, messages) = try Fixture.run(csv, AssignOptions())
        #expect(summary.rows == 2)
        #expect(summary.skippedLines == [3, 4])
        #expect(messages[0].contains("line 3") && messages[0].contains("has 5 field(s), the header has 4"))
        #expect(messages[1].contains("line 4") && messages[1].contains("has 3 field(s)"))
        #expect(Fixture.column(out, "grid_code") == [code, code])
        #expect(Fixture.column(out, "id") == ["1", "4"])
    }

    @Test func aQuoteLeftOpenIsReportedWithTheLinesItSwallowed() throws {
        let (c, code) = Self.inside
        // Row 2 opens a quote that row 4 closes: rows 3 and 4 would vanish into one field.
        let csv = "id,name,lon,lat\n1,\"ok\",\(c.x),\(c.y)\n2,\"open,\(c.x),\(c.y)\n3,x,\(c.x),\(c.y)\n4,\"y,\(c.x),\(c.y)\n5,z,\(c.x),\(c.y)\n"
        let (out, summary, messages) = try Fixture.run(csv, AssignOptions())
        #expect(Fixture.column(out, "id") == ["1", "5"])
        #expect(summary.skippedLines == [3])
        #expect(messages[0].contains("spans whole rows") && messages[0].contains("runs over lines 3–5") && messages[0].contains("quote left open"))
        #expect(Fixture.column(out, "grid_code") == [code, code])
        // Never closed: everything from the open quote to the end is named, not read.
        let (out2, summary2, messages2) = try Fixture.run("id,lon,lat\n1,\(c.x),\(c.y)\n2,\"\(c.x),\(c.y)\n3,\(c.x),\(c.y)\n", AssignOptions())
        #expect(Fixture.column(out2, "id") == ["1"])
        #expect(summary2.skippedLines == [3])
        #expect(messages2[0].contains("never closed"))
    }

    @Test func onlyDecimalNumbersAreCoordinates() throws {
        let (c, _) = Self.inside
        let csv = "id,lon,lat\n1,0x67,\(c.y)\n2,\(c.x),nan\n3,\(c.x),inf\n4,\(c.x)e0,\(c.y)\n"
        let (_, summary, _) = try Fixture.run(csv, AssignOptions())
        #expect(summary.skippedLines == [2, 3, 4])
        #expect(summary.rows == 1)
    }

    @Test func outOfRangeAndSwappedCoordinatesAreNamed() throws {
        let (c, _) = Self.inside
        let csv = "id,lon,lat\n1,200,29.4\n2,\(c.y),\(c.x)\n3,103.5,95\n4,\(c.x),\(c.y)\n5,-74.0,40.7\n"
        let (out, summary, messages) = try Fixture.run(csv, AssignOptions())
        #expect(summary.skippedLines == [2, 3, 4])
        #expect(messages[0].contains("outside longitude"))
        #expect(messages[1].contains("look swapped"))
        #expect(messages[2].contains("outside longitude"))
        // New York is far away but a real place: outside, with its nearest grid, not an error.
        #expect(Fixture.column(out, "status") == ["inside", "outside"])
    }
}

@Suite struct NearestGridBoundsTests {
    @Test func farAndNonFinitePointsDoNotTrap() {
        let nearest = Fixture.set.nearest
        let far = nearest.nearest(1e300, -1e300)
        #expect(far.distance > 1e299 && far.grid >= 0 && far.grid < Fixture.set.grids.count)
        #expect(nearest.nearest(.nan, 3_250_000).distance == .infinity)
        #expect(nearest.nearest(.infinity, 0).distance == .infinity)
    }
}
