import WanggeIO
import WanggePartition

/// One synthetic village: the first `n` cells of a jittered 100 m grid (the last row may be
/// partial), one diagonal in about a third of the cells, random household weights 20…199.
/// Same generator as Tests/WanggePartitionTests/Fixtures.swift.
struct SyntheticVillage: Sendable {
    var graph: PartitionGraph
    /// Cell centres in metres (column · 100 + 50, row · 100 + 50): the grid the graph was cut
    /// from, for methods that cluster on coordinates (spopt).
    var centroids: [(x: Double, y: Double)]
}

func village(nodes n: Int, seed: UInt64) -> PartitionGraph { syntheticVillage(nodes: n, seed: seed).graph }

func syntheticVillage(nodes n: Int, seed: UInt64) -> SyntheticVillage {
    var rng = SplitMix64(seed: seed)
    let cols = Int(Double(n).squareRoot().rounded(.up))
    var edges: [PartitionGraph.Edge] = []
    func jitter() -> Double { 60 + Double(rng.nextIndex(below: 80)) }
    for v in 0..<n {
        let c = v % cols
        if c + 1 < cols, v + 1 < n { edges.append(.init(v, v + 1, sharedLength: jitter())) }
        if v + cols < n { edges.append(.init(v, v + cols, sharedLength: jitter())) }
        if c + 1 < cols, v + cols + 1 < n, rng.nextIndex(below: 3) == 0 {
            if rng.nextIndex(below: 2) == 0 {
                edges.append(.init(v, v + cols + 1, sharedLength: 10))
            } else {
                edges.append(.init(v + 1, v + cols, sharedLength: 10))
            }
        }
    }
    var shared = Array(repeating: 0.0, count: n)
    var rookDegree = Array(repeating: 0, count: n)
    for e in edges {
        shared[e.a] += e.sharedLength
        shared[e.b] += e.sharedLength
        if e.sharedLength > 10 { rookDegree[e.a] += 1; rookDegree[e.b] += 1 }
    }
    // Exterior boundary only on the sides without a rook neighbour (the district edge).
    let perimeters = (0..<n).map { shared[$0] + Double(4 - rookDegree[$0]) * 100 }
    let areas = perimeters.map { p in (p / 4) * (p / 4) * 0.8 }
    let weights = (0..<n).map { _ in Double(20 + rng.nextIndex(below: 180)) }
    let graph = try! PartitionGraph(weights: weights, areas: areas, perimeters: perimeters, edges: edges)
    let centroids = (0..<n).map { v in (x: Double(v % cols) * 100 + 50, y: Double(v / cols) * 100 + 50) }
    return SyntheticVillage(graph: graph, centroids: centroids)
}

/// The synthetic district: 148 villages of 20–300 blocks (sizes from SplitMix64(2026), village
/// i from seed i), 204 grids apportioned by Huntington–Hill with the block count as cap.
///
/// `holes` > 0 makes the villages irregular: each block is dropped with that probability
/// (SplitMix64(1_000_000 + i) for village i) and the largest remaining connected piece is kept
/// (ties → the one with the smallest node), like a village cut by lakes, rivers and fields.
/// Perimeters are unchanged (a dropped neighbour's shared edge becomes outer boundary).
func syntheticDistrict(villages count: Int = 148, grids: Int = 204, holes: Double = 0) throws -> (villages: [SyntheticVillage], k: [Int]) {
    var rng = SplitMix64(seed: 2026)
    var villages = (0..<count).map { i in syntheticVillage(nodes: 20 + rng.nextIndex(below: 281), seed: UInt64(i)) }
    if holes > 0 {
        villages = try villages.enumerated().map { i, v in
            var drop = SplitMix64(seed: 1_000_000 + UInt64(i))
            let kept = (0..<v.graph.nodeCount).filter { _ in Double(drop.nextIndex(below: 1_000_000)) >= holes * 1_000_000 }
            let sub = try v.graph.induced(on: kept)
            var largest: [Int] = []
            for c in sub.connectedComponents() where c.count > largest.count { largest = c }
            let nodes = largest.map { kept[$0] }
            return SyntheticVillage(graph: try v.graph.induced(on: nodes), centroids: nodes.map { v.centroids[$0] })
        }
    }
    let k = try Apportionment.divisor(
        .huntingtonHill, weights: villages.map(\.graph.totalWeight), total: grids,
        caps: villages.map(\.graph.nodeCount))
    return (villages, k)
}
