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

    @Test func anyReadBufferSizeGivesTheSameOutput() throws {
        // Records, quotes, a BOM, CRLF and multi-byte characters cut at every place a small read
        // buffer cuts them: the output and the summary are those of the default 4 MiB buffer.
        let (c, _) = Self.inside
        let csv = "\u{FEFF}id,名称,lon,lat\r\n1,\"沙湾,镇\",\(c.x),\(c.y)\r\n2,\"two\nlines\",\(c.x),\(c.y)\n3,bad,x,\(c.y)\n4,\"\"\"q\"\"\",\(c.x),\(c.y)\n5,last,\(c.x),\(c.y)"
        let (expected, expectedSummary, expectedMessages) = try Fixture.run(csv, AssignOptions())
        for size in [1, 2, 3, 7, 64] {
            var options = AssignOptions()
            options.readBufferBytes = size
            let (out, summary, messages) = try Fixture.run(csv, options)
            #expect(out == expected, "read buffer \(size)")
            #expect(summary == expectedSummary && messages == expectedMessages, "read buffer \(size)")
        }
        #expect(expectedSummary.rows == 4 && expectedSummary.skippedLines == [5])
    }
}

@Suite struct NearestGridBoundsTests {
    @Test func sharedEdgesAreFoundEitherWayRound() {
        // Two unit squares side by side: the edge x = 1 is A's (1,0)→(1,1) and B's (1,1)→(1,0).
        let a: [SIMD4<Double>] = [SIMD4(0, 0, 1, 0), SIMD4(1, 0, 1, 1), SIMD4(1, 1, 0, 1), SIMD4(0, 1, 0, 0)]
        let b: [SIMD4<Double>] = [SIMD4(1, 0, 2, 0), SIMD4(2, 0, 2, 1), SIMD4(2, 1, 1, 1), SIMD4(1, 1, 1, 0)]
        #expect(NearestGrid.sharedEdges(a + b) == [false, true, false, false, false, false, false, true])
        #expect(NearestGrid.sharedEdges(a) == [false, false, false, false])
        #expect(NearestGrid.sharedEdges([]) == [])
    }

    @Test func farAndNonFinitePointsDoNotTrap() {
        let nearest = Fixture.set.nearest
        let far = nearest.nearest(1e300, -1e300)
        #expect(far.distance > 1e299 && far.grid >= 0 && far.grid < Fixture.set.grids.count)
        #expect(nearest.nearest(.nan, 3_250_000).distance == .infinity)
        #expect(nearest.nearest(.infinity, 0).distance == .infinity)
    }
}
