import Foundation
import Testing
import WanggeIO
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

/// The overlay-free tiling test: true only for members that tile the parent edge for edge, and
/// never true where the overlay checks find a problem.
@Suite struct ExactTilingTests {
    /// A 100 × 60 parent cut into `nx` × `ny` cells whose inner corners are jittered (shared by
    /// the cells that meet there, as grids cut from one village share its coordinates).
    static func cells(nx: Int, ny: Int, seed: UInt64) -> (parent: Geometry, cells: [[Coordinate]]) {
        var random = SplitMix64(seed: seed)
        func unit() -> Double { random.nextDouble() }
        var corner = [[Coordinate]](repeating: [], count: nx + 1)
        for i in 0...nx {
            for j in 0...ny {
                let inner = i > 0 && i < nx && j > 0 && j < ny
                let dx = inner ? (unit() - 0.5) * 8 : 0, dy = inner ? (unit() - 0.5) * 8 : 0
                corner[i].append(Coordinate(Double(i) * 100 / Double(nx) + dx + 0.123456789, Double(j) * 60 / Double(ny) + dy + 0.987654321))
            }
        }
        var cells: [[Coordinate]] = []
        for i in 0..<nx {
            for j in 0..<ny { cells.append([corner[i][j], corner[i + 1][j], corner[i + 1][j + 1], corner[i][j + 1], corner[i][j]]) }
        }
        // The parent's boundary passes through every outer corner, as a village's ring through
        // the ends of the lines that cut it.
        var ring: [Coordinate] = []
        for i in 0..<nx { ring.append(corner[i][0]) }
        for j in 0..<ny { ring.append(corner[nx][j]) }
        for i in stride(from: nx, to: 0, by: -1) { ring.append(corner[i][ny]) }
        for j in stride(from: ny, to: 0, by: -1) { ring.append(corner[0][j]) }
        ring.append(ring[0])
        return (.polygon(Polygon(exterior: ring)), cells)
    }

    static func polygons(_ rings: [[Coordinate]]) -> [Geometry] { rings.map { .polygon(Polygon(exterior: $0)) } }

    func overlayIssues(_ parent: Geometry, _ members: [Geometry]) throws -> [CoverageIssue] {
        try CoverageCheck().check(parent: CoverageMember(id: "P", geometry: parent),
                                  members: members.enumerated().map { CoverageMember(id: "m\($0.offset)", geometry: $0.element) })
    }

    @Test func cellsCutFromTheParentTileItExactly() throws {
        for seed in UInt64(1)...5 {
            let (parent, cells) = Self.cells(nx: 4, ny: 3, seed: seed)
            #expect(CoverageCheck.tilesExactly(parent: parent, members: Self.polygons(cells)))
            #expect(try overlayIssues(parent, Self.polygons(cells)).isEmpty)
            // Ring start, orientation and a repeated vertex do not matter.
            var turned = cells
            turned[0] = Array((Array(cells[0].dropLast().reversed()) + [cells[0].dropLast().reversed().first!]))
            turned[1] = Array(cells[1][2..<4]) + Array(cells[1][0..<3])
            turned[2].insert(turned[2][1], at: 1)
            #expect(CoverageCheck.tilesExactly(parent: parent, members: Self.polygons(turned)))
            // Two cells merged into one polygon with the shared edge gone: still a tiling.
            let a = cells[0], b = cells[1]   // (0,0) and (0,1): b sits on a's top edge
            let merged = [a[0], a[1], a[2], b[2], b[3], b[0], a[0]]
            #expect(CoverageCheck.tilesExactly(parent: parent, members: Self.polygons([merged] + cells.dropFirst(2))))
        }
    }

    @Test func aHoleFilledByAnotherMemberTiles() {
        let outer = [Coordinate(0, 0), Coordinate(10, 0), Coordinate(10, 10), Coordinate(0, 10), Coordinate(0, 0)]
        let inner = [Coordinate(3, 3), Coordinate(6, 3), Coordinate(6, 6), Coordinate(3, 6), Coordinate(3, 3)]
        let ring = Geometry.polygon(Polygon(exterior: outer, holes: [inner]))
        #expect(CoverageCheck.tilesExactly(parent: .polygon(Polygon(exterior: outer)), members: [ring, .polygon(Polygon(exterior: inner))]))
        #expect(!CoverageCheck.tilesExactly(parent: .polygon(Polygon(exterior: outer)), members: [ring]))
    }

    /// Whatever is changed, a "tiles exactly" never hides a gap, overlap or part outside that the
    /// overlay checks find.
    @Test(arguments: UInt64(1)...40)
    func neverTrueWhereTheOverlaysFindAProblem(seed: UInt64) throws {
        let (parent, cells) = Self.cells(nx: 3, ny: 2, seed: seed)
        var members = cells
        switch seed % 5 {
        case 0: members.removeLast()                                                   // a gap
        case 1: members.append(members[0])                                             // an overlap
        case 2: members[2][1].x += 0.5 * Double(seed % 3 + 1)                          // one side of a shared corner moved
        case 3: members[0][0] = Coordinate(members[0][0].x - 2, members[0][0].y - 2)  // out of the parent
                members[0][members[0].count - 1] = members[0][0]
        default: members[1].insert(Coordinate((members[1][0].x + members[1][1].x) / 2, (members[1][0].y + members[1][1].y) / 2), at: 1)
        }
        let exact = CoverageCheck.tilesExactly(parent: parent, members: Self.polygons(members))
        let issues = try overlayIssues(parent, Self.polygons(members))
        if exact { #expect(issues.isEmpty, "seed \(seed): exact, but \(issues)") }
        // Every mutation here breaks the edge-for-edge match (the midpoint one only there: the
        // overlays then find no problem, and decide).
        #expect(!exact, "seed \(seed)")
        if seed % 5 != 4 { #expect(!issues.isEmpty, "seed \(seed)") }
    }

    /// A vertex on one side of a shared edge only, a hair off it (as rounding to 7 decimals
    /// leaves where a grid boundary was cut): no longer edge for edge, but the slivers it makes
    /// cannot reach the tolerance, which the shortcut proves without an overlay.
    @Test(arguments: UInt64(1)...5)
    func aVertexAHairOffASharedEdgeTilesWithinTheTolerance(seed: UInt64) throws {
        let (parent, cells) = Self.cells(nx: 4, ny: 3, seed: seed)
        var members = cells
        // cells[0] and cells[1] share cells[0]'s edge 2 → 3; a vertex 2 mm off its middle.
        let a = members[0][2], b = members[0][3]
        let length = hypot(b.x - a.x, b.y - a.y)
        let off = Coordinate((a.x + b.x) / 2 - (b.y - a.y) / length * 0.002, (a.y + b.y) / 2 + (b.x - a.x) / length * 0.002)
        members[0].insert(off, at: 3)
        #expect(!CoverageCheck.tilesExactly(parent: parent, members: Self.polygons(members)))
        #expect(CoverageCheck.tiles(parent: parent, members: Self.polygons(members), within: 1))
        #expect(try overlayIssues(parent, Self.polygons(members)).isEmpty)
        // With no tolerance, only an exact tiling passes.
        #expect(!CoverageCheck.tiles(parent: parent, members: Self.polygons(members), within: 0))
    }

    /// Whatever is changed, "tiles within the tolerance" never hides what the overlays find.
    @Test(arguments: UInt64(1)...60)
    func withinTheToleranceNeverHidesWhatTheOverlaysFind(seed: UInt64) throws {
        let (parent, cells) = Self.cells(nx: 3, ny: 2, seed: seed)
        var members = cells
        let shift = [0.0005, 0.05, 0.5, 2][Int(seed / 6 % 4)]
        switch seed % 6 {
        case 0: members.removeLast()                                                    // a gap
        case 1: members.append(members[0])                                              // an overlap
        case 2: members[2][1].x += shift                                                // a shared corner moved on one side
        case 3: members[0][0] = Coordinate(members[0][0].x - shift, members[0][0].y - shift)  // out of the parent
                members[0][members[0].count - 1] = members[0][0]
        case 4: members[1].insert(Coordinate((members[1][0].x + members[1][1].x) / 2 + shift,
                                             (members[1][0].y + members[1][1].y) / 2), at: 1)   // a vertex off an edge
        default: members[0].insert(members[0][1], at: 1)                                 // a repeated vertex
        }
        let within = CoverageCheck.tiles(parent: parent, members: Self.polygons(members), within: 1)
        let issues = try overlayIssues(parent, Self.polygons(members))
        if within { #expect(issues.isEmpty, "seed \(seed): within, but \(issues)") }
        if seed % 6 == 0 || seed % 6 == 1 { #expect(!within, "seed \(seed)") }
    }

    @Test func aLoopsAreaIsItsOwnWhenSimpleItsEnvelopesWhenNot() {
        let sliver = [Coordinate(0, 0), Coordinate(100, 0), Coordinate(50, 0.001), Coordinate(0, 0)]
        #expect(abs(CoverageCheck.areaHeld(by: sliver) - 0.05) < 1e-9)
        let bowTie = [Coordinate(0, 0), Coordinate(10, 10), Coordinate(10, 0), Coordinate(0, 10), Coordinate(0, 0)]
        #expect(CoverageCheck.areaHeld(by: bowTie) == 100)
    }
}

