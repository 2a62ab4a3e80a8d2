import Foundation
import GRDB
import WanggeIO

/// The whole gazetteer in memory: what `wangge gazetteer build` writes to SQLite and what the
/// matcher is built from. Arrays are sorted by their keys, so the file is deterministic.
public struct Gazetteer: Sendable {
    /// The district's code and name (district.geojson's), set by the builder.
    public var districtCode = ""
    public var districtName = ""
    public var townships: [TownshipRow] = []
    public var villages: [VillageRow] = []
    public var groups: [GroupRow] = []
    public var streets: [StreetRow] = []
    public var houses: [HouseRow] = []
    public var landmarks: [LandmarkRow] = []
    public var aliases: [AliasRow] = []
    public var outsidePlaces: [OutsidePlaceRow] = []
    public var gridWorkers: [GridWorkerRow] = []
    public var meta: [MetaRow] = []

    /// The district's parents as the builder recorded them (district.geojson's province and
    /// prefecture, outermost first; e.g. 四川省, 乐山市).
    public var parents: [String] {
        (meta.first { $0.key == "parents" }?.value ?? "").split(separator: "/").map(String.init)
    }

    public init() {}

    /// Writes the gazetteer to `path`: a temporary file in the same directory first (schema by
    /// the migrator, every row in one transaction), then renamed over `path` atomically.
    public func write(to path: String) throws {
        try AtomicFileSet.makeDirectory(FilePath.directory(of: path))
        let staged = try StagedFile(target: path)
        do {
            let queue = try DatabaseQueue(path: staged.temporaryPath)
            try GazetteerSchema.migrator.migrate(queue)
            try queue.write { db in
                for r in meta { try r.insert(db) }
                for r in townships { try r.insert(db) }
                for r in villages { try r.insert(db) }
                for r in groups { try r.insert(db) }
                for r in streets { try r.insert(db) }
                for r in houses { try r.insert(db) }
                for r in landmarks { try r.insert(db) }
                for r in aliases { try r.insert(db) }
                for r in outsidePlaces { try r.insert(db) }
                for r in gridWorkers { try r.insert(db) }
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw GazetteerError("cannot write \(path): \(SQLiteFailure.explain(error))")
        }
        try staged.commit()
    }

    /// Reads a gazetteer file written by `write(to:)` (read-only; the migrator checks the schema).
    public static func read(from path: String) throws -> Gazetteer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw GazetteerError("\(path): no such file") }
        if isDirectory.boolValue { throw GazetteerError("cannot read the gazetteer \(path): it is a directory; name the .sqlite file") }
        do { return try readChecked(from: path) } catch let error as DatabaseError {
            throw GazetteerError("cannot read the gazetteer \(path): \(SQLiteFailure.explain(error)) — rebuild it with `wangge gazetteer build --out \(path)`")
        }
    }

    private static func readChecked(from path: String) throws -> Gazetteer {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        // A gazetteer of an earlier schema (v1 applied, later migrations not) is read as it is:
        // its meta names the older schema, so `GazetteerFreshness` has it rebuilt, never migrated
        // in place (it may be read-only, or someone else's copy).
        let applied = try queue.read { db in try GazetteerSchema.migrator.appliedIdentifiers(db) }
        guard applied.contains("v1") else {
            // An empty file, another program's database, or a gazetteer of another version: never
            // overwritten unasked, since it may be someone's data.
            throw GazetteerError("cannot read the gazetteer \(path): it is an SQLite file (or empty) but not a gazetteer of this version — is it the right file? If it is a gazetteer, rebuild it with `wangge gazetteer build --out \(path)`")
        }
        var g = Gazetteer()
        try queue.read { db in
            // Plain SQL: GRDB's query-interface ordering reads uninitialised memory under valgrind in
            // release builds with this toolchain, so the gazetteer avoids it.
            g.meta = try MetaRow.fetchAll(db, sql: "SELECT * FROM meta ORDER BY key")
            g.townships = try TownshipRow.fetchAll(db, sql: "SELECT * FROM township ORDER BY code")
            g.villages = try VillageRow.fetchAll(db, sql: "SELECT * FROM village ORDER BY code")
            g.groups = try GroupRow.fetchAll(db, sql: "SELECT * FROM villager_group ORDER BY villageCode, number")
            g.streets = try StreetRow.fetchAll(db, sql: "SELECT * FROM street ORDER BY townshipCode, name")
            g.houses = try HouseRow.fetchAllByPosition(db)
            g.landmarks = try LandmarkRow.fetchAll(db, sql: "SELECT * FROM landmark ORDER BY id")
            g.aliases = try AliasRow.fetchAll(db, sql: "SELECT * FROM alias ORDER BY alias, targetKind, targetCode")
            if try db.tableExists(OutsidePlaceRow.databaseTableName) {
                g.outsidePlaces = try OutsidePlaceRow.fetchAll(db, sql: "SELECT * FROM outside_place ORDER BY name, division, level")
            }
            if try db.tableExists(GridWorkerRow.databaseTableName) {
                g.gridWorkers = try GridWorkerRow.fetchAll(db, sql: "SELECT * FROM grid_worker ORDER BY grid")
            }
        }
        if let c = g.meta.first(where: { $0.key == "district_code" }) { g.districtCode = c.value }
        if let n = g.meta.first(where: { $0.key == "district_name" }) { g.districtName = n.value }
        try queue.close()
        return g
    }
}

/// SQLite's result codes in words (GRDB's own text has the code number and SQLite's terse phrase).
enum SQLiteFailure {
    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_FULL: return "the disk is full (SQLite error 13)"
        case .SQLITE_CANTOPEN: return "cannot open the file — is the directory missing or read-only? (SQLite error 14)"
        case .SQLITE_IOERR: return "input/output error — the disk is full or failing, or the file is on a network drive (SQLite error 10)"
        case .SQLITE_CORRUPT: return "the file is damaged (SQLite error 11)"
        case .SQLITE_NOTADB: return "not an SQLite database (SQLite error 26)"
        case .SQLITE_READONLY: return "the file or its directory is read-only (SQLite error 8)"
        case .SQLITE_BUSY, .SQLITE_LOCKED: return "another program holds the file (SQLite error 5/6)"
        default: return error.description
        }
    }
}

public struct GazetteerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
