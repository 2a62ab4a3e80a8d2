import WanggeIO

/// Splits one connected graph into `k` contiguous regions, balanced in workload, compact.
///
/// The objective, constraints, tie-breaks and defaults are written down in docs/PARTITION.md.
///
/// **Why region growing + local search, not recursive spanning-tree bisection.** ReCom-style
/// bisection (GerryChain) draws random spanning trees until one has an edge whose cut is within
/// tolerance; it is excellent for *sampling* many plans, but on coarse graphs (20–300 blocks,
/// heavy blocks) a balanced cut may not exist in most trees, so it retries blindly, and its
/// regions are only as compact as the random tree. Here we need *one* good plan per village, fast
/// and reproducible, and an honest answer when the blocks are too coarse. So:
///
/// 1. Seeds: a seeded random start node, then farthest-first in graph hops (ties → lower index),
///    which spreads the `k` seeds over the graph.
/// 2. Growth: repeatedly the lightest region (ties → lower region index) that still borders an
///    unassigned node takes the unassigned neighbour sharing the largest fraction of its
///    perimeter with the region (shared length alone when perimeters are unknown; ties → lower
///    node index). Every region stays contiguous by construction.
/// 3. Local search: single boundary-node moves, then (if none helps) swaps of two border nodes
///    of neighbouring regions (not necessarily adjacent to each other), each
///    accepted only if it lowers the objective and keeps both regions contiguous and non-empty.
///    Tallies (load, area, perimeter) are updated per move and moves are scored by delta.
/// 4. `restarts` seeded restarts; the lowest objective wins (ties → earliest restart).
///
/// Deterministic: all randomness comes from `SplitMix64(seed:)`; loops run over sorted indices
/// (the move pass over a seeded shuffle of them); no `Dictionary`/`Set` iteration.
public struct Regionalizer: Sendable {
    public struct Options: Sendable, Equatable {
        /// Allowed relative deviation of a region's load from the mean (default 0.10 = ±10%).
        public var tolerance: Double
        /// λ: weight of the compactness term `λ · (1 − mean Polsby–Popper)` (default 0.05).
        public var compactnessWeight: Double
        /// ρ: weight of the out-of-tolerance penalty `ρ · Σ max(0, |d_r| − τ)²` (default 100).
        public var tolerancePenalty: Double
        /// Seeded restarts; the best is kept (default 8).
        public var restarts: Int
        /// Cap on local-search passes per restart (default 200). 0 = construction only.
        public var maxSweeps: Int
        /// When no single move helps, try swapping a node of region a that borders b with a node
        /// of b that borders a (default true).
        public var swaps: Bool

        public init(
            tolerance: Double = 0.10,
            compactnessWeight: Double = 0.05,
            tolerancePenalty: Double = 100,
            restarts: Int = 8,
            maxSweeps: Int = 200,
            swaps: Bool = true
        ) {
            self.tolerance = tolerance
            self.compactnessWeight = compactnessWeight
            self.tolerancePenalty = tolerancePenalty
            self.restarts = restarts
            self.maxSweeps = maxSweeps
            self.swaps = swaps
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Checks `k ≥ 1`, `k ≤ n`, connectivity and heavy nodes, in that order. Never throws.
    public func diagnose(_ graph: PartitionGraph, regions k: Int) -> FeasibilityReport {
        var issues: [FeasibilityIssue] = []
        if k < 1 { issues.append(.invalidRegionCount(k)) }
        if k >= 1 && k > graph.nodeCount {
            issues.append(.moreRegionsThanNodes(regions: k, nodes: graph.nodeCount))
        }
        let components = graph.connectedComponents()
        if components.count > 1 { issues.append(.disconnected(components: components)) }
        var limit = 0.0
        if k >= 1 {
            // Heavy nodes are only worth naming when k ≤ n (otherwise k > n says it all).
            limit = (1 + options.tolerance) * graph.totalWeight / Double(k)
            for (v, w) in graph.weights.enumerated() where k <= graph.nodeCount && w > limit {
                issues.append(.nodeTooHeavy(node: v, weight: w, limit: limit))
            }
        }
        return FeasibilityReport(
            nodeCount: graph.nodeCount, regionCount: k, upperLoadLimit: limit, issues: issues)
    }

    /// Partitions `graph` into `k` contiguous regions.
    ///
    /// - Throws: `RegionalizerError.infeasible` for hard issues (k < 1, k > n, disconnected);
    ///   `.invalidOption` for out-of-range options. Soft issues (too-heavy nodes) come back in
    ///   `Regionalization.feasibility`, with `withinTolerance == false`.
    public func partition(
        _ graph: PartitionGraph, regions k: Int, seed: UInt64 = 0
    ) throws(RegionalizerError) -> Regionalization {
        try validateOptions()
        let report = diagnose(graph, regions: k)
        guard report.isSolvable else { throw .infeasible(report) }

        var engine = SearchEngine(graph: graph, regions: k, options: options)
        var master = SplitMix64(seed: seed)
        var best: (objective: Double, assign: [Int], restart: Int, sweeps: Int, moves: Int)?
        for restart in 0..<options.restarts {
            var rng = SplitMix64(seed: master.next())
            engine.construct(rng: &rng)
            let (sweeps, moves) = engine.improve(rng: &rng)
            let objective = engine.exactObjective()
            if best == nil || objective < best!.objective {
                best = (objective, engine.assign, restart, sweeps, moves)
            }
            if k == 1 { break }  // one region: every restart gives the same answer
        }
        let chosen = best!
        return Regionalization(
            graph: graph, assignment: chosen.assign, regions: k, options: options,
            feasibility: report, objective: chosen.objective, restart: chosen.restart,
            sweeps: chosen.sweeps, moves: chosen.moves)
    }

    private func validateOptions() throws(RegionalizerError) {
        let o = options
        if !(o.tolerance.isFinite && o.tolerance >= 0) {
            throw .invalidOption(name: "tolerance", value: o.tolerance)
        }
        if !(o.compactnessWeight.isFinite && o.compactnessWeight >= 0) {
            throw .invalidOption(name: "compactnessWeight", value: o.compactnessWeight)
        }
        if !(o.tolerancePenalty.isFinite && o.tolerancePenalty >= 0) {
            throw .invalidOption(name: "tolerancePenalty", value: o.tolerancePenalty)
        }
        if o.restarts < 1 { throw .invalidOption(name: "restarts", value: Double(o.restarts)) }
        if o.maxSweeps < 0 { throw .invalidOption(name: "maxSweeps", value: Double(o.maxSweeps)) }
    }
}

/// The objective's per-region term; shared by the search and the result so both agree exactly.
///
/// `term(r) = d² + ρ · max(0, |d| − τ)² − (λ / k) · PP`, with `d = (L − μ) / μ` (0 when μ = 0)
/// and `PP = 4πA / P²` (0 when P ≤ 0). The objective is `λ + Σ_r term(r)`
/// `= Σ d² + ρ Σ excess² + λ (1 − mean PP)`.
struct ObjectiveTerms: Sendable {
    let mean: Double
    let tolerance: Double
    let penalty: Double
    let compactnessPerRegion: Double  // λ / k, or 0 when the graph has no perimeters

    @inline(__always)
    func deviation(load: Double) -> Double { mean > 0 ? (load - mean) / mean : 0 }

    @inline(__always)
    static func polsbyPopper(area: Double, perimeter: Double) -> Double {
        perimeter > 0 ? 4 * Double.pi * area / (perimeter * perimeter) : 0
    }

    @inline(__always)
    func term(load: Double, area: Double, perimeter: Double) -> Double {
        let d = deviation(load: load)
        let excess = max(0, abs(d) - tolerance)
        var t = d * d + penalty * excess * excess
        if compactnessPerRegion > 0 {
            t -= compactnessPerRegion * Self.polsbyPopper(area: area, perimeter: perimeter)
        }
        return t
    }
}

/// Mutable search state, reused across restarts (buffers are allocated once per `partition`).
struct SearchEngine {
    let graph: PartitionGraph
    let k: Int
    let n: Int
    let options: Options
    let terms: ObjectiveTerms
    let compactnessWeight: Double
    typealias Options = Regionalizer.Options

    var assign: [Int]
    var load: [Double]
    var area: [Double]
    var perimeter: [Double]
    var size: [Int]
    var termCache: [Double]

    // Scratch buffers.
    var visitStamp: [Int]
    var stamp = 0
    var queue: [Int]
    var sharedScratch: [Double]
    var touchedFlag: [Bool]
    var touched: [Int]

    init(graph: PartitionGraph, regions k: Int, options: Options) {
        self.graph = graph
        self.k = k
        self.n = graph.nodeCount
        self.options = options
        let hasPerimeters = graph.perimeters.contains { $0 > 0 }
        compactnessWeight = hasPerimeters ? options.compactnessWeight : 0
        terms = ObjectiveTerms(
            mean: graph.totalWeight / Double(k), tolerance: options.tolerance,
            penalty: options.tolerancePenalty, compactnessPerRegion: compactnessWeight / Double(k))
        assign = Array(repeating: -1, count: n)
        load = Array(repeating: 0, count: k)
        area = Array(repeating: 0, count: k)
        perimeter = Array(repeating: 0, count: k)
        size = Array(repeating: 0, count: k)
        termCache = Array(repeating: 0, count: k)
        visitStamp = Array(repeating: 0, count: n)
        queue = []
        queue.reserveCapacity(n)
        sharedScratch = Array(repeating: 0, count: k)
        touchedFlag = Array(repeating: false, count: k)
        touched = []
    }

    // MARK: Construction

    /// Hop distances from `source` (BFS); unreachable nodes keep `Int.max`.
    mutating func hops(from source: Int, into dist: inout [Int]) {
        for i in 0..<n { dist[i] = Int.max }
        queue.removeAll(keepingCapacity: true)
        dist[source] = 0
        queue.append(source)
        var head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for u in graph.neighbours(of: v) where dist[u] == Int.max {
                dist[u] = dist[v] + 1
                queue.append(u)
            }
        }
    }

    mutating func construct(rng: inout SplitMix64) {
        // 1. Seeds: random start, then farthest-first (max of min hop distance; lower index wins).
        var seeds = [rng.nextIndex(below: n)]
        var minDist = Array(repeating: Int.max, count: n)
        var dist = Array(repeating: 0, count: n)
        hops(from: seeds[0], into: &minDist)
        while seeds.count < k {
            var pick = -1
            for v in 0..<n where minDist[v] > 0 && (pick < 0 || minDist[v] > minDist[pick]) {
                pick = v
            }
            seeds.append(pick)
            hops(from: pick, into: &dist)
            for v in 0..<n where dist[v] < minDist[v] { minDist[v] = dist[v] }
        }

        // 2. Growth.
        for i in 0..<n { assign[i] = -1 }
        for r in 0..<k { load[r] = 0 }
        // Memory O(n + E), not O(k·n): candidate lists may hold repeats (dropped when scanned),
        // and a candidate's shared length with the region is summed when it is scored.
        var candidates = Array(repeating: [Int](), count: k)
        func absorb(_ v: Int, into r: Int) {
            assign[v] = r
            load[r] += graph.weights[v]
            for u in graph.neighbours(of: v) where assign[u] < 0 { candidates[r].append(u) }
        }
        for (r, s) in seeds.enumerated() { absorb(s, into: r) }
        var remaining = n - k
        var order = Array(0..<k)
        while remaining > 0 {
            order.sort { (load[$0], $0) < (load[$1], $1) }
            var grown = false
            for r in order {
                stamp += 1
                candidates[r].removeAll { u in
                    if assign[u] >= 0 || visitStamp[u] == stamp { return true }
                    visitStamp[u] = stamp
                    return false
                }
                guard !candidates[r].isEmpty else { continue }
                var best = -1
                var bestScore = -Double.infinity
                for u in candidates[r] {
                    var shared = 0.0
                    for i in graph.offsets[u]..<graph.offsets[u + 1] where assign[graph.adjacency[i]] == r {
                        shared += graph.adjacencyLength[i]
                    }
                    let p = graph.perimeters[u]
                    let score = p > 0 ? shared / p : shared
                    if score > bestScore || (score == bestScore && u < best) {
                        best = u
                        bestScore = score
                    }
                }
                absorb(best, into: r)
                remaining -= 1
                grown = true
                break
            }
            precondition(grown, "connected graph: some region always borders an unassigned node")
        }
        recomputeTallies()
    }

    /// Tallies from scratch: perimeter = Σ node perimeters − 2 · Σ internal shared lengths.
    mutating func recomputeTallies() {
        for r in 0..<k {
            load[r] = 0
            area[r] = 0
            perimeter[r] = 0
            size[r] = 0
        }
        for v in 0..<n {
            let r = assign[v]
            load[r] += graph.weights[v]
            area[r] += graph.areas[v]
            perimeter[r] += graph.perimeters[v]
            size[r] += 1
        }
        for e in graph.edges where assign[e.a] == assign[e.b] {
            perimeter[assign[e.a]] -= 2 * e.sharedLength
        }
        for r in 0..<k {
            termCache[r] = terms.term(load: load[r], area: area[r], perimeter: perimeter[r])
        }
    }

    func exactObjective() -> Double {
        var copy = self
        copy.recomputeTallies()
        return compactnessWeight + copy.termCache.reduce(0, +)
    }

    // MARK: Contiguity

    /// Is region `assign[v]` still connected once `v` leaves it? BFS inside the region minus
    /// `v`, from one of v's neighbours in the region, stopping as soon as all of them are reached.
    mutating func donorStaysConnected(without v: Int) -> Bool {
        let a = assign[v]
        var targets = 0
        var start = -1
        for u in graph.neighbours(of: v) where assign[u] == a {
            targets += 1
            if start < 0 { start = u }
        }
        if targets <= 1 { return true }
        stamp += 1
        visitStamp[v] = stamp
        visitStamp[start] = stamp
        queue.removeAll(keepingCapacity: true)
        queue.append(start)
        var found = 1
        var head = 0
        let vNeighbours = graph.neighbours(of: v)
        while head < queue.count {
            let x = queue[head]
            head += 1
            for y in graph.neighbours(of: x) where assign[y] == a && visitStamp[y] != stamp {
                visitStamp[y] = stamp
                queue.append(y)
                if vNeighbours.contains(y) {
                    found += 1
                    if found == targets { return true }
                }
            }
        }
        return false
    }

    /// Is (region r − {out}) ∪ {in} connected? `in` is reached first, so it must touch the rest.
    mutating func regionConnected(_ r: Int, removing out: Int, adding inNode: Int) -> Bool {
        stamp += 1
        visitStamp[out] = stamp
        visitStamp[inNode] = stamp
        queue.removeAll(keepingCapacity: true)
        queue.append(inNode)
        var head = 0
        while head < queue.count {
            let x = queue[head]
            head += 1
            for y in graph.neighbours(of: x)
            where visitStamp[y] != stamp && (assign[y] == r) {
                visitStamp[y] = stamp
                queue.append(y)
            }
        }
        return queue.count == size[r]  // size[r] − 1 + 1
    }

    // MARK: Local search

    /// Runs move sweeps (and swap passes when moves stall) until nothing improves or
    /// `maxSweeps` passes. Returns (passes, accepted moves + swaps).
    mutating func improve(rng: inout SplitMix64) -> (Int, Int) {
        guard k > 1 else { return (0, 0) }
        var order = Array(0..<n)
        rng.shuffle(&order)
        var sweeps = 0
        var accepted = 0
        while sweeps < options.maxSweeps {
            sweeps += 1
            var moved = 0
            for v in order where tryMove(v) { moved += 1 }
            accepted += moved
            if moved > 0 { continue }
            guard options.swaps, sweeps < options.maxSweeps else { break }
            sweeps += 1
            let swapped = swapPass()
            accepted += swapped
            if swapped == 0 { break }
        }
        return (sweeps, accepted)
    }

    /// Best single move of boundary node `v` to a neighbouring region, applied if it improves.
    mutating func tryMove(_ v: Int) -> Bool {
        let a = assign[v]
        guard size[a] > 1 else { return false }
        touched.removeAll(keepingCapacity: true)
        // Direct CSR loops here and below: this is the hot path (no per-call array).
        for i in graph.offsets[v]..<graph.offsets[v + 1] {
            let r = assign[graph.adjacency[i]]
            let len = graph.adjacencyLength[i]
            if !touchedFlag[r] {
                touchedFlag[r] = true
                sharedScratch[r] = 0
                touched.append(r)
            }
            sharedScratch[r] += len
        }
        defer { for r in touched { touchedFlag[r] = false } }
        guard touched.contains(where: { $0 != a }) else { return false }
        let w = graph.weights[v], av = graph.areas[v], pv = graph.perimeters[v]
        let sa = touchedFlag[a] ? sharedScratch[a] : 0
        let newPA = perimeter[a] - pv + 2 * sa
        let newTermA = terms.term(load: load[a] - w, area: area[a] - av, perimeter: newPA)
        let deltaA = newTermA - termCache[a]
        var best = -1
        var bestDelta = -1e-12
        var bestTermB = 0.0
        var bestPB = 0.0
        touched.sort()
        for b in touched where b != a {
            let newPB = perimeter[b] + pv - 2 * sharedScratch[b]
            let newTermB = terms.term(load: load[b] + w, area: area[b] + av, perimeter: newPB)
            let delta = deltaA + newTermB - termCache[b]
            if delta < bestDelta {
                best = b
                bestDelta = delta
                bestTermB = newTermB
                bestPB = newPB
            }
        }
        guard best >= 0, donorStaysConnected(without: v) else { return false }
        assign[v] = best
        load[a] -= w; area[a] -= av; perimeter[a] = newPA; size[a] -= 1; termCache[a] = newTermA
        load[best] += w; area[best] += av; perimeter[best] = bestPB; size[best] += 1
        termCache[best] = bestTermB
        return true
    }

    /// Sum of shared lengths from `v` to nodes in regions `a` and `b`.
    func sharedWith(_ v: Int, _ a: Int, _ b: Int) -> (Double, Double) {
        var sa = 0.0, sb = 0.0
        for i in graph.offsets[v]..<graph.offsets[v + 1] {
            let r = assign[graph.adjacency[i]]
            if r == a { sa += graph.adjacencyLength[i] } else if r == b { sb += graph.adjacencyLength[i] }
        }
        return (sa, sb)
    }

    /// One pass of pairwise swaps: for every pair of regions a < b, every node v of a that
    /// borders b against every node u of b that borders a (both ascending), v and u trade
    /// places if that lowers the objective and both regions stay contiguous. v and u need not
    /// be adjacent: trading a bump of a for a notch of b is how ragged equal-load borders get
    /// straightened. Returns the number of swaps made.
    mutating func swapPass() -> Int {
        // (a, b, v): v in region a borders region b. Sorted, so each (a, b) run is ascending in
        // v; memory is O(boundary), not O(k²).
        var bordering: [(a: Int, b: Int, v: Int)] = []
        for v in 0..<n {
            let a = assign[v]
            for u in graph.neighbours(of: v) where assign[u] != a {
                bordering.append((a, assign[u], v))
            }
        }
        bordering.sort { ($0.a, $0.b, $0.v) < ($1.a, $1.b, $1.v) }
        var runs: [(a: Int, b: Int, range: Range<Int>)] = []
        var i = 0
        var deduped: [(a: Int, b: Int, v: Int)] = []
        for t in bordering where deduped.last.map({ $0 != t }) ?? true { deduped.append(t) }
        while i < deduped.count {
            var j = i
            while j < deduped.count && deduped[j].a == deduped[i].a && deduped[j].b == deduped[i].b { j += 1 }
            runs.append((deduped[i].a, deduped[i].b, i..<j))
            i = j
        }
        // Runs are sorted by (a, b): find the (b, a) partner of each a < b run by binary search.
        func run(_ a: Int, _ b: Int) -> Range<Int>? {
            var lo = 0, hi = runs.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if (runs[mid].a, runs[mid].b) < (a, b) { lo = mid + 1 } else { hi = mid }
            }
            return lo < runs.count && runs[lo].a == a && runs[lo].b == b ? runs[lo].range : nil
        }
        var swapped = 0
        for r in runs where r.a < r.b {
            guard let partner = run(r.b, r.a) else { continue }
            for x in r.range {
                for y in partner {
                    let v = deduped[x].v, u = deduped[y].v
                    if assign[v] == r.a && assign[u] == r.b && trySwap(v, u) { swapped += 1 }
                }
            }
        }
        return swapped
    }

    /// Swap v (in region a) and u (in region b), if it lowers the objective and keeps both
    /// regions contiguous.
    mutating func trySwap(_ v: Int, _ u: Int) -> Bool {
        let a = assign[v], b = assign[u]
        let g = graph
        let (sva, svb) = sharedWith(v, a, b)
        let (sua, sub) = sharedWith(u, a, b)
        let l = graph.sharedLength(v, u) ?? 0
        let newLA = load[a] - g.weights[v] + g.weights[u]
        let newAA = area[a] - g.areas[v] + g.areas[u]
        let newPA = perimeter[a] - g.perimeters[v] + 2 * sva + g.perimeters[u] - 2 * (sua - l)
        let newLB = load[b] - g.weights[u] + g.weights[v]
        let newAB = area[b] - g.areas[u] + g.areas[v]
        let newPB = perimeter[b] - g.perimeters[u] + 2 * sub + g.perimeters[v] - 2 * (svb - l)
        let newTA = terms.term(load: newLA, area: newAA, perimeter: newPA)
        let newTB = terms.term(load: newLB, area: newAB, perimeter: newPB)
        guard newTA - termCache[a] + newTB - termCache[b] < -1e-12 else { return false }
        guard regionConnected(a, removing: v, adding: u),
              regionConnected(b, removing: u, adding: v) else { return false }
        assign[v] = b
        assign[u] = a
        load[a] = newLA; area[a] = newAA; perimeter[a] = newPA; termCache[a] = newTA
        load[b] = newLB; area[b] = newAB; perimeter[b] = newPB; termCache[b] = newTB
        return true
    }
}
