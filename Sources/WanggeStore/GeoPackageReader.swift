// Reading one feature layer of a GeoPackage (ours, or one QGIS saved) back into GeoJSON features,
// for `wangge plan import`. Geometry: GeoPackage binary (any envelope, either byte order) over
// standard or ISO WKB; Z and M values are dropped (grids are 2D).
import Foundation
import GRDB
import WanggeGeoJSON
import WanggeGeometry

public struct GeoPackageReadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var layer: String?
    /// The feature's fid, when one feature is at fault.
    public var fid: Int64?
    public var message: String

    public var description: String {
        file + (layer.map { " layer \($0)" } ?? "") + (fid.map { " feature fid \($0)" } ?? "") + ": " + message
    }
}

public enum GeoPackageReader {
    /// The feature layers of the file (from gpkg_geometry_columns), in table-name order.
    public static func layerNames(path: String) throws -> [String] {
        try withDatabase(path) { db in
            try String.fetchAll(db, sql: "SELECT table_name FROM gpkg_geometry_columns ORDER BY table_name")
        }
    }

    /// The features of `layer` (default: "grids" if present, else the only feature layer) in fid
    /// order. Columns become properties in table order, except the primary key and the geometry;
    /// a TEXT column named `id` becomes the feature id. Geometries must be in EPSG:4326 or 4490
    /// (lon/lat), as everything in the project is.
    public static func read(path: String, layer: String? = nil) throws -> FeatureCollection {
        try withDatabase(path) { db in
            let layers = try Row.fetchAll(db, sql: "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name")
            let names: [String] = layers.map { $0[0] }
            let chosen: String
            if let layer {
                guard names.contains(layer) else {
                    throw GeoPackageReadError(file: path, layer: layer, message: "no such feature layer (the file has: \(names.joined(separator: ", ")))")
                }
                chosen = layer
            } else if names.contains("grids") {
                chosen = "grids"
            } else if names.count == 1 {
                chosen = names[0]
            } else {
                throw GeoPackageReadError(file: path, message: "\(names.count) feature layers (\(names.joined(separator: ", "))): name the grid layer")
            }
            let row = layers.first { ($0[0] as String) == chosen }!
            let geomColumn: String = row[1]
            let srs: Int64 = row[2]
            guard srs == 4326 || srs == 4490 else {
                throw GeoPackageReadError(file: path, layer: chosen, message: "coordinates are in srs_id \(srs); save the layer in EPSG:4326 (WGS 84) and import again")
            }
            let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\(GeoPackageWriter.quote(chosen)))")
            let columns: [(name: String, type: String, pk: Bool)] = info.map { ($0["name"], ($0["type"] as String? ?? "").uppercased(), ($0["pk"] as Int) > 0) }
            let pk = columns.first { $0.pk }?.name ?? "rowid"
            let attributes = columns.filter { !$0.pk && $0.name != geomColumn }
            let idColumn = attributes.first { $0.name == "id" && $0.type.hasPrefix("TEXT") }?.name
            let select = "SELECT \(GeoPackageWriter.quote(pk)), \(GeoPackageWriter.quote(geomColumn))"
                + attributes.map { ", " + GeoPackageWriter.quote($0.name) }.joined()
                + " FROM \(GeoPackageWriter.quote(chosen)) ORDER BY \(GeoPackageWriter.quote(pk))"
            var features: [Feature] = []
            let cursor = try Row.fetchCursor(db, sql: select)
            while let r = try cursor.next() {
                let fid: Int64 = r[0]
                var geometry: Geometry?
                if let blob = r[1] as Data? {
                    do { geometry = try GeoPackageBinary.decode([UInt8](blob)) } catch let e as WKBDecodeError {
                        throw GeoPackageReadError(file: path, layer: chosen, fid: fid, message: "unreadable geometry: \(e.message)")
                    }
                }
                var properties = JSONObject()
                var id: FeatureID?
                for (k, c) in attributes.enumerated() {
                    let value = Self.json(r[k + 2] as DatabaseValue)
                    if c.name == idColumn, case .string(let s) = value { id = .string(s); continue }
                    properties.members.append(JSONMember(c.name, value))
                }
                features.append(Feature(id: id, properties: properties, geometry: geometry))
            }
            return FeatureCollection(features: features)
        }
    }

    static func json(_ v: DatabaseValue) -> JSONValue {
        switch v.storage {
        case .null: return .null
        case .int64(let i): return .number(JSONNumber(Int(i)))
        case .double(let d): return .number(JSONNumber(d))
        case .string(let s): return .string(s)
        case .blob(let b): return .string(b.base64EncodedString())
        }
    }

    static func withDatabase<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoPackageReadError(file: path, message: "no such file")
        }
        var config = Configuration()
        // Read-only unless writable: a hot journal (a writer killed mid-transaction) is rolled back.
        config.readonly = !FileManager.default.isWritableFile(atPath: path)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db in
                guard try db.tableExists("gpkg_geometry_columns") else {
                    throw GeoPackageReadError(file: path, message: "not a GeoPackage (no gpkg_geometry_columns table)")
                }
                return try body(db)
            }
        } catch let error as DatabaseError {
            throw GeoPackageReadError(file: path, message: "cannot read: \(SQLiteFailure.explain(error))")
        }
    }
}

public struct WKBDecodeError: Error, Sendable {
    public var message: String
}

extension GeoPackageBinary {
    /// The geometry of a GeoPackage geometry BLOB (an empty geometry gives nil).
    public static func decode(_ b: [UInt8]) throws(WKBDecodeError) -> Geometry? {
        guard b.count >= 8, b[0] == 0x47, b[1] == 0x50 else { throw WKBDecodeError(message: "no GP header (magic bytes 'GP' missing)") }
        let flags = b[3]
        if flags & 0b0010_0000 != 0 { throw WKBDecodeError(message: "extended GeoPackage geometry is not supported") }
        let envelopeBytes: Int
        switch (flags >> 1) & 0b111 {
        case 0: envelopeBytes = 0
        case 1: envelopeBytes = 32
        case 2, 3: envelopeBytes = 48
        case 4: envelopeBytes = 64
        default: throw WKBDecodeError(message: "bad envelope code in the GP header")
        }
        let start = 8 + envelopeBytes
        guard b.count > start else {
            if flags & 0b0001_0000 != 0 { return nil }
            throw WKBDecodeError(message: "geometry cut short")
        }
        if flags & 0b0001_0000 != 0 { return nil }
        return try WKB.decode(Array(b[start...]))
    }
}

extension WKB {
    /// Standard or ISO WKB (2D, Z, M, ZM — extra ordinates dropped), either byte order. Refuses
    /// truncated input and absurd counts rather than reading past the end.
    public static func decode(_ bytes: [UInt8]) throws(WKBDecodeError) -> Geometry {
        var reader = WKBReader(bytes: bytes)
        let g = try reader.geometry(depth: 0)
        return g
    }
}

struct WKBReader {
    let bytes: [UInt8]
    var offset = 0
    var littleEndian = true

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() throws(WKBDecodeError) -> UInt8 {
        guard offset < bytes.count else { throw WKBDecodeError(message: "WKB cut short at byte \(offset)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32() throws(WKBDecodeError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw WKBDecodeError(message: "WKB cut short at byte \(offset)") }
        var v: UInt32 = 0
        for k in 0..<4 { v |= UInt32(bytes[offset + k]) << (8 * (littleEndian ? k : 3 - k)) }
        offset += 4
        return v
    }

    mutating func double() throws(WKBDecodeError) -> Double {
        guard offset + 8 <= bytes.count else { throw WKBDecodeError(message: "WKB cut short at byte \(offset)") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[offset + k]) << (8 * (littleEndian ? k : 7 - k)) }
        offset += 8
        return Double(bitPattern: v)
    }

    /// A count, refused when it could not fit in what is left (each item takes ≥ `minBytes`).
    mutating func count(minBytes: Int) throws(WKBDecodeError) -> Int {
        let n = Int(try uint32())
        guard n <= (bytes.count - offset) / max(1, minBytes) else { throw WKBDecodeError(message: "count \(n) at byte \(offset - 4) exceeds the data") }
        return n
    }

    mutating func points(dimensions: Int) throws(WKBDecodeError) -> [Coordinate] {
        let n = try count(minBytes: 8 * dimensions)
        var out: [Coordinate] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let x = try double(), y = try double()
            for _ in 2..<dimensions { _ = try double() }
            out.append(Coordinate(x, y))
        }
        return out
    }

    mutating func polygon(dimensions: Int) throws(WKBDecodeError) -> Polygon {
        let rings = try count(minBytes: 4)
        var all: [[Coordinate]] = []
        for _ in 0..<rings { all.append(try points(dimensions: dimensions)) }
        return Polygon(exterior: all.first ?? [], holes: Array(all.dropFirst()))
    }

    mutating func geometry(depth: Int) throws(WKBDecodeError) -> Geometry {
        guard depth < 32 else { throw WKBDecodeError(message: "geometry collections nested too deep") }
        let order = try byte()
        guard order <= 1 else { throw WKBDecodeError(message: "bad byte-order mark \(order) at byte \(offset - 1)") }
        littleEndian = order == 1
        var type = try uint32()
        // EWKB flags (PostGIS) and ISO thousands (1000 Z, 2000 M, 3000 ZM).
        var dimensions = 2
        if type & 0x8000_0000 != 0 { dimensions += 1 }
        if type & 0x4000_0000 != 0 { dimensions += 1 }
        type &= 0x0FFF_FFFF
        switch type / 1000 {
        case 1, 2: dimensions += 1
        case 3: dimensions += 2
        default: break
        }
        switch type % 1000 {
        case 1:
            let x = try double(), y = try double()
            for _ in 2..<dimensions { _ = try double() }
            return .point(Coordinate(x, y))
        case 2: return .lineString(try points(dimensions: dimensions))
        case 3: return .polygon(try polygon(dimensions: dimensions))
        case 4, 5, 6, 7:
            let n = try count(minBytes: 5)
            var parts: [Geometry] = []
            for _ in 0..<n { parts.append(try geometry(depth: depth + 1)) }
            switch type % 1000 {
            case 4: return .multiPoint(parts.compactMap { if case .point(let c) = $0 { c } else { nil } })
            case 5: return .multiLineString(parts.compactMap { if case .lineString(let l) = $0 { l } else { nil } })
            case 6: return .multiPolygon(parts.compactMap { if case .polygon(let p) = $0 { p } else { nil } })
            default: return .geometryCollection(parts)
            }
        default:
            throw WKBDecodeError(message: "unsupported WKB geometry type \(type)")
        }
    }
}
