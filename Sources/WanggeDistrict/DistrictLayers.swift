import Foundation
import WanggeGeometry
import WanggeGeoJSON

/// A line a planner recognises on the ground, from rivers.geojson, ridges.geojson or
/// streets.geojson (WGS-84).
public struct NamedLine: Sendable {
    /// river, stream, gully (rivers.geojson); ridge; 街, 巷, 乡道 (streets.geojson).
    public var kind: String
    public var name: String?
    public var line: [Coordinate]
}

/// A special area (industrial park, scenic area) or one of its enterprise / attraction parts.
public struct SpecialAreaFeature: Sendable {
    public var id: String
    public var name: String
    public var kind: String
    public var parent: String?
    public var geometry: Geometry
}

/// One address record (addresses/*.csv): position WGS-84 and the figures a grid worker carries.
public struct AddressRecord: Sendable {
    public var id: String
    public var position: Coordinate
    public var villageCode: String
    public var households: Int
    public var residents: Int
    /// Elderly living alone + disabled + low-income households + key persons.
    public var flagged: Int
}

/// A case from incidents.geojson: where, and in which village.
public struct IncidentRecord: Sendable {
    public var id: String
    public var position: Coordinate
    public var villageCode: String
}

/// The district's other layers: the lines that cut villages into blocks, special areas, and
/// the points that carry workload. Missing optional layers load as empty.
public struct DistrictLayers: Sendable {
    public var lines: [NamedLine] = []
    public var areas: [SpecialAreaFeature] = []
    public var addresses: [AddressRecord] = []
    public var incidents: [IncidentRecord] = []

    public init() {}

    public static func load(directory: String) throws -> DistrictLayers {
        var layers = DistrictLayers()
        let reader = GeoJSONReader()
        let fm = FileManager.default
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        func lines(of g: Geometry?) -> [[Coordinate]] {
            switch g {
            case .lineString(let l)?: return [l]
            case .multiLineString(let ls)?: return ls
            default: return []
            }
        }
        for (file, defaultKind) in [("rivers.geojson", "river"), ("ridges.geojson", "ridge"), ("streets.geojson", "街")]
        where fm.fileExists(atPath: path(file)) {
            for f in try reader.readFeatureCollection(contentsOf: path(file)).features {
                for l in lines(of: f.geometry) where l.count >= 2 {
                    layers.lines.append(NamedLine(kind: f.string("kind") ?? defaultKind, name: f.string("name"), line: l))
                }
            }
        }
        if fm.fileExists(atPath: path("areas.geojson")) {
            for (i, f) in try reader.readFeatureCollection(contentsOf: path("areas.geojson")).features.enumerated() {
                guard let g = f.geometry, !g.polygons.isEmpty else {
                    throw BoundaryDataError(file: path("areas.geojson"), featureIndex: i, featureID: f.id?.description,
                                            message: "expected a Polygon or MultiPolygon geometry")
                }
                layers.areas.append(SpecialAreaFeature(id: f.id?.description ?? "\(i)", name: f.string("name") ?? "",
                                                       kind: f.string("kind") ?? "", parent: f.string("parent"), geometry: g))
            }
        }
        if fm.fileExists(atPath: path("incidents.geojson")) {
            for (i, f) in try reader.readFeatureCollection(contentsOf: path("incidents.geojson")).features.enumerated() {
                guard case .point(let p)? = f.geometry else {
                    throw BoundaryDataError(file: path("incidents.geojson"), featureIndex: i, featureID: f.id?.description,
                                            message: "expected a Point geometry")
                }
                layers.incidents.append(IncidentRecord(id: f.id?.description ?? "\(i)", position: p,
                                                       villageCode: f.string("village_code") ?? ""))
            }
        }
        let addressDir = path("addresses")
        if fm.fileExists(atPath: addressDir) {
            for file in try fm.contentsOfDirectory(atPath: addressDir).filter({ $0.hasSuffix(".csv") }).sorted() {
                layers.addresses += try AddressTable.read(path: (addressDir as NSString).appendingPathComponent(file))
            }
        }
        return layers
    }
}

/// Reads the address CSV written by the generator (header row, comma-separated, no quoting
/// needed by its fields; quoted fields are still understood).
public enum AddressTable {
    public static func read(path: String) throws -> [AddressRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BoundaryDataError(file: path, message: "cannot read file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var out: [AddressRecord] = []
        var columns: [String: Int] = [:]
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let row = line.hasSuffix("\r") ? line.dropLast() : line
            if row.isEmpty { continue }
            let fields = split(row)
            if columns.isEmpty {
                columns = Dictionary(fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
                for required in ["id", "lon", "lat", "village_code", "households"] where columns[required] == nil {
                    throw BoundaryDataError(file: path, message: "line 1: the header has no \"\(required)\" column")
                }
                continue
            }
            func field(_ name: String) -> String? { columns[name].flatMap { $0 < fields.count ? fields[$0] : nil } }
            func int(_ name: String) throws -> Int {
                guard let s = field(name) else { return 0 }
                if s.isEmpty { return 0 }
                guard let v = Int(s), v >= 0 else {
                    throw BoundaryDataError(file: path, message: "line \(lineNumber): \(name) is \"\(s)\", not a whole number ≥ 0")
                }
                return v
            }
            guard let lon = field("lon").flatMap(Double.init), let lat = field("lat").flatMap(Double.init),
                  lon.isFinite, lat.isFinite, abs(lon) <= 180, abs(lat) <= 90 else {
                throw BoundaryDataError(file: path, message: "line \(lineNumber): lon/lat \"\(field("lon") ?? "")\", \"\(field("lat") ?? "")\" are not valid coordinates")
            }
            out.append(AddressRecord(
                id: field("id") ?? "", position: Coordinate(lon, lat), villageCode: field("village_code") ?? "",
                households: try int("households"), residents: try int("residents"),
                flagged: try int("elderly_alone") + int("disabled") + int("low_income") + int("key_persons")))
        }
        return out
    }

    /// One CSV row into fields, honouring double quotes.
    static func split(_ row: Substring) -> [String] {
        guard row.contains("\"") else { return row.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var fields: [String] = [], current = "", quoted = false
        var it = row.makeIterator()
        while let ch = it.next() {
            if quoted {
                if ch == "\"" {
                    if let next = it.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; if next == "," { fields.append(current); current = "" } else { current.append(next) } }
                    } else { quoted = false }
                } else { current.append(ch) }
            } else if ch == "\"" { quoted = true } else if ch == "," { fields.append(current); current = "" } else { current.append(ch) }
        }
        fields.append(current)
        return fields
    }
}
