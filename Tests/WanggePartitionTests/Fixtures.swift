import WanggeIO
import WanggePartition

/// Fixtures: small generated graphs and an independent contiguity check.
enum Fixtures {
    /// rows × cols grid of square blocks of side `side` (rook adjacency); node = r * cols + c.
    static func grid(rows: Int, cols: Int, side: Double = 100, weights: [Double]? = nil) -> PartitionGraph {
        let n = rows * cols
        var edges: [PartitionGraph.Edge] = []
        for r in 0..<rows {
            for c in 0..<cols {
                let v = r * cols + c
                if c + 1 < cols { edges.append(.init(v, v + 1, sharedLength: side)) }
                if r + 1 < rows { edges.append(.init(v, v + cols, sharedLength: side)) }
            }
        }
        return try! PartitionGraph(
            weights: weights ?? Array(repeating: 1, count: n),
            areas: Array(repeating: side * side, count: n),
            perimeters: Array(repeating: 4 * side, count: n),
            edges: edges)
    }

    static func path(weights: [Double]) -> PartitionGraph {
        let edges = (0..<max(0, weights.count - 1)).map { PartitionGraph.Edge($0, $0 + 1, sharedLength: 1) }
        return try! PartitionGraph(weights: weights, edges: edges)
    }

    /// Random integer weights in `range`, from our own generator.
    static func randomWeights(_ n: Int, in range: ClosedRange<Int>, seed: UInt64) -> [Double] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Double(range.lowerBound + rng.nextIndex(below: range.count)) }
    }

    /// A planar-ish "village": the first `n` cells of a jittered grid (so the last row may be
    /// partial), random household weights, plus one diagonal in about a third of the cells (at
    /// most one per cell, so the graph stays planar). Areas and perimeters are consistent with the
    /// shared lengths: perimeter = Σ shared + 100 m per missing rook neighbour.
    static func village(nodes n: Int, seed: UInt64) -> PartitionGraph {
        var rng = SplitMix64(seed: seed)
        let cols = Int(Double(n).squareRoot().rounded(.up))
        var edges: [PartitionGraph.Edge] = []
        func jitter() -> Double { 60 + Double(rng.nextIndex(below: 80)) }  // 60…139 m
        for v in 0..<n {
            let (r, c) = (v / cols, v % cols)
            if c + 1 < cols, v + 1 < n { edges.append(.init(v, v + 1, sharedLength: jitter())) }
            if v + cols < n { edges.append(.init(v, v + cols, sharedLength: jitter())) }
            if c + 1 < cols, v + cols + 1 < n, rng.nextIndex(below: 3) == 0 {
                // One diagonal per cell: ↘ or ↙.
                if rng.nextIndex(below: 2) == 0 {
                    edges.append(.init(v, v + cols + 1, sharedLength: 10))
                } else {
                    edges.append(.init(v + 1, v + cols, sharedLength: 10))
                }
            }
            _ = r
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
        return try! PartitionGraph(weights: weights, areas: areas, perimeters: perimeters, edges: edges)
    }

    /// Independent of the library: is every region a single connected piece (BFS over the
    /// graph's edge list restricted to the region), every node assigned, no region empty?
    static func regionsAreContiguous(_ graph: PartitionGraph, _ region: [Int], k: Int) -> Bool {
        guard region.count == graph.nodeCount, region.allSatisfy({ (0..<k).contains($0) }) else { return false }
        var adjacency = Array(repeating: [Int](), count: graph.nodeCount)
        for e in graph.edges {
            adjacency[e.a].append(e.b)
            adjacency[e.b].append(e.a)
        }
        for r in 0..<k {
            let members = (0..<graph.nodeCount).filter { region[$0] == r }
            guard let start = members.first else { return false }
            var seen = Array(repeating: false, count: graph.nodeCount)
            seen[start] = true
            var stack = [start], reached = 0
            while let v = stack.popLast() {
                reached += 1
                for u in adjacency[v] where !seen[u] && region[u] == r {
                    seen[u] = true
                    stack.append(u)
                }
            }
            if reached != members.count { return false }
        }
        return true
    }
}
