import Testing
import WanggeGeometry
@testable import WanggeDistrict

@Suite struct CoverageCheckTests {
    func rect(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Geometry {
        .polygon(Polygon(exterior: [Coordinate(x0, y0), Coordinate(x1, y0), Coordinate(x1, y1), Coordinate(x0, y1), Coordinate(x0, y0)]))
    }

    @Test func twoHalvesTileTheirParentWithoutIssues() throws {
        let parent = CoverageMember(id: "P", geometry: rect(0, 0, 100, 50))
        let kids = [CoverageMember(id: "A", geometry: rect(0, 0, 60, 50)), CoverageMember(id: "B", geometry: rect(60, 0, 100, 50))]
        #expect(try CoverageCheck().check(parent: parent, members: kids).isEmpty)
    }

    @Test func overlapGapAndOutsideAreMeasuredAndLocated() throws {
        let parent = CoverageMember(id: "P", geometry: rect(0, 0, 100, 50))
        // A overlaps B by 2×50 = 100 m²; C is missing, leaving a 10×50 gap; B pokes 5 m out.
        let kids = [CoverageMember(id: "A", geometry: rect(0, 0, 62, 50)),
                    CoverageMember(id: "B", geometry: rect(60, 0, 90, 55))]
        let issues = try CoverageCheck().check(parent: parent, members: kids)
        let overlap = try #require(issues.first { $0.kind == .overlap })
        #expect(overlap.ids == ["A", "B"])
        #expect(abs(overlap.area - 100) < 1e-6)
        let gap = try #require(issues.first { $0.kind == .gap })
        #expect(abs(gap.area - 500) < 1e-6)
        #expect(gap.location.map { $0.x > 90 && $0.x < 100 } == true)
        let outside = try #require(issues.first { $0.kind == .outsideParent })
        #expect(outside.ids == ["B"] && abs(outside.area - 150) < 1e-6)
    }

    @Test func sliversBelowToleranceAreIgnoredAndInvalidMembersNamed() throws {
        let parent = CoverageMember(id: "P", geometry: rect(0, 0, 100, 50))
        // 0.01 × 50 = 0.5 m² overlap is under the 1 m² tolerance.
        let kids = [CoverageMember(id: "A", geometry: rect(0, 0, 50.01, 50)), CoverageMember(id: "B", geometry: rect(50, 0, 100, 50))]
        #expect(try CoverageCheck().check(parent: parent, members: kids).isEmpty)
        let bowtie = Geometry.polygon(Polygon(exterior: [Coordinate(0, 0), Coordinate(10, 10), Coordinate(10, 0), Coordinate(0, 10), Coordinate(0, 0)]))
        let twoParts = Geometry.multiPolygon(rect(0, 0, 1, 1).polygons + rect(5, 5, 6, 6).polygons)
        let issues = try CoverageCheck().checkMembers([CoverageMember(id: "X", geometry: bowtie), CoverageMember(id: "Y", geometry: twoParts)])
        #expect(issues.map(\.kind) == [.invalid, .notOnePiece])
        #expect(issues[0].detail.contains("Self-intersection"))
    }
}
