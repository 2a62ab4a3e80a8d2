/// The outcome of `Regionalizer.partition`: a region per node plus the numbers to judge it.
///
/// Regions are labelled canonically: region 0 holds node 0, region 1 holds the lowest node not
/// in region 0, and so on, so equal partitions compare equal whatever the search path.
public struct Regionalization: Sendable, Equatable {
    public struct Region: Sendable, Equatable {
        /// Member nodes, ascending.
        public var nodes: [Int]
        public var load: Double
        /// m² (0 when the graph has no areas).
        public var area: Double
        /// Σ node perimeters − 2 · Σ shared lengths inside the region (m).
        public var perimeter: Double
        /// 4πA / P² (0 when P = 0); 1 for a disc.
        public var polsbyPopper: Double
        /// (load − mean) / mean; 0 when the mean is 0.
        public var deviation: Double
    }

    /// `regionOfNode[v]` is v's region, in `0..<regionCount`.
    public var regionOfNode: [Int]
    public var regions: [Region]
    public var tolerance: Double
    /// total weight / k.
    public var meanLoad: Double
    /// max load / mean load (1 = perfect balance; 0 when the mean is 0).
    public var maxLoadRatio: Double
    /// min load / mean load.
    public var minLoadRatio: Double
    /// Population standard deviation of region loads / mean load.
    public var coefficientOfVariation: Double
    /// max |deviation|.
    public var maxAbsoluteDeviation: Double
    /// Mean Polsby–Popper over regions.
    public var meanPolsbyPopper: Double
    /// Every region within ±tolerance of the mean.
    public var withinTolerance: Bool
    /// The objective value (docs/PARTITION.md), recomputed from scratch.
    public var objective: Double
    /// The feasibility report; soft issues (heavy nodes) show up here.
    public var feasibility: FeasibilityReport
    /// Which restart won, how many local-search passes it ran and how many moves it accepted.
    public var restart: Int
    public var sweeps: Int
    public var moves: Int

    public var regionCount: Int { regions.count }

    init(
        graph: PartitionGraph, assignment: [Int], regions k: Int, options: Regionalizer.Options,
        feasibility: FeasibilityReport, objective: Double, restart: Int, sweeps: Int, moves: Int
    ) {
        var relabel = Array(repeating: -1, count: k)
        var next = 0
        var regionOfNode = Array(repeating: 0, count: assignment.count)
        for (v, r) in assignment.enumerated() {
            if relabel[r] < 0 {
                relabel[r] = next
                next += 1
            }
            regionOfNode[v] = relabel[r]
        }
        var nodes = Array(repeating: [Int](), count: k)
        var load = Array(repeating: 0.0, count: k)
        var area = Array(repeating: 0.0, count: k)
        var perimeter = Array(repeating: 0.0, count: k)
        for (v, r) in regionOfNode.enumerated() {
            nodes[r].append(v)
            load[r] += graph.weights[v]
            area[r] += graph.areas[v]
            perimeter[r] += graph.perimeters[v]
        }
        for e in graph.edges where regionOfNode[e.a] == regionOfNode[e.b] {
            perimeter[regionOfNode[e.a]] -= 2 * e.sharedLength
        }
        let mean = graph.totalWeight / Double(k)
        let regions = (0..<k).map { r in
            Region(
                nodes: nodes[r], load: load[r], area: area[r], perimeter: perimeter[r],
                polsbyPopper: ObjectiveTerms.polsbyPopper(area: area[r], perimeter: perimeter[r]),
                deviation: mean > 0 ? (load[r] - mean) / mean : 0)
        }
        self.regionOfNode = regionOfNode
        self.regions = regions
        self.tolerance = options.tolerance
        self.meanLoad = mean
        self.maxLoadRatio = mean > 0 ? load.max()! / mean : 0
        self.minLoadRatio = mean > 0 ? load.min()! / mean : 0
        let variance = load.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k)
        self.coefficientOfVariation = mean > 0 ? variance.squareRoot() / mean : 0
        self.maxAbsoluteDeviation = regions.map { abs($0.deviation) }.max()!
        self.meanPolsbyPopper = regions.reduce(0) { $0 + $1.polsbyPopper } / Double(k)
        // A hair of slack so a region exactly on the bound is not failed by rounding.
        self.withinTolerance = maxAbsoluteDeviation <= options.tolerance + 1e-9
        self.objective = objective
        self.feasibility = feasibility
        self.restart = restart
        self.sweeps = sweeps
        self.moves = moves
    }
}
