// WanggeStore: the only module that imports GRDB. Writes OGC GeoPackage 1.3 files.
import Foundation
import GRDB
import WanggeCases
import WanggeIO
import WanggeGeometry
import WanggeGeoJSON

/// One feature table of a GeoPackage: its features (WGS-84 lon/lat) in the order to insert them.
public struct GeoPackageLayer: Sendable {
    public var name: String
    public var description: String
    public var features: [Feature]
    /// Column types to use instead of the inferred ones (e.g. REAL for a workload that happens
    /// to be whole numbers in this data).
    public var columnKinds: [String: GeoPackageColumn.Kind]

    public init(name: String, description: String = "", features: [Feature], columnKinds: [String: GeoPackageColumn.Kind] = [:]) {
        self.name = name
        self.description = description
        self.features = features
        self.columnKinds = columnKinds
    }
}

/// A typed attribute column, inferred from the JSON values of a layer's properties.
public struct GeoPackageColumn: Hashable, Sendable {
    /// `datetime`: ISO 8601 text in, stored as the spec's UTC form (`2025-11-01T00:30:00.000Z`).
    public enum Kind: String, Sendable { case text = "TEXT", integer = "INTEGER", real = "REAL", datetime = "DATETIME" }
    public var name: String
    /// The property key it comes from ("" for the feature id column).
    public var key: String
    public var kind: Kind
}

public struct GeoPackageError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// Writes a GeoPackage 1.3 (application_id 'GPKG', user_version 10300): `gpkg_spatial_ref_sys`
/// with the required rows (-1, 0, 4326) and EPSG:4490 (CGCS2000), `gpkg_contents`,
/// `gpkg_geometry_columns`, one feature table per layer (fid, geom, typed attribute columns),
/// geometries as GeoPackage binary with WKB, and an R-tree index per layer
/// (`rtree_<table>_geom`, registered in `gpkg_extensions` as `gpkg_rtree_index`).
///
/// The R-tree is filled directly from the feature envelopes; the six maintenance triggers of the
/// R-tree extension (insert, update1–4, delete) are created only afterwards, because they call
/// ST_IsEmpty/ST_MinX/… which plain SQLite lacks and which this writer never needs. Clients that
/// edit the file (GDAL, QGIS, SpatiaLite) provide those functions and keep the index up to date.
///
/// The file is built in a temporary file in the target's directory, VACUUMed, closed and renamed
/// over the target: a crash never leaves half a GeoPackage where a good one stood. Same layers,
/// same bytes (fixed insert order, fixed `last_change`).
public struct GeoPackageWriter: Sendable {
    /// `gpkg_contents.last_change` for every table; fixed so that output is reproducible.
    public var lastChange: String
    public var srsID: Int32 = 4326

    public init(lastChange: String = "2025-01-01T00:00:00.000Z") {
        self.lastChange = lastChange
    }

    static let wgs84WKT = #"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#
    static let cgcs2000WKT = #"GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]"#

    /// Typed columns for a layer: the feature id (as `id` TEXT, when features have ids and no
    /// `id` property), then every property key in first-seen order. INTEGER when every non-null
    /// value is an integral number or a boolean, REAL when numbers, TEXT otherwise (arrays and
    /// objects as JSON text). Keys colliding with `fid`/`geom` get a trailing underscore.
    public static func columns(of features: [Feature], overrides: [String: GeoPackageColumn.Kind] = [:]) -> [GeoPackageColumn] {
        var order: [String] = []
        var kinds: [String: GeoPackageColumn.Kind?] = [:]
        for f in features {
            for m in f.properties?.members ?? [] {
                if kinds[m.key] == nil { order.append(m.key); kinds[m.key] = .some(nil) }
                let k: GeoPackageColumn.Kind?
                switch m.value {
                case .null: continue
                case .bool: k = .integer
                case .number(let n): k = n.value == n.value.rounded() && abs(n.value) < 9.0e15 && !n.text.contains(".") && !n.text.lowercased().contains("e") ? .integer : .real
                default: k = .text
                }
                let old = kinds[m.key]!
                switch (old, k!) {
                case (nil, let new): kinds[m.key] = .some(new)
                case (.integer?, .real), (.real?, .integer): kinds[m.key] = .some(.real)
                case (let o?, let new) where o == new: break
                default: kinds[m.key] = .some(.text)
                }
            }
        }
        var cols: [GeoPackageColumn] = []
        let hasIDs = features.contains { $0.id != nil }
        if hasIDs && kinds["id"] == nil { cols.append(GeoPackageColumn(name: "id", key: "", kind: .text)) }
        for key in order {
            let name = ["fid", "geom"].contains(key.lowercased()) ? key + "_" : key
            cols.append(GeoPackageColumn(name: name, key: key, kind: overrides[key] ?? (kinds[key] ?? nil) ?? .text))
        }
        return cols
    }

    /// The geometry type name for `gpkg_geometry_columns`; polygons are promoted to
    /// multipolygons (likewise lines, points) when a layer mixes the single and multi forms.
    static func geometryType(of features: [Feature]) -> (String, (Geometry) -> Geometry) {
        let names = Set(features.compactMap { $0.geometry?.typeName })
        if names.count == 1 { return (names.first!.uppercased(), { $0 }) }
        if names == ["Polygon", "MultiPolygon"] {
            return ("MULTIPOLYGON", { if case .polygon(let p) = $0 { return .multiPolygon([p]) }; return $0 })
        }
        if names == ["LineString", "MultiLineString"] {
            return ("MULTILINESTRING", { if case .lineString(let l) = $0 { return .multiLineString([l]) }; return $0 })
        }
        if names == ["Point", "MultiPoint"] {
            return ("MULTIPOINT", { if case .point(let c) = $0 { return .multiPoint([c]) }; return $0 })
        }
        return ("GEOMETRY", { $0 })
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func value(_ v: JSONValue?, _ kind: GeoPackageColumn.Kind) -> DatabaseValue {
        guard let v else { return .null }
        switch v {
        case .null: return .null
        case .bool(let b): return kind == .text ? (b ? "true" : "false").databaseValue : (b ? 1 : 0).databaseValue
        case .number(let n):
            switch kind {
            case .integer: return Int64(n.value).databaseValue
            case .real: return n.value.databaseValue
            case .text, .datetime: return n.text.databaseValue
            }
        case .string(let s):
            // A time that does not read stays as written rather than being lost.
            if kind == .datetime, let t = CaseTime(iso8601: s) { return t.utcTimestamp.databaseValue }
            return s.databaseValue
        case .array, .object: return v.jsonText.databaseValue
        }
    }

    /// Writes `layers` to `path` (replacing it atomically).
    public func write(_ layers: [GeoPackageLayer], to path: String) throws {
        let staged = try StagedFile(target: path)
        try build(layers, at: staged.temporaryPath, for: path)
        try staged.commit()
    }

    /// Builds the GeoPackage in `temporaryPath` (a new file; `AtomicFileSet` or `write` renames
    /// it into place). SQLite's errors name `target`, the file the user asked for.
    public func build(_ layers: [GeoPackageLayer], at temporaryPath: String, for target: String) throws {
        do {
            var config = Configuration()
            config.journalMode = .default
            let db = try DatabaseQueue(path: temporaryPath, configuration: config)
            try db.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;")
                try db.inTransaction {
                    try createCoreTables(db)
                    for layer in layers { try write(layer, db) }
                    return .commit
                }
                try db.execute(sql: "VACUUM")
            }
            try db.close()
        } catch let error as DatabaseError {
            throw GeoPackageError(message: "cannot write \(target): \(SQLiteFailure.explain(error))")
        }
    }

    /// The R-tree extension's triggers (GeoPackage 1.3, F.3), for table `t`, column geom, id fid.
    func createRTreeTriggers(table: String, _ db: Database) throws {
        let t = Self.quote(table), r = Self.quote("rtree_\(table)_geom")
        func name(_ suffix: String) -> String { Self.quote("rtree_\(table)_geom_\(suffix)") }
        let values = "VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom))"
        try db.execute(sql: """
            CREATE TRIGGER \(name("insert")) AFTER INSERT ON \(t) WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) \(values); END;
            CREATE TRIGGER \(name("update1")) AFTER UPDATE OF geom ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN INSERT OR REPLACE INTO \(r) \(values); END;
            CREATE TRIGGER \(name("update2")) AFTER UPDATE OF geom ON \(t) WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            CREATE TRIGGER \(name("update3")) AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; INSERT OR REPLACE INTO \(r) \(values); END;
            CREATE TRIGGER \(name("update4")) AFTER UPDATE ON \(t) WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
            BEGIN DELETE FROM \(r) WHERE id IN (OLD.fid, NEW.fid); END;
            CREATE TRIGGER \(name("delete")) AFTER DELETE ON \(t) WHEN old.geom NOT NULL
            BEGIN DELETE FROM \(r) WHERE id = OLD.fid; END;
            """)
    }

    func createCoreTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
              scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            """)
        let insert = "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)"
        try db.execute(sql: insert, arguments: ["Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"])
        try db.execute(sql: insert, arguments: ["Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"])
        try db.execute(sql: insert, arguments: ["WGS 84 geodetic", 4326, "EPSG", 4326, Self.wgs84WKT, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"])
        try db.execute(sql: insert, arguments: ["China Geodetic Coordinate System 2000", 4490, "EPSG", 4490, Self.cgcs2000WKT, "CGCS2000 geographic 2D (the national datum; within centimetres of WGS 84)"])
    }

    func write(_ layer: GeoPackageLayer, _ db: Database) throws {
        let columns = Self.columns(of: layer.features, overrides: layer.columnKinds)
        let (typeName, promote) = Self.geometryType(of: layer.features)
        let t = Self.quote(layer.name)
        var ddl = "CREATE TABLE \(t) (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom \(typeName)"
        for c in columns { ddl += ", \(Self.quote(c.name)) \(c.kind.rawValue)" }
        try db.execute(sql: ddl + ")")

        var extent: Envelope?
        let rtree = "rtree_\(layer.name)_geom"
        try db.execute(sql: "CREATE VIRTUAL TABLE \(Self.quote(rtree)) USING rtree(id, minx, maxx, miny, maxy)")
        let placeholders = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
        let insert = try db.makeStatement(sql: "INSERT INTO \(t) (fid, geom\(columns.map { ", " + Self.quote($0.name) }.joined())) VALUES (\(placeholders))")
        let index = try db.makeStatement(sql: "INSERT INTO \(Self.quote(rtree)) (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)")
        for (k, f) in layer.features.enumerated() {
            let fid = Int64(k + 1)
            var values: [DatabaseValue] = [fid.databaseValue]
            if let g = f.geometry.map(promote) {
                values.append(Data(GeoPackageBinary.encode(g, srsID: srsID)).databaseValue)
                if let e = g.envelope {
                    try index.execute(arguments: [fid, e.minX, e.maxX, e.minY, e.maxY])
                    if extent == nil { extent = e } else { extent!.expand(toInclude: e) }
                }
            } else {
                values.append(.null)
            }
            for c in columns {
                if c.key.isEmpty {
                    switch f.id {
                    case .string(let s)?: values.append(s.databaseValue)
                    case .number(let n)?: values.append(n.text.databaseValue)
                    case nil: values.append(.null)
                    }
                } else {
                    values.append(Self.value(f.properties?[c.key], c.kind))
                }
            }
            try insert.execute(arguments: StatementArguments(values))
        }
        try createRTreeTriggers(table: layer.name, db)
        try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [layer.name, layer.name, layer.description, lastChange, extent?.minX, extent?.minY, extent?.maxX, extent?.maxY, srsID])
        try db.execute(sql: "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, 'geom', ?, ?, 0, 0)",
                       arguments: [layer.name, typeName, srsID])
        try db.execute(sql: "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                       arguments: [layer.name])
    }
}
