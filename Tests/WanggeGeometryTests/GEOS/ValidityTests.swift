import Testing
@testable import WanggeGeometry

@Suite struct ValidityTests {
    let context = GEOSContext()
    // Two unit-area triangles meeting at (1, 1); the shoelace areas cancel to 0.
    let bowtie = "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))"

    @Test func bowtieIsInvalidWithSelfIntersectionAtTheCrossing() throws {
        let g = try context.geometry(wkt: bowtie)
        #expect(try !g.isValid())
        let report = try g.validity()
        #expect(!report.isValid)
        #expect(report.reason?.lowercased().contains("self-intersection") == true)
        #expect(report.location == Coordinate(1, 1))
    }

    @Test func validityReasonStringNamesProblemAndPlace() throws {
        #expect(try context.geometry(wkt: bowtie).validityReason() == "Self-intersection[1 1]")
        #expect(try context.geometry(from: .polygon(square(0, 0, 1, 1))).validityReason() == "Valid Geometry")
    }

    @Test func makeValidSplitsBowtieIntoTwoHalvesOfTotalArea2() throws {
        let result = try context.geometry(wkt: bowtie).makeValid()
        #expect(try result.geometry.isValid())
        #expect(try result.geometry.geometryType() == "MultiPolygon")
        #expect(try abs(result.geometry.area() - 2) < 1e-12)
        let halves = try result.geometry.geometries().map { try $0.area() }
        #expect(halves.count == 2 && halves.allSatisfy { abs($0 - 1) < 1e-12 })

        let r = result.report
        #expect(!r.wasValid)
        #expect(r.invalidityReason?.lowercased().contains("self-intersection") == true)
        #expect(r.typeBefore == "Polygon" && r.typeAfter == "MultiPolygon")
        #expect(r.areaBefore == 0 && abs(r.areaAfter - 2) < 1e-12)
        #expect(r.partsBefore == 1 && r.partsAfter == 2)
        #expect(r.changedAnything)
    }

    @Test func validInputIsReportedUnchanged() throws {
        let result = try context.geometry(from: .polygon(square(0, 0, 3, 3))).makeValid()
        #expect(result.report.wasValid)
        #expect(!result.report.changedAnything)
        #expect(result.report.areaAfter == 9)
        #expect(try result.geometry.value() == .polygon(square(0, 0, 3, 3)))
    }

    @Test func holeOutsideShellIsInvalidWithReason() throws {
        let g = try context.geometry(wkt: "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0), (5 5, 6 5, 6 6, 5 6, 5 5))")
        let report = try g.validity()
        #expect(!report.isValid)
        #expect(report.reason?.lowercased().contains("hole") == true)
    }
}
