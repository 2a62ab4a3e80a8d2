import WanggeDistrict
import WanggeGeometry

/// The kinds of line that may cut a village into blocks.
public enum LineCategory: String, CaseIterable, Comparable, Sendable {
    case street, alley, road, river, gully, ridge, area
    /// A lower-order line (paths.geojson): the edge between the courtyards of different villager
    /// groups or streets. It does not cut blocks; refinement cuts along it first.
    case courtyard
    /// A cut made by Wangge itself where blocks were too coarse to balance (not a natural line).
    case refinement

    /// The category of a line layer's `kind` property (rivers/ridges/streets.geojson).
    public init?(kind: String) {
        switch kind {
        case "街", "路", "street": self = .street
        case "巷", "alley": self = .alley
        case "乡道", "road": self = .road
        case "river", "stream": self = .river
        case "gully": self = .gully
        case "ridge": self = .ridge
        case "area": self = .area
        case "courtyard", "院落": self = .courtyard
        default: return nil
        }
    }

    public static func < (a: LineCategory, b: LineCategory) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Which lines cut which villages into blocks, and how near-misses and slivers are treated.
public struct BlockRules: Sendable {
    /// Lines that cut communities (社区): the seed article's towns, "by streets and alleys".
    public var town: Set<LineCategory>
    /// Lines that cut villages (村): "by ridges and gullies/streams".
    public var countryside: Set<LineCategory>
    /// Lower-order lines a block that is too coarse is cut along before a straight cut is drawn.
    public var refinement: Set<LineCategory> = [.courtyard]
    /// A line that stops this short of another (metres) still cuts: every line end is extended.
    public var snapDistance: Double
    /// Faces smaller than this (m²) are slivers, merged into the neighbour they share most edge with.
    public var minimumBlockArea: Double
    /// Lines are noded by snap-rounding to this grid (metres): robust against the near-coincident
    /// lines that shared village boundaries produce, and fine enough (1 µm) that rounding the
    /// village outline to it moves no measurable area.
    public var gridSize: Double = 1e-6

    public init(town: Set<LineCategory>, countryside: Set<LineCategory>, snapDistance: Double = 2, minimumBlockArea: Double = 1000) {
        self.town = town
        self.countryside = countryside
        self.snapDistance = snapDistance
        self.minimumBlockArea = minimumBlockArea
    }

    /// The seed article's rules; parks and scenic areas are cut by their enterprise / attraction
    /// edges wherever they lie.
    public static let seed = BlockRules(town: [.street, .alley, .road, .river, .area],
                                        countryside: [.river, .gully, .ridge, .area])

    public func categories(forVillageKind kind: UnitKind) -> Set<LineCategory> {
        switch kind {
        case .community: town
        case .village: countryside
        }
    }
}

/// A line in the metric CRS with its category.
public struct CuttingLine: Sendable {
    public var category: LineCategory
    public var points: [Coordinate]
    public var envelope: Envelope

    public init(category: LineCategory, points: [Coordinate]) {
        self.category = category
        self.points = points
        envelope = Geometry.lineString(points).envelope!
    }
}

/// Finds the lines near a polygon quickly: a bucket grid over line envelopes.
public struct LineIndex: Sendable {
    public let lines: [CuttingLine]
    private let buckets: [Int: [Int]]
    private let size = 1000.0

    public init(_ lines: [CuttingLine]) {
        self.lines = lines
        var b: [Int: [Int]] = [:]
        for (k, l) in lines.enumerated() {
            for i in Self.cell(l.envelope.minX, size)...Self.cell(l.envelope.maxX, size) {
                for j in Self.cell(l.envelope.minY, size)...Self.cell(l.envelope.maxY, size) { b[Self.key(i, j), default: []].append(k) }
            }
        }
        buckets = b
    }

    static func cell(_ v: Double, _ size: Double) -> Int { Int((v / size).rounded(.down)) }
    static func key(_ i: Int, _ j: Int) -> Int { i &* 1_000_003 &+ j }

    /// Indices of lines whose envelope meets `e`, ascending.
    public func candidates(_ e: Envelope) -> [Int] {
        var found: [Int] = []
        for i in Self.cell(e.minX, size)...Self.cell(e.maxX, size) {
            for j in Self.cell(e.minY, size)...Self.cell(e.maxY, size) {
                for k in buckets[Self.key(i, j)] ?? [] where lines[k].envelope.intersects(e) { found.append(k) }
            }
        }
        return Array(Set(found)).sorted()
    }
}

/// Cuts one village into blocks along its lines (GEOS node + polygonize), extending every line
/// end by the snap distance so near-misses still cut, dropping dangles (polygonize ignores
/// them), and merging slivers into the neighbour with the longest shared edge.
public struct BlockCutter {
    public var rules: BlockRules
    let context: GEOSContext

    public init(rules: BlockRules, context: GEOSContext) {
        self.rules = rules
        self.context = context
    }

    /// The pieces of the lines near `polygon`: only runs of segments whose extent reaches the
    /// polygon's envelope (plus a margin) are kept, so long ridges are not noded whole.
    public func lines(near polygon: Polygon, categories: Set<LineCategory>, index: LineIndex) -> [CuttingLine] {
        var e = Geometry.polygon(polygon).envelope!
        let margin = max(10, rules.snapDistance * 2)
        e = Envelope(minX: e.minX - margin, minY: e.minY - margin, maxX: e.maxX + margin, maxY: e.maxY + margin)
        var out: [CuttingLine] = []
        for k in index.candidates(e) where categories.contains(index.lines[k].category) {
            let pts = index.lines[k].points
            var run: [Coordinate] = []
            for s in 0..<(pts.count - 1) {
                let a = pts[s], b = pts[s + 1]
                let segment = Envelope(minX: min(a.x, b.x), minY: min(a.y, b.y), maxX: max(a.x, b.x), maxY: max(a.y, b.y))
                if segment.intersects(e) {
                    if run.isEmpty { run.append(a) }
                    run.append(b)
                } else if !run.isEmpty {
                    out.append(CuttingLine(category: index.lines[k].category, points: run)); run = []
                }
            }
            if !run.isEmpty { out.append(CuttingLine(category: index.lines[k].category, points: run)) }
        }
        return out
    }

    /// The blocks of `polygon` cut by `lines`, in a canonical order (west → east by centroid).
    public func blocks(of polygon: Polygon, lines: [CuttingLine]) throws -> [Polygon] {
        // Lines that do not come near the polygon (its envelope is all the index asked) cannot
        // change its faces: GEOS's snap rounding indexes every line it is given.
        let envelope = Geometry.polygon(polygon).envelope!
        let extended = lines.map { extend($0.points, by: rules.snapDistance) }
            .filter { Proximity.line($0, within: 0.1, ofPolygon: polygon.rings, envelope: envelope) }
        // Lines are first snapped onto outline vertices within the writer's outline tolerance: a
        // street drawn a hair inside the outline then follows it there, instead of leaving a
        // millimetre sliver that stays joined to the block beyond the street's end as a spike
        // along the outline, which the WGS-84 writer (outline side on the outline, street side a
        // straight chord) turns into a ring crossing itself.
        let network = try FaceNetwork(lines: extended, outline: polygon, context: context, gridSize: rules.gridSize,
                                      snapTolerance: OutlineFaithfulProjection.outlineTolerance)
        return try mergeSlivers(network)
    }

    /// Moves each end of a line outward along its last segment.
    func extend(_ line: [Coordinate], by d: Double) -> [Coordinate] {
        guard d > 0, line.count >= 2 else { return line }
        func pushed(_ end: Coordinate, from prev: Coordinate) -> Coordinate {
            let dx = end.x - prev.x, dy = end.y - prev.y, len = (dx * dx + dy * dy).squareRoot()
            return len > 0 ? Coordinate(end.x + dx / len * d, end.y + dy / len * d) : end
        }
        var out = line
        out[0] = pushed(line[0], from: line[1])
        out[out.count - 1] = pushed(line[line.count - 1], from: line[line.count - 2])
        return out
    }

    /// Slivers (faces under the minimum area) join the neighbour with the longest shared edge,
    /// smallest first, until none is left or a sliver has no neighbour.
    func mergeSlivers(_ n: FaceNetwork) throws -> [Polygon] {
        let g = n.graph
        var group = Array(0..<g.count)
        func root(_ f: Int) -> Int { var r = f; while group[r] != r { r = group[r] }; return r }
        var area = g.area
        for f in g.area.indices.sorted(by: { (g.area[$0], $0) < (g.area[$1], $1) }) {
            let r = root(f)
            guard area[r] < rules.minimumBlockArea else { continue }
            // Shared edge with each other group, summed over the group's faces.
            var shared: [Int: Double] = [:]
            for m in g.area.indices where root(m) == r {
                for (nb, len) in g.neighbours[m] where root(nb) != r { shared[root(nb), default: 0] += len }
            }
            guard let into = shared.keys.sorted().max(by: { shared[$0]! < shared[$1]! }) else { continue }
            group[r] = into
            area[into] += area[r]
        }
        var members: [Int: [Int]] = [:]
        for f in g.area.indices { members[root(f), default: []].append(f) }
        var out: [Polygon] = []
        for r in members.keys.sorted() {
            let faces = members[r]!
            if faces.count == 1 { out.append(n.faces[faces[0]]); continue }
            let merged = try context.union(of: faces.map { try context.geometry(from: .polygon(n.faces[$0])) }).value()
            // Faces joined through shared edges make one polygon; should noise ever split one,
            // every part stays a block of its own, so no area is lost.
            out.append(contentsOf: merged.polygons)
        }
        return out
    }
}
