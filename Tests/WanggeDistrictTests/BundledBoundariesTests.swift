import WanggeTestSupport
import Foundation
import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// The bundled synthetic Shawan in boundaries/: counts, real names, nesting and tiling,
/// containment of every address, and the proportions the seed article gives.
@Suite struct BundledBoundariesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dir = root.appendingPathComponent("boundaries").path

    func layer(_ name: String) throws -> FeatureCollection {
        try GeoJSONReader().readFeatureCollection(contentsOf: (Self.dir as NSString).appendingPathComponent(name))
    }

    /// (township, village, kind) rows of the real division list.
    func divisions() throws -> [[String]] {
        let text = try String(contentsOfFile: Self.dir + "/source/divisions.tsv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
    }

    @Test func fourteenTownshipsAnd148VillagesWithTheRealNames() throws {
        let b = try DistrictBoundaries.load(directory: Self.dir)
        #expect(b.townships.count == 14)
        #expect(b.villages.count == 148)
        #expect(b.villages.filter { $0.kind == .community }.count == 21)
        #expect(b.villages.filter { $0.kind == .village }.count == 127)
        let ours = b.villages.map { [$0.township, $0.name, $0.kind.rawValue] }.sorted { $0.joined() < $1.joined() }
        let real = try divisions().sorted { $0.joined() < $1.joined() }
        #expect(ours == real)
        // Codes: 街道 001–099, 镇 100–199, 乡 200–399; communities 001–199, villages 200–399.
        for t in b.townships {
            let n = Int(t.code.suffix(3))!
            let range = t.name.hasSuffix("街道") ? 1...99 : t.name.hasSuffix("镇") ? 100...199 : 200...399
            #expect(range.contains(n), "\(t.name) \(t.code)")
        }
        for v in b.villages {
            let n = Int(v.code.suffix(3))!
            #expect((v.kind == .community ? 1...199 : 200...399).contains(n), "\(v.name) \(v.code)")
        }
    }

    @Test func townshipsTileTheDistrictAndVillagesTileTheirTownships() throws {
        let b = try DistrictBoundaries.load(directory: Self.dir)
        let report = try DistrictCheck(tolerance: 1).run(b)
        #expect(report.issues.isEmpty, "\(report.issues.prefix(5))")
        // The district keeps the real outline's area: 603,535,203 m² by Shapely + pyproj
        // (tools/reference/outline_area.py, the same GCJ-02 inverse and projection).
        let area = report.levels[0].areaM2
        #expect(abs(area - 603_535_203) / 603_535_203 < 0.005)
        #expect(abs(report.levels[1].areaM2 - area) < 14)
        #expect(abs(report.levels[2].areaM2 - area) < 148)
        // Plausible sizes: small urban communities, large mountain villages.
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let ctx = GEOSContext()
        func km2(_ v: Village) throws -> Double { try ctx.geometry(from: toMetric.transform(v.geometry)).area() / 1e6 }
        let communities = try b.villages.filter { $0.kind == .community }.map(km2).sorted()
        let villages = try b.villages.filter { $0.kind == .village }.map(km2).sorted()
        #expect(communities[communities.count / 2] < villages[villages.count / 2] / 2)
        #expect(villages.last! > 8)
    }

    @Test func everyAddressLiesInItsVillageAndTotalsMatchTheSeed() throws {
        let b = try DistrictBoundaries.load(directory: Self.dir)
        let ctx = GEOSContext()
        let prepared = try Dictionary(uniqueKeysWithValues: b.villages.map { ($0.code, try ctx.geometry(from: $0.geometry).prepared()) })
        // One file per township: addresses/<township code>.csv, all with the same header.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir + "/addresses").filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files == b.townships.map { $0.code + ".csv" })
        var header: [String] = []
        var lines: [String] = []
        for file in files {
            var rows = try String(contentsOfFile: Self.dir + "/addresses/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
            header = rows.removeFirst().split(separator: ",").map(String.init)
            lines += rows
        }
        let col = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var households = 0, residents = 0, outside: [String] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let p = Coordinate(Double(f[col["lon"]!])!, Double(f[col["lat"]!])!)
            if try !(prepared[f[col["village_code"]!]]?.contains(p) ?? false) { outside.append(f[0]) }
            households += Int(f[col["households"]!])!
            residents += Int(f[col["residents"]!])!
            #expect(f[col["address"]!].hasPrefix("四川省乐山市沙湾区" + f[col["township"]!]))
        }
        #expect(outside.isEmpty, "\(outside.count) addresses outside their village, e.g. \(outside.prefix(5))")
        #expect((55_000...59_000).contains(lines.count))
        #expect((55_000...65_000).contains(households))
        #expect((160_000...180_000).contains(residents))
    }

    @Test func areasNestInTheirVillagesAndSubAreasTileTheirArea() throws {
        let fc = try layer("areas.geojson")
        let b = try DistrictBoundaries.load(directory: Self.dir)
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let parks = fc.features.filter { $0.string("kind") == "industrial_park" }
        let scenic = fc.features.filter { $0.string("kind") == "scenic_area" }
        #expect(parks.count >= 1 && scenic.count >= 1)
        #expect(parks.contains { f in b.villages.first { $0.code == f.string("village_code") }?.township == "嘉农镇" })
        for area in parks + scenic {
            let subs = fc.features.filter { $0.string("parent") == area.string("name") }
            #expect(subs.count >= 3, "\(area.string("name") ?? "")")
            let village = try #require(b.villages.first { $0.code == area.string("village_code") })
            let check = CoverageCheck(tolerance: 1)
            let parent = CoverageMember(id: area.string("name")!, geometry: try toMetric.transform(area.geometry!))
            #expect(try check.check(parent: parent, members: subs.map {
                CoverageMember(id: $0.string("name")!, geometry: try toMetric.transform($0.geometry!))
            }).isEmpty)
            #expect(try check.gapsAndOutside(parent: CoverageMember(id: village.code, geometry: try toMetric.transform(village.geometry)),
                                             members: [parent]).allSatisfy { $0.kind == .gap })
        }
    }

    /// Shawan under 20 MB, the second district (boundaries/jinkouhe/, a quarter of its size) under 10 MB.
    @Test func theBundledFilesStaySmall() throws {
        let fm = FileManager.default
        var shawan = 0, jinkouhe = 0
        let walker = fm.enumerator(atPath: Self.dir)!
        while let name = walker.nextObject() as? String {
            let attributes = try fm.attributesOfItem(atPath: Self.dir + "/" + name)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? Int) ?? 0
            if name.hasPrefix("jinkouhe/") { jinkouhe += size } else { shawan += size }
        }
        // 20 MB before paths.geojson (1.2 MB of lower-order lines) joined.
        #expect(shawan < 21_500_000, "boundaries/ holds \(shawan) bytes of Shawan")
        #expect(jinkouhe > 0 && jinkouhe < 10_000_000, "boundaries/jinkouhe/ holds \(jinkouhe) bytes")
    }

    /// paths.geojson, read as a user would: in every village, its courtyard edges and its outline
    /// part the houses (addresses/*.csv) so that no face holds houses of two villager groups, or
    /// in towns of two streets.
    @Test func courtyardEdgesPartTheHousesOfDifferentGroupsAndStreets() throws {
        let ctx = GEOSContext()
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        var houses: [String: [(Coordinate, String)]] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.dir + "/addresses").sorted()
        for file in files where file.hasSuffix(".csv") {
            let text = try String(contentsOfFile: Self.dir + "/addresses/" + file, encoding: .utf8)
            for row in text.split(separator: "\n").dropFirst() {
                let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let owner = f[7] == "group" ? "组" + f[9] : "街" + f[8]
                houses[f[5], default: []].append((try toMetric.transform(Coordinate(Double(f[1])!, Double(f[2])!)), owner))
            }
        }
        let paths = try layer("paths.geojson")
        var checkedVillages = 0, faces = 0
        for v in try DistrictBoundaries.load(directory: Self.dir).villages {
            let own = houses[v.code] ?? []
            guard let feature = paths.features.first(where: { $0.string("village_code") == v.code }) else {
                #expect(Set(own.map(\.1)).count < 2, "\(v.name) has houses of several groups or streets but no courtyard edges")
                continue
            }
            #expect(feature.string("kind") == "courtyard")
            guard case .multiLineString(let lines)? = feature.geometry else { Issue.record("\(v.code): not a MultiLineString"); continue }
            // The lines run 3 m past the outline: noded with it, they close every face.
            let metric = try lines.map { try toMetric.transform($0) }
            let outline = try toMetric.transform(v.geometry).polygons.flatMap(\.rings)
            let noded = try ctx.geometry(from: .multiLineString(metric + outline)).unaryUnion()
            let pieces = try ctx.polygonize([noded]).value().polygons
            let prepared = try pieces.map { try PreparedGeometry(ctx.geometry(from: .polygon($0))) }
            var owners = [Set<String>](repeating: [], count: pieces.count)
            var inFace = [[(Coordinate, String)]](repeating: [], count: pieces.count)
            for (p, owner) in own {
                let point = try ctx.geometry(from: .point(p))
                if let k = try prepared.indices.first(where: { try prepared[$0].contains(point) }) { owners[k].insert(owner); inFace[k].append((p, owner)) }
            }
            for (k, o) in owners.enumerated() where o.count > 1 {
                let detail = o.sorted().map { name in
                    let hs = inFace[k].filter { $0.1 == name }
                    let near = hs.map { h in own.filter { $0.1 != name }.map { hypot($0.0.x - h.0.x, $0.0.y - h.0.y) }.min() ?? 0 }.min() ?? 0
                    return "\(name) \(hs.count) (nearest other \(near))"
                }
                Issue.record("\(v.code) \(v.name): face \(k) holds houses of \(detail.joined(separator: ", "))")
            }
            checkedVillages += 1
            faces += pieces.count
        }
        #expect(checkedVillages > 140 && faces > checkedVillages * 3, "\(checkedVillages) villages, \(faces) faces")
    }

    @Test func linesLandmarksAndIncidentsMatchTheSeedArticle() throws {
        let rivers = try layer("rivers.geojson")
        #expect(rivers.features.contains { $0.string("name") == "大渡河" })
        #expect(try layer("ridges.geojson").features.count > 100)
        let streets = try layer("streets.geojson")
        #expect(streets.features.allSatisfy { ($0.string("name") ?? "").count >= 2 })
        #expect(Set(streets.features.compactMap { $0.string("kind") }).isSuperset(of: ["街", "巷", "乡道"]))
        let landmarks = try layer("landmarks.geojson")
        let committees = landmarks.features.filter { $0.string("kind") == "village_committee" }
        #expect(committees.count == 148)
        let incidents = try layer("incidents.geojson")
        var byType: [String: Int] = [:]
        for f in incidents.features { byType[f.string("type") ?? "", default: 0] += 1 }
        #expect(byType == ["problem": 3800, "dispute": 730, "errand": 1300, "department_matter": 780])
    }
}
