/// What stands between a graph and a balanced split into `k` contiguous regions.
///
/// Hard issues (`isSolvable == false`) make `Regionalizer.partition` throw
/// `RegionalizerError.infeasible(report)`. Soft issues (a node heavier than the upper tolerance
/// bound) still give a partition — contiguous, as balanced as the blocks allow — with the report
/// attached, so the caller can cut the offending blocks finer and retry.
public struct FeasibilityReport: Sendable, Equatable, CustomStringConvertible {
    public var nodeCount: Int
    public var regionCount: Int
    /// `(1 + tolerance) · totalWeight / k`: no region may weigh more than this (0 when k < 1).
    public var upperLoadLimit: Double
    /// Issues in a fixed order: region count, node count, connectivity, heavy nodes (ascending).
    public var issues: [FeasibilityIssue]

    public init(nodeCount: Int, regionCount: Int, upperLoadLimit: Double, issues: [FeasibilityIssue]) {
        self.nodeCount = nodeCount
        self.regionCount = regionCount
        self.upperLoadLimit = upperLoadLimit
        self.issues = issues
    }

    /// No hard issue: a contiguous partition into `k` non-empty regions exists.
    public var isSolvable: Bool { !issues.contains(where: \.isHard) }

    /// The blocks are too coarse for `k` balanced regions: `k > n`, or some node alone weighs
    /// more than `(1 + tolerance) · mean`. Refine the blocks (or lower `k`) and retry.
    public var isTooCoarse: Bool {
        issues.contains {
            switch $0 {
            case .moreRegionsThanNodes, .nodeTooHeavy: true
            default: false
            }
        }
    }

    /// Nodes that alone exceed the upper load limit, ascending.
    public var heavyNodes: [Int] {
        issues.compactMap { if case let .nodeTooHeavy(node, _, _) = $0 { node } else { nil } }
    }

    public var description: String {
        issues.isEmpty
            ? "feasible: \(nodeCount) nodes into \(regionCount) regions"
            : issues.map(\.description).joined(separator: "; ")
    }
}

public enum FeasibilityIssue: Sendable, Equatable, CustomStringConvertible {
    /// k < 1. Hard.
    case invalidRegionCount(Int)
    /// k > n: some region would be empty. Hard; also "too coarse".
    case moreRegionsThanNodes(regions: Int, nodes: Int)
    /// The graph has several components (each sorted, ordered by smallest node); regions must be
    /// contiguous, so split the graph and apportion per component. Hard.
    case disconnected(components: [[Int]])
    /// One node weighs more than `(1 + tolerance) · mean`: its region cannot be within
    /// tolerance. Soft; "too coarse".
    case nodeTooHeavy(node: Int, weight: Double, limit: Double)

    public var isHard: Bool {
        if case .nodeTooHeavy = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case let .invalidRegionCount(k): "region count \(k) < 1"
        case let .moreRegionsThanNodes(k, n): "too coarse: \(k) regions but only \(n) nodes"
        case let .disconnected(components):
            "graph not connected: \(components.count) components, sizes \(components.map(\.count))"
                + (components.filter { $0.count == 1 }.isEmpty
                    ? "" : ", islands \(components.filter { $0.count == 1 }.map { $0[0] })")
        case let .nodeTooHeavy(node, weight, limit):
            "too coarse: node \(node) weighs \(weight) > (1 + tolerance) · mean = \(limit)"
        }
    }
}

public enum RegionalizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A hard feasibility issue; the report names it.
    case infeasible(FeasibilityReport)
    case invalidOption(name: String, value: Double)

    public var description: String {
        switch self {
        case let .infeasible(report): "infeasible: \(report)"
        case let .invalidOption(name, value): "option \(name) = \(value) is out of range"
        }
    }
}
