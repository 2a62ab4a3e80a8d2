import Foundation
import WanggeGeometry
import WanggeGeoJSON

/// A line a planner recognises on the ground, from rivers.geojson, ridges.geojson,
/// streets.geojson or paths.geojson (WGS-84).
public struct NamedLine: Sendable {
    /// river, stream, gully (rivers.geojson); ridge; 街, 巷, 乡道 (streets.geojson); courtyard (paths.geojson).
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
    public var flagged: Int { elderlyAlone + disabled + lowIncome + keyPersons }
    public var elderlyAlone = 0
    public var disabled = 0
    public var lowIncome = 0
    public var keyPersons = 0

    public init(id: String, position: Coordinate, villageCode: String, households: Int, residents: Int,
                elderlyAlone: Int = 0, disabled: Int = 0, lowIncome: Int = 0, keyPersons: Int = 0) {
        self.id = id; self.position = position; self.villageCode = villageCode
        self.households = households; self.residents = residents
        self.elderlyAlone = elderlyAlone; self.disabled = disabled; self.lowIncome = lowIncome; self.keyPersons = keyPersons
    }
}

/// A case from incidents.geojson: where, and in which village.
public struct IncidentRecord: Sendable {
    public var id: String
    public var position: Coordinate
    public var villageCode: String
    /// department_matter, dispute, errand, problem … ("" when the layer does not say).
    public var type: String

    public init(id: String, position: Coordinate, villageCode: String, type: String = "") {
        self.id = id; self.position = position; self.villageCode = villageCode; self.type = type
    }
}

/// The district's other layers: the lines that cut villages into blocks, special areas, and
/// the points that carry workload. Missing optional layers load as empty.
public struct DistrictLayers: Sendable {
    public var lines: [NamedLine] = []
    public var areas: [SpecialAreaFeature] = []
    public var addresses: [AddressRecord] = []
    public var incidents: [IncidentRecord] = []

    public init() {}

    /// `lines: false` skips the line layers (rivers, ridges, streets: only partitioning cuts by them).
    public static func load(directory: String, lines withLines: Bool = true) throws -> DistrictLayers {
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
        for (file, defaultKind) in [("rivers.geojson", "river"), ("ridges.geojson", "ridge"), ("streets.geojson", "街"),
                                    ("paths.geojson", "courtyard")]
        where withLines && fm.fileExists(atPath: path(file)) {
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
                                                       villageCode: f.string("village_code") ?? "", type: f.string("type") ?? ""))
            }
        }
        layers.addresses = try loadAddresses(directory: directory)
        return layers
    }

    /// Only the address records (addresses/*.csv, in file-name order; none without the folder).
    public static func loadAddresses(directory dir: String) throws -> [AddressRecord] {
        let fm = FileManager.default
        let addressDir = (dir as NSString).appendingPathComponent("addresses")
        guard fm.fileExists(atPath: addressDir) else { return [] }
        var addresses: [AddressRecord] = []
        for file in try fm.contentsOfDirectory(atPath: addressDir).filter({ $0.hasSuffix(".csv") }).sorted() {
            addresses += try AddressTable.read(path: (addressDir as NSString).appendingPathComponent(file))
        }
        return addresses
    }

    /// Records that name a village `boundaries` does not have: their figures would silently
    /// count nowhere. One line per village code, with how many records and the first id.
    public func unknownVillages(in boundaries: DistrictBoundaries) -> [String] {
        let known = Set(boundaries.villages.map(\.code))
        var problems: [String] = []
        for (what, records) in [("address", addresses.map { ($0.id, $0.villageCode) }), ("incident", incidents.map { ($0.id, $0.villageCode) })] {
            var byCode: [String: (count: Int, first: String)] = [:]
            for (id, code) in records where !known.contains(code) {
                byCode[code, default: (0, id)].count += 1
            }
            for code in byCode.keys.sorted() {
                let (count, first) = byCode[code]!
                problems.append("\(count) \(what)\(count == 1 ? "" : "es") (first: \(first)) name village_code '\(code)', which is not in villages.geojson")
            }
        }
        return problems
    }
}

/// Reads the address CSV written by the generator: a header row, then comma-separated fields
/// (double-quoted fields are understood). Parsed on UTF-8 bytes: 57,000 rows in milliseconds.
public enum AddressTable {
    public static func read(path: String) throws -> [AddressRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BoundaryDataError(file: path, message: "cannot read file")
        }
        return try parse([UInt8](data), file: path)
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> [AddressRecord] {
        var out: [AddressRecord] = []
        var columns: [String: Int] = [:]
        // The columns read, as field indices (resolved once from the header, not per row).
        var id: Int?, lonColumn: Int?, latColumn: Int?, village: Int?
        var counts: [(name: String, column: Int?)] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var rowEnd = end
            if rowEnd > start && bytes[rowEnd - 1] == 0x0D { rowEnd -= 1 }
            defer { start = end + 1 }
            if rowEnd == start { continue }
            let (buffer, fields) = fields(bytes, start..<rowEnd)
            if columns.isEmpty {
                columns = Dictionary(fields.enumerated().map { (String(decoding: buffer[$1], as: UTF8.self), $0) }, uniquingKeysWith: { a, _ in a })
                for required in ["id", "lon", "lat", "village_code", "households"] where columns[required] == nil {
                    throw BoundaryDataError(file: file, message: "line 1: the header has no \"\(required)\" column")
                }
                (id, lonColumn, latColumn, village) = (columns["id"], columns["lon"], columns["lat"], columns["village_code"])
                counts = ["households", "residents", "elderly_alone", "disabled", "low_income", "key_persons"].map { ($0, columns[$0]) }
                continue
            }
            func text(_ column: Int?) -> String? {
                column.flatMap { $0 < fields.count ? String(decoding: buffer[fields[$0]], as: UTF8.self) : nil }
            }
            func int(_ k: Int) throws -> Int {
                guard let c = counts[k].column, c < fields.count, !fields[c].isEmpty else { return 0 }
                var v = 0
                for b in buffer[fields[c]] {
                    guard b >= 0x30 && b <= 0x39, v < Int.max / 10 - 10 else {
                        throw BoundaryDataError(file: file, message: "line \(lineNumber): \(counts[k].name) is \"\(text(c) ?? "")\", not a whole number ≥ 0")
                    }
                    v = v * 10 + Int(b - 0x30)
                }
                return v
            }
            guard let lon = text(lonColumn).flatMap(Double.init), let lat = text(latColumn).flatMap(Double.init),
                  lon.isFinite, lat.isFinite, abs(lon) <= 180, abs(lat) <= 90 else {
                throw BoundaryDataError(file: file, message: "line \(lineNumber): lon/lat \"\(text(lonColumn) ?? "")\", \"\(text(latColumn) ?? "")\" are not valid coordinates")
            }
            out.append(AddressRecord(
                id: text(id) ?? "", position: Coordinate(lon, lat), villageCode: text(village) ?? "",
                households: try int(0), residents: try int(1),
                elderlyAlone: try int(2), disabled: try int(3), lowIncome: try int(4),
                keyPersons: try int(5)))
        }
        if columns.isEmpty {
            throw BoundaryDataError(file: file, message: "the file is empty (no header row); an address table needs at least id, lon, lat, village_code, households")
        }
        return out
    }

    /// One row's fields as ranges of a buffer: of the file itself when the row has no double
    /// quote (the generator's rows: nothing copied), else of `split`'s unquoted copies joined.
    static func fields(_ bytes: [UInt8], _ row: Range<Int>) -> (buffer: [UInt8], fields: [Range<Int>]) {
        var ranges: [Range<Int>] = []
        if bytes[row].contains(0x22) {
            var joined: [UInt8] = []
            for field in split(bytes[row]) {
                ranges.append(joined.count..<(joined.count + field.count))
                joined += field
            }
            return (joined, ranges)
        }
        var from = row.lowerBound
        for i in row where bytes[i] == 0x2C {
            ranges.append(from..<i)
            from = i + 1
        }
        ranges.append(from..<row.upperBound)
        return (bytes, ranges)
    }

    /// One CSV row into fields, honouring double quotes ("" inside quotes is a quote).
    static func split(_ row: ArraySlice<UInt8>) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        var i = row.startIndex
        while i < row.endIndex {
            let b = row[i]
            if quoted {
                if b == 0x22 {
                    if i + 1 < row.endIndex && row[i + 1] == 0x22 { current.append(0x22); i += 1 } else { quoted = false }
                } else {
                    current.append(b)
                }
            } else if b == 0x22 {
                quoted = true
            } else if b == 0x2C {
                fields.append(current); current = []
            } else {
                current.append(b)
            }
            i += 1
        }
        fields.append(current)
        return fields
    }
}
