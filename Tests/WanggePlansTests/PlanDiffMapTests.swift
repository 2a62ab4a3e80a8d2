import Foundation
import Testing
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggePlans

/// The diff map draws what the diff says, and only around it.
@Suite(.serialized) struct PlanDiffMapTests {
    /// Each `<g id="name">…</g>` group's element count (paths or circles).
    static func counts(_ svg: String) -> [String: Int] {
        var out: [String: Int] = [:]
        for part in svg.components(separatedBy: "<g id=\"").dropFirst() {
            guard let q = part.firstIndex(of: "\"") else { continue }
            let name = String(part[..<q])
            let body = part[q...].components(separatedBy: "</g>")[0]
            out[name] = body.components(separatedBy: "<path ").count - 1 + body.components(separatedBy: "<circle ").count - 1
                + body.components(separatedBy: "<text ").count - 1
        }
        return out
    }

    @Test func aMergeIsDrawnAsOneReshapedGridItsTwoOldLinesAndTheBlocksAndAddressesThatMove() throws {
        let book = try Bundled.store("diff-map")
        let (edited, a, b) = try PlanImportTests.mergedNeighbours()
        let file = try Bundled.write(edited, Bundled.temporaryDirectory("diff-map-in"))
        let r = try book.importGrids(file, tolerance: 0.5, boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("merged", 4))
        let after = try book.plan().1
        let d = try PlanDiff.compute(r.beforePlan, after, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let map = PlanDiffMap(diff: d, before: r.beforePlan, after: after, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let svg = try map.svg(title: "version 1 → version 2")
        let n = Self.counts(svg)
        #expect(n["grids-reshaped"] == 1 && n["grids-added"] == 0)
        #expect(n["old-grid-lines"] == 2 && n["new-grid-lines"] == 1)
        #expect(n["blocks-moved"] == d.blocksMoved.count && d.blocksMoved.count > 0)
        #expect(n["addresses-moved"] == d.addressesMoved.count && d.addressesMoved.count > 0)
        #expect(n["incidents-moved"] == d.incidentsMoved.count && d.incidentsMoved.count > 0)
        #expect(svg.contains("incident changing grid (\(d.incidentsMoved.count))"))
        // Drawn around the change: far fewer grids than the district's 204 (unchanged ones for context).
        #expect((n["grids-unchanged"] ?? 0) > 0 && (n["grids-unchanged"] ?? 0) < 60, "\(n)")
        // Labels: the merged grid and the removed one (✕), by their numbers in the village.
        #expect(svg.contains(">\(Plan.gridCode(a).suffix(3))</text>") && svg.contains(">\(Plan.gridCode(b).suffix(3)) ✕</text>"))
        #expect(svg.contains("撤销网格 grid removed (1)") && svg.contains("(\(d.addressesMoved.count), \(d.householdsMoved) 户)"))
        // The same input gives the same bytes; the page carries the SVG and the summary, escaped.
        #expect(try map.svg(title: "version 1 → version 2") == svg)
        let page = try map.html(title: "version 1 → version 2", before: "version 1", after: "version 2")
        #expect(page.contains(svg) && page.contains("version 1 → version 2: 0 grid(s) added, 1 removed, 1 changed"))
    }

    @Test func noChangeDrawsTheWholeDistrictWithEmptyLayers() throws {
        let d = try PlanDiff.compute(Bundled.plan, Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let svg = try PlanDiffMap(diff: d, before: Bundled.plan, after: Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
            .svg(title: "same")
        let n = Self.counts(svg)
        #expect(n["grids-unchanged"] == Bundled.plan.grids.features.count)
        #expect(n["grids-reshaped"] == 0 && n["blocks-moved"] == 0 && n["addresses-moved"] == 0 && n["incidents-moved"] == 0
                && n["old-grid-lines"] == 0)
    }
}
