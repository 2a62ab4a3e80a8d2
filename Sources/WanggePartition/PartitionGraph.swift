/// An undirected adjacency graph of blocks, with the numbers the partitioner needs and nothing
/// else: per-node workload, area (m²) and perimeter (m), per-edge shared-boundary length (m).
///
/// Built once, validated on construction, then read-only. Neighbour lists are stored in
/// compressed-sparse-row form and sorted by node index, so every traversal is deterministic.
public struct PartitionGraph: Sendable, Equatable {
    /// An undirected edge; `init` normalises it so that `a < b`.
    public struct Edge: Sendable, Hashable, CustomStringConvertible {
        public var a: Int
        public var b: Int
        /// Length of the boundary the two blocks share, in metres (≥ 0).
        public var sharedLength: Double

        public init(_ a: Int, _ b: Int, sharedLength: Double) {
            self.a = a
            self.b = b
            self.sharedLength = sharedLength
        }

        public var description: String { "\(a)–\(b) (\(sharedLength) m)" }
    }

    public let nodeCount: Int
    /// Workload per node (e.g. households); finite, ≥ 0.
    public let weights: [Double]
    /// Area per node in m²; finite, ≥ 0 (all zero when not supplied).
    public let areas: [Double]
    /// Perimeter per node in m; finite, ≥ 0 (all zero when not supplied).
    public let perimeters: [Double]
    /// The distinct edges, each with `a < b`, sorted by `(a, b)`.
    public let edges: [Edge]

    // CSR adjacency: neighbours of v are adjacency[offsets[v]..<offsets[v+1]], ascending.
    @usableFromInline let offsets: [Int]
    @usableFromInline let adjacency: [Int]
    @usableFromInline let adjacencyLength: [Double]

    /// Validates and builds the graph.
    ///
    /// - `areas`/`perimeters`: `nil` means "unknown" and stores zeros (the regionalizer then
    ///   ignores compactness).
    /// - Edges may be listed in either direction and more than once; repeats with the *same*
    ///   shared length are merged, repeats with different lengths are an error.
    /// - Errors name the first bad node or edge, checked in this order: array lengths, weights,
    ///   areas, perimeters, then edges in input order.
    public init(
        weights: [Double],
        areas: [Double]? = nil,
        perimeters: [Double]? = nil,
        edges: [Edge]
    ) throws(PartitionGraphError) {
        let n = weights.count
        let areas = areas ?? Array(repeating: 0, count: n)
        let perimeters = perimeters ?? Array(repeating: 0, count: n)
        guard areas.count == n else {
            throw .arrayLengthMismatch(name: "areas", expected: n, actual: areas.count)
        }
        guard perimeters.count == n else {
            throw .arrayLengthMismatch(name: "perimeters", expected: n, actual: perimeters.count)
        }
        for (i, w) in weights.enumerated() where !(w.isFinite && w >= 0) {
            throw .invalidWeight(node: i, value: w)
        }
        for (i, x) in areas.enumerated() where !(x.isFinite && x >= 0) {
            throw .invalidArea(node: i, value: x)
        }
        for (i, x) in perimeters.enumerated() where !(x.isFinite && x >= 0) {
            throw .invalidPerimeter(node: i, value: x)
        }

        let unique = try Self.uniqueEdges(edges, nodeCount: n)
        let (offsets, adjacency, lengths) = Self.adjacencyLists(unique, nodeCount: n)

        self.nodeCount = n
        self.weights = weights
        self.areas = areas
        self.perimeters = perimeters
        self.edges = unique
        self.offsets = offsets
        self.adjacency = adjacency
        self.adjacencyLength = lengths
    }

    /// The edges as (low, high) pairs sorted by them, each once; checks every node and length.
    static func uniqueEdges(_ edges: [Edge], nodeCount n: Int) throws(PartitionGraphError) -> [Edge] {
        var normalised: [Edge] = []
        normalised.reserveCapacity(edges.count)
        for (index, e) in edges.enumerated() {
            for node in [e.a, e.b] where node < 0 || node >= n {
                throw .edgeOutOfRange(edgeIndex: index, node: node, nodeCount: n)
            }
            if e.a == e.b { throw .selfLoop(edgeIndex: index, node: e.a) }
            guard e.sharedLength.isFinite && e.sharedLength >= 0 else {
                throw .invalidSharedLength(edgeIndex: index, a: e.a, b: e.b, value: e.sharedLength)
            }
            normalised.append(Edge(min(e.a, e.b), max(e.a, e.b), sharedLength: e.sharedLength))
        }
        // Stable sort keeps input order among repeats, so the error names the first conflict.
        normalised = normalised.enumerated().sorted { lhs, rhs in
            (lhs.element.a, lhs.element.b, lhs.offset) < (rhs.element.a, rhs.element.b, rhs.offset)
        }.map(\.element)
        var unique: [Edge] = []
        unique.reserveCapacity(normalised.count)
        for e in normalised {
            if let last = unique.last, last.a == e.a, last.b == e.b {
                guard last.sharedLength == e.sharedLength else {
                    throw .conflictingDuplicateEdge(
                        a: e.a, b: e.b, firstLength: last.sharedLength, secondLength: e.sharedLength)
                }
                continue
            }
            unique.append(e)
        }
        return unique
    }

    /// Compressed adjacency lists of sorted unique edges: node v's neighbours (ascending) are
    /// `adjacency[offsets[v]..<offsets[v + 1]]`, with the shared lengths beside them.
    static func adjacencyLists(_ unique: [Edge], nodeCount n: Int) -> (offsets: [Int], adjacency: [Int], lengths: [Double]) {
        var degree = Array(repeating: 0, count: n)
        for e in unique {
            degree[e.a] += 1
            degree[e.b] += 1
        }
        var offsets = Array(repeating: 0, count: n + 1)
        for v in 0..<n { offsets[v + 1] = offsets[v] + degree[v] }
        var fill = Array(offsets.dropLast())
        var adjacency = Array(repeating: 0, count: offsets[n])
        var lengths = Array(repeating: 0.0, count: offsets[n])
        // Edges are sorted by (a, b): each node's list comes out ascending when we add, for every
        // node v, first the edges (u, v) with u < v (in u order) and then (v, w) with w > v.
        for e in unique {  // (u, v) entries for v = e.b: u = e.a ascending across the pass
            adjacency[fill[e.b]] = e.a
            lengths[fill[e.b]] = e.sharedLength
            fill[e.b] += 1
        }
        for e in unique {  // (v, w) entries for v = e.a: w = e.b ascending within each a
            adjacency[fill[e.a]] = e.b
            lengths[fill[e.a]] = e.sharedLength
            fill[e.a] += 1
        }
        return (offsets, adjacency, lengths)
    }

    /// The neighbours of `node`, ascending.
    @inlinable
    public func neighbours(of node: Int) -> ArraySlice<Int> {
        adjacency[offsets[node]..<offsets[node + 1]]
    }

    /// `(neighbour, sharedLength)` pairs of `node`, ascending by neighbour.
    public func neighbourLengths(of node: Int) -> [(node: Int, sharedLength: Double)] {
        (offsets[node]..<offsets[node + 1]).map { (adjacency[$0], adjacencyLength[$0]) }
    }

    /// The shared-boundary length of edge `a`–`b`, or `nil` when they are not adjacent.
    public func sharedLength(_ a: Int, _ b: Int) -> Double? {
        let range = offsets[a]..<offsets[a + 1]
        // Binary search in the sorted neighbour list.
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if adjacency[mid] < b { lo = mid + 1 } else { hi = mid }
        }
        return lo < range.upperBound && adjacency[lo] == b ? adjacencyLength[lo] : nil
    }

    public var totalWeight: Double { weights.reduce(0, +) }

    /// Connected components, each sorted ascending, ordered by their smallest node.
    public func connectedComponents() -> [[Int]] {
        var component = Array(repeating: -1, count: nodeCount)
        var result: [[Int]] = []
        var stack: [Int] = []
        for start in 0..<nodeCount where component[start] < 0 {
            let id = result.count
            var members: [Int] = []
            component[start] = id
            stack.append(start)
            while let v = stack.popLast() {
                members.append(v)
                for u in neighbours(of: v) where component[u] < 0 {
                    component[u] = id
                    stack.append(u)
                }
            }
            result.append(members.sorted())
        }
        return result
    }

    /// True for the empty graph and for any graph with a single component.
    public var isConnected: Bool { connectedComponents().count <= 1 }

    /// Nodes with no neighbours at all (islands), ascending. A multi-node component that is cut
    /// off from the rest shows up in `connectedComponents()` instead.
    public var isolatedNodes: [Int] {
        (0..<nodeCount).filter { offsets[$0] == offsets[$0 + 1] }
    }

    /// The subgraph induced by `nodes` (any order, no repeats): node `i` of the result is
    /// `nodes[i]` of this graph; edges between included nodes keep their lengths.
    public func induced(on nodes: [Int]) throws(PartitionGraphError) -> PartitionGraph {
        var local = Array(repeating: -1, count: nodeCount)
        for (i, v) in nodes.enumerated() {
            guard v >= 0 && v < nodeCount else {
                throw .edgeOutOfRange(edgeIndex: -1, node: v, nodeCount: nodeCount)
            }
            guard local[v] < 0 else { throw .duplicateNode(node: v) }
            local[v] = i
        }
        var subEdges: [Edge] = []
        for e in edges where local[e.a] >= 0 && local[e.b] >= 0 {
            subEdges.append(Edge(local[e.a], local[e.b], sharedLength: e.sharedLength))
        }
        return try PartitionGraph(
            weights: nodes.map { weights[$0] },
            areas: nodes.map { areas[$0] },
            perimeters: nodes.map { perimeters[$0] },
            edges: subEdges)
    }
}

/// Bad input to `PartitionGraph`, naming the node or edge.
public enum PartitionGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    case arrayLengthMismatch(name: String, expected: Int, actual: Int)
    case invalidWeight(node: Int, value: Double)
    case invalidArea(node: Int, value: Double)
    case invalidPerimeter(node: Int, value: Double)
    /// `edgeIndex` is the position in the input `edges` array (-1 from `induced(on:)`).
    case edgeOutOfRange(edgeIndex: Int, node: Int, nodeCount: Int)
    case selfLoop(edgeIndex: Int, node: Int)
    case invalidSharedLength(edgeIndex: Int, a: Int, b: Int, value: Double)
    case conflictingDuplicateEdge(a: Int, b: Int, firstLength: Double, secondLength: Double)
    case duplicateNode(node: Int)

    public var description: String {
        switch self {
        case let .arrayLengthMismatch(name, expected, actual):
            "\(name) has \(actual) entries, expected \(expected) (one per node)"
        case let .invalidWeight(node, value):
            "node \(node): weight \(value) is not a finite number ≥ 0"
        case let .invalidArea(node, value):
            "node \(node): area \(value) is not a finite number ≥ 0"
        case let .invalidPerimeter(node, value):
            "node \(node): perimeter \(value) is not a finite number ≥ 0"
        case let .edgeOutOfRange(edgeIndex, node, nodeCount):
            "edge #\(edgeIndex): node \(node) is outside 0..<\(nodeCount)"
        case let .selfLoop(edgeIndex, node):
            "edge #\(edgeIndex): self-loop on node \(node)"
        case let .invalidSharedLength(edgeIndex, a, b, value):
            "edge #\(edgeIndex) (\(a)–\(b)): shared length \(value) is not a finite number ≥ 0"
        case let .conflictingDuplicateEdge(a, b, first, second):
            "edge \(a)–\(b) listed twice with different shared lengths (\(first) and \(second))"
        case let .duplicateNode(node):
            "node \(node) listed twice"
        }
    }
}
