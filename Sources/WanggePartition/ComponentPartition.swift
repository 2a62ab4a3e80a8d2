/// A graph in several components (blocks that meet only at a point, or parts of a village kept
/// apart by a river with no shared edge) split into `k` contiguous regions: every region lies in
/// one component, so the `k` regions are shared out among the components by load
/// (Huntington–Hill, at least one each, at most one per node), and each component is split on
/// its own.
public struct ComponentPartition: Sendable, Equatable {
    /// Region of each node, `0..<k`, numbered component by component (components ordered by their
    /// smallest node).
    public var regionOfNode: [Int]
    /// Regions per component, in component order.
    public var regionsPerComponent: [Int]
    /// Every region within tolerance of the mean over all `k` regions.
    public var withinTolerance: Bool

    /// Why a split by components is not possible as asked.
    public enum Infeasible: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer regions than components: some region would be in two pieces.
        case fewerRegionsThanComponents(regions: Int, components: Int)
        /// More regions than nodes.
        case moreRegionsThanNodes(regions: Int, nodes: Int)

        public var description: String {
            switch self {
            case let .fewerRegionsThanComponents(k, c):
                "its blocks form \(c) separate pieces (touching at most at a point), so it needs at least \(c) grids or exactly 1, not \(k)"
            case let .moreRegionsThanNodes(k, n): "too coarse: \(k) regions but only \(n) nodes"
            }
        }
    }

    /// - Throws: `Infeasible` when `k` is below the component count (and above 1) or above the
    ///   node count; a component's own hard issue as `RegionalizerError`.
    public static func partition(_ graph: PartitionGraph, regions k: Int, regionalizer: Regionalizer,
                                 seed: UInt64) throws -> ComponentPartition {
        let components = graph.connectedComponents()
        guard k >= components.count else {
            throw Infeasible.fewerRegionsThanComponents(regions: k, components: components.count)
        }
        guard k <= graph.nodeCount else { throw Infeasible.moreRegionsThanNodes(regions: k, nodes: graph.nodeCount) }
        let loads = components.map { c in c.reduce(0) { $0 + graph.weights[$1] } }
        let counts: [Int]
        do {
            counts = try Apportionment.divisor(.huntingtonHill, weights: loads, total: k, minimum: 1,
                                               caps: components.map(\.count))
        } catch {
            throw Infeasible.moreRegionsThanNodes(regions: k, nodes: graph.nodeCount)
        }
        var region = [Int](repeating: 0, count: graph.nodeCount)
        var regionLoads = [Double](repeating: 0, count: k)
        var first = 0
        for (c, nodes) in components.enumerated() {
            var local = [Int](repeating: -1, count: graph.nodeCount)
            for (i, v) in nodes.enumerated() { local[v] = i }
            if counts[c] > 1 {
                let sub = try PartitionGraph(
                    weights: nodes.map { graph.weights[$0] }, areas: nodes.map { graph.areas[$0] },
                    perimeters: nodes.map { graph.perimeters[$0] },
                    edges: graph.edges.filter { local[$0.a] >= 0 && local[$0.b] >= 0 }
                        .map { PartitionGraph.Edge(local[$0.a], local[$0.b], sharedLength: $0.sharedLength) })
                let r = try regionalizer.partition(sub, regions: counts[c], seed: seed &+ UInt64(c))
                for (i, v) in nodes.enumerated() { region[v] = first + r.regionOfNode[i] }
            } else {
                for v in nodes { region[v] = first }
            }
            first += counts[c]
        }
        for v in 0..<graph.nodeCount { regionLoads[region[v]] += graph.weights[v] }
        let mean = graph.totalWeight / Double(k)
        let tolerance = regionalizer.options.tolerance
        let within = mean == 0 || regionLoads.allSatisfy { abs($0 - mean) <= tolerance * mean + 1e-9 }
        return ComponentPartition(regionOfNode: region, regionsPerComponent: counts, withinTolerance: within)
    }
}
