// The plan store's SQL: one GeoPackage holding the current plan as feature layers (grids, blocks)
// and every version in history tables. WanggePlans decides what a version is; this file only
// keeps the rows, and keeps them in one transaction per write.
import Foundation
import GRDB
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO

/// One row of `wangge_plan_versions`.
public struct PlanVersionRecord: Sendable, Equatable, Codable {
    public var version: Int64
    /// The version that was current when this one was written (nil for the first).
    public var parent: Int64?
    public var author: String
    /// ISO 8601 UTC, from the caller's clock.
    public var created: String
    public var message: String
    /// What wrote it: init, checkout, import, … (WanggePlans names them).
    public var action: String
    /// Hash of the version's full content (grids and blocks text), the key of `wangge_plan_contents`.
    public var contentHash: String
    public var grids: Int
    public var blocks: Int

    public init(version: Int64, parent: Int64?, author: String, created: String, message: String, action: String,
                contentHash: String, grids: Int, blocks: Int) {
        self.version = version
        self.parent = parent
        self.author = author
        self.created = created
        self.message = message
        self.action = action
        self.contentHash = contentHash
        self.grids = grids
        self.blocks = blocks
    }
}

/// One row of `wangge_plan_locks`: a grid no edit or rebalance may touch while it is there.
public struct PlanLockRecord: Sendable, Equatable {
    public var gridCode: String
    /// The version that recorded the lock.
    public var version: Int64
    public var author: String
    public var created: String

    public init(gridCode: String, version: Int64, author: String, created: String) {
        self.gridCode = gridCode
        self.version = version
        self.author = author
        self.created = created
    }
}

/// A version's full content as stored: the canonical GeoJSON text of its two layers.
public struct PlanContentRecord: Sendable, Equatable {
    public var hash: String
    public var grids: [UInt8]
    public var blocks: [UInt8]

    public init(hash: String, grids: [UInt8], blocks: [UInt8]) {
        self.hash = hash
        self.grids = grids
        self.blocks = blocks
    }
}

public struct PlanStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable { case exists, missing, notAStore = "not-a-store", conflict, unknownVersion = "unknown-version", corrupt, sqlite }
    public var kind: Kind
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }

    public init(kind: Kind, file: String, message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }
}

/// A plan store on disk. Every write is one SQLite transaction (rollback journal, synchronous
/// FULL): the history row, the content and the rewritten feature layers (tables, R-trees,
/// gpkg_contents) commit together or not at all, so a killed command leaves the previous version.
/// The current version is the newest row: history is only ever appended to.
public struct PlanStore: Sendable {
    public let path: String
    /// Names of the two feature layers (QGIS shows them by these names).
    public static let gridsLayer = "grids"
    public static let blocksLayer = "blocks"
    static let versionsTable = "wangge_plan_versions"
    static let contentsTable = "wangge_plan_contents"
    static let locksTable = "wangge_plan_locks"

    /// Schema changes after the first release of the store, in order; a shipped one is never
    /// edited (GRDB records which ran in `grdb_migrations`). Run by every write, so a store made
    /// before a change gains it the first time it is written.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v2 plan locks") { db in
            try db.execute(sql: """
                CREATE TABLE \(locksTable) (id INTEGER PRIMARY KEY NOT NULL, grid_code TEXT NOT NULL UNIQUE,
                  version INTEGER NOT NULL REFERENCES \(versionsTable)(version), author TEXT NOT NULL, created TEXT NOT NULL)
                """)
            let now = try String.fetchOne(db, sql: "SELECT last_change FROM gpkg_contents WHERE table_name = ?", arguments: [versionsTable]) ?? "1970-01-01T00:00:00.000Z"
            try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)",
                           arguments: [locksTable, locksTable, "wangge plan locks: grids no edit or rebalance may touch", now])
        }
        return m
    }

    public init(path: String) {
        self.path = path
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates the store with its first version. Built in a staged file and renamed into place,
    /// so a killed `init` leaves no store rather than half of one; an existing store is refused.
    public func create(first: PlanVersionRecord, content: PlanContentRecord, layers: [GeoPackageLayer]) throws {
        if exists {
            throw PlanStoreError(kind: .exists, file: path, message: "a plan store already exists here (`wangge plan log --store \(path)` shows it); choose another --store or remove it")
        }
        let staged = try StagedFile(target: path)
        do {
            var config = Configuration()
            config.journalMode = .default
            let queue = try DatabaseQueue(path: staged.temporaryPath, configuration: config)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;")
                try db.inTransaction {
                    let writer = GeoPackageWriter(lastChange: Self.gpkgTime(first.created))
                    try writer.createCoreTables(db)
                    try Self.createHistoryTables(db, created: first.created)
                    try Self.append(first, content: content, layers: layers, db)
                    return .commit
                }
            }
            try Self.migrator.migrate(queue)
            try queue.close()
        } catch let error as DatabaseError {
            staged.discard()
            throw PlanStoreError(kind: .sqlite, file: path, message: "cannot create the plan store: \(SQLiteFailure.explain(error))")
        } catch {
            staged.discard()
            throw error
        }
        try staged.commit()
    }

    /// Appends `record` as the new current version, rewriting the feature layers, provided the
    /// current version is still `expectedCurrent` (two writers at once: one wins, the other is
    /// told to retry). `record.version` is assigned here (current + 1).
    @discardableResult
    public func append(_ record: PlanVersionRecord, content: PlanContentRecord, layers: [GeoPackageLayer],
                       expectedCurrent: Int64) throws -> PlanVersionRecord {
        let queue = try open(readOnly: false)
        defer { try? queue.close() }
        do {
            try Self.migrator.migrate(queue)
            return try queue.writeWithoutTransaction { db in
                var written = record
                // IMMEDIATE: the write lock is taken before the current version is read, so the
                // check and the append cannot interleave with another writer's.
                try db.inTransaction(.immediate) {
                    let current = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM \(Self.versionsTable)")
                    guard current == expectedCurrent else {
                        throw PlanStoreError(kind: .conflict, file: path,
                                             message: "the store moved from version \(expectedCurrent) to \(current.map(String.init) ?? "none") while this command ran; nothing was recorded — run it again")
                    }
                    written.version = expectedCurrent + 1
                    written.parent = expectedCurrent
                    try Self.append(written, content: content, layers: layers, db)
                    return .commit
                }
                return written
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_BUSY {
                throw PlanStoreError(kind: .conflict, file: path, message: "another command is writing the store; nothing was recorded — run it again")
            }
            throw PlanStoreError(kind: .sqlite, file: path, message: "cannot write the plan store: \(SQLiteFailure.explain(error))")
        }
    }

    /// Records a lock change as a new version with the current content (the layers are not
    /// rewritten): `lock` codes are added to the locks, `unlock` codes removed, in the same
    /// transaction as the history row, provided the current version is still `expectedCurrent`.
    @discardableResult
    public func appendLockChange(_ record: PlanVersionRecord, lock: [String], unlock: [String],
                                 expectedCurrent: Int64) throws -> PlanVersionRecord {
        let queue = try open(readOnly: false)
        defer { try? queue.close() }
        do {
            try Self.migrator.migrate(queue)
            return try queue.writeWithoutTransaction { db in
                var written = record
                try db.inTransaction(.immediate) {
                    let current = try Row.fetchOne(db, sql: "SELECT version, content_hash FROM \(Self.versionsTable) ORDER BY version DESC LIMIT 1")
                    let currentVersion: Int64? = current?[0]
                    guard currentVersion == expectedCurrent, let hash: String = current?[1] else {
                        throw PlanStoreError(kind: .conflict, file: path,
                                             message: "the store moved from version \(expectedCurrent) to \(currentVersion.map(String.init) ?? "none") while this command ran; nothing was recorded — run it again")
                    }
                    written.version = expectedCurrent + 1
                    written.parent = expectedCurrent
                    written.contentHash = hash
                    try db.execute(sql: "INSERT INTO \(Self.versionsTable) (version, parent, author, created, message, action, content_hash, grids, blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [written.version, written.parent, written.author, written.created, written.message, written.action, written.contentHash, written.grids, written.blocks])
                    for code in lock {
                        try db.execute(sql: "INSERT OR IGNORE INTO \(Self.locksTable) (grid_code, version, author, created) VALUES (?, ?, ?, ?)",
                                       arguments: [code, written.version, written.author, written.created])
                    }
                    for code in unlock {
                        try db.execute(sql: "DELETE FROM \(Self.locksTable) WHERE grid_code = ?", arguments: [code])
                    }
                    let changeTime = Self.gpkgTime(written.created)
                    try db.execute(sql: "UPDATE gpkg_contents SET last_change = ? WHERE table_name IN (?, ?)", arguments: [changeTime, Self.versionsTable, Self.locksTable])
                    return .commit
                }
                return written
            }
        } catch let error as DatabaseError {
            if error.resultCode == .SQLITE_BUSY {
                throw PlanStoreError(kind: .conflict, file: path, message: "another command is writing the store; nothing was recorded — run it again")
            }
            throw PlanStoreError(kind: .sqlite, file: path, message: "cannot write the plan store: \(SQLiteFailure.explain(error))")
        }
    }

    /// The current locks, by grid code (none for a store written before locks existed).
    public func locks() throws -> [PlanLockRecord] {
        try read { db in
            guard try db.tableExists(Self.locksTable) else { return [] }
            return try Row.fetchAll(db, sql: "SELECT grid_code, version, author, created FROM \(Self.locksTable) ORDER BY grid_code")
                .map { PlanLockRecord(gridCode: $0[0], version: $0[1], author: $0[2], created: $0[3]) }
        }
    }

    /// Every version, oldest first.
    public func versions() throws -> [PlanVersionRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT version, parent, author, created, message, action, content_hash, grids, blocks FROM \(Self.versionsTable) ORDER BY version")
                .map(Self.record)
        }
    }

    /// The newest version (the current plan).
    public func current() throws -> PlanVersionRecord {
        guard let last = try versions().last else {
            throw PlanStoreError(kind: .corrupt, file: path, message: "the store has no version")
        }
        return last
    }

    /// A version's full content, checked against its hash by the caller.
    public func content(of version: Int64) throws -> (PlanVersionRecord, PlanContentRecord) {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version, parent, author, created, message, action, content_hash, grids, blocks FROM \(Self.versionsTable) WHERE version = ?", arguments: [version]) else {
                let last = try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM \(Self.versionsTable)") ?? 0
                throw PlanStoreError(kind: .unknownVersion, file: path, message: "no version \(version) (versions are 1 to \(last))")
            }
            let record = Self.record(row)
            guard let c = try Row.fetchOne(db, sql: "SELECT grids_geojson, blocks_geojson FROM \(Self.contentsTable) WHERE content_hash = ?", arguments: [record.contentHash]) else {
                throw PlanStoreError(kind: .corrupt, file: path, message: "version \(version)'s content \(record.contentHash) is missing")
            }
            let grids: Data = c[0], blocks: Data = c[1]
            return (record, PlanContentRecord(hash: record.contentHash, grids: [UInt8](grids), blocks: [UInt8](blocks)))
        }
    }

    /// Row counts of the feature layers and their R-trees, and their gpkg_contents extents (tests
    /// and `plan show` use it to see that layers and history agree).
    public func layerSummary() throws -> [(layer: String, features: Int, rtree: Int, registered: Bool)] {
        try read { db in
            try [Self.gridsLayer, Self.blocksLayer].map { name in
                let n = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(GeoPackageWriter.quote(name))") ?? 0
                let r = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(GeoPackageWriter.quote("rtree_\(name)_geom"))") ?? 0
                let reg = try Bool.fetchOne(db, sql: "SELECT COUNT(*) = 1 FROM gpkg_contents WHERE table_name = ?", arguments: [name]) ?? false
                return (name, n, r, reg)
            }
        }
    }

    // MARK: - SQL

    func open(readOnly: Bool) throws -> DatabaseQueue {
        guard exists else {
            throw PlanStoreError(kind: .missing, file: path, message: "no plan store here; create one with `wangge plan init --store \(path)`")
        }
        var config = Configuration()
        config.journalMode = .default
        config.readonly = readOnly
        // Another writer holding the lock: wait a little, then tell the user to retry.
        config.busyMode = .timeout(5)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let isStore = try queue.read { db in try db.tableExists(Self.versionsTable) && db.tableExists("gpkg_contents") }
            guard isStore else {
                try? queue.close()
                throw PlanStoreError(kind: .notAStore, file: path, message: "not a wangge plan store (no \(Self.versionsTable) table)")
            }
            return queue
        } catch let error as DatabaseError {
            throw PlanStoreError(kind: .notAStore, file: path, message: "cannot open as a plan store: \(SQLiteFailure.explain(error))")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        // Read-write when the file allows it: a write cut short by kill -9 leaves a hot journal,
        // which only a writable connection rolls back (a read-only one could not open the file).
        let queue = try open(readOnly: !FileManager.default.isWritableFile(atPath: path))
        defer { try? queue.close() }
        do {
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw PlanStoreError(kind: .sqlite, file: path, message: "cannot read the plan store: \(SQLiteFailure.explain(error))")
        }
    }

    static func record(_ row: Row) -> PlanVersionRecord {
        PlanVersionRecord(version: row[0], parent: row[1], author: row[2], created: row[3], message: row[4], action: row[5],
                          contentHash: row[6], grids: row[7], blocks: row[8])
    }

    /// The history tables. The versions table is registered as a GeoPackage attributes table so
    /// QGIS lists the history beside the layers; the contents (large text) are not.
    static func createHistoryTables(_ db: Database, created: String) throws {
        try db.execute(sql: """
            CREATE TABLE \(contentsTable) (content_hash TEXT PRIMARY KEY NOT NULL, grids_geojson BLOB NOT NULL, blocks_geojson BLOB NOT NULL);
            CREATE TABLE \(versionsTable) (version INTEGER PRIMARY KEY NOT NULL, parent INTEGER REFERENCES \(versionsTable)(version),
              author TEXT NOT NULL, created TEXT NOT NULL, message TEXT NOT NULL, action TEXT NOT NULL,
              content_hash TEXT NOT NULL REFERENCES \(contentsTable)(content_hash), grids INTEGER NOT NULL, blocks INTEGER NOT NULL);
            """)
        try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) VALUES (?, 'attributes', ?, ?, ?)",
                       arguments: [versionsTable, versionsTable, "wangge plan history: one row per version (the full plan is in \(contentsTable))", gpkgTime(created)])
    }

    /// Inside the caller's transaction: the content (once per hash), the version row, and the two
    /// feature layers dropped and written again from `layers`.
    static func append(_ record: PlanVersionRecord, content: PlanContentRecord, layers: [GeoPackageLayer], _ db: Database) throws {
        if let old = try Row.fetchOne(db, sql: "SELECT grids_geojson, blocks_geojson FROM \(contentsTable) WHERE content_hash = ?", arguments: [content.hash]) {
            // Same hash, different text would be a hash collision: refuse rather than alias versions.
            let g: Data = old[0], b: Data = old[1]
            guard [UInt8](g) == content.grids, [UInt8](b) == content.blocks else {
                throw PlanStoreError(kind: .corrupt, file: "the plan store", message: "content hash \(content.hash) already names a different plan")
            }
        } else {
            try db.execute(sql: "INSERT INTO \(contentsTable) (content_hash, grids_geojson, blocks_geojson) VALUES (?, ?, ?)",
                           arguments: [content.hash, Data(content.grids), Data(content.blocks)])
        }
        try db.execute(sql: "INSERT INTO \(versionsTable) (version, parent, author, created, message, action, content_hash, grids, blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [record.version, record.parent, record.author, record.created, record.message, record.action, record.contentHash, record.grids, record.blocks])
        try db.execute(sql: "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", arguments: [gpkgTime(record.created), versionsTable])
        let writer = GeoPackageWriter(lastChange: gpkgTime(record.created))
        let hasOGRCounts = try db.tableExists("gpkg_ogr_contents")
        for layer in layers {
            try dropLayer(layer.name, db)
            try writer.write(layer, db)
            // GDAL's feature-count cache, when a GDAL client added it: keep it true.
            if hasOGRCounts {
                try db.execute(sql: "INSERT OR REPLACE INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)", arguments: [layer.name, layer.features.count])
            }
        }
    }

    /// GeoPackage's last_change form (Req 15: milliseconds, Z): 2026-12-01T05:00:00Z → …00.000Z.
    static func gpkgTime(_ iso: String) -> String {
        if iso.hasSuffix("Z"), !iso.contains("."), iso.count == 20 { return String(iso.dropLast()) + ".000Z" }
        return iso
    }

    /// Removes a feature layer and its registrations (children before gpkg_contents: foreign keys).
    /// DROP TABLE fires no DELETE triggers, so the R-tree triggers' ST_ functions are never called.
    static func dropLayer(_ name: String, _ db: Database) throws {
        let t = GeoPackageWriter.quote(name), r = GeoPackageWriter.quote("rtree_\(name)_geom")
        try db.execute(sql: "DROP TABLE IF EXISTS \(t)")
        try db.execute(sql: "DROP TABLE IF EXISTS \(r)")
        try db.execute(sql: "DELETE FROM gpkg_extensions WHERE table_name = ?", arguments: [name])
        try db.execute(sql: "DELETE FROM gpkg_geometry_columns WHERE table_name = ?", arguments: [name])
        if try db.tableExists("gpkg_ogr_contents") {
            try db.execute(sql: "DELETE FROM gpkg_ogr_contents WHERE table_name = ?", arguments: [name])
        }
        try db.execute(sql: "DELETE FROM gpkg_contents WHERE table_name = ?", arguments: [name])
    }
}
