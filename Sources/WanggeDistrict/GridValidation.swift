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
    /// nil: the district's own (`DistrictProfile.metricCRS`).
    public var metricCRS: CRS?

    /// Properties that, when present, must be finite numbers ≥ 0 (or strings that parse as one).
    public static let numericProperties = ["workload", "households", "residents", "area_m2", "perimeter_m", "polsby_popper"]

    public init(tolerance: Double = 1, metricCRS: CRS? = nil) {
        self.tolerance = tolerance
        self.metricCRS = metricCRS
    }

    /// Reads `path` (GeoJSONError naming file, feature and line if it does not parse) and validates it.
    public func run(file path: String, boundaries: DistrictBoundaries) throws -> GridValidationReport {
        try run(GeoJSONReader().readFeatureCollection(contentsOf: path), boundaries: boundaries)
    }

    /// Checks in the order the report lists them: each feature on its own, duplicate codes, validity
    /// and one piece, then the tiling of each village (and villages with no grid).
    /// - Parameter only: check only these villages' tiling (an edit of one village: the grids
    ///   given are that village's); nil checks every village of the district.
    public func run(_ grids: FeatureCollection, boundaries: DistrictBoundaries, villages only: Set<String>? = nil) throws -> GridValidationReport {
        let geo = try Measuring(metricCRS: metricCRS ?? boundaries.profile.metricCRS, tolerance: tolerance)
        let villagesByCode = Dictionary(boundaries.villages.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

        var report = GridValidationReport()
        report.grids = grids.features.count
        report.villages = only?.count ?? boundaries.villages.count
        var problems: [GridProblem] = []

        var parsed: [ParsedGrid] = []
        for (i, f) in grids.features.enumerated() {
            var check = FeatureCheck(index: i)
            try check.run(f, villagesByCode: villagesByCode, toMetric: geo.toMetric)
            problems += check.problems
            parsed.append(check.grid)
        }
        let duplicated = Self.duplicateCodes(parsed, &problems)
        // Coverage ids: the code, made unique with the feature index where it is not.
        func memberID(_ g: ParsedGrid) -> String {
            g.code.map { duplicated.contains($0) ? "\($0) (feature \(g.index))" : $0 } ?? g.subject
        }
        let members = parsed.compactMap { g in g.metric.map { CoverageMember(id: memberID(g), geometry: $0) } }
        let invalid = try Self.checkValidity(members, geo, &problems)
        report.areaM2 = try members.reduce(0) { $0 + (try geo.context.geometry(from: $1.geometry).area()) }

        // Tiling, village by village (code order of the boundaries): the grids that name it in village_code.
        let toCheck = parsed.filter { $0.village != nil && $0.metric != nil && !$0.metric!.isEmpty }
        let byVillage = Dictionary(grouping: toCheck, by: { $0.village!.code })
        for village in boundaries.villages where only?.contains(village.code) ?? true {
            guard let own = byVillage[village.code] else {
                problems.append(GridProblem(kind: .noGrid, subject: village.code,
                                            message: "\(village.township) \(village.name) has no grid"))
                continue
            }
            report.villagesCovered += 1
            let kids = try own.map { g in try Self.measuredMember(g, id: memberID(g), invalid: invalid, geo) }
            problems += try Self.tilingProblems(of: village, grids: kids, geo)
        }
        report.problems = problems
        return report
    }

    /// Codes used by more than one feature, each reported once naming its features.
    private static func duplicateCodes(_ parsed: [ParsedGrid], _ problems: inout [GridProblem]) -> Set<String> {
        var featuresByCode: [String: [Int]] = [:]
        for g in parsed { if let c = g.code { featuresByCode[c, default: []].append(g.index) } }
        let duplicated = Set(featuresByCode.filter { $0.value.count > 1 }.keys)
        for code in duplicated.sorted() {
            let indices = featuresByCode[code]!
            problems.append(GridProblem(kind: .duplicateCode, subject: code,
                                        message: "code is used by \(indices.count) features (" +
                                            indices.map { "feature \($0)" }.joined(separator: ", ") + ")"))
        }
        return duplicated
    }

    /// Validity and one piece, for every grid with a polygonal geometry; returns the invalid grids' ids.
    private static func checkValidity(_ members: [CoverageMember], _ geo: Measuring,
                                      _ problems: inout [GridProblem]) throws -> Set<String> {
        var invalid: Set<String> = []
        for issue in try geo.coverage.checkMembers(members) {
            let id = issue.ids.first ?? ""
            switch issue.kind {
            case .invalid:
                invalid.insert(id)
                problems.append(GridProblem(kind: .invalid, subject: id, message: "invalid geometry: \(issue.detail)",
                                            location: geo.wgs84(issue.location)))
            case .notOnePiece:
                problems.append(GridProblem(kind: .notOnePiece, subject: id, message: "not in one piece: \(issue.detail)",
                                            location: geo.wgs84(issue.location)))
            default:
                problems.append(GridProblem(kind: .badGeometry, subject: id, message: issue.detail))
            }
        }
        return invalid
    }

    /// A grid as the tiling check measures it. An invalid grid is measured as GEOS repairs it, so the
    /// overlay stays defined and its effect on the tiling is still reported (its invalidity already is).
    private static func measuredMember(_ g: ParsedGrid, id: String, invalid: Set<String>, _ geo: Measuring) throws -> CoverageMember {
        guard invalid.contains(id) else { return CoverageMember(id: id, geometry: g.metric!) }
        return CoverageMember(id: id, geometry: try geo.context.geometry(from: g.metric!).makeValid().geometry.value())
    }

    /// Overlaps between a village's grids, then their parts outside it and its parts none of them covers.
    private static func tilingProblems(of village: Village, grids kids: [CoverageMember], _ geo: Measuring) throws -> [GridProblem] {
        let parent = CoverageMember(id: village.code, geometry: try geo.toMetric.transform(village.geometry))
        // The kids are valid here (invalid grids are measured as GEOS repairs them).
        let issues = try GeometryCheckFailure.naming("village \(village.code) \(village.name) and its grids", toWGS84: geo.toWGS84) {
            try geo.coverage.tilingIssues(parent: parent, members: kids)
        }
        return issues.map { issue in
            let at = geo.wgs84(issue.location)
            switch issue.kind {
            case .overlap:
                return GridProblem(kind: .overlap, subject: issue.ids[0], others: [issue.ids[1]], area: issue.area,
                                   message: String(format: "overlaps %@ by %.1f m²", issue.ids[1], issue.area),
                                   location: at)
            case .outsideParent:
                return GridProblem(kind: .outsideVillage, subject: issue.ids[0], others: [village.code],
                                   area: issue.area,
                                   message: String(format: "%.1f m² lies outside its village %@ %@",
                                                   issue.area, village.code, village.name),
                                   location: at)
            case .gap:
                return GridProblem(kind: .gap, subject: village.code, area: issue.area,
                                   message: String(format: "gap of %.1f m² in %@ covered by none of its grids",
                                                   issue.area, village.name),
                                   location: at)
            default:
                return GridProblem(kind: .badGeometry, subject: issue.ids.first ?? village.code,
                                   message: issue.detail, location: at)
            }
        }
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

/// What the geometric checks share: the metric and WGS-84 transforms and one GEOS context.
private struct Measuring {
    let toMetric: CoordinateTransform
    let toWGS84: CoordinateTransform
    let context: GEOSContext
    let coverage: CoverageCheck

    init(metricCRS: CRS, tolerance: Double) throws {
        toMetric = try CoordinateTransform(from: .wgs84, to: metricCRS)
        toWGS84 = try CoordinateTransform(from: metricCRS, to: .wgs84)
        context = GEOSContext()
        coverage = CoverageCheck(tolerance: tolerance, context: context)
    }

    /// Problem locations are reported in WGS-84 (none when the point does not transform).
    func wgs84(_ c: Coordinate?) -> Coordinate? { c.flatMap { try? toWGS84.transform($0) } }
}

/// One feature as read: its code when usable, the name problems go under, its village, its metric geometry.
private struct ParsedGrid {
    var index: Int
    var code: String?
    /// The code, else the code as written when not empty, else "feature N".
    var subject: String
    var village: Village?
    var metric: Geometry?
}

/// The checks of one feature on its own (codes, village and township, numbers, geometry), in the
/// order its problems are reported.
private struct FeatureCheck {
    var grid: ParsedGrid
    var problems: [GridProblem] = []

    init(index: Int) { grid = ParsedGrid(index: index, code: nil, subject: "feature \(index)") }

    mutating func run(_ f: Feature, villagesByCode: [String: Village], toMetric: CoordinateTransform) throws {
        checkCode(f)
        checkVillage(f, villagesByCode)
        checkTownship(f)
        checkNumbers(f)
        try readGeometry(f, toMetric)
    }

    private mutating func problem(_ kind: GridProblem.Kind, _ message: String) {
        problems.append(GridProblem(kind: kind, subject: grid.subject, message: message))
    }

    /// The code: the `code` property, else a string id; and the two must agree.
    private mutating func checkCode(_ f: Feature) {
        let idString = f.id.flatMap { if case .string(let s) = $0 { s } else { nil } }
        switch f[property: "code"] {
        case .string(let s)?:
            if GridValidation.isGridCode(s) {
                grid.code = s
                grid.subject = s
            } else {
                grid.subject = s.isEmpty ? grid.subject : s
                problem(.badCode, GridValidation.isDigits(s, 15)
                    ? "code \"\(s)\" has sequence 000 (grids are numbered 001–999)"
                    : "code \"\(s)\" is not 15 digits (12-digit village code + sequence 001–999)")
            }
        case nil, .null?:
            if let idString, GridValidation.isGridCode(idString) {
                grid.code = idString
                grid.subject = idString
            } else {
                problem(.badCode, "no \"code\" property")
            }
        case let other?:
            problem(.badCode, "code is \(other.jsonText), expected a string of 15 digits")
        }
        if let idString, let code = grid.code ?? f.string("code"), idString != code {
            problem(.idMismatch, "feature id \"\(idString)\" differs from code \"\(code)\"")
        }
    }

    /// `village_code`: 12 digits, the code's prefix, a village of the boundaries, named as it is.
    private mutating func checkVillage(_ f: Feature, _ villagesByCode: [String: Village]) {
        switch f[property: "village_code"] {
        case .string(let vc)? where GridValidation.isDigits(vc, 12):
            if let code = grid.code, !code.hasPrefix(vc) {
                problem(.codeVillageMismatch, "code starts with \(code.prefix(12)) but village_code is \(vc)")
            }
            if let v = villagesByCode[vc] {
                grid.village = v
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
    }

    /// `township_code`: 9 digits and, when the village is known, its township, named as it is.
    private mutating func checkTownship(_ f: Feature) {
        switch f[property: "township_code"] {
        case .string(let tc)? where GridValidation.isDigits(tc, 9):
            if let v = grid.village {
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
    }

    /// Numeric properties, when present, are finite numbers ≥ 0.
    private mutating func checkNumbers(_ f: Feature) {
        for key in GridValidation.numericProperties {
            guard let value = f[property: key], value != .null else { continue }
            if GridValidation.number(value) == nil {
                problem(.badNumber, "\(key) is \(value.jsonText), expected a number ≥ 0")
            }
        }
    }

    /// A Polygon or MultiPolygon with at least one polygon, taken to the metric CRS.
    private mutating func readGeometry(_ f: Feature, _ toMetric: CoordinateTransform) throws {
        if let geometry = f.geometry, !geometry.polygons.isEmpty,
           geometry.typeName == "Polygon" || geometry.typeName == "MultiPolygon" {
            grid.metric = try toMetric.transform(geometry)
        } else {
            problem(.badGeometry, f.geometry.map { "geometry is a \($0.typeName), expected a Polygon" } ?? "no geometry")
        }
    }
}
