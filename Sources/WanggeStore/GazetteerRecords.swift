import Foundation
import GRDB

// The gazetteer's SQLite tables, one plain Codable record each. Coordinates are WGS-84.
// `grid` is the 15-digit code of the grid holding the point (nil when built without grids).

public struct TownshipRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "township"
    public var code: String
    public var name: String
    /// 镇 / 乡 / 街道.
    public var kind: String
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(code: String, name: String, kind: String, lon: Double, lat: Double, grid: String? = nil) {
        self.code = code
        self.name = name
        self.kind = kind
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

public struct VillageRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "village"
    public var code: String
    public var name: String
    public var townshipCode: String
    /// village (村) / community (社区).
    public var kind: String
    /// The village committee's point (inside the village), else the polygon's centroid.
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(code: String, name: String, townshipCode: String, kind: String, lon: Double, lat: Double, grid: String? = nil) {
        self.code = code
        self.name = name
        self.townshipCode = townshipCode
        self.kind = kind
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

/// A villager group (村民小组, 组/社): its point is the group house nearest the mean of its houses.
public struct GroupRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "villager_group"
    public var villageCode: String
    public var number: Int
    public var houses: Int
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(villageCode: String, number: Int, houses: Int, lon: Double, lat: Double, grid: String? = nil) {
        self.villageCode = villageCode
        self.number = number
        self.houses = houses
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

/// A street (路 / 街 / 巷 / 乡道) of one town; its point is the house nearest the mean of its
/// houses (else the middle vertex of its line); `villageCode` is the village with most of its houses.
public struct StreetRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "street"
    public var name: String
    public var townshipCode: String
    public var villageCode: String?
    public var houses: Int
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(name: String, townshipCode: String, villageCode: String? = nil, houses: Int, lon: Double, lat: Double, grid: String? = nil) {
        self.name = name
        self.townshipCode = townshipCode
        self.villageCode = villageCode
        self.houses = houses
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

/// One house number: on a street (`street` set) or in a villager group (`groupNumber` set).
public struct HouseRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "house"
    public var id: String
    public var villageCode: String
    public var townshipCode: String
    public var street: String?
    public var groupNumber: Int?
    public var number: Int
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(id: String, villageCode: String, townshipCode: String, street: String? = nil, groupNumber: Int? = nil, number: Int, lon: Double, lat: Double, grid: String? = nil) {
        self.id = id
        self.villageCode = villageCode
        self.townshipCode = townshipCode
        self.street = street
        self.groupNumber = groupNumber
        self.number = number
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

extension HouseRow {
    /// Every house, by position rather than through Codable: the gazetteer's largest table, read
    /// by every one-shot geocode, where keyed decoding of 57,000 rows was a third of the run.
    static func fetchAllByPosition(_ db: Database) throws -> [HouseRow] {
        var out: [HouseRow] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, villageCode, townshipCode, street, groupNumber, number, lon, lat, grid FROM house ORDER BY id")
        while let r = try rows.next() {
            // Throwing decodes: a NULL where a value belongs (a damaged file) is an error, not a trap.
            out.append(HouseRow(id: try r.decode(atIndex: 0), villageCode: try r.decode(atIndex: 1), townshipCode: try r.decode(atIndex: 2),
                                street: try r.decode(atIndex: 3), groupNumber: try r.decode(atIndex: 4), number: try r.decode(atIndex: 5),
                                lon: try r.decode(atIndex: 6), lat: try r.decode(atIndex: 7), grid: try r.decode(atIndex: 8)))
        }
        return out
    }
}

public struct LandmarkRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "landmark"
    public var id: String
    public var name: String
    public var kind: String
    public var villageCode: String
    public var lon: Double
    public var lat: Double
    public var grid: String?

    public init(id: String, name: String, kind: String, villageCode: String, lon: Double, lat: Double, grid: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.villageCode = villageCode
        self.lon = lon
        self.lat = lat
        self.grid = grid
    }
}

/// Another name for a township, village or the district: see `AliasKind`.
public struct AliasRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "alias"
    public var alias: String
    public var targetKind: AliasTarget
    public var targetCode: String
    public var aliasKind: AliasKind
    public var note: String?

    /// What an alias names (stored as its raw value, as before the enum).
    public enum AliasTarget: String, Codable, Hashable, Sendable, Comparable {
        case township, village, district
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    /// How an alias came about.
    public enum AliasKind: String, Codable, Hashable, Sendable {
        /// 福禄 for 福禄镇, 新华 for 新华村 when unique within its township.
        case short
        /// A village's short form that another village of the same township also has (`note` says which).
        case shortShared = "short-shared"
        /// 沙湾 for 沙湾区.
        case district
        /// A former name (documented in `note`).
        case former
    }

    public init(alias: String, targetKind: AliasTarget, targetCode: String, aliasKind: AliasKind, note: String? = nil) {
        self.alias = alias
        self.targetKind = targetKind
        self.targetCode = targetCode
        self.aliasKind = aliasKind
        self.note = note
    }
}

/// A place of a neighbouring county (its township or village, or the county itself): an address
/// naming it is `outside`, in `division`.
public struct OutsidePlaceRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outside_place"
    public var name: String
    public var division: String
    public var level: Level

    /// Stored as its raw value (as before the enum); ordered by it.
    public enum Level: String, Codable, Hashable, Sendable, Comparable {
        case county, township, village
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public init(name: String, division: String, level: Level) {
        self.name = name
        self.division = division
        self.level = level
    }
}

/// The grid worker a grid file names for a grid (`wangge staff --grids-out`), so that a geocode
/// answer says who receives the case.
public struct GridWorkerRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "grid_worker"
    public var grid: String
    public var name: String
    public var phone: String
    public var workerId: String

    public init(grid: String, name: String, phone: String, workerId: String) {
        self.grid = grid; self.name = name; self.phone = phone; self.workerId = workerId
    }
}

public struct MetaRow: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "meta"
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public enum GazetteerSchema {
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: "township") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull().unique()
                t.column("kind", .text).notNull()
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
            }
            try db.create(table: "village") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("townshipCode", .text).notNull().references("township").indexed()
                t.column("kind", .text).notNull()
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
            }
            try db.create(table: "villager_group") { t in
                t.column("villageCode", .text).notNull().references("village")
                t.column("number", .integer).notNull()
                t.column("houses", .integer).notNull()
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
                t.primaryKey(["villageCode", "number"])
            }
            try db.create(table: "street") { t in
                t.column("name", .text).notNull()
                t.column("townshipCode", .text).notNull().references("township")
                t.column("villageCode", .text).references("village")
                t.column("houses", .integer).notNull()
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
                t.primaryKey(["townshipCode", "name"])
            }
            try db.create(table: "house") { t in
                t.primaryKey("id", .text)
                t.column("villageCode", .text).notNull().references("village").indexed()
                t.column("townshipCode", .text).notNull()
                t.column("street", .text)
                t.column("groupNumber", .integer)
                t.column("number", .integer).notNull()
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
            }
            try db.create(index: "house_street", on: "house", columns: ["townshipCode", "street", "number"])
            try db.create(index: "house_group", on: "house", columns: ["villageCode", "groupNumber", "number"])
            try db.create(table: "landmark") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("villageCode", .text).notNull().references("village")
                t.column("lon", .double).notNull()
                t.column("lat", .double).notNull()
                t.column("grid", .text)
            }
            try db.create(table: "alias") { t in
                t.column("alias", .text).notNull().indexed()
                t.column("targetKind", .text).notNull()
                t.column("targetCode", .text).notNull()
                t.column("aliasKind", .text).notNull()
                t.column("note", .text)
                t.primaryKey(["alias", "targetKind", "targetCode"])
            }
        }
        m.registerMigration("v2: outside places") { db in
            try db.create(table: "outside_place") { t in
                t.column("name", .text).notNull()
                t.column("division", .text).notNull()
                t.column("level", .text).notNull()
                t.primaryKey(["name", "division", "level"])
            }
        }
        m.registerMigration("v3: grid workers") { db in
            try db.create(table: "grid_worker") { t in
                t.primaryKey("grid", .text)
                t.column("name", .text).notNull()
                t.column("phone", .text).notNull()
                t.column("workerId", .text).notNull()
            }
        }
        return m
    }
}
