// One village of a plan as the partitioner sees it: its blocks as nodes, shared edges as graph
// edges, and the grid each block is in. Edits and the rebalance ask their graph questions
// (adjacent? contiguous?) here and leave geometry to the grid check afterwards.
import Foundation
import WanggeGeoJSON
import WanggeGeometry
import WanggePartition

public struct VillageBlocks: Sendable {
    public var village: String
    /// Block ids, ascending; node i is `ids[i]`.
    public var ids: [String]
    /// Node → index into `plan.blocks.features`.
    public var featureIndex: [Int]
    /// Node → its grid code.
    public var grid: [String]
    /// Weights are the blocks' `workload` (the partition's hours) unless given.
    public var graph: PartitionGraph

    /// The village's grid codes, ascending.
    public var gridCodes: [String] { Array(Set(grid)).sorted() }

    /// Node of a block id, or nil.
    public func node(_ id: String) -> Int? {
        var lo = 0, hi = ids.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < ids.count && ids[lo] == id ? lo : nil
    }

    /// Nodes of a grid, ascending.
    public func nodes(of code: String) -> [Int] { grid.indices.filter { grid[$0] == code } }

    /// Builds the graph of `village`'s blocks in `plan`.
    ///
    /// Neighbours are blocks sharing a boundary segment exactly (same two vertices, either
    /// direction): the partition writes blocks as a coverage whose neighbours share their vertices
    /// (refinement cuts insert the cut's end vertex into the neighbour too), so this finds every
    /// shared edge in linear time without an overlay (`VillageBlocksTests` checks it against GEOS on
    /// the bundled plan). Shared lengths are measured on a local equirectangular projection at the
    /// village's latitude — they only weigh compactness; parts per thousand do not matter there.
    /// - Parameter weights: block id → weight; blocks it does not name weigh their `workload`.
    public static func of(_ plan: Plan, village: String, weights: [String: Double]? = nil) throws -> VillageBlocks {
        var nodes: [(id: String, index: Int)] = []
        for (i, b) in plan.blocks.features.enumerated() where b.string("village_code") == village {
            nodes.append((Plan.blockID(b), i))
        }
        nodes.sort { $0.id < $1.id }
        guard !nodes.isEmpty else {
            throw PlanError(kind: .badArgument, file: "the plan",
                            message: plan.blocks.features.isEmpty
                                ? "this plan has no blocks (it was made from a grid file): edits and rebalancing move blocks; make the store from a `wangge partition --out` directory"
                                : "village \(village) has no blocks in this plan")
        }
        var grid: [String] = []
        var w: [Double] = []
        var areas: [Double] = []
        for (id, i) in nodes {
            let f = plan.blocks.features[i]
            guard let g = f.string("grid_code"), !g.isEmpty else {
                throw PlanError(kind: .corrupt, file: "the plan", message: "block \(id) has no grid_code")
            }
            grid.append(g)
            let weight = weights?[id] ?? f.double("workload") ?? 0
            guard weight.isFinite, weight >= 0 else {
                throw PlanError(kind: .badArgument, file: "the plan", message: "block \(id): workload \(weight) is not a number ≥ 0")
            }
            w.append(weight)
            areas.append(max(0, f.double("area_m2") ?? 0))
        }
        // Metres per degree at the village's mean latitude.
        var latSum = 0.0, latCount = 0
        for (_, i) in nodes {
            plan.blocks.features[i].geometry?.forEachCoordinate { latSum += $0.y; latCount += 1 }
        }
        let metresPerDegree = 6_371_008.8 * Double.pi / 180
        let kx = metresPerDegree * cos((latCount > 0 ? latSum / Double(latCount) : 0) * Double.pi / 180), ky = metresPerDegree

        struct Segment: Hashable { let a: Coordinate, b: Coordinate }
        var firstOwner: [Segment: Int] = [:]
        var shared: [Int: Double] = [:]   // key a * n + b, a < b
        var perimeters = [Double](repeating: 0, count: nodes.count)
        let n = nodes.count
        for (node, (_, i)) in nodes.enumerated() {
            guard let g = plan.blocks.features[i].geometry else { continue }
            for p in g.polygons {
                for ring in p.rings where ring.count > 1 {
                    for k in 1..<ring.count {
                        let p0 = ring[k - 1], p1 = ring[k]
                        guard p0 != p1 else { continue }
                        let length = (((p1.x - p0.x) * kx) * ((p1.x - p0.x) * kx) + ((p1.y - p0.y) * ky) * ((p1.y - p0.y) * ky)).squareRoot()
                        perimeters[node] += length
                        let key = (p0.x, p0.y) < (p1.x, p1.y) ? Segment(a: p0, b: p1) : Segment(a: p1, b: p0)
                        if let other = firstOwner[key] {
                            guard other != node else { continue }
                            shared[min(other, node) * n + max(other, node), default: 0] += length
                        } else {
                            firstOwner[key] = node
                        }
                    }
                }
            }
        }
        let edges = shared.keys.sorted().map { key in PartitionGraph.Edge(key / n, key % n, sharedLength: shared[key]!) }
        let graph: PartitionGraph
        do {
            graph = try PartitionGraph(weights: w, areas: areas, perimeters: perimeters, edges: edges)
        } catch {
            throw PlanError(kind: .corrupt, file: "the plan", message: "village \(village): \(error)")
        }
        return VillageBlocks(village: village, ids: nodes.map(\.id), featureIndex: nodes.map(\.index), grid: grid, graph: graph)
    }
}
