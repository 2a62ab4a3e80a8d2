// `plan split GRID --line …`: a grid split along a line the planner draws. The line is snapped to
// the grid's block edges (where it runs within the tolerance of them it follows them exactly),
// the blocks it crosses are cut along it, and the grid's blocks and block pieces fall into the two
// sides of the line, which become the two grids — then the same checks as every edit.
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry

/// The line of `plan split --line`: a LineString in WGS-84 longitude/latitude.
public enum DrawnLine {
    /// Reads `argument`: a file (GeoJSON — a LineString geometry, a Feature with one, or a
    /// FeatureCollection of exactly one such Feature; or WKT `LINESTRING (lon lat, …)`), else the
    /// text itself (GeoJSON or WKT). A MultiLineString of one part is taken as its part.
    public static func read(_ argument: String) throws -> [Coordinate] {
        var isDirectory: ObjCBool = false
        let name: String, text: String
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw PlanError(kind: .badArgument, file: argument, message: "a directory; expected a file with one LineString (GeoJSON or WKT)")
            }
            guard let data = FileManager.default.contents(atPath: argument) else {
                throw PlanError(kind: .badArgument, file: argument, message: "cannot be read")
            }
            name = argument
            text = String(decoding: data, as: UTF8.self)
        } else {
            name = "--line"
            text = argument
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let coordinates: [Coordinate]
        if trimmed.hasPrefix("{") {
            coordinates = try geoJSON(trimmed, name: name)
        } else if ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"]
                    .contains(where: { trimmed.uppercased().hasPrefix($0) }) {
            coordinates = try wkt(trimmed, name: name)
        } else if name == "--line" {
            throw PlanError(kind: .badArgument, file: name,
                            message: "\"\(argument.prefix(60))\" is neither a file nor a LineString: give a GeoJSON file, or WKT such as 'LINESTRING (103.54 29.41, 103.56 29.42)' (longitude latitude, WGS-84)")
        } else {
            throw PlanError(kind: .badArgument, file: name, message: "neither GeoJSON (it does not start with '{') nor WKT (it does not start with LINESTRING)")
        }
        return try checked(coordinates, name: name)
    }

    static func geoJSON(_ text: String, name: String) throws -> [Coordinate] {
        let document = try GeoJSONReader(options: .init(expectedBounds: GeoJSONReader.Options.chinaBounds)).read(text, fileName: name)
        func line(_ g: Geometry?, _ what: String) throws -> [Coordinate] {
            switch g {
            case .lineString(let cs)?: return cs
            case .multiLineString(let parts)? where parts.count == 1: return parts[0]
            case .multiLineString(let parts)?:
                throw PlanError(kind: .badArgument, file: name, message: "\(what) is a MultiLineString of \(parts.count) parts; expected one LineString")
            case nil: throw PlanError(kind: .badArgument, file: name, message: "\(what) has no geometry; expected a LineString")
            case let other?: throw PlanError(kind: .badArgument, file: name, message: "\(what) is a \(other.typeName); expected a LineString")
            }
        }
        switch document {
        case .geometry(let g): return try line(g, "the geometry")
        case .feature(let f): return try line(f.geometry, "the feature\(f.id.map { " \($0.text)" } ?? "")")
        case .featureCollection(let c):
            guard c.features.count == 1 else {
                throw PlanError(kind: .badArgument, file: name, message: "has \(c.features.count) features; expected exactly one, a LineString")
            }
            return try line(c.features[0].geometry, "feature 0\(c.features[0].id.map { " (id \($0.text))" } ?? "")")
        }
    }

    static func wkt(_ text: String, name: String) throws -> [Coordinate] {
        let ctx = GEOSContext()
        let value: Geometry
        do { value = try ctx.geometry(wkt: text).value() } catch {
            throw PlanError(kind: .badArgument, file: name, message: "not a WKT LineString: \(error)")
        }
        switch value {
        case .lineString(let cs): return cs
        case .multiLineString(let parts) where parts.count == 1: return parts[0]
        default: throw PlanError(kind: .badArgument, file: name, message: "WKT \(value.typeName); expected one LINESTRING (longitude latitude, …)")
        }
    }

    /// At least two distinct points, finite, in longitude/latitude range.
    static func checked(_ cs: [Coordinate], name: String) throws -> [Coordinate] {
        for (k, c) in cs.enumerated() {
            guard c.x.isFinite, c.y.isFinite, abs(c.x) <= 180, abs(c.y) <= 90 else {
                throw PlanError(kind: .badArgument, file: name,
                                message: "point \(k + 1) (\(c.x), \(c.y)) is not a WGS-84 longitude, latitude (metres of a projected CRS? reproject the line to EPSG:4326)")
            }
        }
        var distinct: [Coordinate] = []
        for c in cs where distinct.last != c { distinct.append(c) }
        guard distinct.count >= 2 else {
            throw PlanError(kind: .badArgument, file: name, message: "the line has \(distinct.count) distinct point(s); a line needs at least 2")
        }
        return distinct
    }
}

/// What a split along a drawn line did besides the edit's usual outcome.
public struct LineCut: Sendable, Equatable {
    /// Each block the line crossed, by id, and the ids of its pieces (the parent's id + ".1", ".2", …).
    public var pieces: [Piece]
    /// The new boundary between the two grids, metres: where the line was snapped onto block edges
    /// (the blocks' own lines) and where it cuts across blocks (the planner's drawn line).
    public var alongBlockEdges: Double
    public var drawn: Double

    public struct Piece: Sendable, Equatable {
        public var parent: String
        public var pieces: [String]
    }
}

extension PlanEditor {
    /// `split GRID --line`: see the file's header and docs/PLANS.md.
    func splitAlong(_ code: String, line: [Coordinate], snap: Double, in plan: Plan, edit: String) throws -> PlanEditOutcome {
        let village = try villageOfGrid(code, in: plan, edit: edit)
        if locked.contains(code) {
            throw PlanEditRefused(edit: edit, reasons: ["\(code) is locked (unlock it with `wangge plan unlock \(code)`)"])
        }
        guard snap.isFinite, snap >= 0 else { throw PlanEditRefused(edit: edit, reasons: ["snap tolerance \(snap) m is not a number ≥ 0"]) }
        guard line.count >= 2 else { throw PlanEditRefused(edit: edit, reasons: ["the line needs at least 2 points"]) }
        let vb = try VillageBlocks.of(plan, village: village)
        let members = vb.nodes(of: code)
        let metricCRS = boundaries.profile.metricCRS
        let toMetric = try PROJTransformer(from: .wgs84, to: metricCRS)
        let toWGS84 = try PROJTransformer(from: metricCRS, to: .wgs84)

        // The grid's blocks in metres, each metric vertex remembered with its WGS-84 original.
        var originals = VertexIndex()
        var blocks: [Polygon] = []
        for v in members {
            guard let p = plan.blocks.features[vb.featureIndex[v]].geometry?.polygons, p.count == 1 else {
                throw PlanEditRefused(edit: edit, reasons: ["block \(vb.ids[v]) is not one polygon"])
            }
            var rings: [[Coordinate]] = []
            for ring in p[0].rings {
                let m = try toMetric.transform(ring)
                for (c, w) in zip(m, ring) { originals.insert(c, w) }
                rings.append(m)
            }
            blocks.append(Polygon(exterior: rings[0], holes: Array(rings.dropFirst())))
        }
        // The village's outline among the grid's block edges: segments no other block of the village
        // has. The line meets it only at the outline's own vertices, so the grids keep the
        // village's coordinates exactly there (the outline itself is never changed).
        var elsewhere = Set<Segment>()
        let mine = Set(members)
        for n in vb.ids.indices where !mine.contains(n) {
            for p in plan.blocks.features[vb.featureIndex[n]].geometry?.polygons ?? [] { for ring in p.rings { elsewhere.formUnion(Segment.all(ring)) } }
        }
        var outline: [(Coordinate, Coordinate)] = []
        for (b, v) in members.enumerated() {
            let wgs = plan.blocks.features[vb.featureIndex[v]].geometry!.polygons[0].rings
            for (ring, metric) in zip(wgs, blocks[b].rings) where ring.count > 1 {
                for k in 1..<ring.count where ring[k - 1] != ring[k] && !elsewhere.contains(Segment(ring[k - 1], ring[k])) {
                    outline.append((metric[k - 1], metric[k]))
                }
            }
        }
        // Segments of one block only that another block of the grid also has are inside the grid.
        var count: [Segment: Int] = [:]
        for b in blocks { for s in b.rings.flatMap(Segment.all) { count[s, default: 0] += 1 } }
        outline = outline.filter { count[Segment($0.0, $0.1)] == 1 }
        let edgeSnapped = LineSnap(blocks.flatMap(\.rings)).snapToEdges(try toMetric.transform(line), tolerance: snap)
        let (snapped, farthest) = LineSnap.throughOutlineVertices(edgeSnapped, outline: outline)
        if let f = farthest, f.metres > LineSnap.outlineReach(snap: snap) {
            let at = try toWGS84.transform(f.at)
            throw PlanEditRefused(edit: edit, reasons: [String(
                format: "the line meets the village's outline at %.6f, %.6f, %.0f m from the outline's nearest vertex (at most %.0f m): end it at a corner of the outline, or inside the village",
                at.x, at.y, f.metres, LineSnap.outlineReach(snap: snap))])
        }

        // The blocks' edges and the line, noded together (snap-rounded to 1 µm, robust where the
        // line runs along an edge), then polygonized: faces, each in one block and on one side.
        let ctx = GEOSContext()
        let linework = try blocks.flatMap(\.rings).map { try ctx.geometry(from: .lineString($0)) } + [try ctx.geometry(from: .lineString(snapped))]
        let noded = try ctx.collection(of: linework).unaryUnion(gridSize: 1e-6)
        var segments: [Segment] = []
        if case let .multiLineString(parts) = try noded.value() { for part in parts { segments += Segment.all(part) } }
        else if case let .lineString(part) = try noded.value() { segments += Segment.all(part) }
        let onLine = Set(segments.filter { LineSnap.distance($0.midpoint, toLine: snapped) < 1e-4 })
        let faces = try ctx.polygonize([noded]).geometries().map { try $0.value() }.compactMap { g -> Polygon? in
            if case .polygon(let p) = g { return p } else { return nil }
        }
        let prepared = try blocks.map { try ctx.geometry(from: .polygon($0)).prepared() }
        var faceBlock: [Int] = []
        var kept: [Polygon] = []
        for f in faces {
            guard let inside = try ctx.geometry(from: .polygon(f)).pointOnSurface().pointCoordinate(),
                  let b = try prepared.indices.first(where: { try prepared[$0].contains(inside) }) else { continue }
            kept.append(f)
            faceBlock.append(b)
        }
        let sides = Self.sides(kept, faceBlock: faceBlock, onLine: onLine)
        if sides.count != 2 {
            let reason = sides.count < 2
                ? "the line (snapped within \(Self.metres(snap))) does not cut \(code) in two: it must cross the grid from one edge to another; one side would be empty"
                : "the line cuts \(code) into \(sides.count) pieces: a side would be in several pieces (draw a line that crosses the grid once, without loops"
                    + (snap > 0 ? "; snapped within \(Self.metres(snap)), it may touch a nearby corner of the grid's edge: a smaller --snap keeps it off)" : ")")
            throw PlanEditRefused(edit: edit, reasons: [reason])
        }
        var area = [0.0, 0.0]
        for k in kept.indices where sides.side[k] == 0 || sides.side[k] == 1 { area[sides.side[k]] += kept[k].planarArea }
        let newCode = try nextFreeCode(village, in: plan, edit: edit)

        // Blocks on one side stay whole; blocks on both are cut into the union of their faces on
        // each side (one piece per polygon part).
        var rounding = NewVertices(toWGS84: toWGS84, originals: originals, edges: blocks.flatMap(\.rings).flatMap { ring in
            ring.indices.dropFirst().compactMap { k in originals.find(ring[k - 1]).flatMap { a in originals.find(ring[k]).map { (ring[k - 1], ring[k], a, $0) } } }
        })
        var replaced: [Int: [Feature]] = [:]          // feature index of a cut block → its pieces
        var sideOfBlock: [String: Int] = [:]            // block id (whole or piece) → side
        var cutPieces: [LineCut.Piece] = []
        for (b, v) in members.enumerated() {
            let mine = kept.indices.filter { faceBlock[$0] == b }
            let onSides = Set(mine.map { sides.side[$0] })
            let parent = plan.blocks.features[vb.featureIndex[v]]
            guard onSides.count == 2 else {
                sideOfBlock[vb.ids[v]] = onSides.first ?? 0
                continue
            }
            var parts: [(side: Int, polygon: Polygon)] = []
            for s in [0, 1] {
                let union = try ctx.union(of: mine.filter { sides.side[$0] == s }.map { try ctx.geometry(from: .polygon(kept[$0])) }).value()
                for p in union.polygons { parts.append((s, p)) }
            }
            var pieces: [(side: Int, polygon: Polygon, metricArea: Double)] = []
            for part in parts {
                let rings = try part.polygon.rings.map { ring in try ring.map { try rounding.wgs84($0) } }
                pieces.append((part.side, Polygon(exterior: rings[0], holes: Array(rings.dropFirst())), part.polygon.planarArea))
            }
            let order = pieces.indices.sorted { a, c in
                let ka = Self.centroid(.polygon(pieces[a].polygon)), kc = Self.centroid(.polygon(pieces[c].polygon))
                return (pieces[a].side, (ka.x * 1e5).rounded(), -ka.y) < (pieces[c].side, (kc.x * 1e5).rounded(), -kc.y)
            }
            var features: [Feature] = []
            for (n, k) in order.enumerated() {
                let id = "\(vb.ids[v]).\(n + 1)"
                var f = parent
                if f.id != nil { f.id = .string(id) }
                f.properties?.set("id", .string(id))
                if f.properties?["area_m2"] != nil { f.properties?.set("area_m2", .number(JSONNumber(pieces[k].metricArea.rounded()))) }
                f.geometry = .polygon(pieces[k].polygon)
                features.append(f)
                sideOfBlock[id] = pieces[k].side
            }
            replaced[vb.featureIndex[v]] = features
            cutPieces.append(LineCut.Piece(parent: vb.ids[v], pieces: features.map(Plan.blockID)))
        }

        // New vertices that land on an edge of a block or grid outside the cut (a neighbour across
        // the grid's edge, a whole block the line runs along) are put into that edge too, so
        // neighbours keep sharing their vertices (no T-junctions).
        var blockFeatures: [Feature] = []
        var reasons: [String] = []
        let added = rounding.added
        for (i, f) in plan.blocks.features.enumerated() {
            if let pieces = replaced[i] { blockFeatures += pieces; continue }
            var out = f
            if f.string("village_code") == village, let g = f.geometry, let with = added.inserted(into: g) {
                if let grid = f.string("grid_code"), locked.contains(grid) {
                    reasons.append("the line meets the edge of locked grid \(grid) (block \(Plan.blockID(f))) between its corners: end it at one of its corners or unlock \(grid)")
                }
                out.geometry = with
            }
            blockFeatures.append(out)
        }
        var gridFeatures: [Feature] = []
        var touched: [String] = []
        for f in plan.grids.features {
            var out = f
            let c = Plan.gridCode(f)
            if c != code, f.string("village_code") == village, let g = f.geometry, let with = added.inserted(into: g) {
                if locked.contains(c) { reasons.append("the line meets the edge of locked grid \(c) between its corners: end it at one of its corners or unlock \(c)") }
                out.geometry = with
                touched.append(c)
            }
            gridFeatures.append(out)
        }
        for piece in blockFeatures where cutPieces.contains(where: { $0.pieces.contains(Plan.blockID(piece)) }) {
            if let g = piece.geometry, let report = try? ctx.geometry(from: g).validity(), !report.isValid {
                reasons.append("block piece \(Plan.blockID(piece)) would not be valid: \(report.reason ?? "?")\(report.location.map { " at \($0.x), \($0.y)" } ?? "")")
            }
        }
        if !reasons.isEmpty { throw PlanEditRefused(edit: edit, reasons: Array(Set(reasons)).sorted()) }

        var cutPlan = Plan(grids: FeatureCollection(features: gridFeatures, foreignMembers: plan.grids.foreignMembers),
                           blocks: FeatureCollection(features: blockFeatures, foreignMembers: plan.blocks.foreignMembers))
        if let layers, !cutPieces.isEmpty {
            cutPlan = try Self.recountPieces(cutPlan, pieces: Set(cutPieces.flatMap(\.pieces)), village: village,
                                             boundaries: boundaries, layers: layers, toMetric: toMetric)
        }
        // The side with more households keeps the code (fewer addresses change grid; equal: the
        // larger side); the other takes the village's next free code.
        var households = [0, 0]
        for f in cutPlan.blocks.features where f.string("grid_code") == code {
            if let side = sideOfBlock[Plan.blockID(f)], side == 0 || side == 1 { households[side] += f.int("households") ?? 0 }
        }
        let keeping = households[0] != households[1] ? (households[0] > households[1] ? 0 : 1) : (area[0] >= area[1] ? 0 : 1)
        let cutVB = try VillageBlocks.of(cutPlan, village: village)
        let newGrid = cutVB.ids.indices.map { n in
            cutVB.grid[n] == code && sideOfBlock[cutVB.ids[n]] != keeping ? newCode : cutVB.grid[n]
        }
        var outcome = try reassign(cutPlan, cutVB, to: newGrid, edit: edit)
        outcome.changed = Array(Set(outcome.changed + touched)).sorted()

        // The new boundary: line segments with a face of each side along them.
        var faceOf: [Segment: [Int]] = [:]
        for (k, f) in kept.enumerated() { for s in f.rings.flatMap(Segment.all) where onLine.contains(s) { faceOf[s, default: []].append(k) } }
        let edgeSet = Set(blocks.flatMap(\.rings).flatMap(Segment.all))
        var along = 0.0, drawn = 0.0
        for (s, fs) in faceOf where Set(fs.map { sides.side[$0] }).count == 2 {
            if LineSnap.onAnyEdge(s.midpoint, edgeSet) { along += s.length } else { drawn += s.length }
        }
        outcome.cut = LineCut(pieces: cutPieces.sorted { $0.parent < $1.parent }, alongBlockEdges: along, drawn: drawn)
        return outcome
    }

    static func metres(_ m: Double) -> String { String(format: "%g m", m) }

    /// Faces grouped into sides: two faces are on one side when they share an edge that is not on
    /// the line. Faces under 1 m² (noding noise) take the side of the neighbour they share most
    /// edge with and do not make sides of their own.
    static func sides(_ faces: [Polygon], faceBlock: [Int], onLine: Set<Segment>) -> (count: Int, side: [Int]) {
        var owners: [Segment: [Int]] = [:]
        for (k, f) in faces.enumerated() { for s in f.rings.flatMap(Segment.all) { owners[s, default: []].append(k) } }
        let tiny = faces.map { $0.planarArea < 1 }
        var parent = Array(faces.indices)
        func root(_ a: Int) -> Int { var a = a; while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }; return a }
        for (s, fs) in owners.sorted(by: { $0.key < $1.key }) where !onLine.contains(s) && fs.count == 2 && !tiny[fs[0]] && !tiny[fs[1]] {
            let a = root(fs[0]), b = root(fs[1])
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var label: [Int: Int] = [:]
        var side = [Int](repeating: -1, count: faces.count)
        for k in faces.indices where !tiny[k] {
            let r = root(k)
            if label[r] == nil { label[r] = label.count }
            side[k] = label[r]!
        }
        // Tiny faces: the side of the neighbour sharing the longest edge (ties → lower face).
        for k in faces.indices where tiny[k] {
            var shared: [Int: Double] = [:]
            for s in faces[k].rings.flatMap(Segment.all) { for o in owners[s] ?? [] where o != k && !tiny[o] { shared[o, default: 0] += s.length } }
            if let best = shared.keys.sorted().max(by: { shared[$0]! < shared[$1]! }) { side[k] = side[best] } else { side[k] = 0 }
        }
        return (label.count, side)
    }

    /// The figure properties of the block pieces (`workload`, `households`, `residents`,
    /// `flagged`, `incidents`, `addresses`), counted from the village's own addresses and incidents
    /// as `BlockLoads` places them — only properties the parent had are written.
    static func recountPieces(_ plan: Plan, pieces: Set<String>, village: String, boundaries: DistrictBoundaries,
                              layers: DistrictLayers, toMetric: PROJTransformer) throws -> Plan {
        let loads = try BlockLoads.compute(plan, boundaries: boundaries, layers: layers, villages: [village], toMetric: toMetric)
        var blocks = plan.blocks
        for (k, f) in blocks.features.enumerated() {
            let id = Plan.blockID(f)
            guard pieces.contains(id), let l = loads[id] else { continue }
            let values: [(String, JSONValue)] = [
                ("workload", .number(JSONNumber((l.hours * 100).rounded() / 100))), ("households", .number(JSONNumber(l.households))),
                ("residents", .number(JSONNumber(l.residents))), ("flagged", .number(JSONNumber(l.flagged))),
                ("incidents", .number(JSONNumber(l.incidents))), ("addresses", .number(JSONNumber(l.addresses))),
            ]
            for (key, value) in values where f.properties?[key] != nil { blocks.features[k].properties!.set(key, value) }
        }
        return Plan(grids: plan.grids, blocks: blocks)
    }
}

/// An undirected segment between two exact coordinates (its ends in a fixed order).
struct Segment: Hashable, Comparable {
    let a: Coordinate, b: Coordinate

    init(_ p: Coordinate, _ q: Coordinate) {
        if (p.x, p.y) < (q.x, q.y) { a = p; b = q } else { a = q; b = p }
    }

    static func all(_ ring: [Coordinate]) -> [Segment] {
        ring.count < 2 ? [] : ring.indices.dropFirst().compactMap { ring[$0 - 1] == ring[$0] ? nil : Segment(ring[$0 - 1], ring[$0]) }
    }

    var midpoint: Coordinate { Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2) }
    var length: Double { ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() }

    static func < (l: Segment, r: Segment) -> Bool { (l.a.x, l.a.y, l.b.x, l.b.y) < (r.a.x, r.a.y, r.b.x, r.b.y) }
}

/// Metric vertices → their exact WGS-84 originals, found within 10 µm (the noding rounds to 1 µm).
struct VertexIndex {
    private var cells: [Cell: [(metric: Coordinate, wgs84: Coordinate)]] = [:]
    private struct Cell: Hashable { let x: Int64, y: Int64 }
    private static let size = 1e-4

    mutating func insert(_ metric: Coordinate, _ wgs84: Coordinate) {
        let c = Cell(x: Int64((metric.x / Self.size).rounded(.down)), y: Int64((metric.y / Self.size).rounded(.down)))
        if cells[c]?.contains(where: { $0.metric == metric }) == true { return }
        cells[c, default: []].append((metric, wgs84))
    }

    func find(_ metric: Coordinate) -> Coordinate? {
        let cx = Int64((metric.x / Self.size).rounded(.down)), cy = Int64((metric.y / Self.size).rounded(.down))
        for dx in -1...1 { for dy in -1...1 {
            for e in cells[Cell(x: cx + Int64(dx), y: cy + Int64(dy))] ?? [] where abs(e.metric.x - metric.x) < 1e-5 && abs(e.metric.y - metric.y) < 1e-5 {
                return e.wgs84
            }
        } }
        return nil
    }
}

/// WGS-84 coordinates of the cut's vertices: an original vertex gets its exact original back; a new
/// one is rounded to the stored 7 decimals — where it lies on an original edge, to the point of
/// the 7-decimal lattice nearest that edge's line (within 2 units), so the neighbour across the
/// edge, which gets the same vertex, keeps its shape to a fraction of a millimetre.
struct NewVertices {
    let toWGS84: PROJTransformer
    let originals: VertexIndex
    /// Original edges: metric ends and their WGS-84 originals.
    let edges: [(Coordinate, Coordinate, Coordinate, Coordinate)]
    private var cache: [Coordinate: Coordinate] = [:]
    /// The new vertices made so far.
    private(set) var added = VertexInsertion()

    init(toWGS84: PROJTransformer, originals: VertexIndex, edges: [(Coordinate, Coordinate, Coordinate, Coordinate)]) {
        self.toWGS84 = toWGS84
        self.originals = originals
        self.edges = edges
    }

    mutating func wgs84(_ metric: Coordinate) throws -> Coordinate {
        if let o = originals.find(metric) { return o }
        if let c = cache[metric] { return c }
        var w = try toWGS84.transform(metric)
        let unit = 1e-7
        var out = Coordinate((w.x / unit).rounded() * unit, (w.y / unit).rounded() * unit)
        if let edge = edges.first(where: { LineSnap.distance(metric, toSegment: $0.0, $0.1) < 1e-3 }) {
            let (a, b) = (edge.2, edge.3)
            let kx = cos(w.y * Double.pi / 180)
            // The edge is straight in longitude/latitude (as stored), not in metres: over a long
            // edge the two chords part by centimetres. The vertex goes onto the stored chord.
            let ex = (b.x - a.x) * kx, ey = b.y - a.y, e2 = ex * ex + ey * ey
            if e2 > 0 {
                let t = max(0, min(1, ((w.x - a.x) * kx * ex + (w.y - a.y) * ey) / e2))
                w = Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                out = Coordinate((w.x / unit).rounded() * unit, (w.y / unit).rounded() * unit)
            }
            func off(_ c: Coordinate) -> Double {
                let dx = (b.x - a.x) * kx, dy = b.y - a.y, l = (dx * dx + dy * dy).squareRoot()
                return l > 0 ? abs((c.x - a.x) * kx * dy - (c.y - a.y) * dx) / l : 0
            }
            var best = out, bestKey = (off(out), 0.0)
            for i in -2...2 { for j in -2...2 {
                let c = Coordinate(((w.x / unit).rounded() + Double(i)) * unit, ((w.y / unit).rounded() + Double(j)) * unit)
                let key = (off(c), (c.x - w.x) * (c.x - w.x) + (c.y - w.y) * (c.y - w.y))
                if key < bestKey { best = c; bestKey = key }
            } }
            out = best
        }
        cache[metric] = out
        added.vertices.append(out)
        return out
    }
}

/// New vertices put into the edges of other features they lie on (within 5 mm).
struct VertexInsertion {
    var vertices: [Coordinate] = []

    /// `g` with every new vertex that lies strictly inside one of its edges inserted there; nil
    /// when none does.
    func inserted(into g: Geometry) -> Geometry? {
        guard !vertices.isEmpty, let env = g.envelope else { return nil }
        let near = vertices.filter { $0.x >= env.minX - 1e-6 && $0.x <= env.maxX + 1e-6 && $0.y >= env.minY - 1e-6 && $0.y <= env.maxY + 1e-6 }
        guard !near.isEmpty else { return nil }
        var changed = false
        let out = g.mapSequences { (ring: [Coordinate]) -> [Coordinate] in
            guard ring.count > 1 else { return ring }
            let present = Set(ring)
            var result: [Coordinate] = [ring[0]]
            for k in 1..<ring.count {
                let a = ring[k - 1], b = ring[k]
                let kx = cos(a.y * Double.pi / 180) * 111_195.0, ky = 111_195.0
                let dx = (b.x - a.x) * kx, dy = (b.y - a.y) * ky, l2 = dx * dx + dy * dy
                var inside: [(t: Double, c: Coordinate)] = []
                if l2 > 0 {
                    for v in near where !present.contains(v) {
                        let px = (v.x - a.x) * kx, py = (v.y - a.y) * ky
                        let t = (px * dx + py * dy) / l2
                        guard t > 0, t < 1 else { continue }
                        let d = abs(px * dy - py * dx) / l2.squareRoot()
                        if d < 0.005 { inside.append((t, v)) }
                    }
                }
                for v in inside.sorted(by: { $0.t < $1.t }) { result.append(v.c); changed = true }
                result.append(b)
            }
            return result
        }
        return changed ? out : nil
    }
}

/// The drawn line snapped to the block edges, in metres: each vertex to the nearest block vertex
/// within the tolerance, else to the nearest point of a block edge within it; then every block
/// vertex within the tolerance of a segment of the line is put into the line there, so where the
/// line runs along an edge it follows the edge exactly (and leaves no sliver beside it).
struct LineSnap {
    let rings: [[Coordinate]]
    let vertices: [Coordinate]
    /// Each block vertex's neighbours along the block rings (the edges a line can follow).
    let along: [Coordinate: [Coordinate]]

    init(_ rings: [[Coordinate]]) {
        self.rings = rings
        var seen = Set<Coordinate>()
        var vs: [Coordinate] = []
        var along: [Coordinate: [Coordinate]] = [:]
        for r in rings {
            for c in r where seen.insert(c).inserted { vs.append(c) }
            for (a, b) in zip(r, r.dropFirst()) where a != b {
                along[a, default: []].append(b)
                along[b, default: []].append(a)
            }
        }
        vertices = vs
        self.along = along
    }

    /// The shortest way from block vertex `a` to block vertex `b` along block edges that stays
    /// within `tolerance` of the segment a–b (nil when there is none): where a drawn segment runs
    /// along edges, it follows them, and another block's vertex a little off them is not taken in.
    func edgePath(from a: Coordinate, to b: Coordinate, within tolerance: Double) -> [Coordinate]? {
        guard a != b, along[a] != nil, along[b] != nil else { return nil }
        var distance: [Coordinate: Double] = [a: 0]
        var previous: [Coordinate: Coordinate] = [:]
        var open: Set<Coordinate> = [a]
        while !open.isEmpty {
            let u = open.min { (distance[$0]!, $0.x, $0.y) < (distance[$1]!, $1.x, $1.y) }!
            open.remove(u)
            if u == b { break }
            for v in along[u] ?? [] where Self.distance(v, toSegment: a, b) <= tolerance {
                let d = distance[u]! + Self.distance(u, v)
                if d < distance[v] ?? .infinity { distance[v] = d; previous[v] = u; open.insert(v) }
            }
        }
        guard distance[b] != nil else { return nil }
        var path = [b]
        while let p = previous[path.last!] { path.append(p) }
        return Array(path.reversed())
    }

    /// How far the line may be moved along the outline to meet it at a vertex: 25 m, or 5 × the
    /// snap tolerance when that is more.
    static func outlineReach(snap: Double) -> Double { max(25, 5 * snap) }

    /// Where the line crosses (or ends inside) a segment of the village's outline, it goes through
    /// that segment's nearer end instead.
    /// Also the longest such move: where, and how far (metres).
    static func throughOutlineVertices(_ line: [Coordinate], outline: [(Coordinate, Coordinate)])
        -> (line: [Coordinate], farthest: (at: Coordinate, metres: Double)?) {
        guard !outline.isEmpty, line.count >= 2 else { return (line, nil) }
        var farthest: (at: Coordinate, metres: Double)?
        func nearerEnd(_ x: Coordinate, _ s: (Coordinate, Coordinate)) -> Coordinate {
            let end = distance(x, s.0) <= distance(x, s.1) ? s.0 : s.1
            if farthest == nil || distance(x, end) > farthest!.metres { farthest = (x, distance(x, end)) }
            return end
        }
        var out: [Coordinate] = []
        func append(_ c: Coordinate) { if out.last != c { out.append(c) } }
        for k in line.indices {
            var v = line[k]
            if let s = outline.first(where: { distance(v, toSegment: $0.0, $0.1) < 1e-6 && v != $0.0 && v != $0.1 }) { v = nearerEnd(v, s) }
            if k > 0, let p = out.last {
                let q = v
                var crossings: [(t: Double, c: Coordinate)] = []
                for s in outline {
                    guard let (t, x) = properCrossing(p, q, s.0, s.1) else { continue }
                    crossings.append((t, nearerEnd(x, s)))
                }
                for c in crossings.sorted(by: { ($0.t, $0.c.x, $0.c.y) < ($1.t, $1.c.x, $1.c.y) }) { append(c.c) }
            }
            append(v)
        }
        return (out, farthest)
    }

    /// Where segment p→q crosses segment a–b strictly inside both: the parameter along p→q and the point.
    static func properCrossing(_ p: Coordinate, _ q: Coordinate, _ a: Coordinate, _ b: Coordinate) -> (Double, Coordinate)? {
        let rx = q.x - p.x, ry = q.y - p.y, sx = b.x - a.x, sy = b.y - a.y
        let den = rx * sy - ry * sx
        guard den != 0 else { return nil }
        let t = ((a.x - p.x) * sy - (a.y - p.y) * sx) / den, u = ((a.x - p.x) * ry - (a.y - p.y) * rx) / den
        guard t > 0, t < 1, u > 0, u < 1 else { return nil }
        return (t, Coordinate(p.x + t * rx, p.y + t * ry))
    }

    func snapToEdges(_ line: [Coordinate], tolerance: Double) -> [Coordinate] {
        guard tolerance > 0 else { return line }
        var moved: [Coordinate] = []
        for p in line {
            var best: Coordinate?, bestD = tolerance
            for c in vertices {
                let d = Self.distance(p, c)
                if d <= bestD, best == nil || d < bestD || (c.x, c.y) < (best!.x, best!.y) { best = c; bestD = d }
            }
            if best == nil {
                for ring in rings where ring.count > 1 {
                    for k in 1..<ring.count {
                        let q = Self.nearest(p, onSegment: ring[k - 1], ring[k])
                        let d = Self.distance(p, q)
                        if d <= bestD, best == nil || d < bestD { best = q; bestD = d }
                    }
                }
            }
            let c = best ?? p
            if moved.last != c { moved.append(c) }
        }
        var out: [Coordinate] = []
        for k in moved.indices {
            if k > 0, let path = edgePath(from: moved[k - 1], to: moved[k], within: tolerance) {
                for c in path.dropFirst().dropLast() where out.last != c { out.append(c) }
            } else if k > 0 {
                let a = moved[k - 1], b = moved[k]
                let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
                var between: [(t: Double, c: Coordinate)] = []
                if l2 > 0 {
                    for c in vertices where c != a && c != b {
                        let t = ((c.x - a.x) * dx + (c.y - a.y) * dy) / l2
                        guard t > 0, t < 1 else { continue }
                        if Self.distance(c, Coordinate(a.x + t * dx, a.y + t * dy)) <= tolerance { between.append((t, c)) }
                    }
                }
                for c in between.sorted(by: { ($0.t, $0.c.x, $0.c.y) < ($1.t, $1.c.x, $1.c.y) }) where out.last != c.c { out.append(c.c) }
            }
            if out.last != moved[k] { out.append(moved[k]) }
        }
        return out
    }

    static func distance(_ a: Coordinate, _ b: Coordinate) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }

    static func nearest(_ p: Coordinate, onSegment a: Coordinate, _ b: Coordinate) -> Coordinate {
        let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
        guard l2 > 0 else { return a }
        let t = max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2))
        return Coordinate(a.x + t * dx, a.y + t * dy)
    }

    static func distance(_ p: Coordinate, toSegment a: Coordinate, _ b: Coordinate) -> Double { distance(p, nearest(p, onSegment: a, b)) }

    static func distance(_ p: Coordinate, toLine line: [Coordinate]) -> Double {
        var best = Double.infinity
        for k in line.indices.dropFirst() { best = min(best, distance(p, toSegment: line[k - 1], line[k])) }
        return best
    }

    /// Whether `p` lies on one of `edges` (within 0.1 mm).
    static func onAnyEdge(_ p: Coordinate, _ edges: Set<Segment>) -> Bool {
        edges.contains { distance(p, toSegment: $0.a, $0.b) < 1e-4 }
    }
}
