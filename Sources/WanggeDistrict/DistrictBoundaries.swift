import Foundation
import WanggeCRS
import WanggeGeometry
import WanggeGeoJSON

/// A township-level unit (镇, 乡 or 街道): 9-digit code 511111 + 3 digits.
public struct Township: Hashable, Sendable {
    public var code: String
    public var name: String
    public var kind: String
    /// WGS-84.
    public var geometry: Geometry
}

/// A village (村) or community (社区): 12-digit code, its township's code + 3 digits.
/// What a village-level unit is: a village (村, countryside lines cut it) or a community (社区,
/// town lines cut it).
public enum UnitKind: String, Hashable, Sendable, CaseIterable {
    case village, community
}

public struct Village: Hashable, Sendable {
    public var code: String
    public var name: String
    public var kind: UnitKind
    public var townshipCode: String
    public var township: String
    /// WGS-84.
    public var geometry: Geometry
}

/// A problem with a boundaries file that is not GeoJSON syntax: a missing or malformed property.
public struct BoundaryDataError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var featureIndex: Int?
    public var featureID: String?
    public var message: String

    public var description: String {
        var s = file
        if let featureIndex { s += ": feature \(featureIndex)" }
        if let featureID { s += " (id \"\(featureID)\")" }
        return s + ": " + message
    }
}

/// The district's administrative layers as loaded from a boundaries directory
/// (`district.geojson`, `townships.geojson`, `villages.geojson`).
public struct DistrictBoundaries: Sendable {
    public var code: String
    public var name: String
    public var outline: Geometry
    public var townships: [Township]
    public var villages: [Village]
    /// Names, parents, metric CRS and default grid count (district.geojson's properties).
    public var profile: DistrictProfile
    /// The terrain, `elevation.asc` (+ `elevation.prj`) in the district's metric CRS; nil when the
    /// directory has none or it was not asked for.
    public var elevation: ElevationModel?

    /// The elevation raster's file name in a boundaries directory (its CRS in `elevation.prj`).
    public static let elevationFile = "elevation.asc"

    /// Reads and checks the three administrative layers; every error names the file and feature.
    /// With `elevation` (the default), `elevation.asc` is read too when it is there (see
    /// `loadElevation`); its absence is not an error.
    public static func load(directory: String, elevation: Bool = true) throws -> DistrictBoundaries {
        func read(_ name: String) throws -> (String, FeatureCollection) { try readLayer(name, in: directory) }
        func digits(_ n: Int) -> (String) -> Bool { { $0.count == n && $0.allSatisfy { $0.isASCII && $0.isNumber } } }

        let (districtFile, districtFC) = try read("district.geojson")
        let (outline, profile) = try district(districtFC, file: districtFile)
        let code = profile.code, name = profile.name

        let (townshipFile, townshipFC) = try read("townships.geojson")
        var townships: [Township] = []
        for (i, f) in townshipFC.features.enumerated() {
            let c = try required(f, "code", townshipFile, i, pattern: { digits(9)($0) && $0.hasPrefix(code) },
                                 expected: "9 digits starting with \(code)")
            townships.append(Township(code: c, name: try required(f, "name", townshipFile, i),
                                      kind: f.string("kind") ?? "", geometry: try geometry(f, townshipFile, i)))
        }
        let (villageFile, villageFC) = try read("villages.geojson")
        let townshipsByCode = Dictionary(townships.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var villages: [Village] = []
        for (i, f) in villageFC.features.enumerated() {
            let tc = try required(f, "township_code", villageFile, i, pattern: { townshipsByCode[$0] != nil },
                                  expected: "the code of a township in townships.geojson")
            let c = try required(f, "code", villageFile, i, pattern: { digits(12)($0) && $0.hasPrefix(tc) },
                                 expected: "12 digits starting with its township code \(tc)")
            let kindText = try required(f, "kind", villageFile, i, pattern: { UnitKind(rawValue: $0) != nil },
                                        expected: "village or community")
            villages.append(Village(code: c, name: try required(f, "name", villageFile, i), kind: UnitKind(rawValue: kindText)!,
                                    townshipCode: tc, township: townshipsByCode[tc]!.name,
                                    geometry: try geometry(f, villageFile, i)))
        }
        for (file, codes) in [(townshipFile, townships.map(\.code)), (villageFile, villages.map(\.code))] {
            var seen: Set<String> = []
            for (i, c) in codes.enumerated() where !seen.insert(c).inserted {
                throw BoundaryDataError(file: file, featureIndex: i, featureID: c, message: "code \(c) is used twice")
            }
        }
        return DistrictBoundaries(code: code, name: name, outline: outline,
                                  townships: townships.sorted { $0.code < $1.code },
                                  villages: villages.sorted { $0.code < $1.code }, profile: profile,
                                  elevation: elevation ? try loadElevation(directory: directory, metricCRS: profile.metricCRS) : nil)
    }

    /// Only district.geojson's profile (name, code, parents, metric CRS, grid count): what a
    /// command that needs no other layer asks for (`wangge crs --to district-tm`).
    public static func loadProfile(directory: String) throws -> DistrictProfile {
        let (file, fc) = try readLayer("district.geojson", in: directory)
        return try district(fc, file: file).profile
    }

    /// A layer of the boundaries directory, with its path; a missing file is an error naming it.
    static func readLayer(_ name: String, in directory: String) throws -> (String, FeatureCollection) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw BoundaryDataError(file: path, message: "file not found")
        }
        return (path, try GeoJSONReader().readFeatureCollection(contentsOf: path))
    }

    /// A non-empty string property, matching `pattern` when given; errors name file, feature and key.
    static func required(_ f: Feature, _ key: String, _ file: String, _ index: Int, pattern: ((String) -> Bool)? = nil,
                         expected: String = "") throws -> String {
        guard let v = f.string(key), !v.isEmpty else {
            throw BoundaryDataError(file: file, featureIndex: index, featureID: f.id?.description,
                                    message: "property \"\(key)\" is missing or not a string")
        }
        if let pattern, !pattern(v) {
            throw BoundaryDataError(file: file, featureIndex: index, featureID: f.id?.description,
                                    message: "property \"\(key)\" is \"\(v)\", expected \(expected)")
        }
        return v
    }

    /// A feature's Polygon or MultiPolygon.
    static func geometry(_ f: Feature, _ file: String, _ index: Int) throws -> Geometry {
        guard let g = f.geometry, !g.polygons.isEmpty else {
            throw BoundaryDataError(file: file, featureIndex: index, featureID: f.id?.description,
                                    message: "expected a Polygon or MultiPolygon geometry")
        }
        return g
    }

    /// district.geojson's one feature: the outline and the profile.
    static func district(_ fc: FeatureCollection, file: String) throws -> (outline: Geometry, profile: DistrictProfile) {
        guard fc.features.count == 1 else {
            throw BoundaryDataError(file: file, message: "expected exactly 1 feature, found \(fc.features.count)")
        }
        let d = fc.features[0]
        let code = try required(d, "code", file, 0, pattern: { $0.count == 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } },
                                expected: "a 6-digit code")
        let name = try required(d, "name", file, 0)
        let outline = try geometry(d, file, 0)
        return (outline, try DistrictProfile.read(d, outline: outline, code: code, name: name, file: file))
    }

    /// `elevation.asc` in `directory`, nil when there is none. Its `.prj` must be there and name
    /// the district's metric CRS (compared by PROJ, so ESRI WKT matches a PROJ string): elevations
    /// are looked up at metric x/y, and a raster in another CRS would answer for the wrong place.
    public static func loadElevation(directory: String, metricCRS: CRS) throws(ElevationModelError) -> ElevationModel? {
        let path = (directory as NSString).appendingPathComponent(elevationFile)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let model = try ElevationModel.load(path: path)
        let prj = (path as NSString).deletingPathExtension + ".prj"
        guard let crs = model.crs else {
            throw ElevationModelError(kind: .crs, file: prj, message: "missing: \(elevationFile) needs its CRS beside it (the district's metric CRS, \(metricCRS), as ESRI WKT)")
        }
        let same: Bool
        do { same = try (try? isESRIWKT(crs, of: metricCRS)) == true || crs.isEquivalent(to: metricCRS) } catch {
            throw ElevationModelError(kind: .crs, file: prj, message: "PROJ cannot read it: \(error)")
        }
        guard same else {
            throw ElevationModelError(kind: .crs, file: prj, message: "not the district's metric CRS (\(metricCRS)): the raster must be in it")
        }
        return model
    }

    /// True when `crs` is word for word the ESRI WKT PROJ writes for `metricCRS`, whatever its
    /// name (the generator's `.prj`). Why: PROJ takes ~15 ms to parse ESRI WKT (it looks the ESRI
    /// names up in proj.db) and ~5 ms to write it; anything else is compared by parsing it.
    static func isESRIWKT(_ crs: CRS, of metricCRS: CRS) throws(CRSError) -> Bool {
        guard case .proj(let text) = crs, text.hasPrefix("PROJCS[\""),
              let nameEnd = text.dropFirst(8).firstIndex(of: "\"") else { return false }
        // Named "x": `PROJCS["x` is 9 characters, then the closing quote as in `text[nameEnd...]`.
        let ours = try metricCRS.esriWKT(name: "x")
        return text[nameEnd...] == ours.dropFirst(9)
    }
}
