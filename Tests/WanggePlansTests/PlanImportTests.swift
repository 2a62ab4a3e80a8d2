import Foundation
import Testing
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggePlans
import WanggeStore
import WanggeWorkload

/// The QGIS round trip and the diff, on real geometry of the bundled plan.
@Suite(.serialized) struct PlanImportTests {
    /// A village with at least two grids and two of its grids that share an edge.
    static func neighbours() -> (village: String, a: Feature, b: Feature) {
        for (village, codes) in Bundled.plan.gridsByVillage where codes.count >= 2 {
            let fs = Bundled.plan.grids.features.filter { codes.contains(Plan.gridCode($0)) }
            for i in fs.indices {
                let vi = Set(fs[i].geometry!.polygons.flatMap(\.exterior))
                for j in fs.indices where j > i {
                    let shared = fs[j].geometry!.polygons.flatMap(\.exterior).filter { vi.contains($0) }
                    if Set(shared).count >= 3 { return (village, fs[i], fs[j]) }
                }
            }
        }
        fatalError("no two adjacent grids in one village")
    }

    /// The bundled plan's grids with `neighbours()`' two merged into the first, as a QGIS user
    /// merges two features.
    static func mergedNeighbours() throws -> (grids: FeatureCollection, a: Feature, b: Feature) {
        let (_, a, b) = neighbours()
        let ctx = GEOSContext()
        var edited = Bundled.plan.grids
        edited.features.removeAll { Plan.gridCode($0) == Plan.gridCode(b) }
        let k = edited.features.firstIndex { Plan.gridCode($0) == Plan.gridCode(a) }!
        edited.features[k].geometry = try ctx.geometry(from: a.geometry!).union(ctx.geometry(from: b.geometry!)).value()
        return (edited, a, b)
    }

    @Test func aSharedVertexMovedBy20cmSnapsBackAndTheImportIsTheSamePlan() throws {
        let book = try Bundled.store("move-vertex")
        let (_, a, b) = Self.neighbours()
        let inB = Set(b.geometry!.polygons.flatMap(\.exterior))
        // A vertex both grids have that is not on the village edge (an inner shared vertex).
        let village = Bundled.boundaries.villages.first { $0.code == a.string("village_code") }!
        let villageVertices = Set(village.geometry.polygons.flatMap(\.rings).flatMap { $0 })
        // … and at least a metre from every other vertex of the two grids, so that the 0.2 m drag
        // has one vertex within reach to snap back to (courtyard edges have vertices closer).
        let toMetric = try PROJTransformer(from: .wgs84, to: Bundled.boundaries.profile.metricCRS)
        let others = try (a.geometry!.polygons + b.geometry!.polygons).flatMap(\.exterior).map { try toMetric.transform($0) }
        let vertex = try a.geometry!.polygons[0].exterior.first { v in
            guard inB.contains(v) && !villageVertices.contains(v) else { return false }
            let p = try toMetric.transform(v)
            return others.allSatisfy { hypot($0.x - p.x, $0.y - p.y) == 0 || hypot($0.x - p.x, $0.y - p.y) >= 1 }
        }!
        let back = try PROJTransformer(from: Bundled.boundaries.profile.metricCRS, to: .wgs84)
        var m = try toMetric.transform(vertex)
        m.x += 0.12; m.y += 0.16                                   // 0.2 m away
        let moved = try back.transform(m)
        #expect(abs(hypot(try toMetric.transform(moved).x - (m.x - 0.12), try toMetric.transform(moved).y - (m.y - 0.16)) - 0.2) < 0.01)
        var edited = Bundled.plan.grids
        for k in edited.features.indices where [Plan.gridCode(a), Plan.gridCode(b)].contains(Plan.gridCode(edited.features[k])) {
            edited.features[k].geometry = edited.features[k].geometry!.mapCoordinates { $0 == vertex ? moved : $0 }
        }
        #expect(edited != Bundled.plan.grids)
        let file = try Bundled.write(edited, Bundled.temporaryDirectory("move-vertex-in"))
        let r = try book.importGrids(file, tolerance: 0.5, boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("moved a vertex", 3))
        #expect(r.after.version == 2 && r.after.parent == 1 && r.after.action == "import")
        #expect(r.outcome.snapped == [Plan.gridCode(a), Plan.gridCode(b)].sorted())
        // Snapped onto the block vertex, bit for bit: the plan is version 1's again.
        let (_, now) = try book.plan()
        #expect(now.grids.features == Bundled.plan.grids.features)
        #expect(r.after.contentHash == r.before.contentHash)
        #expect(try PlanDiff.compute(r.beforePlan, now, boundaries: Bundled.boundaries, layers: Bundled.layers).isEmpty)
    }

    @Test func mergingTwoGridsOfAVillageSumsTheirFiguresAndTheDiffNamesExactlyThem() throws {
        let book = try Bundled.store("merge")
        let (village, a, b) = Self.neighbours()
        let ctx = GEOSContext()
        let union = try ctx.geometry(from: a.geometry!).union(ctx.geometry(from: b.geometry!)).value()
        #expect(union.polygons.count == 1)
        var edited = Bundled.plan.grids
        edited.features.removeAll { Plan.gridCode($0) == Plan.gridCode(b) }
        let k = edited.features.firstIndex { Plan.gridCode($0) == Plan.gridCode(a) }!
        edited.features[k].geometry = union
        let file = try Bundled.write(edited, Bundled.temporaryDirectory("merge-in"))
        let r = try book.importGrids(file, tolerance: 0.5, boundaries: Bundled.boundaries, layers: Bundled.layers, stamp: Bundled.stamp("merged", 4))
        let (_, now) = try book.plan()
        #expect(now.grids.features.count == Bundled.plan.grids.features.count - 1)
        // Every block of the removed grid now names the merged one; no other block moved.
        let movedIDs = Set(r.outcome.blocksMoved.map(\.id))
        let ofB = Set(Bundled.plan.blocks.features.filter { $0.string("grid_code") == Plan.gridCode(b) }.map(Plan.blockID))
        #expect(movedIDs == ofB && r.outcome.blocksMoved.allSatisfy { $0.to == Plan.gridCode(a) })
        // Figures: recomputed from geometry, the merged grid's counts are the two grids' sums.
        let before = try WorkloadCalculator.figures(grids: Bundled.plan.grids, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let after = try WorkloadCalculator.figures(grids: now.grids, boundaries: Bundled.boundaries, layers: Bundled.layers)
        let fa = before.first { $0.code == Plan.gridCode(a) }!, fb = before.first { $0.code == Plan.gridCode(b) }!
        let merged = after.first { $0.code == Plan.gridCode(a) }!
        #expect(merged.households == fa.households + fb.households && merged.households > 0)
        #expect(merged.residents == fa.residents + fb.residents && merged.records == fa.records + fb.records)
        #expect(merged.incidentCount == fa.incidentCount + fb.incidentCount)
        #expect(abs(merged.areaKm2 - (fa.areaKm2 + fb.areaKm2)) < 1e-6)
        // The layer's own columns were refreshed for the merged grid (QGIS kept grid a's numbers).
        let stored = now.grids.features.first { Plan.gridCode($0) == Plan.gridCode(a) }!
        #expect(stored.int("households") == merged.households && stored.int("addresses") == merged.records)
        #expect(stored.int("blocks") == now.blocks.features.filter { $0.string("grid_code") == Plan.gridCode(a) }.count)
        // Grids the edit did not touch keep their properties exactly.
        #expect(now.grids.features.filter { Plan.gridCode($0) != Plan.gridCode(a) }
                == Bundled.plan.grids.features.filter { ![Plan.gridCode(a), Plan.gridCode(b)].contains(Plan.gridCode($0)) })
        // Grids of other villages: unchanged figures.
        #expect(after.filter { $0.villageCode != village } == before.filter { $0.villageCode != village })
        // The diff names exactly the two grids, and only their village.
        let d = try PlanDiff.compute(r.beforePlan, now, boundaries: Bundled.boundaries, layers: Bundled.layers)
        #expect(d.gridsNamed == [Plan.gridCode(a), Plan.gridCode(b)].sorted())
        #expect(d.removed == [Plan.gridCode(b)] && d.changed.map(\.code) == [Plan.gridCode(a)] && d.added.isEmpty)
        #expect(d.villages.map(\.code) == [village] && d.villages[0].gridsBefore - d.villages[0].gridsAfter == 1)
        #expect(Set(d.addressesMoved.map(\.to)) == [Plan.gridCode(a)] && Set(d.addressesMoved.map(\.from)) == [Plan.gridCode(b)])
        #expect(d.addressesMoved.count == fb.records)
        // Incidents too: every one of the removed grid's, and no other.
        #expect(d.incidentsMoved.count == fb.incidentCount && fb.incidentCount > 0, "\(fb.incidentCount)")
        #expect(d.incidentsMoved.allSatisfy { $0.from == Plan.gridCode(b) && $0.to == Plan.gridCode(a) })
        #expect(d.flows == [PlanDiff.Flow(from: Plan.gridCode(b), to: Plan.gridCode(a), addresses: fb.records,
                                          households: fb.households, incidents: fb.incidentCount)])
        #expect(d.text(before: "1", after: "2").contains("\(fb.incidentCount) incident(s) change grid"))
        #expect(d.json(before: "1", after: "2").contains("\"grids_removed\":[\"\(Plan.gridCode(b))\"]"))
    }

    @Test func aFailedImportListsEveryProblemAndLeavesTheStoreUnchanged() throws {
        let book = try Bundled.store("refused")
        let before = FileManager.default.contents(atPath: book.path)
        var edited = Bundled.plan.grids
        let gone = Plan.gridCode(edited.features.remove(at: 5))         // a gap
        edited.features[0].properties!.members = edited.features[0].properties!.members.map {   // an unknown village
            $0.key == "village_code" ? JSONMember("village_code", .string("511111999999")) : $0
        }
        let file = try Bundled.write(edited, Bundled.temporaryDirectory("refused-in"))
        do {
            try book.importGrids(file, tolerance: 0.5, boundaries: Bundled.boundaries, stamp: Bundled.stamp("bad", 5))
            Issue.record("the import was accepted")
        } catch let e as PlanImportRejected {
            let kinds = Set(e.problems.map(\.kind))
            #expect(kinds.contains(.gap) && kinds.contains(.unknownVillage), "\(kinds)")
            #expect(e.description.contains("nothing was recorded") && e.description.contains(String(gone.prefix(12))))
        }
        #expect(FileManager.default.contents(atPath: book.path) == before)
        #expect(try book.log().count == 1)
    }

    @Test func theDiffOfAPlanWithItselfIsEmpty() throws {
        let d = try PlanDiff.compute(Bundled.plan, Bundled.plan, boundaries: Bundled.boundaries, layers: Bundled.layers)
        #expect(d.isEmpty && d.gridsNamed.isEmpty && d.villages.isEmpty)
        #expect(d.text(before: "a", after: "b") == "a → b: no change\n")
    }

    @Test func theStoreItselfEditedInQGISImportsFromItsGridsLayer() throws {
        let book = try Bundled.store("self-import")
        let r = try book.importGrids(book.path, tolerance: 0.5, boundaries: Bundled.boundaries, stamp: Bundled.stamp("", 6))
        #expect(r.outcome.snapped.isEmpty && r.outcome.blocksMoved.isEmpty)
        #expect(r.after.contentHash == r.before.contentHash && r.after.version == 2)
    }
}
