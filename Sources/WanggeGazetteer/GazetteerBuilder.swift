import Foundation
import WanggeIO
import WanggeGeometry
import WanggeAssign
import WanggeGeoJSON
import WanggeDistrict
import WanggeStore

/// Builds a `Gazetteer` from a boundaries directory (townships, villages, streets, landmarks,
/// addresses/*.csv) and, optionally, a grid file (`wangge partition`'s out/grids.geojson), whose
/// polygons give every point its grid.
public enum GazetteerBuilder {
    /// Former names. The bundled data has no real ones, so these are invented to exercise the
    /// path, and say so in the alias table's note column.
    public static let formerNames: [(alias: String, township: String, village: String?, note: String)] = [
        ("新华村", "福禄镇", "雷店村", "invented for testing: synthetic former name, not a real record"),
        ("福禄乡", "福禄镇", nil, "illustrative: name before the 乡 became a 镇; not verified"),
        ("铜河乡", "铜茨乡", nil, "invented for testing: synthetic former name, not a real record"),
    ]

    /// Bumped whenever what the matcher reads from a gazetteer changes (2: the district's parents;
    /// 3: grid workers).
    public static let schemaVersion = "3"

    public static func build(boundaries dir: String, grids gridsPath: String?, validateGrids: Bool = true) throws -> Gazetteer {
        let district = try DistrictBoundaries.load(directory: dir)
        func path(_ n: String) -> String { (dir as NSString).appendingPathComponent(n) }
        // Points get their grid by the one rule every command uses (`GridLocator`). The grid file's
        // stamp (below) comes from the bytes read: a pipe (<(cat f), /dev/stdin) is empty after.
        var gridsStamp: String?
        let gridFile = try gridsPath.map { path -> FeatureCollection in
            guard let bytes = try Self.bytesOfPipe(path) else {
                let collection = try GridFile.load(path, boundaries: district, validate: validateGrids)
                gridsStamp = try FNV1a.stamp(ofFile: path)
                return collection
            }
            gridsStamp = FNV1a.stamp(of: bytes)
            let collection = try GeoJSONReader().readFeatureCollection(Data(bytes), fileName: path)
            if validateGrids { try GridFile.requireValid(collection, path: path, boundaries: district) }
            return collection
        }
        let locator = try gridFile.map { try GridLocator(GridSet(collection: $0, metricCRS: district.profile.metricCRS)) }
        let grids = GridLookup(locator: locator)

        var g = Gazetteer()
        g.districtCode = district.code
        g.districtName = district.name
        // Landmarks first: committees and township governments give villages and townships their
        // points (found in file order, so the first of two wins).
        let landmarks = try readLandmarks(path("landmarks.geojson"), grids)
        g.landmarks = (landmarks + (try readAreas(path("areas.geojson"), grids))).sorted { $0.id < $1.id }
        g.villages = villageRows(district, landmarks: landmarks, grids)
        g.townships = townshipRows(district, landmarks: landmarks, grids)
        g.houses = try readAllHouses(directory: path("addresses"), grids)
        g.groups = groupRows(houses: g.houses, grids)
        g.streets = try streetRows(path("streets.geojson"), district: district, houses: g.houses, grids)
        g.aliases = aliases(district: district)
        g.outsidePlaces = try readNeighbours(path("neighbours.tsv"))
        g.gridWorkers = gridFile.map { file in
            GridWorker.byGrid(file).sorted { $0.key < $1.key }.map { GridWorkerRow(grid: $0.key, name: $0.value.name, phone: $0.value.phone, workerId: $0.value.id) }
        } ?? []
        g.meta = [
            MetaRow(key: "district_code", value: district.code),
            MetaRow(key: "district_name", value: district.name),
            MetaRow(key: "parents", value: district.profile.parents.joined(separator: "/")),
            MetaRow(key: "grids", value: locator == nil ? "none" : "\(locator!.grids.count)"),
            MetaRow(key: "schema", value: schemaVersion),
        ]
        // The grid file the points' grids come from, by content, so that geocode can tell when
        // the grids were redrawn since (`GazetteerFreshness`).
        if let gridsPath {
            g.meta += [MetaRow(key: "grids_path", value: gridsPath),
                       MetaRow(key: "grids_stamp", value: gridsStamp ?? "")]
        }
        return g
    }

    /// Everything `path` holds when it is a pipe or a device (read once, here); nil for a regular
    /// file, which is read where it is.
    static func bytesOfPipe(_ path: String) throws -> [UInt8]? {
        var info = stat()
        // Missing or a regular file: the loader reads it (and names what is wrong).
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG else { return nil }
        return try InputFile.read(path)
    }

    /// The grid of a point (none without a grid file), by the rule every command uses.
    struct GridLookup {
        let locator: GridLocator?
        func grid(_ c: Coordinate, _ village: String?) -> String? {
            locator?.grid(at: c, village: village).map { locator!.grids[$0].code }
        }
        func villageCode(at c: Coordinate) -> String? { locator?.villageCode(at: c) }
    }

    /// landmarks.geojson (optional), in file order: Points with a name and a village_code.
    static func readLandmarks(_ file: String, _ grids: GridLookup) throws -> [LandmarkRow] {
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        var landmarks: [LandmarkRow] = []
        for (i, f) in try GeoJSONReader().readFeatureCollection(contentsOf: file).features.enumerated() {
            guard case .point(let p)? = f.geometry, let name = f.string("name"), let vc = f.string("village_code") else {
                throw GazetteerError("\(file): feature \(i): expected a Point with name and village_code")
            }
            landmarks.append(LandmarkRow(id: f.id?.text ?? String(format: "L%04d", i + 1), name: name,
                                         kind: f.string("kind") ?? "", villageCode: vc, lon: p.x, lat: p.y, grid: grids.grid(p, vc)))
        }
        return landmarks
    }

    /// areas.geojson (optional): parks, scenic areas and their attractions, industrial parks and their
    /// enterprises, as landmarks at a point inside each polygon (ids A001 … in file order). A generic
    /// facility's name (观景台, 游客中心) is kept only with the area's name before it (美女峰森林公园观景台,
    /// 美女峰观景台): alone it names a kind of place, not one place.
    static func readAreas(_ file: String, _ grids: GridLookup) throws -> [LandmarkRow] {
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        let ctx = GEOSContext()
        var out: [LandmarkRow] = []
        for (i, f) in try GeoJSONReader().readFeatureCollection(contentsOf: file).features.enumerated() {
            guard let geometry = f.geometry, !geometry.polygons.isEmpty, let name = f.string("name"), let vc = f.string("village_code") else {
                throw GazetteerError("\(file): feature \(i): expected a (Multi)Polygon with name and village_code")
            }
            let inside: Coordinate?
            do { inside = try ctx.geometry(from: geometry).pointOnSurface().pointCoordinate() } catch {
                throw GazetteerError("\(file): feature \(i) (\(name)): no point inside the polygon: \(error)")
            }
            guard let p = inside else { throw GazetteerError("\(file): feature \(i) (\(name)): the polygon is empty") }
            let kind = f.string("kind") ?? "area"
            var names = [name]
            if let parent = f.string("parent"), Self.genericFacilities.contains(name) {
                let stem = areaStem(parent)
                names = [parent + name] + (stem.count >= 2 && stem != parent ? [stem + name] : [])
            }
            for (k, n) in names.enumerated() {
                out.append(LandmarkRow(id: String(format: "A%03d", i + 1) + (k == 0 ? "" : "-\(k)"), name: n, kind: kind,
                                       villageCode: vc, lon: p.x, lat: p.y, grid: grids.grid(p, vc)))
            }
        }
        return out
    }

    /// Names of facilities every park or estate has: alone they name a kind of place, not one place.
    static let genericFacilities: Set<String> = [
        "游客中心", "游客服务中心", "游客服务区", "观景台", "森林步道", "文化老街", "园区管委会", "管委会", "停车场", "售票处", "广场",
    ]

    /// An area's name without its kind (美女峰森林公园 → 美女峰, 沫若故居景区 → 沫若故居, 嘉农工业园区 → 嘉农).
    static func areaStem(_ name: String) -> String {
        shortName(name, suffixes: ["森林公园", "工业园区", "景区", "公园", "园区"])
    }

    /// neighbours.tsv (optional; county, township, village with a header): the places of the
    /// neighbouring counties, and each county itself.
    static func readNeighbours(_ file: String) throws -> [OutsidePlaceRow] {
        guard FileManager.default.fileExists(atPath: file) else { return [] }
        guard let data = FileManager.default.contents(atPath: file) else { throw GazetteerError("\(file): cannot read file") }
        var rows: Set<OutsidePlaceRow> = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() where n > 0 {
            let cols = line.hasSuffix("\r") ? line.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
                                            : line.split(separator: "\t", omittingEmptySubsequences: false)
            if cols.count == 1 && cols[0].isEmpty { continue }
            guard cols.count == 3, !cols[0].isEmpty, !cols[1].isEmpty else {
                throw GazetteerError("\(file): line \(n + 1): expected county, township, village separated by tabs")
            }
            let county = String(cols[0])
            rows.insert(OutsidePlaceRow(name: county, division: county, level: .county))
            rows.insert(OutsidePlaceRow(name: String(cols[1]), division: county, level: .township))
            if !cols[2].isEmpty { rows.insert(OutsidePlaceRow(name: String(cols[2]), division: county, level: .village)) }
        }
        return rows.sorted { ($0.name, $0.division, $0.level) < ($1.name, $1.division, $1.level) }
    }

    /// Villages at their committee's landmark, else at the centroid of their largest part.
    static func villageRows(_ district: DistrictBoundaries, landmarks: [LandmarkRow], _ grids: GridLookup) -> [VillageRow] {
        let committee = Dictionary(landmarks.filter { $0.kind == "village_committee" }.map { ($0.villageCode, $0) },
                                   uniquingKeysWith: { a, _ in a })
        return district.villages.map { v in
            let p = committee[v.code].map { Coordinate($0.lon, $0.lat) } ?? centroid(v.geometry)
            return VillageRow(code: v.code, name: v.name, townshipCode: v.townshipCode, kind: v.kind.rawValue,
                              lon: p.x, lat: p.y, grid: grids.grid(p, v.code))
        }
    }

    /// Townships at their government's landmark (…人民政府), else at the centroid of their largest part.
    static func townshipRows(_ district: DistrictBoundaries, landmarks: [LandmarkRow], _ grids: GridLookup) -> [TownshipRow] {
        district.townships.map { t in
            let gov = landmarks.first { $0.kind == "government" && $0.name == t.name + "人民政府" }
            let p = gov.map { Coordinate($0.lon, $0.lat) } ?? centroid(t.geometry)
            return TownshipRow(code: t.code, name: t.name, kind: t.kind, lon: p.x, lat: p.y,
                               grid: grids.grid(p, gov?.villageCode))
        }
    }

    /// Every addresses/*.csv (optional directory, files in name order), each house given its grid, by id.
    static func readAllHouses(directory addressDir: String, _ grids: GridLookup) throws -> [HouseRow] {
        var houses: [HouseRow] = []
        if FileManager.default.fileExists(atPath: addressDir) {
            for file in try FileManager.default.contentsOfDirectory(atPath: addressDir).filter({ $0.hasSuffix(".csv") }).sorted() {
                houses += try readHouses((addressDir as NSString).appendingPathComponent(file))
            }
        }
        for i in houses.indices {
            houses[i].grid = grids.grid(Coordinate(houses[i].lon, houses[i].lat), houses[i].villageCode)
        }
        return houses.sorted { $0.id < $1.id }
    }

    /// Villager groups, at the house nearest the mean of the group's houses (so inside the village).
    static func groupRows(houses: [HouseRow], _ grids: GridLookup) -> [GroupRow] {
        var byGroup: [String: [Int]] = [:]
        for (i, h) in houses.enumerated() { if let n = h.groupNumber { byGroup["\(h.villageCode)#\(n)", default: []].append(i) } }
        var groups: [GroupRow] = []
        for key in byGroup.keys.sorted() {
            let idx = byGroup[key]!
            let h0 = houses[idx[0]]
            let m = medoid(idx.map { Coordinate(houses[$0].lon, houses[$0].lat) })
            groups.append(GroupRow(villageCode: h0.villageCode, number: h0.groupNumber!, houses: idx.count,
                                   lon: m.x, lat: m.y, grid: grids.grid(m, h0.villageCode)))
        }
        return groups.sorted { ($0.villageCode, $0.number) < ($1.villageCode, $1.number) }
    }

    /// Streets: streets.geojson features merged by (town, name), plus any street only the addresses name.
    static func streetRows(_ file: String, district: DistrictBoundaries, houses: [HouseRow], _ grids: GridLookup) throws -> [StreetRow] {
        let lines = try streetLines(file, district: district)
        let locator = try VillageLocator(district)
        var byStreet: [String: [Int]] = [:]
        for (i, h) in houses.enumerated() { if let s = h.street { byStreet["\(h.townshipCode)#\(s)", default: []].append(i) } }
        var streets: [StreetRow] = []
        for key in Set(lines.keys).union(byStreet.keys).sorted() {
            let parts = key.split(separator: "#", maxSplits: 1).map(String.init)
            var township = parts[0]
            let idx = byStreet[key] ?? []
            let p: Coordinate
            var village: String?
            if !idx.isEmpty {
                // Where its houses are: the house nearest their mean, in the village most of them are in.
                p = medoid(idx.map { Coordinate(houses[$0].lon, houses[$0].lat) })
                var count: [String: Int] = [:]
                for i in idx { count[houses[i].villageCode, default: 0] += 1 }
                village = count.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key
            } else {
                // No houses: the line's middle vertex, in the village (and township) it lies in. A
                // line filed under another town (streets.geojson's `town`) is filed where it lies,
                // unless that town has the street already.
                let l = lines[key] ?? []
                guard !l.isEmpty else { continue }
                p = l[l.count / 2]
                if let v = try locator.village(at: p) {
                    village = v.code
                    if v.townshipCode != parts[0] {
                        guard byStreet["\(v.townshipCode)#\(parts[1])"] == nil, lines["\(v.townshipCode)#\(parts[1])"] == nil else { continue }
                        township = v.townshipCode
                    }
                }
            }
            streets.append(StreetRow(name: parts[1], townshipCode: township, villageCode: village, houses: idx.count,
                                     lon: p.x, lat: p.y, grid: grids.grid(p, village)))
        }
        return streets.sorted { ($0.townshipCode, $0.name) < ($1.townshipCode, $1.name) }
    }

    /// The village polygon holding a point (GEOS prepared geometries, one per village).
    final class VillageLocator {
        let villages: [(code: String, townshipCode: String, shape: PreparedGeometry, box: Envelope)]
        init(_ district: DistrictBoundaries) throws {
            let ctx = GEOSContext()
            villages = try district.villages.compactMap { v in
                guard let box = v.geometry.envelope else { return nil }
                return (v.code, v.townshipCode, try PreparedGeometry(ctx.geometry(from: v.geometry)), box)
            }
        }
        func village(at p: Coordinate) throws -> (code: String, townshipCode: String)? {
            for v in villages where v.box.contains(p) { if try v.shape.covers(p) { return (v.code, v.townshipCode) } }
            return nil
        }
    }

    /// streets.geojson (optional): "township code#name" → the first feature's vertices of that name in that town.
    static func streetLines(_ file: String, district: DistrictBoundaries) throws -> [String: [Coordinate]] {
        let townshipByName = Dictionary(district.townships.map { ($0.name, $0.code) }, uniquingKeysWith: { a, _ in a })
        var lines: [String: [Coordinate]] = [:]
        guard FileManager.default.fileExists(atPath: file) else { return lines }
        for f in try GeoJSONReader().readFeatureCollection(contentsOf: file).features {
            guard let name = f.string("name"), let town = f.string("town"), let tc = townshipByName[town] else { continue }
            var coords: [Coordinate] = []
            switch f.geometry {
            case .lineString(let l)?: coords = l
            case .multiLineString(let ls)?: coords = ls.flatMap { $0 }
            default: break
            }
            if lines["\(tc)#\(name)"] == nil { lines["\(tc)#\(name)"] = coords }
        }
        return lines
    }

    static func shortName(_ name: String, suffixes: [String]) -> String {
        for s in suffixes where name.hasSuffix(s) && name.count > s.count { return String(name.dropLast(s.count)) }
        return name
    }
    public static func townshipShort(_ n: String) -> String { shortName(n, suffixes: ["街道", "镇", "乡"]) }
    /// 沙湾 for 沙湾区: what callers write for the district.
    public static func districtShort(_ n: String) -> String { shortName(n, suffixes: ["区", "县", "市"]) }
    public static func villageShort(_ n: String) -> String { shortName(n, suffixes: ["社区", "村"]) }

    static func aliases(district: DistrictBoundaries) -> [AliasRow] {
        var out: [AliasRow] = []
        let dShort = districtShort(district.name)
        out.append(AliasRow(alias: dShort, targetKind: .district, targetCode: district.code, aliasKind: .district, note: nil))
        for t in district.townships {
            out.append(AliasRow(alias: townshipShort(t.name), targetKind: .township, targetCode: t.code, aliasKind: .short, note: nil))
        }
        for v in district.villages {
            let s = villageShort(v.name)
            guard s.count >= 2 else { continue }  // 杨村 → 杨 would match any 杨
            let sameTownship = district.villages.filter { $0.townshipCode == v.townshipCode && $0.code != v.code && villageShort($0.name) == s }
            let township = district.townships.first { $0.code == v.townshipCode }!
            var note: String?
            if !sameTownship.isEmpty { note = "shared within its township with " + sameTownship.map(\.name).joined(separator: ", ") }
            else if townshipShort(township.name) == s { note = "also the short name of its township \(township.name)" }
            out.append(AliasRow(alias: s, targetKind: .village, targetCode: v.code,
                                aliasKind: note == nil ? .short : .shortShared, note: note))
        }
        for f in formerNames {
            guard let t = district.townships.first(where: { $0.name == f.township }) else { continue }
            if let vn = f.village {
                guard let v = district.villages.first(where: { $0.townshipCode == t.code && $0.name == vn }) else { continue }
                out.append(AliasRow(alias: f.alias, targetKind: .village, targetCode: v.code, aliasKind: .former, note: f.note))
            } else {
                out.append(AliasRow(alias: f.alias, targetKind: .township, targetCode: t.code, aliasKind: .former, note: f.note))
            }
        }
        return out.sorted { ($0.alias, $0.targetKind, $0.targetCode) < ($1.alias, $1.targetKind, $1.targetCode) }
    }

    static func readHouses(_ file: String) throws -> [HouseRow] {
        guard let data = FileManager.default.contents(atPath: file) else { throw GazetteerError("\(file): cannot read file") }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { return [] }
        let cols = Dictionary(header.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { (String($1), $0) },
                              uniquingKeysWith: { a, _ in a })
        for c in ["id", "lon", "lat", "township_code", "village_code", "number"] where cols[c] == nil {
            throw GazetteerError("\(file): line 1: the header has no \"\(c)\" column")
        }
        var out: [HouseRow] = []
        var lineNo = 1
        while let line = lines.next() {
            lineNo += 1
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func v(_ c: String) -> String { cols[c].flatMap { $0 < f.count ? f[$0] : nil } ?? "" }
            guard let lon = Double(v("lon")), let lat = Double(v("lat")), let number = Int(v("number")) else {
                throw GazetteerError("\(file): line \(lineNo): bad lon/lat/number")
            }
            let street = v("street")
            out.append(HouseRow(id: v("id"), villageCode: v("village_code"), townshipCode: v("township_code"),
                                street: street.isEmpty ? nil : street, groupNumber: Int(v("group")), number: number,
                                lon: lon, lat: lat, grid: nil))
        }
        return out
    }

    /// The point of `points` nearest their mean (a real house, so inside its village).
    static func medoid(_ points: [Coordinate]) -> Coordinate {
        let mx = points.reduce(0) { $0 + $1.x } / Double(points.count)
        let my = points.reduce(0) { $0 + $1.y } / Double(points.count)
        return points.min { ($0.x - mx) * ($0.x - mx) + ($0.y - my) * ($0.y - my) < ($1.x - mx) * ($1.x - mx) + ($1.y - my) * ($1.y - my) }!
    }

    /// Area centroid of the largest polygon's exterior.
    static func centroid(_ g: Geometry) -> Coordinate {
        let ring = g.polygons.max { abs(Ring.signedArea($0.exterior)) < abs(Ring.signedArea($1.exterior)) }?.exterior ?? []
        var a = 0.0, cx = 0.0, cy = 0.0
        for i in 0..<max(0, ring.count - 1) {
            let p = ring[i], q = ring[i + 1]
            let c = p.x * q.y - q.x * p.y
            a += c; cx += (p.x + q.x) * c; cy += (p.y + q.y) * c
        }
        if a == 0 { return ring.first ?? Coordinate(0, 0) }
        return Coordinate(cx / (3 * a), cy / (3 * a))
    }
}

