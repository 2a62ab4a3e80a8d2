import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeometry

/// What the generator needs to know of one district beyond its real outline and names: who it is,
/// the synthetic layout's fixed choices (the trunk river's course, the township seats, the core's
/// institutions, the special areas) and the few sentences of PROVENANCE.md that only a person can
/// write. Read from `SOURCE/layout.json`, so a second district needs a file, not code. Positions
/// are WGS-84 lon/lat, chosen to be plausible; they are not survey data.
struct DistrictSpec: Decodable {
    /// Short Latin name for file names: `<slug>.svg` (the picture), `<slug>-tm` (the metric CRS's name).
    let slug: String
    /// The district's 6-digit administrative code (the real one) and names.
    let code: String
    let name: String
    let parent: String
    let province: String
    /// The plan's grid count (district.geojson's `grids`, the roster's grid workers).
    let grids: Int
    /// The metric CRS as a PROJ string; a local transverse Mercator around the outline when absent.
    let metricCRS: String?
    /// How the metric CRS is summed up in PROVENANCE.md (the PROJ string when absent).
    let metricCRSSummary: String?
    let targetAddresses: Int
    /// The seed article's case counts are Shawan's; other districts scale them (1 when absent).
    let incidentScale: Double?
    let trunkRiver: TrunkRiver
    /// Township seats in code order within each kind: the district seat first.
    let seats: [Seat]
    /// District institutions placed around one township's seat.
    let core: Core?
    let areas: [Area]
    /// Stems of invented street names, in the local style.
    let streetStems: [String]
    let provenance: ProvenanceText

    struct TrunkRiver: Decodable {
        let name: String
        /// Its name in PROVENANCE.md ("Dadu River") and short ("Dadu"), and the picture's layer id.
        let english: String
        let englishShort: String
        let layerID: String
        let drainageKm2: Double
        /// River surface at the upstream and downstream ends of the course, metres above sea level.
        let headElevation: Double
        let mouthElevation: Double
        /// Its course, beyond the district at both ends so it enters and leaves it.
        let course: [[Double]]
        /// One phrase on how the course is placed ("south-west → north-east through the urban core").
        let placement: String
    }

    struct Seat: Decodable {
        let township: String
        let lon: Double
        let lat: Double
        /// Relative land area of the township (rural mountain townships are large).
        let areaWeight: Double
        /// Radius of the built-up area around the seat, metres.
        let townRadius: Double

        var position: Coordinate { Coordinate(lon, lat) }
    }

    struct Core: Decodable {
        let township: String
        /// Name and kind (hospital, government, school, heritage, park, transport, market).
        let places: [[String]]
    }

    struct Area: Decodable {
        let name: String
        /// industrial_park or scenic_area.
        let kind: String
        let township: String
        /// Centre from the township's seat, metres east and north.
        let offset: [Double]
        /// Across, metres.
        let size: Double
        let parts: [String]
    }

    struct ProvenanceText: Decodable {
        /// How the neighbours' file is described ("Leshan's other ten county-level divisions").
        let neighbours: String
        /// What the address figures are compared with.
        let population: String
        /// Where the team's totals come from ("the seed article (a team of 2,200+, 204 grid workers)").
        let team: String
    }

    /// `四川省乐山市沙湾区`: what a full address starts with.
    var addressPrefix: String { province + parent + name }
    var fullName: String { parent + name }
    var metricCRSName: String { slug + "-tm" }

    static func load(_ url: URL) throws -> DistrictSpec {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GeneratorError.badInput("\(url.path): cannot read the district's layout")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in SnakeCaseKey(path.last!.stringValue) }
        let spec: DistrictSpec
        do { spec = try decoder.decode(DistrictSpec.self, from: data) } catch {
            throw GeneratorError.badInput("\(url.path): \(error)")
        }
        guard spec.trunkRiver.course.count >= 2, spec.trunkRiver.course.allSatisfy({ $0.count == 2 }) else {
            throw GeneratorError.badInput("\(url.path): trunk_river.course needs two or more [lon, lat] points")
        }
        guard spec.areas.allSatisfy({ $0.offset.count == 2 }), spec.core?.places.allSatisfy({ $0.count == 2 }) ?? true else {
            throw GeneratorError.badInput("\(url.path): an area offset is [east, north] metres and a core place [name, kind]")
        }
        guard !spec.seats.isEmpty, spec.streetStems.count >= 20 else {
            throw GeneratorError.badInput("\(url.path): give the township seats and at least 20 street stems")
        }
        return spec
    }

    var riverCourse: [Coordinate] { trunkRiver.course.map { Coordinate($0[0], $0[1]) } }

    /// The metric CRS: as given, or centred on the outline as the tool derives one for a district
    /// without `metric_crs`.
    func metricCRS(outline: Polygon) throws -> CRS {
        if let s = metricCRS { return .proj(s) }
        return try DistrictProfile.derivedMetricCRS(.polygon(outline))
    }
}

/// `metric_crs` → `metricCRS`, `layer_id` → `layerID`: snake case to Swift's names, acronyms in capitals
/// (Foundation's `.convertFromSnakeCase` would give `metricCrs`).
struct SnakeCaseKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ snake: String) {
        let words = snake.split(separator: "_").map(String.init)
        let acronyms = ["crs": "CRS", "id": "ID"]
        stringValue = words.enumerated().map { k, w in
            k == 0 ? w : acronyms[w] ?? w.prefix(1).uppercased() + w.dropFirst()
        }.joined()
    }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { nil }
}
