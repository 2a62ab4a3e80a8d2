// Coordinate reference systems: PROJ transforms plus GCJ-02 / BD-09.
import Foundation
import WanggeGeometry

/// A coordinate reference system. Axis order is always x = longitude (or easting),
/// y = latitude (or northing), whatever the EPSG definition says.
public enum CRS: Hashable, Sendable, CustomStringConvertible {
    /// Any CRS known to PROJ's database, by EPSG code.
    case epsg(Int)
    /// Any CRS given as a PROJ string (`+proj=...`), WKT or PROJJSON that PROJ accepts.
    case proj(String)
    /// GCJ-02 ("Mars coordinates"): the obfuscated WGS-84 used by Amap, Tencent and other
    /// Chinese web maps. Not in PROJ; see `GCJ02`.
    case gcj02
    /// BD-09: Baidu's further offset of GCJ-02. Not in PROJ; see `BD09`.
    case bd09

    /// WGS-84 geographic, EPSG:4326.
    public static let wgs84 = CRS.epsg(4326)
    /// CGCS2000 geographic, EPSG:4490 (China's official datum; GRS80-based).
    public static let cgcs2000 = CRS.epsg(4490)

    /// The name that stands for a district's own metric CRS (its profile's, see WanggeDistrict's
    /// `CRS.parsing(_:districtIn:)`); this module knows no district, so alone it refuses the name.
    public static let districtMetricName = "district-tm"

    /// Parses a user-supplied name: `wgs84`, `cgcs2000`, `gcj02`, `bd09`, `EPSG:n`, or a PROJ
    /// string starting with `+proj=`. Case-insensitive.
    public init(parsing text: String) throws(CRSError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        switch lower {
        case "wgs84", "wgs-84": self = .wgs84
        case "cgcs2000": self = .cgcs2000
        case "gcj02", "gcj-02": self = .gcj02
        case "bd09", "bd-09": self = .bd09
        case CRS.districtMetricName: throw .needsDistrict(text)
        default:
            if lower.hasPrefix("epsg:") {
                let digits = lower.dropFirst(5)
                guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
                      let code = Int(digits), code > 0
                else { throw .unknownCRSName(text) }
                self = .epsg(code)
            } else if lower.hasPrefix("+proj=") {
                self = .proj(t)
            } else {
                throw .unknownCRSName(text)
            }
        }
    }

    public var description: String {
        switch self {
        case .epsg(let code): "EPSG:\(code)"
        case .proj(let s): s
        case .gcj02: "GCJ-02"
        case .bd09: "BD-09"
        }
    }

    /// The text PROJ's `proj_create*` accepts, or nil for GCJ-02 / BD-09 which PROJ doesn't know.
    public var projDefinition: String? {
        switch self {
        case .epsg(let code): return "EPSG:\(code)"
        case .proj(let s):
            // A bare `+proj=` string is an operation to PROJ; `+type=crs` makes it a CRS.
            if s.hasPrefix("+"), !s.contains("+type=crs") { return s + " +type=crs" }
            return s
        case .gcj02, .bd09: return nil
        }
    }

    /// True for longitude/latitude CRSs (degrees), false for projected ones (metres, feet…).
    /// Asks PROJ for EPSG / PROJ definitions, so it throws if PROJ doesn't know the CRS.
    public func isGeographic() throws(CRSError) -> Bool {
        switch self {
        case .gcj02, .bd09: return true
        case .epsg, .proj: return try PROJContext().isGeographic(self)
        }
    }
}

extension CRS {
    /// A transverse Mercator on GRS80 (CGCS2000's ellipsoid), scale 1, false easting 500 km,
    /// central meridian the middle of `envelope`'s longitudes rounded to 0.1°: a district 0.5°
    /// wide keeps its scale error under ~10 ppm, where an official 3° zone can reach 10⁻³.
    ///
    /// Why not an official zone: a district such as Shawan (103.42–103.74°E) straddles 103.5°E, the
    /// border between the CGCS2000 3° Gauss–Krüger zones CM 102°E (EPSG:4543) and CM 105°E
    /// (EPSG:4544); either zone puts its far edge 1.6–1.7° off the central meridian, a scale error of
    /// up to ~3.5×10⁻⁴ (~0.07 % on areas). Centred (at most ~0.18° off), it stays below ~4 ppm.
    public static func localTransverseMercator(around envelope: Envelope) -> CRS {
        let centre = ((envelope.minX + envelope.maxX) / 2 * 10).rounded() / 10
        let lon0 = String(format: "%.1f", centre)
        return .proj("+proj=tmerc +lat_0=0 +lon_0=\(lon0) +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs")
    }

    /// The CRS as ESRI WKT1, what GDAL expects in the `.prj` beside an ESRI ASCII Grid or a
    /// shapefile (it reads no PROJ strings there). `name` names a CRS PROJ would call "unknown".
    /// GCJ-02 and BD-09 have no WKT: they throw.
    public func esriWKT(name: String? = nil) throws(CRSError) -> String {
        try PROJContext().esriWKT(self, name: name)
    }

    /// True when both name the same system as PROJ compares them (datum, projection, parameters,
    /// units; not names or WKT dialect): a local transverse Mercator's PROJ string and its ESRI WKT are
    /// equivalent. GCJ-02 and BD-09 are equivalent only to themselves.
    public func isEquivalent(to other: CRS) throws(CRSError) -> Bool {
        switch (self, other) {
        case (.gcj02, .gcj02), (.bd09, .bd09): return true
        case (.gcj02, _), (.bd09, _), (_, .gcj02), (_, .bd09): return false
        default: return self == other ? true : try PROJContext().isEquivalent(self, other)
        }
    }

    /// True for geocentric (earth-centred X, Y, Z) CRSs such as EPSG:4978, which wangge's 2-D
    /// coordinates cannot express: converting to one would silently drop Z.
    public func isGeocentric() throws(CRSError) -> Bool {
        switch self {
        case .gcj02, .bd09: return false
        case .epsg, .proj: return try PROJContext().isGeocentric(self)
        }
    }
}

/// Everything that can go wrong turning coordinates from one CRS into another.
public enum CRSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A CRS name that `CRS(parsing:)` doesn't recognise.
    case unknownCRSName(String)
    /// `district-tm` where no district is known.
    case needsDistrict(String)
    /// PROJ refused to create a CRS or a transformation; `message` is PROJ's own text.
    case projCreationFailed(source: String, target: String, message: String)
    /// PROJ could not transform a coordinate (it returned infinity).
    case transformFailed(input: Coordinate, message: String)
    /// The iterative inverse (GCJ-02 or BD-09 → WGS-84) did not reach the tolerance.
    case inverseDidNotConverge(input: Coordinate, crs: String)
    /// A coordinate is NaN or infinite.
    case nonFiniteCoordinate(Coordinate)

    public var description: String {
        switch self {
        case .unknownCRSName(let s):
            "unknown CRS '\(s)': expected wgs84, cgcs2000, gcj02, bd09, district-tm, EPSG:<code> or a +proj= string"
        case .needsDistrict(let s):
            "'\(s)' is the district's own metric CRS, read from its district.geojson; no district is known here"
        case .projCreationFailed(let s, let t, let m):
            "PROJ cannot transform \(s) → \(t): \(m)"
        case .transformFailed(let c, let m):
            "PROJ cannot transform \(c): \(m)"
        case .inverseDidNotConverge(let c, let crs):
            "\(crs) → WGS-84 inverse did not converge at \(c)"
        case .nonFiniteCoordinate(let c):
            "coordinate \(c) is not finite"
        }
    }
}
