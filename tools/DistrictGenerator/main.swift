import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeMap
import WanggeIO

// generate-district [--seed N] [--out DIR] [--source DIR]
// Writes a synthetic district into DIR (default boundaries/) from the real outline and names and
// the layout in SOURCE (default boundaries/source/, Shawan's). Same seed → same bytes.

struct Options {
    var seed: UInt64 = 20131101 // November 2013: when Shawan's grid pilot began
    var out = "boundaries"
    var source = "boundaries/source"

    init(_ args: [String]) throws {
        var k = 0
        while k < args.count {
            let a = args[k]
            guard k + 1 < args.count else { throw GeneratorError.badInput("\(a) needs a value") }
            switch a {
            case "--seed":
                guard let s = UInt64(args[k + 1]) else { throw GeneratorError.badInput("--seed takes a whole number, not \(args[k + 1])") }
                seed = s
            case "--out": out = args[k + 1]
            case "--source": source = args[k + 1]
            default: throw GeneratorError.badInput("unknown option \(a) (use --seed, --out, --source)")
            }
            k += 2
        }
    }
}

func run() throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    let started = Date()
    func log(_ s: String) {
        FileHandle.standardError.write(Data((String(format: "[%5.1fs] ", Date().timeIntervalSince(started)) + s + "\n").utf8))
    }
    let sourceDir = URL(fileURLWithPath: options.source)
    let outDir = URL(fileURLWithPath: options.out)
    try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)

    let outlineFile = sourceDir.appendingPathComponent("district-outline.gcj02.geojson")
    let outlineDoc = try GeoJSONReader().read(contentsOf: outlineFile.path)
    guard let outlineFeature = outlineDoc.featureCollection.features.first,
          let outlineGCJ = outlineFeature.geometry?.polygons.first, outlineFeature.geometry?.polygons.count == 1
    else { throw GeneratorError.badInput("\(outlineFile.path): expected one feature with a one-part (Multi)Polygon") }
    let outlineWGS84 = try Geometry.polygon(outlineGCJ).mapCoordinates { try GCJ02.toWGS84($0) }.polygons[0]
    let divisions = try DivisionTable.load(sourceDir.appendingPathComponent("divisions.tsv"))
    let spec = try DistrictSpec.load(sourceDir.appendingPathComponent("layout.json"))
    let metricCRS = try spec.metricCRS(outline: outlineWGS84)
    let toMetric = try PROJTransformer(from: .wgs84, to: metricCRS)
    let toWGS84 = try PROJTransformer(from: metricCRS, to: .wgs84)
    log("outline: \(outlineGCJ.exterior.count) vertices; \(divisions.count) villages/communities")

    let generator = DistrictGenerator(seed: options.seed, spec: spec)
    let built = try generator.generate(outlineWGS84: outlineWGS84, divisions: divisions, toMetric: toMetric, log: log)
    var district = built.district
    log("\(district.townships.count) townships, \(district.villages.count) villages, \(district.rivers.count) rivers, \(district.ridges.count) ridges, \(district.streets.count) streets")

    // Self-check before anything is written: villages tile their townships, townships tile
    // the district, all valid and in one piece (1 m² tolerance, metric CRS).
    let check = CoverageCheck(tolerance: 1, context: generator.ctx)
    var issues = try check.check(parent: CoverageMember(id: spec.code, geometry: .polygon(district.outline)),
                                 members: district.townships.map { CoverageMember(id: $0.info.code, geometry: .polygon($0.polygon)) })
    for t in district.townships {
        issues += try check.check(parent: CoverageMember(id: t.info.code, geometry: .polygon(t.polygon)),
                                  members: district.villages.filter { $0.township.code == t.info.code }
                                      .map { CoverageMember(id: $0.code, geometry: .polygon($0.polygon)) })
    }
    guard issues.isEmpty else {
        throw GeneratorError.failed("generated boundaries fail the coverage check:\n" + issues.map { "  \($0)" }.joined(separator: "\n"))
    }
    log("coverage check: townships tile the district, villages tile their townships")

    let seats = try spec.seats.map { (township: $0.township, position: try toMetric.transform($0.position)) }
    let population = PopulationPlan(seed: options.seed, villages: district.villages, streets: district.streets,
                                    terrain: built.terrain,
                                    seats: Dictionary(uniqueKeysWithValues: zip(spec.seats, seats).map { ($0.0.township, ($0.1.position, $0.0.townRadius)) }),
                                    addressPrefix: spec.addressPrefix)
    let addresses = population.generate(targetAddresses: spec.targetAddresses)
    log("\(addresses.count) addresses, \(addresses.reduce(0) { $0 + $1.households }) households, \(addresses.reduce(0) { $0 + $1.residents }) residents")
    let amenities = AmenityPlan(seed: options.seed, spec: spec, villages: district.villages, addresses: addresses, seats: seats, context: generator.ctx)
    let landmarks = amenities.landmarks()
    let areas = try amenities.areas()
    var startComponents = DateComponents()
    startComponents.year = 2025; startComponents.month = 11; startComponents.day = 1
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
    let incidents = amenities.incidents(start: calendar.date(from: startComponents)!)
    log("\(landmarks.count) landmarks, \(areas.count) areas, \(incidents.count) incidents")

    let paths = try CourtyardEdges.lines(villages: district.villages.map { ($0.code, $0.polygon) }, addresses: addresses,
                                         context: generator.ctx)
    log("\(paths.count) courtyard edges, \(Int(paths.reduce(0) { $0 + PolylineMeasure($1.line).length } / 1000)) km")

    // Clip the line layers to the district; what lies outside was only there to shape it.
    district = try clipLines(district, context: generator.ctx)
    let writer = BoundaryWriter(outDir: outDir, spec: spec, metricCRS: metricCRS, toWGS84: toWGS84, toMetric: { try toMetric.transform($0) }, seed: options.seed)
    let ctx = generator.ctx
    let union = try ctx.union(of: district.townships.map { try ctx.geometry(from: .polygon($0.polygon)) }).value()
    let elevation = try built.terrain.elevationModel(covering: Geometry.polygon(district.outline).envelope!, cellSize: 100,
                                                     crs: metricCRS)
    log("elevation raster \(elevation.columns)×\(elevation.rows) cells of \(Int(elevation.cellSize)) m")
    try writer.writeAll(district: district, unionOfTownships: union, addresses: addresses, landmarks: landmarks,
                        areas: areas, incidents: incidents, paths: paths, elevation: elevation)
    // The neighbouring counties' names are real and copied unchanged (names only, for the geocoder).
    let neighbours = sourceDir.appendingPathComponent("neighbours.tsv")
    if let data = FileManager.default.contents(atPath: neighbours.path) {
        try AtomicFile.write(Array(data), to: outDir.appendingPathComponent("neighbours.tsv").path)
    }
    log("wrote \(outDir.path)")
}

func clipLines(_ d: SyntheticDistrict, context ctx: GEOSContext) throws -> SyntheticDistrict {
    var d = d
    let outline = try ctx.geometry(from: .polygon(d.outline))
    func clip(_ line: [Coordinate]) throws -> [[Coordinate]] {
        guard line.count >= 2 else { return [] }
        let g = try ctx.geometry(from: .lineString(line)).intersection(outline).value()
        switch g {
        case .lineString(let l): return l.count >= 2 ? [l] : []
        case .multiLineString(let ls): return ls.filter { $0.count >= 2 }
        case .geometryCollection(let gs):
            return gs.flatMap { g -> [[Coordinate]] in
                if case .lineString(let l) = g { return [l] }
                if case .multiLineString(let ls) = g { return ls }
                return []
            }
        default: return []
        }
    }
    d.rivers = try d.rivers.flatMap { r in try clip(r.line).map { (name: r.name, kind: r.kind, drainageKm2: r.drainageKm2, line: $0) } }
    d.ridges = try d.ridges.flatMap { r in try clip(r.line).map { (elevation: r.elevation, line: $0) } }
    d.streets = try d.streets.flatMap { s in try clip(s.line).map { Street(name: s.name, kind: s.kind, town: s.town, line: $0) } }
    return d
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("generate-district: \(error)\n".utf8))
    exit(1)
}
