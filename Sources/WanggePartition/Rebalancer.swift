/// Least-disruption rebalancing: given regions that already exist (a plan's grids on their village's
/// block graph) and new loads, few node moves (a greedy search for the fewest) between neighbouring
/// regions that bring every region within tolerance of the mean. Locked regions neither give nor take nodes. Every region
/// stays contiguous and non-empty after every move.
///
/// **Why greedy on the excess, not the regionalizer's objective.** The regionalizer minimises
/// Σ d² and so keeps moving nodes long after every region is within tolerance — fine for a new
/// plan, disruptive for an existing one. Here only the excess beyond tolerance counts,
/// `P = Σ_r max(0, |L_r − μ| − τμ)² / μ²`, and the search stops the moment it is 0. Each step
/// takes the single move that lowers P most (ties: the smaller load change left for the
/// regions, then lower node, then lower target region); when no single move lowers P (a heavy
/// region whose neighbours are all full), the best chain of two moves a→b, b→c that lowers P
/// together. Both keep every region contiguous. Deterministic: sorted indices, no randomness.
public struct Rebalancer: Sendable {
    public struct Options: Sendable, Equatable {
        /// Allowed relative deviation from the mean (default 0.10 = ±10 %).
        public var tolerance: Double
        /// Upper bound on moves (a guard; P strictly falls with every accepted step).
        public var maxMoves: Int

        public init(tolerance: Double = 0.10, maxMoves: Int = 10_000) {
            self.tolerance = tolerance
            self.maxMoves = maxMoves
        }
    }

    /// One node changing region.
    public struct Move: Sendable, Equatable, CustomStringConvertible {
        public var node: Int
        public var from: Int
        public var to: Int

        public init(node: Int, from: Int, to: Int) {
            self.node = node
            self.from = from
            self.to = to
        }

        public var description: String { "node \(node): \(from) → \(to)" }
    }

    public struct Outcome: Sendable, Equatable {
        /// Region per node after the moves.
        public var assignment: [Int]
        /// In the order made; a node may appear more than once only through a two-move chain.
        public var moves: [Move]
        /// Region loads before and after.
        public var loadsBefore: [Double]
        public var loads: [Double]
        public var mean: Double
        /// Regions out of tolerance before and after, ascending.
        public var outBefore: [Int]
        public var outAfter: [Int]
        /// Nodes whose region differs from the start (a node moved there and back is not counted).
        public var movedNodes: [Int]

        public var withinTolerance: Bool { outAfter.isEmpty }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// - Parameters:
    ///   - assignment: region per node, `0..<regions`; every region non-empty and contiguous.
    ///   - locked: regions that must not change.
    public func rebalance(_ graph: PartitionGraph, assignment start: [Int], regions k: Int,
                          locked: Set<Int> = []) throws(RebalanceError) -> Outcome {
        guard options.tolerance.isFinite, options.tolerance >= 0 else { throw .invalidTolerance(options.tolerance) }
        guard start.count == graph.nodeCount else { throw .assignmentLength(expected: graph.nodeCount, actual: start.count) }
        for (v, r) in start.enumerated() where r < 0 || r >= k { throw .regionOutOfRange(node: v, region: r, regions: k) }
        var members = [[Int]](repeating: [], count: k)
        for (v, r) in start.enumerated() { members[r].append(v) }
        for r in 0..<k {
            if members[r].isEmpty { throw .emptyRegion(r) }
            if !graph.isConnected(members[r]) { throw .disconnectedRegion(r) }
        }

        var state = State(graph: graph, assignment: start, regions: k, tolerance: options.tolerance, locked: locked)
        let loadsBefore = state.loads
        let outBefore = state.outOfTolerance()
        var moves: [Move] = []
        while state.penalty > 1e-18 && moves.count < options.maxMoves {
            if let m = state.bestSingleMove() {
                state.apply(m)
                moves.append(m)
            } else if let (m1, m2) = state.bestChain() {
                state.apply(m1)
                state.apply(m2)
                moves += [m1, m2]
            } else {
                break
            }
        }
        let moved = (0..<graph.nodeCount).filter { state.assignment[$0] != start[$0] }
        return Outcome(assignment: state.assignment, moves: moves, loadsBefore: loadsBefore, loads: state.loads,
                       mean: state.mean, outBefore: outBefore, outAfter: state.outOfTolerance(), movedNodes: moved)
    }

    /// The search state: assignment, loads, and the penalty, updated per move.
    struct State {
        let graph: PartitionGraph
        var assignment: [Int]
        var loads: [Double]
        var size: [Int]
        let mean: Double
        let tolerance: Double
        let locked: Set<Int>

        init(graph: PartitionGraph, assignment: [Int], regions k: Int, tolerance: Double, locked: Set<Int>) {
            self.graph = graph
            self.assignment = assignment
            loads = [Double](repeating: 0, count: k)
            size = [Int](repeating: 0, count: k)
            for (v, r) in assignment.enumerated() { loads[r] += graph.weights[v]; size[r] += 1 }
            mean = graph.totalWeight / Double(k)
            self.tolerance = tolerance
            self.locked = locked
        }

        /// A region's excess beyond tolerance, squared, relative to the mean.
        func excess(_ load: Double) -> Double {
            guard mean > 0 else { return 0 }
            let e = max(0, abs(load - mean) - tolerance * mean - 1e-9 * mean) / mean
            return e * e
        }

        func balance(_ load: Double) -> Double {
            guard mean > 0 else { return 0 }
            let d = (load - mean) / mean
            return d * d
        }

        var penalty: Double { loads.reduce(0) { $0 + excess($1) } }

        func outOfTolerance() -> [Int] { loads.indices.filter { excess(loads[$0]) > 0 } }

        /// (Δ penalty, Δ balance) of moving `w` from region a to b, all else equal.
        func delta(_ w: Double, _ a: Int, _ b: Int, loads l: [Double]) -> (Double, Double) {
            let p = excess(l[a] - w) + excess(l[b] + w) - excess(l[a]) - excess(l[b])
            let s = balance(l[a] - w) + balance(l[b] + w) - balance(l[a]) - balance(l[b])
            return (p, s)
        }

        /// Regions `v` could move to: unlocked neighbouring regions other than its own, ascending.
        func targets(of v: Int) -> [Int] {
            var out: [Int] = []
            for u in graph.neighbours(of: v) {
                let r = assignment[u]
                if r != assignment[v] && !locked.contains(r) && !out.contains(r) { out.append(r) }
            }
            return out.sorted()
        }

        /// Whether region `r` stays non-empty and connected without `v`.
        func canGive(_ v: Int, from r: Int) -> Bool {
            guard size[r] > 1 else { return false }
            var remaining: [Int] = []
            remaining.reserveCapacity(size[r] - 1)
            for u in 0..<assignment.count where assignment[u] == r && u != v { remaining.append(u) }
            return graph.isConnected(remaining)
        }

        mutating func apply(_ m: Move) {
            let w = graph.weights[m.node]
            loads[m.from] -= w; loads[m.to] += w
            size[m.from] -= 1; size[m.to] += 1
            assignment[m.node] = m.to
        }

        /// The single move that lowers the penalty most, or nil.
        func bestSingleMove() -> Move? {
            var best: (p: Double, s: Double, move: Move)?
            for v in 0..<assignment.count {
                let a = assignment[v]
                guard !locked.contains(a) else { continue }
                for b in targets(of: v) {
                    let (p, s) = delta(graph.weights[v], a, b, loads: loads)
                    guard p < -1e-15 else { continue }
                    if let cur = best, (p, s) >= (cur.p, cur.s) { continue }
                    guard canGive(v, from: a) else { continue }
                    best = (p, s, Move(node: v, from: a, to: b))
                }
            }
            return best?.move
        }

        /// The pair of moves v: a→b then u: b→c (u ≠ v) that lowers the penalty most, or nil.
        func bestChain() -> (Move, Move)? {
            var best: (p: Double, s: Double, first: Move, second: Move)?
            for v in 0..<assignment.count {
                let a = assignment[v]
                guard !locked.contains(a) else { continue }
                for b in targets(of: v) {
                    guard canGive(v, from: a) else { continue }
                    var after = self
                    let first = Move(node: v, from: a, to: b)
                    after.apply(first)
                    let (p1, s1) = delta(graph.weights[v], a, b, loads: loads)
                    for u in 0..<assignment.count where after.assignment[u] == b && u != v {
                        for c in after.targets(of: u) {
                            let (p2, s2) = after.delta(graph.weights[u], b, c, loads: after.loads)
                            let p = p1 + p2, s = s1 + s2
                            guard p < -1e-15 else { continue }
                            if let cur = best, (p, s) >= (cur.p, cur.s) { continue }
                            guard after.canGive(u, from: b) else { continue }
                            best = (p, s, first, Move(node: u, from: b, to: c))
                        }
                    }
                }
            }
            return best.map { ($0.first, $0.second) }
        }
    }
}

extension Rebalancer {
    /// Whether `graph` can be split into two connected regions each within `tolerance` of the
    /// mean — an exact answer where the search gives up. Every connected set holding node 0 and
    /// weighing at most the upper bound is visited once (each set grown from node 0 by frontier
    /// nodes in a fixed order, earlier frontier nodes excluded from later branches), and checked
    /// against the lower bound and its complement's connectivity. nil when the graph has more
    /// than 64 nodes or more than `maxSets` such sets (the answer would take too long).
    public static func twoWaySplitExists(_ graph: PartitionGraph, tolerance: Double, maxSets: Int = 2_000_000) -> Bool? {
        let n = graph.nodeCount
        guard n >= 2 else { return false }
        guard n <= 64 else { return nil }
        let mean = graph.totalWeight / 2
        let low = (1 - tolerance) * mean - 1e-9 * mean, high = (1 + tolerance) * mean + 1e-9 * mean
        var neighbourMask = [UInt64](repeating: 0, count: n)
        for v in 0..<n { for u in graph.neighbours(of: v) { neighbourMask[v] |= 1 << UInt64(u) } }
        let all: UInt64 = n == 64 ? ~0 : (1 << UInt64(n)) - 1
        func connected(_ set: UInt64) -> Bool {
            guard set != 0 else { return false }
            var reached = set & (~set &+ 1), frontier = reached
            while frontier != 0 {
                var next: UInt64 = 0, f = frontier
                while f != 0 { next |= neighbourMask[f.trailingZeroBitCount]; f &= f - 1 }
                next &= set & ~reached
                reached |= next
                frontier = next
            }
            return reached == set
        }
        var visited = 0
        var found = false
        func grow(_ set: UInt64, _ load: Double, _ candidates: [Int], _ excluded: UInt64) -> Bool {
            visited += 1
            if visited > maxSets { return false }
            if load >= low, set != all, connected(all & ~set) { found = true; return false }
            var excludedHere = excluded
            for (i, v) in candidates.enumerated() {
                let w = graph.weights[v]
                if load + w <= high {
                    let with = set | (1 << UInt64(v))
                    var next = Array(candidates[(i + 1)...])
                    var add = neighbourMask[v] & ~with & ~excludedHere
                    for c in next { add &= ~(1 << UInt64(c)) }
                    while add != 0 { next.append(add.trailingZeroBitCount); add &= add - 1 }
                    if !grow(with, load + w, next, excludedHere) { return false }
                }
                excludedHere |= 1 << UInt64(v)
            }
            return true
        }
        var first: [Int] = []
        var m = neighbourMask[0]
        while m != 0 { first.append(m.trailingZeroBitCount); m &= m - 1 }
        guard graph.weights[0] <= high else { return false }
        let finished = grow(1, graph.weights[0], first, 1)
        if found { return true }
        return finished ? false : nil
    }
}

public enum RebalanceError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidTolerance(Double)
    case assignmentLength(expected: Int, actual: Int)
    case regionOutOfRange(node: Int, region: Int, regions: Int)
    case emptyRegion(Int)
    case disconnectedRegion(Int)

    public var description: String {
        switch self {
        case .invalidTolerance(let t): "tolerance \(t) is not a finite number ≥ 0"
        case let .assignmentLength(e, a): "assignment has \(a) entries, expected \(e) (one per node)"
        case let .regionOutOfRange(v, r, k): "node \(v): region \(r) is outside 0..<\(k)"
        case .emptyRegion(let r): "region \(r) has no node"
        case .disconnectedRegion(let r): "region \(r) is not connected at the start"
        }
    }
}

extension PartitionGraph {
    /// Whether `nodes` form one connected piece through the edges among them (true when empty).
    /// O(size of their neighbourhoods) plus one mark array.
    public func isConnected(_ nodes: [Int]) -> Bool {
        guard let first = nodes.first else { return true }
        var inSet = [Bool](repeating: false, count: nodeCount)
        for v in nodes { inSet[v] = true }
        var seen = [Bool](repeating: false, count: nodeCount)
        var stack = [first]
        seen[first] = true
        var reached = 1
        while let v = stack.popLast() {
            for u in neighbours(of: v) where inSet[u] && !seen[u] {
                seen[u] = true
                reached += 1
                stack.append(u)
            }
        }
        return reached == nodes.count
    }

    /// The connected pieces of `nodes` (each ascending; pieces ordered by their smallest node).
    public func pieces(of nodes: [Int]) -> [[Int]] {
        var inSet = [Bool](repeating: false, count: nodeCount)
        for v in nodes { inSet[v] = true }
        var seen = [Bool](repeating: false, count: nodeCount)
        var out: [[Int]] = []
        for start in nodes.sorted() where !seen[start] {
            var piece: [Int] = [], stack = [start]
            seen[start] = true
            while let v = stack.popLast() {
                piece.append(v)
                for u in neighbours(of: v) where inSet[u] && !seen[u] { seen[u] = true; stack.append(u) }
            }
            out.append(piece.sorted())
        }
        return out
    }
}
