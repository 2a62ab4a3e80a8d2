import WanggeIO
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeGrids
import WanggeMap

/// Everything the generator derives, in the district's metric CRS.
struct SyntheticDistrict {
    var outline: Polygon
    var townships: [(info: TownshipInfo, polygon: Polygon)] = []
    var villages: [(unit: Division, code: String, township: TownshipInfo, polygon: Polygon)] = []
    var rivers: [(name: String?, kind: String, drainageKm2: Double, line: [Coordinate])] = []
    var ridges: [(elevation: Double, line: [Coordinate])] = []
    var streets: [Street] = []
    /// Village and township boundary length by the kind of line it lies on.
    var villageBoundaryShares: [(kind: String, metres: Double)] = []
    var townshipBoundaryShares: [(kind: String, metres: Double)] = []
    var faceCount = 0
}

/// Builds a synthetic district from a seed and its layout: terrain → drainage → the line network (divides,
/// streams, streets, roads, outline) → faces → townships and villages grown over the faces, so
/// that every township and village boundary lies on a ridge, river, road or the district outline.
struct DistrictGenerator {
    let seed: UInt64
    let spec: DistrictSpec
    let cellSize = 40.0
    /// Drainage area (cells) from which a stream forms.
    let streamThreshold: Int32 = 300
    let ctx = GEOSContext()

    func generate(outlineWGS84: Polygon, divisions: [Division], toMetric: PROJTransformer,
                  log: (String) -> Void) throws -> (district: SyntheticDistrict, terrain: Terrain) {
        let outline = try toMetric.transform(Geometry.polygon(outlineWGS84)).polygons[0]
        var district = SyntheticDistrict(outline: outline)
        let frame = RasterFrame(envelope: Geometry.polygon(outline).envelope!, cellSize: cellSize, margin: 2000)

        // The trunk river: the control course densified and given gentle meanders.
        let trunk = spec.trunkRiver
        let course = meander(try toMetric.transform(spec.riverCourse))
        var terrain = Terrain(frame: frame, river: course, riverHead: trunk.headElevation,
                              riverMouth: trunk.mouthElevation, seed: seed)
        let riverField = DistanceField(frame: frame, line: PolylineMeasure(course))
        terrain.carveChannel(riverField)
        terrain.erode(rounds: 3, depthPerRootCell: 1.2, maxDepth: 40)
        let drainage = Drainage(terrain: terrain, threshold: streamThreshold)
        log("terrain \(frame.width)×\(frame.height) cells of \(Int(cellSize)) m; \(drainage.reaches.count) stream reaches")
        let courseMeasure = PolylineMeasure(course)

        // Streams: D8 reaches, except the trunk, which is the designed course itself.
        var streamLines: [[Coordinate]] = []
        var namer = RiverNamer(seed: seed)
        district.rivers.append((name: trunk.name, kind: "river", drainageKm2: trunk.drainageKm2, line: course))
        for reach in drainage.reaches {
            let nearCourse = reach.cells.filter { riverField.distance[Int($0)] < cellSize * 1.5 }
            if nearCourse.count * 2 > reach.cells.count { continue } // the trunk
            var pts = reach.cells.map { frame.centre(Int($0)) }
            if reach.outlet >= 0 {
                let end = frame.centre(Int(reach.outlet))
                let (d, s) = courseMeasure.distanceAndStation(end)
                pts.append(d < cellSize * 1.5 ? courseMeasure.point(atStation: s) : end)
            }
            let line = Smoothing.simplify(Smoothing.chaikin(LabelBoundaries.removeCollinear(pts), iterations: 2), tolerance: 2)
            streamLines.append(line)
            let km2 = Double(reach.drainage) * cellSize * cellSize / 1e6
            let kind = km2 >= 15 ? "river" : km2 >= 3 ? "stream" : "gully"
            district.rivers.append((name: kind == "gully" ? nil : namer.next(kind: kind), kind: kind, drainageKm2: km2, line: line))
        }

        // Divides: the boundaries between reach catchments, which run along crests.
        var divides: [[Coordinate]] = []
        for chain in LabelBoundaries.chains(labels: drainage.catchment, frame: frame) {
            let line = Smoothing.simplify(Smoothing.chaikin(chain, iterations: 2), tolerance: 2)
            divides.append(line)
            let z = chain.map { c in frame.cell(containing: c).map { terrain.elevation[$0] } ?? 0 }
            district.ridges.append((elevation: z.reduce(0, +) / Double(max(z.count, 1)), line: line))
        }

        // Streets in towns, roads between them.
        let seats = try spec.seats.map { try toMetric.transform($0.position) }
        var rng = SeededGenerator.stream(seed, "streets")
        var streetNamer = StreetNamer(seed: seed, stems: spec.streetStems)
        for (k, seat) in spec.seats.enumerated() {
            let (d, s) = courseMeasure.distanceAndStation(seats[k])
            let direction = d < 3000 ? courseMeasure.bearing(atStation: s) : rng.uniform(0, .pi)
            district.streets += StreetPlan.townGrid(
                seat: seats[k], radius: seat.townRadius, direction: direction, town: seat.township,
                river: courseMeasure, riverClearance: 90, namer: &streetNamer, rng: &rng)
        }
        district.streets += ruralRoads(seats: seats, terrain: terrain, namer: &streetNamer)

        // Faces of the whole network, then townships and villages grown over them.
        let network = try FaceNetwork(lines: divides + streamLines + [course] + district.streets.map(\.line),
                                      outline: outline, context: ctx)
        log("line network: \(network.faces.count) faces")
        let townships = try DivisionTable.townships(divisions, spec: spec)
        try assignDivisions(network: network, townships: townships, seats: seats, into: &district)
        district.faceCount = network.faces.count
        var lineage = BoundaryLineage()
        for ring in outline.rings { lineage.add(ring, kind: "district outline") }
        lineage.add(course, kind: "river")
        for line in streamLines { lineage.add(line, kind: "river") }
        for line in divides { lineage.add(line, kind: "ridge") }
        for s in district.streets { lineage.add(s.line, kind: s.kind == "乡道" ? "road" : "street") }
        district.villageBoundaryShares = lineage.shares(of: district.villages.map(\.polygon))
        district.townshipBoundaryShares = lineage.shares(of: district.townships.map(\.polygon))
        log("village boundaries on: " + district.villageBoundaryShares.map { "\($0.kind) \(Int($0.metres / 1000)) km" }.joined(separator: ", "))
        return (district, terrain)
    }

    /// Densifies the control course with a Catmull–Rom spline and adds meanders of a few hundred
    /// metres, as a river winding within its valley.
    func meander(_ control: [Coordinate]) -> [Coordinate] {
        var dense: [Coordinate] = []
        let p = [control[0]] + control + [control[control.count - 1]]
        for k in 1..<(p.count - 2) {
            let steps = max(2, Int(hypot(p[k + 1].x - p[k].x, p[k + 1].y - p[k].y) / 60))
            for s in 0..<steps {
                let t = Double(s) / Double(steps), t2 = t * t, t3 = t2 * t
                func cr(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Double {
                    0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3)
                }
                dense.append(Coordinate(cr(p[k - 1].x, p[k].x, p[k + 1].x, p[k + 2].x),
                                        cr(p[k - 1].y, p[k].y, p[k + 1].y, p[k + 2].y)))
            }
        }
        dense.append(control[control.count - 1])
        let m = PolylineMeasure(dense)
        let noise = ValueNoise(seed: seed &+ 77)
        var out: [Coordinate] = []
        for (k, c) in dense.enumerated() {
            let s = m.stations[k]
            let amp = 220 * (0.5 + 0.5 * noise.value(s / 4000, 0.5, octave: 0))
            let off = amp * sin(2 * .pi * s / 3200) * min(1, s / 3000, (m.length - s) / 3000)
            let b = m.bearing(atStation: s)
            out.append(Coordinate(c.x - sin(b) * off, c.y + cos(b) * off))
        }
        return out
    }

    /// Mountain roads linking every seat to its nearest neighbours (a spanning tree plus a few
    /// loops), routed over the terrain.
    func ruralRoads(seats: [Coordinate], terrain: Terrain, namer: inout StreetNamer) -> [Street] {
        var pairs: [(Int, Int)] = []
        // Prim's spanning tree on straight distances, then each seat's second-nearest link.
        var inTree = [true] + [Bool](repeating: false, count: seats.count - 1)
        while inTree.contains(false) {
            var best: (Int, Int, Double)? = nil
            for a in seats.indices where inTree[a] {
                for b in seats.indices where !inTree[b] {
                    let d = hypot(seats[a].x - seats[b].x, seats[a].y - seats[b].y)
                    if best == nil || d < best!.2 { best = (a, b, d) }
                }
            }
            pairs.append((best!.0, best!.1)); inTree[best!.1] = true
        }
        for a in seats.indices {
            let others = seats.indices.filter { $0 != a }.sorted {
                hypot(seats[a].x - seats[$0].x, seats[a].y - seats[$0].y) < hypot(seats[a].x - seats[$1].x, seats[a].y - seats[$1].y)
            }
            let b = others[1]
            if !pairs.contains(where: { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }) { pairs.append((a, b)) }
        }
        var onRoad = [Bool](repeating: false, count: terrain.frame.count)
        var roads: [Street] = []
        for (a, b) in pairs {
            guard let ca = terrain.frame.cell(containing: seats[a]), let cb = terrain.frame.cell(containing: seats[b]) else { continue }
            let path = StreetPlan.road(from: ca, to: cb, terrain: terrain, existing: onRoad)
            // Keep only the new part: shared stretches are already drawn.
            var run: [Int] = []
            func flush() {
                if run.count >= 3 {
                    let pts = LabelBoundaries.removeCollinear(run.map { terrain.frame.centre($0) })
                    let town = spec.seats[a].township
                    roads.append(Street(name: namer.next(town: "乡道", suffix: "路"), kind: "乡道", town: town,
                                        line: Smoothing.simplify(Smoothing.chaikin(pts, iterations: 3), tolerance: 2)))
                }
                run = []
            }
            for (k, cell) in path.enumerated() {
                if onRoad[cell] && k > 0 { run.append(cell); flush(); run = [cell] } else { run.append(cell) }
                onRoad[cell] = true
            }
            flush()
        }
        return roads
    }

    /// Townships grow from their seats' faces toward area targets; villages then grow inside each
    /// township: communities around the town seat, villages spread over the rest.
    func assignDivisions(network: FaceNetwork, townships: [TownshipInfo], seats: [Coordinate],
                         into district: inout SyntheticDistrict) throws {
        let g = network.graph
        let total = g.area.reduce(0, +)
        let weightSum = spec.seats.reduce(0) { $0 + $1.areaWeight }
        var seedFaces: [Int] = []
        for (k, s) in seats.enumerated() {
            guard let f = network.face(containing: s) else {
                throw GeneratorError.failed("the seat of \(spec.seats[k].township) is outside the district")
            }
            guard !seedFaces.contains(f) else {
                throw GeneratorError.failed("the seats of two townships fall in one face (\(spec.seats[k].township))")
            }
            seedFaces.append(f)
        }
        var township = RegionGrowing.grow(graph: g, seeds: seedFaces,
                                          targets: spec.seats.map { total * $0.areaWeight / weightSum })
        RegionGrowing.absorbLeftovers(graph: g, region: &township)
        var rng = SeededGenerator.stream(seed, "villages")
        for (t, info) in townships.enumerated() {
            let faces = (0..<g.count).filter { township[$0] == t }
            let area = faces.reduce(0) { $0 + g.area[$1] }
            let seat = seats[t]
            func dist(_ f: Int, _ p: Coordinate) -> Double { hypot(network.centroids[f].x - p.x, network.centroids[f].y - p.y) }
            // Seeds: communities first, the seat's face and then faces spread within the town;
            // villages by farthest-point sampling over the rest.
            let communities = info.units.filter { $0.kind == "community" }
            let villages = info.units.filter { $0.kind == "village" }
            var seeds: [Int] = [seedFaces[t]]
            let townRadius = spec.seats[t].townRadius
            while seeds.count < communities.count {
                let candidates = faces.filter { !seeds.contains($0) && dist($0, seat) < townRadius * 1.2 }
                let pool = candidates.isEmpty ? faces.filter { !seeds.contains($0) } : candidates
                seeds.append(pool.max { a, b in seeds.map { dist(a, network.centroids[$0]) }.min()! < seeds.map { dist(b, network.centroids[$0]) }.min()! }!)
            }
            if communities.isEmpty { seeds = [] }
            while seeds.count < info.units.count {
                let pool = faces.filter { !seeds.contains($0) }
                guard !pool.isEmpty else { throw GeneratorError.failed("\(info.name) has fewer faces than villages") }
                let anchor = seeds.isEmpty ? [seedFaces[t]] : seeds
                seeds.append(pool.max { a, b in
                    anchor.map { dist(a, network.centroids[$0]) }.min()! < anchor.map { dist(b, network.centroids[$0]) }.min()!
                }!)
            }
            let communityArea = min(area * 0.4, .pi * townRadius * townRadius)
            var targets: [Double] = communities.map { _ in communityArea / Double(max(communities.count, 1)) * rng.uniform(0.7, 1.3) }
            let villageShare = (area - (communities.isEmpty ? 0 : communityArea)) / Double(max(villages.count, 1))
            targets += villages.map { _ in villageShare * rng.uniform(0.6, 1.5) }
            let units = communities + villages
            var village = RegionGrowing.grow(graph: g, seeds: seeds, targets: targets) { _, f in township[f] == t }
            RegionGrowing.absorbLeftovers(graph: g, region: &village) { _, f in township[f] == t }
            var villagePolygons: [Polygon] = []
            for (v, unit) in units.enumerated() {
                let members = faces.filter { village[$0] == v }
                let merged = try ctx.union(of: members.map { try ctx.geometry(from: .polygon(network.faces[$0])) }).value()
                guard case .polygon(let p) = merged else {
                    throw GeneratorError.failed("\(info.name) \(unit.village) is not in one piece (\(merged.typeName))")
                }
                villagePolygons.append(p)
            }
            // Codes: communities 001–199, villages 200–399, numbered west → east.
            func code(_ v: Int) -> String {
                let sameKind = units.indices.filter { units[$0].kind == units[v].kind }.sorted {
                    FaceNetwork.centroid(villagePolygons[$0]).x < FaceNetwork.centroid(villagePolygons[$1]).x
                }
                let n = (units[v].kind == "community" ? 1 : 200) + sameKind.firstIndex(of: v)!
                return info.code + String(format: "%03d", n)
            }
            for v in units.indices {
                district.villages.append((unit: units[v], code: code(v), township: info, polygon: villagePolygons[v]))
            }
            let merged = try ctx.union(of: villagePolygons.map { try ctx.geometry(from: .polygon($0)) }).value()
            guard case .polygon(let tp) = merged else {
                throw GeneratorError.failed("\(info.name) is not in one piece (\(merged.typeName))")
            }
            district.townships.append((info: info, polygon: tp))
        }
        district.villages.sort { $0.code < $1.code }
        district.townships.sort { $0.info.code < $1.info.code }
    }
}

/// Invented river names: 河 for rivers, 溪 for streams.
struct RiverNamer {
    static let stems = ["龙溪", "白岩", "青杠", "石板", "黄泥", "苦竹", "铜厂", "沙坝", "马鞍", "狮子", "楠木",
                        "双河", "鹰嘴", "观音", "红岩", "燕子", "大沟", "小河", "清水", "浑水", "蛇皮", "沙溪"]
    private var rng: SeededGenerator
    private var used: Set<String> = []

    init(seed: UInt64) { rng = SeededGenerator.stream(seed, "river-names") }

    mutating func next(kind: String) -> String {
        let suffix = kind == "river" ? "河" : "溪"
        for attempt in 0..<200 {
            let stem = RiverNamer.stems[Int(rng.next() % UInt64(RiverNamer.stems.count))]
            let name = attempt < 60 ? stem + suffix : stem + ["上", "下", "东", "西", "南", "北"][attempt % 6] + suffix
            if used.insert(name).inserted { return name }
        }
        return "无名" + suffix
    }
}

extension PolylineMeasure {
    func point(atStation s: Double) -> Coordinate {
        guard var k = stations.lastIndex(where: { $0 <= s }) else { return points[0] }
        k = min(k, points.count - 2)
        let len = stations[k + 1] - stations[k]
        let t = len > 0 ? (s - stations[k]) / len : 0
        return Coordinate(points[k].x + t * (points[k + 1].x - points[k].x), points[k].y + t * (points[k + 1].y - points[k].y))
    }

    /// Direction of travel at a station, radians from east.
    func bearing(atStation s: Double) -> Double {
        let k = min(max(0, (stations.lastIndex(where: { $0 <= s }) ?? 0)), points.count - 2)
        return atan2(points[k + 1].y - points[k].y, points[k + 1].x - points[k].x)
    }
}

extension Terrain {
    /// Forces a channel along the course so that D8 flow follows the designed river.
    mutating func carveChannel(_ field: DistanceField) {
        for i in 0..<frame.count where field.distance[i] < frame.cellSize * 0.75 { elevation[i] -= 30 }
    }
}
