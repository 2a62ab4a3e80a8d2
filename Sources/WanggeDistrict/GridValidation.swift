import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry

/// One thing wrong with a grid file: whose it is (a grid code, a village code, or "feature N"
/// when a feature has no usable code), what is wrong, and where (WGS-84 longitude/latitude).
public struct GridProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// `code` missing, not a string, not 15 digits, or sequence 000.
        case badCode = "bad-code"
        /// The feature's string `id` differs from its `code`.
        case idMismatch = "id-mismatch"
        case duplicateCode = "duplicate-code"
        /// `village_code` missing or not 12 digits, or `township_code` missing or not 9 digits.
        case badVillageCode = "bad-village-code"
        /// The code's first 12 digits are not its `village_code`.
        case codeVillageMismatch = "code-village-mismatch"
        /// `village_code` names no village in villages.geojson.
        case unknownVillage = "unknown-village"
        /// `township_code` is not the township of the village.
        case townshipMismatch = "township-mismatch"
        /// `village` or `township` (names) differ from the boundaries.
        case nameMismatch = "name-mismatch"
        /// A numeric property (workload, households, …) that is not a finite number ≥ 0.
        case badNumber = "bad-number"
        /// No geometry, or not a Polygon / MultiPolygon.
        case badGeometry = "bad-geometry"
        case invalid
        case notOnePiece = "not-one-piece"
        case overlap
        /// Part of a village that no grid of that village covers.
        case gap
        /// Part of a grid outside its village (so also outside its township, or over a neighbour).
        case outsideVillage = "outside-village"
        /// A village of the boundaries that has no grid at all.
        case noGrid = "no-grid"
    }

    public var kind: Kind
    /// Grid code (or "feature N" without a usable one); the village code for gap and no-grid.
    public var subject: String
    /// Other codes involved: the second grid of an overlap, the village a grid sticks out of.
    public var others: [String]
    /// Area in m² for overlap, gap and outside-village; 0 otherwise.
    public var area: Double
    public var message: String
    /// WGS-84 (x = longitude, y = latitude).
    public var location: Coordinate?

    public init(kind: Kind, subject: String, others: [String] = [], area: Double = 0, message: String,
                location: Coordinate? = nil) {
        self.kind = kind
        self.subject = subject
        self.others = others
        self.area = area
        self.message = message
        self.location = location
    }

    /// `511111100201002: overlaps 511111100201003 by 152.3 m² at 103.55123, 29.40211`
    public var description: String {
        subject + ": " + message + (location.map { String(format: " at %.5f, %.5f", $0.x, $0.y) } ?? "")
    }
}

/// What `GridValidation` found.
public struct GridValidationReport: Sendable {
    /// Features in the grid file.
    public var grids: Int = 0
    /// Villages of the boundaries with at least one grid, and how many villages there are.
    public var villagesCovered: Int = 0
    public var villages: Int = 0
    /// Sum of the grid areas (m², metric CRS).
    public var areaM2: Double = 0
    /// In order: per-feature problems in file order, then duplicates, then per village (code order)
    /// overlaps, outside parts and gaps, then villages without a grid.
    public var problems: [GridProblem] = []

    public var passed: Bool { problems.isEmpty }

    /// One line: `204 grids in 148 of 148 villages/communities, 0 failures`.
    public var summary: String {
        "\(grids) grid\(grids == 1 ? "" : "s") in \(villagesCovered) of \(villages) villages/communities, " +
            "\(problems.count) failure\(problems.count == 1 ? "" : "s")"
    }
}

/// Validates a grid (网格) file against the district's villages: codes well-formed, unique and
/// consistent with `village_code` / `township_code`; each grid valid and in one piece; the grids
/// of each village tile it (no gap or overlap above `tolerance` m², nothing outside it), which
/// makes them nest in village and township and keeps grids of different villages apart; and every
/// village has a grid. Measured in `metricCRS`; locations are reported in WGS-84.
///
/// Lenient where QGIS edits are: extra properties, a "crs" member, a one-part MultiPolygon,
/// numbers written as strings, no `id`. Strict on codes: they must be JSON strings of digits.
public struct GridValidation {
    public var tolerance: Double
    public var metricCRS: CRS

    /// Properties that, when present, must be finite numbers ≥ 0 (or strings that parse as one).
    public static let numericProperties = ["workload", "households", "residents", "area_m2", "perimeter_m", "polsby_popper"]

    public init(tolerance: Double = 1, metricCRS: CRS = .shawanMetric) {
        self.tolerance = tolerance
        self.metricCRS = metricCRS
    }

    /// Reads `path` (GeoJSONError naming file, feature and line if it does not parse) and validates it.
    public func run(file path: String, boundaries: DistrictBoundaries) throws -> GridValidationReport {
        try run(GeoJSONReader().readFeatureCollection(contentsOf: path), boundaries: boundaries)
    }

    public func run(_ grids: FeatureCollection, boundaries: DistrictBoundaries) throws -> GridValidationReport {
        let toMetric = try CoordinateTransform(from: .wgs84, to: metricCRS)
        let toWGS84 = try CoordinateTransform(from: metricCRS, to: .wgs84)
        func wgs84(_ c: Coordinate?) -> Coordinate? { c.flatMap { try? toWGS84.transform($0) } }
        let context = GEOSContext()
        let coverage = CoverageCheck(tolerance: tolerance, context: context)
        let villagesByCode = Dictionary(boundaries.villages.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

        var report = GridValidationReport()
        report.grids = grids.features.count
        report.villages = boundaries.villages.count
        var problems: [GridProblem] = []

        // Per feature: codes, properties, geometry.
        struct Grid {
            var index: Int
            var code: String?
            var subject: String
            var village: Village?
            var metric: Geometry?
        }
        var parsed: [Grid] = []
        for (i, f) in grids.features.enumerated() {
            var g = Grid(index: i, code: nil, subject: "feature \(i)")
            func problem(_ kind: GridProblem.Kind, _ message: String) {
                problems.append(GridProblem(kind: kind, subject: g.subject, message: message))
            }
            // The code: `code` property, else a string id.
            let idString = f.id.flatMap { if case .string(let s) = $0 { s } else { nil } }
            switch f[property: "code"] {
            case .string(let s)?:
                if Self.isGridCode(s) {
                    g.code = s
                    g.subject = s
                } else {
                    g.subject = s.isEmpty ? g.subject : s
                    problem(.badCode, Self.isDigits(s, 15)
                        ? "code \"\(s)\" has sequence 000 (grids are numbered 001–999)"
                        : "code \"\(s)\" is not 15 digits (12-digit village code + sequence 001–999)")
                }
            case nil, .null?:
                if let idString, Self.isGridCode(idString) {
                    g.code = idString
                    g.subject = idString
                } else {
                    problem(.badCode, "no \"code\" property")
                }
            case let other?:
                problem(.badCode, "code is \(other.jsonText), expected a string of 15 digits")
            }
            if let idString, let code = g.code ?? f.string("code"), idString != code {
                problem(.idMismatch, "feature id \"\(idString)\" differs from code \"\(code)\"")
            }

            // Village and township.
            switch f[property: "village_code"] {
            case .string(let vc)? where Self.isDigits(vc, 12):
                if let code = g.code, !code.hasPrefix(vc) {
                    problem(.codeVillageMismatch, "code starts with \(code.prefix(12)) but village_code is \(vc)")
                }
                if let v = villagesByCode[vc] {
                    g.village = v
                    if let name = f.string("village"), name != v.name {
                        problem(.nameMismatch, "village is \"\(name)\" but \(vc) is \(v.name)")
                    }
                } else {
                    problem(.unknownVillage, "village_code \(vc) is not a village in villages.geojson")
                }
            case nil, .null?:
                problem(.badVillageCode, "no \"village_code\" property")
            case let other?:
                problem(.badVillageCode, "village_code is \(other.jsonText), expected a string of 12 digits")
            }
            switch f[property: "township_code"] {
            case .string(let tc)? where Self.isDigits(tc, 9):
                if let v = g.village {
                    if tc != v.townshipCode {
                        problem(.townshipMismatch,
                                "township_code is \(tc) but village \(v.code) \(v.name) is in \(v.townshipCode) \(v.township)")
                    } else if let name = f.string("township"), name != v.township {
                        problem(.nameMismatch, "township is \"\(name)\" but \(tc) is \(v.township)")
                    }
                }
            case nil, .null?:
                problem(.badVillageCode, "no \"township_code\" property")
            case let other?:
                problem(.badVillageCode, "township_code is \(other.jsonText), expected a string of 9 digits")
            }
            for key in Self.numericProperties {
                guard let value = f[property: key], value != .null else { continue }
                if Self.number(value) == nil {
                    problem(.badNumber, "\(key) is \(value.jsonText), expected a number ≥ 0")
                }
            }

            // Geometry.
            if let geometry = f.geometry, !geometry.polygons.isEmpty,
               geometry.typeName == "Polygon" || geometry.typeName == "MultiPolygon" {
                g.metric = try toMetric.transform(geometry)
            } else {
                problem(.badGeometry, f.geometry.map { "geometry is a \($0.typeName), expected a Polygon" } ?? "no geometry")
            }
            parsed.append(g)
        }

        // Duplicate codes (each extra use reported once, naming the features).
        var featuresByCode: [String: [Int]] = [:]
        for g in parsed { if let c = g.code { featuresByCode[c, default: []].append(g.index) } }
        let duplicated = Set(featuresByCode.filter { $0.value.count > 1 }.keys)
        for code in duplicated.sorted() {
            let indices = featuresByCode[code]!
            problems.append(GridProblem(kind: .duplicateCode, subject: code,
                                        message: "code is used by \(indices.count) features (" +
                                            indices.map { "feature \($0)" }.joined(separator: ", ") + ")"))
        }
        // Coverage ids: the code, made unique with the feature index where it is not.
        func memberID(_ g: Grid) -> String {
            g.code.map { duplicated.contains($0) ? "\($0) (feature \(g.index))" : $0 } ?? g.subject
        }

        // Validity and one piece, for every grid with a polygonal geometry.
        let members = parsed.compactMap { g in g.metric.map { CoverageMember(id: memberID(g), geometry: $0) } }
        var invalid: Set<String> = []
        for issue in try coverage.checkMembers(members) {
            let id = issue.ids.first ?? ""
            switch issue.kind {
            case .invalid:
                invalid.insert(id)
                problems.append(GridProblem(kind: .invalid, subject: id, message: "invalid geometry: \(issue.detail)",
                                            location: wgs84(issue.location)))
            case .notOnePiece:
                problems.append(GridProblem(kind: .notOnePiece, subject: id, message: "not in one piece: \(issue.detail)",
                                            location: wgs84(issue.location)))
            default:
                problems.append(GridProblem(kind: .badGeometry, subject: id, message: issue.detail))
            }
        }
        report.areaM2 = try members.reduce(0) { $0 + (try context.geometry(from: $1.geometry).area()) }

        // Tiling, village by village: the grids that name it in village_code.
        let toCheck = parsed.filter { $0.village != nil && $0.metric != nil && !$0.metric!.isEmpty }
        let byVillage = Dictionary(grouping: toCheck, by: { $0.village!.code })
        for village in boundaries.villages {
            guard let own = byVillage[village.code] else {
                problems.append(GridProblem(kind: .noGrid, subject: village.code,
                                            message: "\(village.township) \(village.name) has no grid"))
                continue
            }
            report.villagesCovered += 1
            let parent = CoverageMember(id: village.code, geometry: try toMetric.transform(village.geometry))
            // An invalid grid is measured as GEOS repairs it, so the overlay stays defined and its
            // effect on the tiling is still reported (its invalidity already is, above).
            let kids = try own.map { g -> CoverageMember in
                let id = memberID(g)
                guard invalid.contains(id) else { return CoverageMember(id: id, geometry: g.metric!) }
                return CoverageMember(id: id, geometry: try context.geometry(from: g.metric!).makeValid().geometry.value())
            }
            for issue in try coverage.overlaps(kids) + coverage.gapsAndOutside(parent: parent, members: kids) {
                let at = wgs84(issue.location)
                switch issue.kind {
                case .overlap:
                    problems.append(GridProblem(kind: .overlap, subject: issue.ids[0], others: [issue.ids[1]], area: issue.area,
                                                message: String(format: "overlaps %@ by %.1f m²", issue.ids[1], issue.area),
                                                location: at))
                case .outsideParent:
                    problems.append(GridProblem(kind: .outsideVillage, subject: issue.ids[0], others: [village.code],
                                                area: issue.area,
                                                message: String(format: "%.1f m² lies outside its village %@ %@",
                                                                issue.area, village.code, village.name),
                                                location: at))
                case .gap:
                    problems.append(GridProblem(kind: .gap, subject: village.code, area: issue.area,
                                                message: String(format: "gap of %.1f m² in %@ covered by none of its grids",
                                                                issue.area, village.name),
                                                location: at))
                default:
                    problems.append(GridProblem(kind: .badGeometry, subject: issue.ids.first ?? village.code,
                                                message: issue.detail, location: at))
                }
            }
        }
        report.problems = problems
        return report
    }

    /// 15 ASCII digits whose last three (the sequence) are not 000.
    public static func isGridCode(_ s: String) -> Bool {
        isDigits(s, 15) && !s.hasSuffix("000")
    }

    static func isDigits(_ s: String, _ n: Int) -> Bool {
        s.utf8.count == n && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// A finite number ≥ 0, given as a JSON number or a string holding one (QGIS text fields).
    static func number(_ v: JSONValue) -> Double? {
        let d: Double?
        switch v {
        case .number(let n): d = n.value
        case .string(let s): d = Double(s.trimmingCharacters(in: .whitespaces))
        default: d = nil
        }
        guard let d, d.isFinite, d >= 0 else { return nil }
        return d
    }
}
