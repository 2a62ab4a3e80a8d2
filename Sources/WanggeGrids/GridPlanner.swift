import WanggeWorkload
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeometry
import WanggeIO
import WanggePartition

public enum GridPlanError: Error, CustomStringConvertible {
    case apportionment(String)
    case village(code: String, name: String, message: String)
    /// The grids as they would be written fail `wangge validate`'s checks (`GridPlan.checkValid`):
    /// each problem names the grid (or village), what is wrong and where (WGS-84).
    case invalidPlan(problems: [GridProblem])

    public var description: String {
        switch self {
        case .apportionment(let m): "cannot share out the grids: \(m)"
        case .village(let code, let name, let m): "village \(code) \(name): \(m)"
        case .invalidPlan(let problems):
            "the planned grids fail validation (\(problems.count) problem\(problems.count == 1 ? "" : "s")), nothing written:\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

/// Splits every village into blocks along its lines, shares the grids out among villages by
/// workload, and splits each village's block graph into contiguous, balanced, compact grids.
public struct GridPlanner: Sendable {
    public var options: PartitionOptions

    public init(options: PartitionOptions = PartitionOptions()) {
        self.options = options
    }

    /// - Parameter progress: called after each village with (done, total, village name).
    public func plan(boundaries b: DistrictBoundaries, layers: DistrictLayers,
                     progress: ((Int, Int, String) -> Void)? = nil) throws -> GridPlan {
        let toMetric = try CoordinateTransform(from: .wgs84, to: b.profile.metricCRS)
        var timer = PhaseTimer("plan")
        let (index, lowerOrder, lineage) = try cuttingLines(layers, toMetric)
        timer.mark("cutting lines")
        let villages = try cutVillages(b, layers: layers, index: index, toMetric: toMetric, progress: progress)
        timer.mark("blocks and figures")
        let counts = try gridCounts(villages.figures.map { $0.reduce(0) { $0 + options.weights.load($1) } }, district: b)

        var plan = GridPlan(blocks: [], grids: [], villages: [], internalBoundary: [], tolerance: options.tolerance,
                            options: options, unplacedPoints: villages.unplaced, villageOutlines: villages.outlines)
        plan.metricCRS = b.profile.metricCRS
        var boundaryByCategory: [String: Double] = [:]
        let regionalizer = Regionalizer(options: .init(tolerance: options.tolerance, restarts: options.restarts))
        // Villages are split in parallel (each worker with its own GEOS context) and added to the
        // plan in village order, so the plan does not depend on scheduling.
        let work = Self.inParallel(b.villages.count) { n, context in
            try self.villageWork(b.villages[n], into: counts[n], blocks: villages.blocks[n], figures: villages.figures[n],
                                 points: villages.points[n], outline: villages.outlines[b.villages[n].code]?.metric ?? [],
                                 lineage: lineage, lowerOrder: lowerOrder, regionalizer: regionalizer, context: context)
        }
        for (n, v) in b.villages.enumerated() {
            try add(v, try work[n].get(), gridCount: counts[n], to: &plan, boundary: &boundaryByCategory)
            progress?(b.villages.count + n + 1, b.villages.count * 2, v.name)
        }
        timer.mark("regionalize and grids")
        plan.internalBoundary = boundaryByCategory.keys.sorted().filter { boundaryByCategory[$0]! >= 0.05 }
            .map { ($0, boundaryByCategory[$0]!) }
        return plan
    }

    /// Lines that may cut (streets, rivers, ridges…, and area edges), in metres, indexed; the
    /// lower-order lines refinement cuts along, indexed apart (block cutting never looks at
    /// them); and the lineage that later says which kind of line a grid boundary lies on.
    private func cuttingLines(_ layers: DistrictLayers, _ toMetric: CoordinateTransform) throws
        -> (cutting: LineIndex, lowerOrder: LineIndex, lineage: BoundaryLineage) {
        var cutting: [CuttingLine] = [], lowerOrder: [CuttingLine] = []
        for l in layers.lines {
            guard let c = LineCategory(kind: l.kind) else { continue }
            let line = CuttingLine(category: c, points: try toMetric.transform(l.line))
            if options.rules.refinement.contains(c) { lowerOrder.append(line) } else { cutting.append(line) }
        }
        for a in layers.areas {
            for p in try toMetric.transform(a.geometry).polygons {
                for ring in p.rings { cutting.append(CuttingLine(category: .area, points: ring)) }
            }
        }
        var lineage = BoundaryLineage()
        for l in cutting + lowerOrder { lineage.add(l.points, kind: l.category.rawValue) }
        return (LineIndex(cutting), LineIndex(lowerOrder), lineage)
    }

    /// Every village cut into blocks, with the figures of its addresses and incidents per block.
    struct CutVillages {
        var blocks: [[Polygon]] = []
        var figures: [[Figures]] = []
        var points: [[(Coordinate, Figures)]] = []
        var outlines: [String: (wgs84: [Polygon], metric: [Polygon])] = [:]
        /// Points of unknown villages, or in no block of their village.
        var unplaced = 0
    }

    /// Blocks of every village, cut in parallel (one GEOS context per worker thread), and the
    /// addresses and incidents tallied into them.
    private func cutVillages(_ b: DistrictBoundaries, layers: DistrictLayers, index: LineIndex, toMetric: CoordinateTransform,
                             progress: ((Int, Int, String) -> Void)?) throws -> CutVillages {
        var timer = PhaseTimer("plan")
        let pointsByVillage = try Self.pointsByVillage(layers, toMetric, model: options.workloadModel, elevation: b.elevation)
        timer.mark("points and patrol shares")
        let known = Set(b.villages.map(\.code))
        var out = CutVillages()
        out.unplaced = pointsByVillage.keys.filter { !known.contains($0) }.reduce(0) { $0 + pointsByVillage[$1]!.count }
        let villageParts = try b.villages.map { try toMetric.transform($0.geometry).polygons }
        for (v, parts) in zip(b.villages, villageParts) { out.outlines[v.code] = (v.geometry.polygons, parts) }
        let cut = Self.cutInParallel(villageParts, kinds: b.villages.map(\.kind), rules: options.rules, index: index)
        timer.mark("cut blocks")
        for (n, v) in b.villages.enumerated() {
            guard case .success(let blocks) = cut[n] else {
                if case .failure(let error) = cut[n] {
                    throw GridPlanError.village(code: v.code, name: v.name, message: "cutting blocks: \(error)")
                }
                continue
            }
            let points = pointsByVillage[v.code] ?? []
            let (figures, missed) = Self.tally(points, in: blocks)
            out.unplaced += missed
            out.blocks.append(blocks)
            out.figures.append(figures)
            out.points.append(points)
            progress?(n + 1, b.villages.count * 2, v.name)
        }
        return out
    }

    /// Addresses (households, residents, flags) and incidents as metric points with their figures,
    /// by village code.
    /// Each point's hours under `model`; the village's patrol shared out to its addresses
    /// (`WorkloadModel.patrolShares`).
    static func pointsByVillage(_ layers: DistrictLayers, _ toMetric: CoordinateTransform,
                                model: WorkloadModel, elevation: ElevationModel? = nil) throws -> [String: [(Coordinate, Figures)]] {
        var points: [String: [(Coordinate, Figures)]] = [:]
        for a in layers.addresses {
            var f = Figures()
            f.addresses = 1; f.households = a.households; f.residents = a.residents; f.flagged = a.flagged
            f.hours = model.addressHours(a)
            points[a.villageCode, default: []].append((try toMetric.transform(a.position), f))
        }
        for code in points.keys {
            let shares = model.patrolShares(points[code]!.map(\.0), elevation: elevation)
            for k in shares.indices { points[code]![k].1.hours += shares[k] }
        }
        for i in layers.incidents {
            var f = Figures()
            f.incidents = 1
            f.hours = model.incidentHours(type: i.type.isEmpty ? "other" : i.type)
            points[i.villageCode, default: []].append((try toMetric.transform(i.position), f))
        }
        return points
    }

    /// How many grids each village gets: the asked total (else the district's own) by the divisor
    /// method, or one per `loadPerGrid` of workload.
    private func gridCounts(_ villageLoads: [Double], district b: DistrictBoundaries) throws -> [Int] {
        do {
            guard let gridCount = options.gridCount ?? b.profile.defaultGridCount.map({ .total($0) }) else {
                throw GridPlanError.apportionment("\(b.name) has no default grid count (property \"grids\" of district.geojson): give --grids N or --households-per-grid H")
            }
            switch gridCount {
            case .total(let total):
                return try Apportionment.divisor(options.method, weights: villageLoads, total: total, minimum: 1)
            case .loadPerGrid(let load):
                return try Apportionment.fromTargetLoad(weights: villageLoads, loadPerRegion: load)
            }
        } catch {
            throw GridPlanError.apportionment(String(describing: error))
        }
    }

    /// One village split into grids, with what `add` needs: the grids' blocks and polygons and
    /// the internal boundary's length by category, in the order it is summed.
    struct VillageWork: Sendable {
        var split: VillageSplit
        var members: [[Int]]
        var gridPolygons: [Polygon]
        var boundary: [(category: String, metres: Double)]
    }

    /// Splits one village (regionalize, refine) and builds its grids; independent of other villages.
    func villageWork(_ v: Village, into k: Int, blocks: [Polygon], figures: [Figures], points: [(Coordinate, Figures)],
                     outline: [Polygon], lineage: BoundaryLineage, lowerOrder: LineIndex, regionalizer: Regionalizer,
                     context ctx: GEOSContext) throws -> VillageWork {
        let split = try regionalize(v, into: k, blocks: blocks, figures: figures, points: points, outline: outline,
                                    lowerOrder: lowerOrder, regionalizer: regionalizer, context: ctx)
        var members = [[Int]](repeating: [], count: max(k, 1))
        for (i, r) in split.region.enumerated() { members[r].append(i) }
        members = members.filter { !$0.isEmpty }
        let gridPolygons = try unions(members, of: split.blocks, villageParts: outline, village: v, context: ctx)
        var regionOf = [Int](repeating: 0, count: split.blocks.count)
        for (g, m) in members.enumerated() { for i in m { regionOf[i] = g } }
        // Internal grid boundary: shared edges between blocks in different grids.
        var boundary: [(category: String, metres: Double)] = []
        for (a, c, _) in split.adjacency where regionOf[a] != regionOf[c] {
            boundary += try Self.classifySharedEdge(split.blocks[a], split.blocks[c], lineage: lineage, cuts: split.cuts,
                                                    context: ctx).map { (category: $0.0, metres: $0.1) }
        }
        return VillageWork(split: split, members: members, gridPolygons: gridPolygons, boundary: boundary)
    }

    /// One village's grids, blocks, internal boundary and figures, appended to `plan`.
    private func add(_ v: Village, _ work: VillageWork, gridCount k: Int,
                     to plan: inout GridPlan, boundary boundaryByCategory: inout [String: Double]) throws {
        let (split, members, gridPolygons) = (work.split, work.members, work.gridPolygons)
        let (blocks, figures) = (split.blocks, split.figures)
        // Numbered west → east (then north → south).
        let centroids = gridPolygons.map(FaceNetwork.centroid)
        let order = gridPolygons.indices.sorted {
            (centroids[$0].x.rounded(), -centroids[$0].y, $0) < (centroids[$1].x.rounded(), -centroids[$1].y, $1)
        }
        let first = plan.grids.count
        var gridOfMember = [Int](repeating: 0, count: members.count)
        for (seq, g) in order.enumerated() {
            gridOfMember[g] = first + seq
            let fig = members[g].reduce(Figures()) { $0 + figures[$1] }
            let area = gridPolygons[g].planarArea, perimeter = gridPolygons[g].planarPerimeter
            plan.grids.append(Grid(
                code: v.code + String(format: "%03d", seq + 1), name: "\(v.name)第\(seq + 1)网格",
                villageCode: v.code, village: v.name, townshipCode: v.townshipCode, township: v.township,
                polygon: gridPolygons[g], figures: fig, workload: options.weights.load(fig), area: area,
                perimeter: perimeter, polsbyPopper: perimeter > 0 ? 4 * .pi * area / (perimeter * perimeter) : 0,
                blockCount: members[g].count))
        }
        var regionToGrid = [Int](repeating: 0, count: blocks.count)
        for (g, m) in members.enumerated() { for i in m { regionToGrid[i] = gridOfMember[g] } }
        for (i, p) in blocks.enumerated() {
            plan.blocks.append(Block(id: v.code + String(format: "-%04d", i + 1), villageCode: v.code, polygon: p,
                                     area: p.planarArea, perimeter: p.planarPerimeter, figures: figures[i],
                                     workload: options.weights.load(figures[i]), refined: split.refined[i],
                                     grid: regionToGrid[i]))
        }
        for (category, metres) in work.boundary { boundaryByCategory[category, default: 0] += metres }
        plan.villages.append(outcome(v, grids: plan.grids[first...], split: split))
    }

    /// Each grid as one polygon: a lone block as it is, the whole village as the village itself,
    /// otherwise the snap-rounded union of its blocks (which must be in one piece).
    private func unions(_ members: [[Int]], of blocks: [Polygon], villageParts: [Polygon], village v: Village,
                        context ctx: GEOSContext) throws -> [Polygon] {
        try members.map { m in
            if m.count == 1 { return blocks[m[0]] }
            if members.count == 1 && villageParts.count == 1 { return villageParts[0] }
            let parts = try ctx.collection(of: m.map { try ctx.geometry(from: .polygon(blocks[$0])) })
            let u = try Self.coverageUnion(parts) ?? parts.unaryUnion(gridSize: options.rules.gridSize).value()
            guard u.polygons.count == 1, let p = u.polygons.first else {
                throw GridPlanError.village(code: v.code, name: v.name, message: "a grid is not in one piece (\(u.typeName) of \(u.polygons.count) parts)")
            }
            return p
        }
    }

    /// A grid's blocks tile it with the same vertices on each shared edge (the face network made
    /// them; refinement gives a cut's new vertices to the neighbours), so cancelling the shared
    /// edges is their union — without the snap-rounded noding of a general union, a tenth of a
    /// 2,000-grid partition's time. Taken only as one valid polygon: GEOS refuses a shared edge
    /// with different vertices (the area not kept) but not overlapping parts, which come out as
    /// several polygons or an invalid one. nil: use the general union.
    static func coverageUnion(_ parts: GEOSGeometryHandle) -> Geometry? {
        guard let u = try? parts.coverageUnion(), (try? u.isValid()) == true, let g = try? u.value(), g.polygons.count == 1 else { return nil }
        return g
    }

    /// A village's balance and shape figures over its grids.
    private func outcome(_ v: Village, grids: ArraySlice<Grid>, split: VillageSplit) -> VillageOutcome {
        let loads = grids.map(\.workload)
        let mean = loads.reduce(0, +) / Double(loads.count)
        let sd = (loads.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(loads.count)).squareRoot()
        let balanced = loads.count == 1 || loads.allSatisfy { mean == 0 || abs($0 - mean) <= options.tolerance * mean + 1e-9 }
        return VillageOutcome(
            code: v.code, name: v.name, township: v.township, kind: v.kind.rawValue, blocks: split.blocks.count, grids: grids.count,
            meanWorkload: mean, maxWorkload: loads.max() ?? 0, maxOverMean: mean > 0 ? (loads.max() ?? 0) / mean : 1,
            coefficientOfVariation: mean > 0 ? sd / mean : 0,
            meanPolsbyPopper: grids.reduce(0) { $0 + $1.polsbyPopper } / Double(grids.count),
            balanced: balanced, refinements: split.refinements, straightCuts: split.straightCuts, note: balanced ? nil : split.note,
            edges: split.adjacency.map { ($0.0, $0.1, $0.2) })
    }

    /// One village's blocks after refinement and the grid of each block.
    struct VillageSplit: Sendable {
        var blocks: [Polygon]
        var figures: [Figures]
        var refined: [Bool]
        var region: [Int]
        var adjacency: [(Int, Int, Double)]
        var refinements: Int
        /// Refinements drawn as a straight line, where no lower-order line divided the block.
        var straightCuts: Int
        var note: String?
        var cuts: BoundaryLineage
        /// Some grid is in one piece only through boundary its blocks share along the village
        /// outline (see `OutlineBand`): in WGS-84 it would be pinched to a point.
        var joinedOnlyAlongOutline = false
    }

    /// Splits one village's blocks into `k` grids; while the blocks are too coarse to balance,
    /// refines the heaviest block — along the lower-order lines in it (`BlockRules.refinement`:
    /// courtyard edges), or where none divides it, straight between its address clusters — and
    /// tries again.
    ///
    /// The block graph counts every boundary two blocks share in metres. Where a grid comes out
    /// in one piece only through boundary shared inside the strip along the village outline
    /// that the WGS-84 writer collapses (`OutlineBand`: a street a few millimetres inside the
    /// outline leaves a sliver that narrow), the village is split again on the graph without
    /// those edges, so every grid is in one piece as written. Villages where no grid depends on
    /// such an edge keep the split they had.
    /// - Parameter outline: the village's parts in metres, as the blocks were cut from them.
    /// - Parameter lowerOrder: the lines refinement may cut along (those of `BlockRules.refinement`).
    func regionalize(_ v: Village, into k: Int, blocks: [Polygon], figures: [Figures], points: [(Coordinate, Figures)],
                     outline: [Polygon], lowerOrder: LineIndex, regionalizer: Regionalizer,
                     context ctx: GEOSContext) throws -> VillageSplit {
        let refiner = Refiner(rules: options.rules, weights: options.weights, lowerOrder: lowerOrder, context: ctx)
        guard k > 1 else {
            return try regionalize(v, into: k, blocks: blocks, figures: figures, points: points, band: nil,
                                   joinAlongOutline: true, refiner: refiner, regionalizer: regionalizer, context: ctx)
        }
        let band = try OutlineBand(outline, context: ctx)
        let split = try regionalize(v, into: k, blocks: blocks, figures: figures, points: points, band: band,
                                    joinAlongOutline: true, refiner: refiner, regionalizer: regionalizer, context: ctx)
        guard split.joinedOnlyAlongOutline else { return split }
        return try regionalize(v, into: k, blocks: blocks, figures: figures, points: points, band: band,
                               joinAlongOutline: false, refiner: refiner, regionalizer: regionalizer, context: ctx)
    }

    /// `regionalize` on one graph: with or without the edges that run only along the outline.
    private func regionalize(_ v: Village, into k: Int, blocks: [Polygon], figures: [Figures], points: [(Coordinate, Figures)],
                             band: OutlineBand?, joinAlongOutline: Bool, refiner: Refiner, regionalizer: Regionalizer,
                             context ctx: GEOSContext) throws -> VillageSplit {
        var state = RefiningBlocks(blocks: blocks, figures: figures)
        var region = [Int](repeating: 0, count: blocks.count)
        var note: String?
        var adjacency: [(Int, Int, Double)] = []
        var alongOutline: [Bool] = []
        // Refinements allowed: `maxRefinements`, plus one per grid beyond the village's blocks.
        let refinementBudget = options.maxRefinements + max(0, k - blocks.count)
        var stuck = false
        refining: while k > 1 {
            // While there are fewer blocks than grids or a block heavier than a grid may be, no
            // split can be balanced: refine without building the graph or searching.
            let hopeless = !stuck && state.refinements < refinementBudget && state.isTooCoarse(for: k, weights: options.weights,
                                                                                                  tolerance: options.tolerance)
            var result: (regionOfNode: [Int], withinTolerance: Bool)?
            var report = FeasibilityReport(nodeCount: state.blocks.count, regionCount: k, upperLoadLimit: 0, issues: [])
            if !hopeless {
                // Adjacency is measured again only for pairs with a block that changed (see `AdjacencyCache`).
                (adjacency, alongOutline) = try Self.adjacency(state.blocks, refined: state.refined, band: band, context: ctx,
                                                               cache: &state.cache)
                if !joinAlongOutline {
                    adjacency = zip(adjacency, alongOutline).filter { !$0.1 }.map(\.0)
                    alongOutline = [Bool](repeating: false, count: adjacency.count)
                }
                let graph = try Self.graph(blocks: state.blocks, figures: state.figures, adjacency: adjacency,
                                           weights: options.weights, village: v)
                // Deep in refinement, a short search (4 restarts) says whether the blocks can
                // balance yet; the full search then draws the grids once they can.
                let quick = state.refinements >= 3 && regionalizer.options.restarts > Self.quickRestarts
                (report, result) = try attempt(graph, village: v, into: k, regionalizer: quick ? regionalizer.quick : regionalizer)
                if quick, let r = result, r.withinTolerance {
                    let full = try attempt(graph, village: v, into: k, regionalizer: regionalizer)
                    if let f = full.result, f.withinTolerance { (report, result) = full }
                }
                if let r = result, r.withinTolerance || state.refinements >= refinementBudget {
                    region = r.regionOfNode
                    if !r.withinTolerance {
                        note = "blocks too coarse: \(report.isTooCoarse ? report.description : "no split of \(state.blocks.count) blocks balances within ±\(Int(options.tolerance * 100))%") after \(state.refinements) refinements"
                    }
                    break
                }
                if result == nil && state.refinements >= refinementBudget {
                    throw GridPlanError.village(code: v.code, name: v.name, message: Self.tooFewBlocks(
                        k, blocks: state.blocks.count, refinements: state.refinements, report: report))
                }
            }
            // Too coarse: split the heaviest block (the largest, when there are fewer blocks
            // than grids) along its lower-order lines, or else straight between its address
            // clusters, and try again; after three rounds, the heavier blocks a round.
            let targets = state.targets(for: k, weights: options.weights, batch: !hopeless && state.refinements >= 3,
                                        budget: refinementBudget - state.refinements)
            for (n, target) in targets.enumerated() {
                guard let index = state.blocks.firstIndex(of: target) else { continue }
                if try state.refine(index, with: refiner, points: points) || n > 0 { continue }
                if hopeless { stuck = true; continue refining } // the search below decides
                // The heaviest block cannot be split (one house, or no room): accept.
                if let r = result { region = r.regionOfNode }
                note = "block \(index + 1) cannot be split further (a single address cluster)"
                if result == nil {
                    throw GridPlanError.village(code: v.code, name: v.name, message: Self.tooFewBlocks(
                        k, blocks: state.blocks.count, refinements: state.refinements, report: report))
                }
                break refining
            }
        }
        let (blocks, figures, refinedFlags, cuts) = (state.blocks, state.figures, state.refined, state.cuts)
        let (refinements, straightCuts) = (state.refinements, state.straightCuts)
        let joinedOnlyAlongOutline = alongOutline.contains(true)
            && !Self.regionsConnected(region, edges: zip(adjacency, alongOutline).filter { !$0.1 }.map(\.0), count: blocks.count)
        return VillageSplit(blocks: blocks, figures: figures, refined: refinedFlags, region: region, adjacency: adjacency,
                            refinements: refinements, straightCuts: straightCuts, note: note, cuts: cuts,
                            joinedOnlyAlongOutline: joinedOnlyAlongOutline)
    }

    /// Restarts of the search that only asks whether refined blocks can balance yet.
    static let quickRestarts = 4

    /// One try at `k` grids on the current blocks: the regionalizer's split or, blocks in separate
    /// pieces, a split per piece; nil when there are fewer blocks than grids (refine and try again).
    private func attempt(_ graph: PartitionGraph, village v: Village, into k: Int, regionalizer: Regionalizer)
        throws -> (report: FeasibilityReport, result: (regionOfNode: [Int], withinTolerance: Bool)?) {
        let report = regionalizer.diagnose(graph, regions: k)
        let seed = options.seed ^ Self.stableHash(v.code)
        if report.isSolvable {
            do {
                let r = try regionalizer.partition(graph, regions: k, seed: seed)
                return (report, (r.regionOfNode, r.withinTolerance))
            } catch {
                throw GridPlanError.village(code: v.code, name: v.name, message: String(describing: error))
            }
        }
        guard report.issues.contains(where: { if case .disconnected = $0 { true } else { false } }) else { return (report, nil) }
        // Blocks in separate pieces (meeting at most at a point): each grid lies in one piece, the
        // grids shared out among the pieces by load. Refinement adds blocks but never joins
        // pieces, so fewer grids than pieces is final.
        do {
            let r = try ComponentPartition.partition(graph, regions: k, regionalizer: regionalizer, seed: seed)
            return (report, (r.regionOfNode, r.withinTolerance))
        } catch ComponentPartition.Infeasible.fewerRegionsThanComponents(let regions, let components) {
            throw GridPlanError.village(code: v.code, name: v.name, message: ComponentPartition.Infeasible
                .fewerRegionsThanComponents(regions: regions, components: components).description)
        } catch ComponentPartition.Infeasible.moreRegionsThanNodes {
            return (report, nil)
        } catch {
            throw GridPlanError.village(code: v.code, name: v.name, message: String(describing: error))
        }
    }

    /// Why a village cannot take `k` grids, and the most it can take.
    static func tooFewBlocks(_ k: Int, blocks: Int, refinements: Int, report: FeasibilityReport) -> String {
        let components = report.issues.compactMap { if case .disconnected(let c) = $0 { c.count } else { nil } }.first ?? 1
        let most = components > 1 && blocks >= components ? "\(components)–\(blocks) grids (or 1)" : "at most \(blocks) grids"
        return "cannot be split into \(k) contiguous grids: \(blocks) blocks after \(refinements) refinements (\(report)); it can take \(most)"
    }

    /// Whether every region is connected through `edges` alone.
    static func regionsConnected(_ region: [Int], edges: [(Int, Int, Double)], count: Int) -> Bool {
        var neighbours = [[Int]](repeating: [], count: count)
        for (a, c, _) in edges where region[a] == region[c] {
            neighbours[a].append(c)
            neighbours[c].append(a)
        }
        var seen = [Bool](repeating: false, count: count)
        var regionsSeen = Set<Int>()
        for start in 0..<count where !seen[start] {
            // A second component of a region already met means that region is in two pieces.
            guard regionsSeen.insert(region[start]).inserted else { return false }
            var stack = [start]
            seen[start] = true
            while let n = stack.popLast() {
                for m in neighbours[n] where !seen[m] { seen[m] = true; stack.append(m) }
            }
        }
        return true
    }

    // MARK: - Pieces

    /// Cuts every village into blocks on one worker per core (`inParallel`: a GEOS context per
    /// worker, results by village index, so the outcome does not depend on scheduling).
    static func cutInParallel(_ villages: [[Polygon]], kinds: [UnitKind], rules: BlockRules,
                              index: LineIndex) -> [Result<[Polygon], any Error>] {
        inParallel(villages.count) { n, context in
            let cutter = BlockCutter(rules: rules, context: context)
            var blocks: [Polygon] = []
            for part in villages[n] {
                let lines = cutter.lines(near: part, categories: rules.categories(forVillageKind: kinds[n]), index: index)
                blocks += try cutter.blocks(of: part, lines: lines)
            }
            return blocks
        }
    }


    /// `body(i, context)` for every i in 0..<count, on one worker per core (at most 8), each with
    /// its own GEOS context (contexts are not thread-safe). Workers take the next index as they
    /// finish; results are stored by index, so the outcome does not depend on scheduling.
    static func inParallel<T: Sendable>(_ count: Int,
                                        _ body: @escaping @Sendable (Int, GEOSContext) throws -> T) -> [Result<T, any Error>] {
        let slots = ParallelSlots<T>(count)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let context = GEOSContext()
            while let n = slots.take() {
                let result = Result { try body(n, context) }
                slots.lock.lock(); slots.results[n] = result; slots.lock.unlock()
            }
        }
        return slots.results.map { $0! }
    }

    /// FNV-1a of a string: a per-village seed that does not depend on the process.
    static func stableHash(_ s: String) -> UInt64 { FNV1a.hash(s) }

    /// Adds every point's figures to the block containing it; a point in no block (on an edge,
    /// or a little outside its village) goes to the nearest block by centroid and is counted.
    static func tally(_ points: [(Coordinate, Figures)], in blocks: [Polygon]) -> ([Figures], Int) {
        let homes = PointHomes(points, in: blocks)
        return (homes.figures(points, blockCount: blocks.count), homes.missed.filter { $0 }.count)
    }

    /// Pairs of blocks sharing an edge (not just a point), with the shared length; and, per
    /// pair, whether all it shares lies inside `band` (the strip along the village outline that
    /// the WGS-84 writer collapses onto the outline, see `OutlineBand`): two blocks that meet only
    /// there — one of them through a sliver a few millimetres wide between a street and the
    /// outline — are neighbours in metres but not as written, and a grid joined only through
    /// such a pair would come out of the writer pinched to a point, its ring touching itself.
    static func adjacency(_ blocks: [Polygon], refined: [Bool], band: OutlineBand? = nil,
                          context ctx: GEOSContext) throws -> (edges: [(Int, Int, Double)], alongOutline: [Bool]) {
        var cache = AdjacencyCache(blocks.count)
        return try adjacency(blocks, refined: refined, band: band, context: ctx, cache: &cache)
    }

    /// Blocks sharing no more boundary than this (m) meet at a point as far as grids go: a cut
    /// crossing a block's edge a centimetre from a corner leaves an edge that short, which the
    /// snapped measure counts as shared but a union does not join.
    static let minimumSharedEdge = 0.1

    /// `adjacency`, measuring only the pairs `cache` does not hold (it then holds them too).
    static func adjacency(_ blocks: [Polygon], refined: [Bool], band: OutlineBand?, context ctx: GEOSContext,
                          cache: inout AdjacencyCache) throws -> (edges: [(Int, Int, Double)], alongOutline: [Bool]) {
        precondition(cache.ids.count == blocks.count, "adjacency cache out of step with the blocks")
        let envelopes = blocks.map { Geometry.polygon($0).envelope! }
        var rings = [GEOSGeometryHandle?](repeating: nil, count: blocks.count)
        func ring(_ i: Int) throws -> GEOSGeometryHandle {
            if let r = rings[i] { return r }
            let r = try ctx.geometry(from: .multiLineString(blocks[i].rings))
            rings[i] = r
            return r
        }
        var out: [(Int, Int, Double)] = []
        var along: [Bool] = []
        for a in blocks.indices {
            for c in (a + 1)..<blocks.count where envelopes[a].intersects(envelopes[c]) {
                let key = AdjacencyCache.Pair(a: cache.ids[a], c: cache.ids[c])
                let measured: (shared: Double, along: Bool)?
                if let known = cache.pairs[key] {
                    measured = known
                } else if !Self.mayShareEdge(blocks[a], envelopes[a], blocks[c], envelopes[c]) {
                    cache.pairs[key] = .some(nil)
                    continue
                } else if let segments = Proximity.sharedSegments(blocks[a].rings, envelopes[a], blocks[c].rings, envelopes[c], tolerance: 0.02) {
                    // The common case: what the two share is segments both have (the face network
                    // and the cuts' vertices given to neighbours make them so), measured without
                    // an overlay. No vertex lies within 2 cm of the other's edges unless it is one
                    // of its vertices, so snapping at 1 cm (below) would change nothing either.
                    // Anything else — segments overlapping that differ, a vertex a hair off the
                    // other's edge — goes to GEOS below.
                    let shared = segments.reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
                    measured = shared > minimumSharedEdge
                        ? (shared, try band.map { try $0.holds(segments, but: 0.01, context: ctx) } ?? false)
                        : nil
                    cache.pairs[key] = .some(measured)
                } else {
                    var common = try ring(a).intersection(try ring(c))
                    var shared = try common.length()
                    // A block split by refinement has new vertices on its old edges that its
                    // neighbour lacks, a hair off the straight line: snap before measuring.
                    if shared <= minimumSharedEdge && (refined[a] || refined[c]) {
                        common = try ring(a).snapped(to: try ring(c), tolerance: 0.01).intersection(try ring(c))
                        shared = try common.length()
                    }
                    measured = shared > minimumSharedEdge ? (shared, try band.map { try $0.lengthOutside(common) <= 0.01 } ?? false) : nil
                    cache.pairs[key] = .some(measured)
                }
                guard let measured else { continue }
                out.append((a, c, measured.shared))
                along.append(measured.along)
            }
        }
        return (out, along)
    }

    /// Whether two blocks can share any boundary: some vertex of one within a little more than
    /// the snapping tolerance below (1 cm) of the other's edges. Most pairs whose envelopes
    /// meet share nothing, and this spares them GEOS's intersection.
    static func mayShareEdge(_ a: Polygon, _ ea: Envelope, _ c: Polygon, _ ec: Envelope) -> Bool {
        Proximity.someVertex(of: a.rings, within: 0.02, ofEdgesOf: c.rings, edgesEnvelope: ec)
            || Proximity.someVertex(of: c.rings, within: 0.02, ofEdgesOf: a.rings, edgesEnvelope: ea)
    }

    /// Shared boundary of block pairs already measured, by block ids: a new id for every new
    /// block (the pieces of a refined one). A neighbour of a refined block keeps its id though
    /// it gains vertices (`insertingNewVertices`): they lie on the edge it shared with that
    /// block alone, so what it shares with every other block measures the same.
    struct AdjacencyCache {
        struct Pair: Hashable { let a: Int, c: Int }
        /// The id of each block, by block index.
        var ids: [Int]
        var next: Int
        /// nil inside: measured, not neighbours.
        var pairs: [Pair: (shared: Double, along: Bool)?] = [:]

        init(_ count: Int) { ids = Array(0..<count); next = count }

        mutating func remove(_ i: Int) { ids.remove(at: i) }
        mutating func append(_ count: Int) { for _ in 0..<count { ids.append(next); next += 1 } }
    }

    static func graph(blocks: [Polygon], figures: [Figures], adjacency: [(Int, Int, Double)],
                      weights: WorkloadWeights, village: Village) throws -> PartitionGraph {
        do {
            return try PartitionGraph(weights: figures.map { weights.load($0) }, areas: blocks.map(\.planarArea),
                                      perimeters: blocks.map(\.planarPerimeter),
                                      edges: adjacency.map { PartitionGraph.Edge($0.0, $0.1, sharedLength: $0.2) })
        } catch {
            throw GridPlanError.village(code: village.code, name: village.name, message: String(describing: error))
        }
    }

    /// The shared edge of two blocks, by the category of the line each stretch lies on.
    static func classifySharedEdge(_ a: Polygon, _ c: Polygon, lineage: BoundaryLineage, cuts: BoundaryLineage,
                                   context ctx: GEOSContext) throws -> [(String, Double)] {
        var lines: [[Coordinate]] = []
        // Segments both have, when that is all they share (Proximity.sharedSegments; snapping
        // at 1 cm would change nothing then); else the snapped overlay.
        let ea = Geometry.polygon(a).envelope!, ec = Geometry.polygon(c).envelope!
        if let segments = Proximity.sharedSegments(a.rings, ea, c.rings, ec, tolerance: 0.02) {
            return tally(segments.map { [$0.0, $0.1] }, lineage: lineage, cuts: cuts)
        }
        let ringsC = try ctx.geometry(from: .multiLineString(c.rings))
        let shared = try ctx.geometry(from: .multiLineString(a.rings)).snapped(to: ringsC, tolerance: 0.01).intersection(ringsC).value()
        func collect(_ g: Geometry) {
            switch g {
            case .lineString(let l): lines.append(l)
            case .multiLineString(let ls): lines += ls
            case .geometryCollection(let gs): gs.forEach(collect)
            default: break
            }
        }
        collect(shared)
        return tally(lines, lineage: lineage, cuts: cuts)
    }

    /// Length of `lines` by the kind of line each segment lies on, kinds sorted.
    private static func tally(_ lines: [[Coordinate]], lineage: BoundaryLineage, cuts: BoundaryLineage) -> [(String, Double)] {
        var out: [String: Double] = [:]
        for l in lines {
            for (p, q) in zip(l, l.dropFirst()) {
                let len = hypot(q.x - p.x, q.y - p.y)
                let mid = Coordinate((p.x + q.x) / 2, (p.y + q.y) / 2)
                let kind = lineage.kind(at: mid, tolerance: 0.05) ?? cuts.kind(at: mid, tolerance: 0.05) ?? "other"
                out[kind, default: 0] += len
            }
        }
        return out.keys.sorted().map { ($0, out[$0]!) }
    }

    /// `blocks` with the vertices that `pieces` (the pieces `blocks[target]` was cut into) have
    /// and `blocks[target]` had not — where the cut met its edge — added to the other blocks
    /// whose edges they lie on.
    ///
    /// Without them a neighbour keeps a straight edge where the pieces across it have a vertex
    /// (a T-junction). In metres the vertex is on that edge, but the writer takes both to WGS-84
    /// separately: the neighbour's edge as a straight lon/lat chord, the vertex projected and
    /// rounded, and over a long edge (a refinement cut across a large block, later cut again
    /// from one side) they part by millimetres, a gap or overlap of square metres between grids.
    static func insertingNewVertices(of pieces: [Polygon], replacing target: Int, into blocks: [Polygon],
                                     tolerance: Double = 1e-5) -> [Polygon] {
        struct Key: Hashable { let x: Double, y: Double }
        let old = Set(blocks[target].rings.joined().map { Key(x: $0.x, y: $0.y) })
        var seen = Set<Key>()
        var added: [Coordinate] = []
        for c in pieces.flatMap({ $0.rings.joined() }) where !old.contains(Key(x: c.x, y: c.y)) {
            if seen.insert(Key(x: c.x, y: c.y)).inserted { added.append(c) }
        }
        guard !added.isEmpty else { return blocks }
        var e = Geometry.polygon(blocks[target]).envelope!
        e = Envelope(minX: e.minX - tolerance, minY: e.minY - tolerance, maxX: e.maxX + tolerance, maxY: e.maxY + tolerance)
        var out = blocks
        for j in blocks.indices where j != target && Geometry.polygon(blocks[j]).envelope!.intersects(e) {
            func ring(_ r: [Coordinate]) -> [Coordinate] {
                var result: [Coordinate] = []
                for k in 0..<(r.count - 1) {
                    let a = r[k], b = r[k + 1]
                    result.append(a)
                    let dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy
                    guard len2 > 0 else { continue }
                    var on: [(Double, Coordinate)] = []
                    for c in added {
                        let t = ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2
                        guard t > 0, t < 1, hypot(a.x + t * dx - c.x, a.y + t * dy - c.y) < tolerance,
                              hypot(c.x - a.x, c.y - a.y) >= tolerance, hypot(c.x - b.x, c.y - b.y) >= tolerance else { continue }
                        on.append((t, c))
                    }
                    result += on.sorted { $0.0 < $1.0 }.map(\.1)
                }
                if let last = r.last { result.append(last) }
                return result
            }
            let p = blocks[j]
            let exterior = ring(p.exterior), holes = p.holes.map(ring)
            if exterior.count != p.exterior.count || zip(holes, p.holes).contains(where: { $0.count != $1.count }) {
                out[j] = Polygon(exterior: exterior, holes: holes)
            }
        }
        return out
    }

    /// A block vertex this close (metres) to a refinement cut is put on the cut (`split`), so a
    /// cut never meets the block's edge a centimetre from a vertex. Such an edge is below what
    /// 7 decimals of a degree hold, and the writer's spike cleaning, which sees it as a spike from
    /// one side of the cut and as a corner from the other, kept the crossing in one grid and
    /// dropped it from the next: an overlap or gap the length of the cut.
    static let cutSnapTolerance = 0.05

    /// Splits a block between its two address clusters: a straight cut across the block,
    /// perpendicular to the line joining the clusters, where the households on each side are
    /// closest to equal (the block's longer axis at its middle when it has no houses).
    /// A refinement cut passes between points at least this far apart (m) along its axis.
    static let minimumCutGap = 1.0

    static func split(_ block: Polygon, points: [(Coordinate, Figures)], weights: WorkloadWeights,
                      context ctx: GEOSContext) throws -> (pieces: [Polygon], cut: [Coordinate]) {
        let env = Geometry.polygon(block).envelope!
        let inside = points.filter { env.contains($0.0) && FaceNetwork.contains(block, $0.0) }
        var axis = env.width >= env.height ? Coordinate(1, 0) : Coordinate(0, 1)
        var position: Double
        if inside.count >= 2 {
            // Principal axis of the points (weighted by load, at least 1 each).
            let w = inside.map { max(1, weights.load($0.1)) }
            let total = w.reduce(0, +)
            let mx = zip(inside, w).reduce(0) { $0 + $1.0.0.x * $1.1 } / total
            let my = zip(inside, w).reduce(0) { $0 + $1.0.0.y * $1.1 } / total
            var sxx = 0.0, sxy = 0.0, syy = 0.0
            for (p, wi) in zip(inside, w) {
                let dx = p.0.x - mx, dy = p.0.y - my
                sxx += wi * dx * dx; sxy += wi * dx * dy; syy += wi * dy * dy
            }
            let angle = 0.5 * atan2(2 * sxy, sxx - syy)
            axis = Coordinate(cos(angle), sin(angle))
            // The weighted median of the projections, halfway between the two points around it.
            let proj = zip(inside, w).map { (($0.0.x - mx) * axis.x + ($0.0.y - my) * axis.y, $1) }.sorted { $0.0 < $1.0 }
            var acc = 0.0
            position = proj[proj.count / 2].0
            for k in 0..<(proj.count - 1) {
                acc += proj[k].1
                if acc >= total / 2 {
                    // Between two points at least a metre apart along the axis (the nearest such gap
                    // to the median): a cut through or next to an address — two addresses at one
                    // spot, or the cut's snapping — would leave it on the boundary of two grids.
                    let gaps = (0..<(proj.count - 1)).filter { proj[$0 + 1].0 - proj[$0].0 >= minimumCutGap }
                    let g = gaps.min { (abs($0 - k), $0) < (abs($1 - k), $1) } ?? k
                    position = (proj[g].0 + proj[g + 1].0) / 2
                    break
                }
            }
            position += mx * axis.x + my * axis.y
        } else {
            position = ((env.minX + env.maxX) / 2) * axis.x + ((env.minY + env.maxY) / 2) * axis.y
        }
        // The cut: all points p with p·axis = position, long enough to cross the block.
        let reach = env.width + env.height
        let origin = Coordinate(axis.x * position, axis.y * position)
        let centre = Coordinate((env.minX + env.maxX) / 2, (env.minY + env.maxY) / 2)
        let along = (centre.x - origin.x) * -axis.y + (centre.y - origin.y) * axis.x
        let mid = Coordinate(origin.x - axis.y * along, origin.y + axis.x * along)
        let cut = [Coordinate(mid.x + axis.y * reach, mid.y - axis.x * reach), Coordinate(mid.x - axis.y * reach, mid.y + axis.x * reach)]
        return (try FaceNetwork(lines: [cut], outline: block, context: ctx, gridSize: 1e-6, snapTolerance: cutSnapTolerance).faces, cut)
    }
}

/// Results of `GridPlanner.inParallel` by index, and the next index to take.
private final class ParallelSlots<T>: @unchecked Sendable {
    // Written under `lock` only, each index by exactly one worker; `next` likewise.
    var results: [Result<T, any Error>?]
    var next = 0
    let lock = NSLock()
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < results.count else { return nil }
        next += 1
        return next - 1
    }
}
