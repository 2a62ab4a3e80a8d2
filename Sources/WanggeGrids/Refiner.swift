import Foundation
import WanggeGeometry
import WanggePartition

/// Cuts a block too coarse to balance: along the lower-order lines that divide it (courtyard
/// edges, `BlockRules.refinement`), and only where none does, straight between its address
/// clusters (`GridPlanner.split`).
struct Refiner {
    let rules: BlockRules
    let weights: WorkloadWeights
    /// The lower-order lines (those of `rules.refinement`).
    let lowerOrder: LineIndex
    let context: GEOSContext

    /// The block's pieces, and the straight cut when one had to be drawn (nil: the pieces meet
    /// along lower-order lines only).
    func refine(_ block: Polygon, points: [(Coordinate, Figures)]) throws -> (pieces: [Polygon], cut: [Coordinate]?) {
        let cutter = BlockCutter(rules: rules, context: context)
        // Ends extended as for blocks. Lines that do not come near the block cannot change its
        // faces: only those that do go to GEOS, and none at all when none does, or when they
        // cannot cut it (they enter and stop, or lie along its edge: `LineDivision`).
        let envelope = Geometry.polygon(block).envelope!
        let lines = cutter.lines(near: block, categories: rules.refinement, index: lowerOrder)
            .map { cutter.extend($0.points, by: rules.snapDistance) }
            .filter { Proximity.line($0, within: 0.1, ofPolygon: block.rings, envelope: envelope) }
        if !lines.isEmpty, LineDivision.mayDivide(block, by: lines, tolerance: 0.06) {
            // Line vertices within the cut tolerance of the block's corners put on them, as for a
            // straight cut (no centimetre edges at the crossing).
            let network = try FaceNetwork(lines: lines, outline: block, context: context, gridSize: rules.gridSize,
                                          snapTolerance: GridPlanner.cutSnapTolerance)
            let pieces = try cutter.mergeSlivers(network)
            if pieces.count >= 2 { return (pieces, nil) }
        }
        let (pieces, cut) = try GridPlanner.split(block, points: points, weights: weights, context: context)
        return (pieces, cut)
    }
}

/// One village's blocks while refinement splits them, with what follows each split: the
/// neighbours' shared vertices, the adjacency cache, the figures, the cuts drawn.
struct RefiningBlocks {
    var blocks: [Polygon]
    var figures: [Figures]
    var refined: [Bool]
    var cache: GridPlanner.AdjacencyCache
    var cuts = BoundaryLineage()
    var refinements = 0
    var straightCuts = 0
    /// Where each point is counted, from the first refinement on.
    var homes: PointHomes?

    init(blocks: [Polygon], figures: [Figures]) {
        self.blocks = blocks
        self.figures = figures
        refined = [Bool](repeating: false, count: blocks.count)
        cache = GridPlanner.AdjacencyCache(blocks.count)
    }

    /// Fewer blocks than grids, or a block heavier than a grid within tolerance may be: no split
    /// into `k` grids can be balanced.
    func isTooCoarse(for k: Int, weights: WorkloadWeights, tolerance: Double) -> Bool {
        if blocks.count < k { return true }
        let loads = figures.map { weights.load($0) }
        let total = loads.reduce(0, +)
        return total > 0 && loads.max()! > (1 + tolerance) * total / Double(k)
    }

    /// The blocks to split next: the largest when there are fewer blocks than grids (or no
    /// load), else the heaviest; with `batch`, every block over half a grid's load, heaviest
    /// first (at most k/4 and `budget`).
    func targets(for k: Int, weights: WorkloadWeights, batch: Bool, budget: Int) -> [Polygon] {
        let loads = figures.map { weights.load($0) }
        if blocks.count < k || loads.allSatisfy({ $0 == 0 }) {
            return [blocks[blocks.indices.max { (blocks[$0].planarArea, $0) < (blocks[$1].planarArea, $1) }!]]
        }
        let heaviest = blocks.indices.sorted { (loads[$0], $0) > (loads[$1], $1) }
        guard batch else { return [blocks[heaviest[0]]] }
        let half = loads.reduce(0, +) / Double(k) / 2
        let heavy = heaviest.prefix { loads[$0] > half }.prefix(max(1, min(k / 4, budget)))
        return (heavy.isEmpty ? [heaviest[0]] : Array(heavy)).map { blocks[$0] }
    }

    /// Splits block `target` (`Refiner.refine`); false when it cannot be split. Where the cut
    /// meets the block's edge, the neighbour across that edge gets the same vertex, so the
    /// blocks stay a coverage whose neighbours share vertices.
    mutating func refine(_ target: Int, with refiner: Refiner, points: [(Coordinate, Figures)]) throws -> Bool {
        let (pieces, cut) = try refiner.refine(blocks[target], points: points)
        if let cut {
            cuts.add(cut, kind: LineCategory.refinement.rawValue)
            straightCuts += 1
        }
        refinements += 1
        guard pieces.count >= 2 else { return false }
        // A neighbour gains the pieces' vertices on the edge it shared with the block; what it
        // shares with any other block is unchanged, so its remembered pairs stay (see
        // `AdjacencyCache`): only the pieces' pairs are measured.
        let before = blocks
        blocks = GridPlanner.insertingNewVertices(of: pieces, replacing: target, into: blocks)
        // Points near a neighbour that gained vertices are looked up again (see `PointHomes.recount`).
        let reshaped = blocks.indices.filter { $0 != target && blocks[$0] != before[$0] }
            .map { Geometry.polygon(blocks[$0]).envelope!.union(Geometry.polygon(before[$0]).envelope!) }
        blocks.remove(at: target); refined.remove(at: target); cache.remove(target)
        blocks += pieces; refined += [Bool](repeating: true, count: pieces.count)
        cache.append(pieces.count)
        var counted = homes ?? PointHomes(points, in: before)
        counted.recount(points, in: blocks, removed: target, reshaped: reshaped)
        figures = counted.figures(points, blockCount: blocks.count)
        homes = counted
        return true
    }
}

extension Regionalizer {
    /// The same search with `GridPlanner.quickRestarts` restarts.
    var quick: Regionalizer {
        var o = options
        o.restarts = min(o.restarts, GridPlanner.quickRestarts)
        return Regionalizer(options: o)
    }
}

/// The block each point is counted in, as `GridPlanner.tally` counts it: the first block (in
/// order) containing it, else — counted as missed — the nearest by centroid.
struct PointHomes {
    var block: [Int]
    var missed: [Bool]

    init(_ points: [(Coordinate, Figures)], in blocks: [Polygon]) {
        let envelopes = blocks.map { Geometry.polygon($0).envelope! }
        let centroids = blocks.map(FaceNetwork.centroid)
        block = []; missed = []
        block.reserveCapacity(points.count); missed.reserveCapacity(points.count)
        for (p, _) in points {
            let (home, miss) = Self.home(of: p, in: blocks, envelopes: envelopes, centroids: centroids)
            block.append(home); missed.append(miss)
        }
    }

    static func home(of p: Coordinate, in blocks: [Polygon], envelopes: [Envelope], centroids: [Coordinate]) -> (Int, Bool) {
        if let h = blocks.indices.first(where: { envelopes[$0].contains(p) && FaceNetwork.contains(blocks[$0], p) }) {
            return (h, false)
        }
        guard !blocks.isEmpty else { return (-1, true) }
        let nearest = blocks.indices.min {
            hypot(centroids[$0].x - p.x, centroids[$0].y - p.y) < hypot(centroids[$1].x - p.x, centroids[$1].y - p.y)
        }!
        return (nearest, true)
    }

    /// After block `removed` was replaced by pieces appended to `blocks` (and neighbours with
    /// envelopes `reshaped` gained vertices): a point is looked up again only if it was in the
    /// removed block, was missed, or lies in a reshaped envelope. Any other point's block
    /// contains it still, and no block before it does (none did; the pieces come last): the same
    /// answer as counting afresh, without testing every point against every block.
    mutating func recount(_ points: [(Coordinate, Figures)], in blocks: [Polygon], removed: Int, reshaped: [Envelope]) {
        var envelopes: [Envelope]?
        var centroids: [Coordinate]?
        for (i, (p, _)) in points.enumerated() {
            let old = block[i]
            if old != removed && !missed[i] && !reshaped.contains(where: { $0.contains(p) }) {
                block[i] = old > removed ? old - 1 : old
                continue
            }
            if envelopes == nil {
                envelopes = blocks.map { Geometry.polygon($0).envelope! }
                centroids = blocks.map(FaceNetwork.centroid)
            }
            (block[i], missed[i]) = Self.home(of: p, in: blocks, envelopes: envelopes!, centroids: centroids!)
        }
    }

    /// Each block's figures, summed in point order.
    func figures(_ points: [(Coordinate, Figures)], blockCount: Int) -> [Figures] {
        var out = [Figures](repeating: Figures(), count: blockCount)
        for (i, (_, f)) in points.enumerated() where block[i] >= 0 { out[block[i]] = out[block[i]] + f }
        return out
    }
}
