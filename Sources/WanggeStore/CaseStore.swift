import Foundation
import GRDB
import WanggeCases
import WanggeIO

/// The case store: one SQLite file (WAL, so `list` and `report` read while a desk writes) with
/// the cases as they stand and every transition. Every command is one IMMEDIATE transaction —
/// the case read, the ladder applied, the case and its transition written — so two desks never
/// interleave, and a kill leaves the store as it was before the command. Times are ISO 8601 text
/// at +08:00 (one offset: the text sorts as the moments do).
public final class CaseStore: @unchecked Sendable {
    // DatabasePool is itself thread-safe; the class only adds immutable configuration.
    let pool: DatabasePool
    public let path: String
    public let auditIdentity: String

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    public init(path: String) throws(CaseError) {
        self.path = path
        pool = try StoreFile.open(path, failure: { CaseError(.store, $0, file: path) }) { pool in
            // A file that is some other database is never migrated into a case store.
            let tables = try pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            }
            if !tables.isEmpty && !tables.contains("grdb_migrations") {
                throw CaseError(.store, "it is an SQLite file but not a case store (tables: \(tables.joined(separator: ", "))) — is it the right file?", file: path)
            }
            try CaseSchema.migrator.migrate(pool)
        }
        auditIdentity = try pool.storeRead({ db in try String.fetchOne(db, sql: "SELECT id FROM store_identity") ?? "" }) {
            CaseError(.store, $0, file: path)
        }
    }

    /// Runs `body` in one IMMEDIATE write transaction (rolled back on any error), mapping SQLite's
    /// errors to `CaseError`s naming the file.
    func transaction<T>(_ body: (Database) throws -> T) throws(CaseError) -> T {
        try pool.immediateTransaction(body) { CaseError(.store, $0, file: path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(CaseError) -> T {
        try pool.storeRead(body) { CaseError(.store, $0, file: path) }
    }

    // MARK: commands

    /// Registers a new case (ladder's `report`); its id is given, or the next free `D000001`-style
    /// id when `case.id` is empty (chosen inside the transaction, so two desks never share one).
    @discardableResult
    public func add(_ newCase: CaseRecord, actor: String, note: String, ladder: CaseLadder, audit: CaseAudit? = nil) throws(CaseError) -> (CaseRecord, CaseTransition) {
        try transaction { db in try Self.add(db, newCase, actor: actor, note: note, ladder: ladder, audit: audit) }
    }

    /// Several new cases in one transaction (one fsync for all: a server's group commit), each in
    /// its own savepoint, so one refused case (a duplicate id, a ladder refusal) leaves the others
    /// in. Answers in order. Everything or nothing reaches the disk: a store error fails them all.
    public func addAll(_ items: [NewCase], ladder: CaseLadder) throws(CaseError) -> [Result<(CaseRecord, CaseTransition), CaseError>] {
        try transaction { db in
            var out: [Result<(CaseRecord, CaseTransition), CaseError>] = []
            for item in items {
                var added: (CaseRecord, CaseTransition)?
                do {
                    try db.inSavepoint {
                        added = try Self.add(db, item.record, actor: item.actor, note: item.note, ladder: ladder, audit: item.audit)
                        return .commit
                    }
                    out.append(.success(added!))
                } catch let e as CaseError {
                    out.append(.failure(e))
                }
            }
            return out
        }
    }

    static func add(_ db: Database, _ newCase: CaseRecord, actor: String, note: String, ladder: CaseLadder, audit: CaseAudit?) throws -> (CaseRecord, CaseTransition) {
        var c = newCase
        if c.id.isEmpty { c.id = try nextID(db) }
        if try Self.exists(db, c.id) { throw CaseError(.duplicateCase, "case \(c.id) is already in the store", caseID: c.id) }
        let (r, t) = try ladder.report(c, actor: actor, note: note)
        try Self.insert(db, r)
        try Self.insert(db, t)
        if let audit { try Self.queue(db, audit, t, action: CaseAuditText.createAction, detail: CaseAuditText.created(r)) }
        return (r, t)
    }

    /// The next free D-number (D000001 …): the sequence's next, past any the store already has
    /// (an import may bring D-ids of its own).
    static func nextID(_ db: Database) throws -> String {
        var n = (try Int.fetchOne(db, sql: "SELECT last FROM case_sequence WHERE prefix = 'D'") ?? 0) + 1
        func id(_ n: Int) -> String { "D" + String(repeating: "0", count: max(0, 6 - String(n).count)) + String(n) }
        while try exists(db, id(n)) { n += 1 }
        try db.execute(sql: "INSERT INTO case_sequence (prefix, last) VALUES ('D', ?) ON CONFLICT(prefix) DO UPDATE SET last = excluded.last", arguments: [n])
        return id(n)
    }

    /// One step of the ladder on case `id` (see `CaseLadder.apply`), read and written in one
    /// transaction. With `rights`, the actor's scope and right (`CaseRights.check`) are judged on
    /// the case as read inside the transaction.
    @discardableResult
    public func perform(_ action: CaseAction, on id: String, at time: CaseTime, actor: String, note: String,
                        extendHours: Double? = nil, ladder: CaseLadder, rights: CaseActor? = nil, audit: CaseAudit? = nil) throws(CaseError) -> (CaseRecord, CaseTransition) {
        try transaction { db in
            guard let c = try Self.fetchCase(db, id) else { throw CaseError.noSuchCase(id) }
            if let rights { try CaseRights.check(rights, action, c) }
            let (r, t) = try ladder.apply(action, to: c, at: time, actor: actor, note: note, extendHours: extendHours)
            try Self.update(db, r)
            try Self.insert(db, t)
            if let audit { try Self.queue(db, audit, t, action: CaseAuditText.transitionAction, detail: CaseAuditText.step(t)) }
            return (r, t)
        }
    }

    /// Adds the cases not yet in the store (by id) with their histories, all in one transaction:
    /// a re-import adds nothing, an interrupted one adds nothing, a resumed one adds what is missing.
    public func importCases(_ items: [(CaseRecord, [CaseTransition])]) throws(CaseError) -> (added: Int, alreadyPresent: Int) {
        try transaction { db in
            var added = 0, present = 0
            for (c, ts) in items.sorted(by: { $0.0.id < $1.0.id }) {
                if try Self.exists(db, c.id) { present += 1; continue }
                try Self.insert(db, c)
                for t in ts { try Self.insert(db, t) }
                added += 1
            }
            return (added, present)
        }
    }

    /// The automatic escalation at `now` (`AutoEscalation.due`), applied in one transaction.
    /// Only cases that can be due are read (open, on the clock, below the top, past deadline).
    public func tick(now: CaseTime, ladder: CaseLadder, audit: CaseAudit? = nil) throws(CaseError) -> [(CaseRecord, [CaseTransition])] {
        try transaction { db in
            let candidates = try Self.fetchCases(db, sql: """
                SELECT * FROM cases WHERE status IN ('reported','accepted','escalated','returned')
                AND level <> 'department' AND deadline < ? ORDER BY id
                """, arguments: [now.iso8601])
            let due = AutoEscalation.due(candidates, now: now, ladder: ladder)
            for (c, ts) in due {
                try Self.update(db, c)
                for t in ts {
                    try Self.insert(db, t)
                    if let audit { try Self.queue(db, audit, t, action: CaseAuditText.transitionAction, detail: CaseAuditText.escalation(t)) }
                }
            }
            return due
        }
    }

    // MARK: the audit outbox

    public func pendingAudit(after id: Int64 = 0, limit: Int = 1000) throws(CaseError) -> [PendingAuditLine] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_outbox WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, max(0, limit)]).map { row in
                PendingAuditLine(id: row["id"], at: row["at"], actor: row["actor"], action: row["action"], target: row["target"],
                                 address: row["address"], detail: row["detail"])
            }
        }
    }

    /// The outbox's oldest line still kept (copied or not); nil when empty.
    public func oldestAuditLine() throws(CaseError) -> Int64? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM audit_outbox") }
    }

    public func removeAudit(through id: Int64) throws(CaseError) {
        try transaction { db in try db.execute(sql: "DELETE FROM audit_outbox WHERE id <= ?", arguments: [id]) }
    }

    /// The audit line of transition `t`, into the outbox in the caller's transaction.
    static func queue(_ db: Database, _ audit: CaseAudit, _ t: CaseTransition, action: String, detail: String) throws {
        try db.cachedStatement(sql: "INSERT INTO audit_outbox (at, actor, action, target, address, detail) VALUES (?,?,?,?,?,?)")
            .execute(arguments: [audit.at, t.actor, action, t.caseID, audit.address, detail])
    }

    // MARK: queries

    public func record(_ id: String) throws(CaseError) -> CaseRecord? { try read { db in try Self.fetchCase(db, id) } }

    public func history(_ id: String) throws(CaseError) -> [CaseTransition] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transitions WHERE case_id = ? ORDER BY seq", arguments: [id]).map(Self.transition)
        }
    }

    public func count() throws(CaseError) -> Int { try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0 } }

    public func transitionCount() throws(CaseError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM transitions") ?? 0 }
    }

    /// Cases matching `filter`, by id; lights at `now` with `marginSeconds` of warning.
    public func list(_ filter: CaseFilter, now: CaseTime, marginSeconds: Int64) throws(CaseError) -> [CaseRecord] {
        var clauses: [String] = [], args: [any DatabaseValueConvertible] = []
        func add(_ clause: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            clauses.append(clause); args.append(value)
        }
        add("grid_code = ?", filter.gridCode)
        add("village_code = ?", filter.villageCode)
        add("township_code = ?", filter.townshipCode)
        add("status = ?", filter.status?.rawValue)
        add("level = ?", filter.level?.rawValue)
        add("type = ?", filter.type?.rawValue)
        add("reported_at >= ?", filter.reportedFrom?.iso8601)
        add("reported_at < ?", filter.reportedBefore?.iso8601)
        if filter.openOnly { clauses.append(Self.openSQL) }
        if let scope = filter.scope {
            // The same rule as CaseRights.sees, in SQL (a unit-less non-district actor sees nothing).
            switch scope.level {
            case .district: break
            case .township: clauses.append("township_code IS ?"); args.append(scope.unit)
            case .village: clauses.append("village_code IS ?"); args.append(scope.unit)
            case .grid: clauses.append("grid_code IS ?"); args.append(scope.unit)
            case .department:
                clauses.append("level = 'department' AND category IS ?"); args.append(scope.unit)
            }
            if scope.level != .district && scope.unit == nil { clauses.append("0") }
        }
        if let light = filter.light {
            // Plain `?`s here: numbered ones would count from the first argument of the whole query.
            clauses.append("(\(Self.lightSQL.replacingOccurrences(of: "?1", with: "?").replacingOccurrences(of: "?2", with: "?"))) = ?")
            args += [now.iso8601, now.adding(seconds: marginSeconds).iso8601, light.rawValue]
        }
        var sql = "SELECT * FROM cases" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")) + " ORDER BY id"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        let arguments = StatementArguments(args.map { $0.databaseValue })
        return try read { db in try Self.fetchCases(db, sql: sql, arguments: arguments) }
    }

    /// Light counts per grid, village, township and department at `now`: one streaming scan of
    /// the covering index `cases_report` grouped in its own order (no sort), the light computed
    /// once a row and summed as one packed integer — yellow, red and parked in 21 bits each, green
    /// the rest — then summed by place in `CaseReport`. A group too large to pack (2,097,152 cases
    /// of one grid, level and category) is counted light by light instead.
    /// With `scope`, only the cases that actor sees are counted.
    /// `openOnly`: only cases not yet solved — what a lights board shows as in hand and overdue.
    public func report(now: CaseTime, marginSeconds: Int64, scope: CaseActor? = nil, openOnly: Bool = false) throws(CaseError) -> CaseReport {
        let arguments: StatementArguments = [now.iso8601, now.adding(seconds: marginSeconds).iso8601]
        // status is in the covering index: the filter keeps the scan in it.
        let open = openOnly ? " WHERE " + Self.openSQL : ""
        let tallies = try read { db -> [CaseTally] in
            let rows = try Row.fetchAll(db, sql: """
                SELECT township_code, village_code, grid_code, level, category, count(*) AS n, sum(\(Self.packedLightSQL)) AS packed
                FROM cases INDEXED BY cases_report\(open) GROUP BY grid_code, village_code, township_code, level, category
                """, arguments: arguments)
            let field: Int64 = 1 << 21
            if rows.contains(where: { ($0["n"] as Int64? ?? 0) >= field }) {
                return try Row.fetchAll(db, sql: """
                    SELECT township_code, village_code, grid_code, level, category, (\(Self.lightSQL)) AS light, count(*) AS n
                    FROM cases\(open) GROUP BY grid_code, village_code, township_code, level, category, light
                    """, arguments: arguments).map { row in
                    Self.tally(row, light: CaseLight(rawValue: row["light"] ?? "") ?? .green, count: row["n"] ?? 0)
                }
            }
            var out: [CaseTally] = []
            for row in rows {
                let n: Int64 = row["n"] ?? 0, packed: Int64 = row["packed"] ?? 0
                let yellow = packed % field, red = packed / field % field, parked = packed / field / field
                for (light, count) in [(CaseLight.green, n - yellow - red - parked), (.yellow, yellow), (.red, red), (.parked, parked)] where count > 0 {
                    out.append(Self.tally(row, light: light, count: Int(count)))
                }
            }
            return out
        }
        return CaseReport(now: now, tallies: scope.map { s in tallies.filter { CaseRights.sees(s, $0) } } ?? tallies)
    }

    static func tally(_ row: Row, light: CaseLight, count: Int) -> CaseTally {
        CaseTally(townshipCode: row["township_code"], villageCode: row["village_code"], gridCode: row["grid_code"],
                  level: CaseLevel(rawValue: row["level"] ?? "") ?? .grid, category: row["category"] ?? "", light: light, count: count)
    }

    /// `lightSQL` as one number to sum: yellow 1, red 2^21, parked 2^42, green 0.
    /// `CaseStatus.isOpen` in SQL.
    static let openSQL = "status NOT IN (" + CaseStatus.allCases.filter { !$0.isOpen }.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"

    static let packedLightSQL = """
        CASE WHEN status = 'parked' THEN 4398046511104
        WHEN resolved_at IS NOT NULL THEN CASE WHEN resolved_at <= deadline THEN 0 ELSE 2097152 END
        WHEN deadline < ?1 THEN 2097152 WHEN deadline <= ?2 THEN 1 ELSE 0 END
        """

    /// `CaseRecord.light` in SQL (arguments: now, now + margin) — text comparison is time order.
    static let lightSQL = """
        CASE WHEN status = 'parked' THEN 'parked'
        WHEN resolved_at IS NOT NULL THEN CASE WHEN resolved_at <= deadline THEN 'green' ELSE 'red' END
        WHEN deadline < ?1 THEN 'red' WHEN deadline <= ?2 THEN 'yellow' ELSE 'green' END
        """

    // MARK: rows ↔ values

    static func exists(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM cases WHERE id = ?)"), arguments: [id]) ?? false
    }

    static func fetchCase(_ db: Database, _ id: String) throws -> CaseRecord? {
        try fetchCases(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [id]).first
    }

    static func fetchCases(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [CaseRecord] {
        var out: [CaseRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { out.append(try caseRecord(row)) }
        return out
    }

    static func time(_ row: Row, _ column: String, id: String) throws -> CaseTime? {
        guard let text: String = row[column] else { return nil }
        guard let t = CaseTime(iso8601: text) else { throw CaseError(.store, "case \(id): \(column) \"\(text)\" is not an ISO 8601 time", caseID: id) }
        return t
    }

    static func caseRecord(_ row: Row) throws -> CaseRecord {
        let id: String = row["id"] ?? ""
        func bad(_ what: String) -> CaseError { CaseError(.store, "case \(id): \(what) in the store — the file was changed outside wangge", caseID: id) }
        guard let type = CaseType(rawValue: row["type"] ?? "") else { throw bad("unknown type") }
        guard let level = CaseLevel(rawValue: row["level"] ?? "") else { throw bad("unknown level") }
        guard let status = CaseStatus(rawValue: row["status"] ?? "") else { throw bad("unknown status") }
        guard let deadline = try time(row, "deadline", id: id), let reported = try time(row, "reported_at", id: id),
              let updated = try time(row, "updated_at", id: id) else { throw bad("a missing time") }
        let location = CaseLocation(address: row["address"], lon: row["lon"], lat: row["lat"], givenCRS: row["given_crs"],
                                    givenX: row["given_x"], givenY: row["given_y"])
        return CaseRecord(id: id, type: type, category: row["category"] ?? "", description: row["description"] ?? "", location: location,
                          townshipCode: row["township_code"], villageCode: row["village_code"], gridCode: row["grid_code"],
                          gridWorker: row["grid_worker"], level: level, status: status, deadline: deadline, reportedAt: reported,
                          resolvedAt: try time(row, "resolved_at", id: id), closedAt: try time(row, "closed_at", id: id),
                          updatedAt: updated, lastSeq: row["last_seq"] ?? 0, source: row["source"] ?? "")
    }

    static func transition(_ row: Row) throws -> CaseTransition {
        let id: String = row["case_id"] ?? ""
        func bad(_ what: String) -> CaseError { CaseError(.store, "case \(id): transition \(row["seq"] ?? 0): \(what) in the store", caseID: id) }
        guard let action = CaseAction(rawValue: row["action"] ?? ""), let to = CaseStatus(rawValue: row["to_status"] ?? ""),
              let toLevel = CaseLevel(rawValue: row["to_level"] ?? "") else { throw bad("unknown action, status or level") }
        guard let at = try time(row, "time", id: id), let deadline = try time(row, "deadline", id: id) else { throw bad("a missing time") }
        return CaseTransition(caseID: id, seq: row["seq"] ?? 0, action: action, fromStatus: (row["from_status"] as String?).flatMap(CaseStatus.init),
                              toStatus: to, fromLevel: (row["from_level"] as String?).flatMap(CaseLevel.init), toLevel: toLevel,
                              time: at, actor: row["actor"] ?? "", note: row["note"] ?? "", deadline: deadline)
    }

    static func caseArguments(_ c: CaseRecord) -> StatementArguments {
        [c.type.rawValue, c.category, c.description, c.location.address, c.location.lon, c.location.lat, c.location.givenCRS,
         c.location.givenX, c.location.givenY, c.townshipCode, c.villageCode, c.gridCode, c.gridWorker, c.level.rawValue,
         c.status.rawValue, c.deadline.iso8601, c.reportedAt.iso8601, c.resolvedAt?.iso8601, c.closedAt?.iso8601,
         c.updatedAt.iso8601, c.lastSeq, c.source, c.id]
    }

    static let caseColumns = "type, category, description, address, lon, lat, given_crs, given_x, given_y, township_code, village_code, grid_code, grid_worker, level, status, deadline, reported_at, resolved_at, closed_at, updated_at, last_seq, source"

    static func insert(_ db: Database, _ c: CaseRecord) throws {
        // Cached statements: an import inserts tens of thousands of rows with the same SQL.
        try db.cachedStatement(sql: "INSERT INTO cases (\(caseColumns), id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
            .execute(arguments: caseArguments(c))
        // A D-id brought by an import moves the sequence past it: new cases keep counting up.
        if c.id.count > 1, c.id.first == "D", let n = Int(c.id.dropFirst()), c.id.dropFirst().allSatisfy(\.isASCII) {
            try db.cachedStatement(sql: "UPDATE case_sequence SET last = max(last, ?) WHERE prefix = 'D'").execute(arguments: [n])
        }
    }

    static func update(_ db: Database, _ c: CaseRecord) throws {
        let sets = caseColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) + " = ?" }.joined(separator: ", ")
        try db.execute(sql: "UPDATE cases SET \(sets) WHERE id = ?", arguments: caseArguments(c))
    }

    static func insert(_ db: Database, _ t: CaseTransition) throws {
        try db.cachedStatement(sql: """
            INSERT INTO transitions (case_id, seq, action, from_status, to_status, from_level, to_level, time, actor, note, deadline)
            VALUES (?,?,?,?,?,?,?,?,?,?,?)
            """).execute(arguments: [t.caseID, t.seq, t.action.rawValue, t.fromStatus?.rawValue, t.toStatus.rawValue, t.fromLevel?.rawValue,
                             t.toLevel.rawValue, t.time.iso8601, t.actor, t.note, t.deadline.iso8601])
    }
}

/// The case store's schema. Migrations are never edited once shipped: a change is a new one.
enum CaseSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1 cases and transitions") { db in
            let statuses = CaseStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
            let levels = CaseLevel.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
            try db.execute(sql: """
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY NOT NULL,
                    type TEXT NOT NULL,
                    category TEXT NOT NULL DEFAULT '',
                    description TEXT NOT NULL DEFAULT '',
                    address TEXT,
                    lon REAL, lat REAL,                 -- WGS-84
                    given_crs TEXT, given_x REAL, given_y REAL,  -- as given at intake
                    township_code TEXT, village_code TEXT, grid_code TEXT, grid_worker TEXT,
                    level TEXT NOT NULL CHECK (level IN (\(levels))),
                    status TEXT NOT NULL CHECK (status IN (\(statuses))),
                    deadline TEXT NOT NULL,             -- ISO 8601, +08:00
                    reported_at TEXT NOT NULL,
                    resolved_at TEXT,
                    closed_at TEXT,
                    updated_at TEXT NOT NULL,
                    last_seq INTEGER NOT NULL,
                    source TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE transitions (
                    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    from_status TEXT, to_status TEXT NOT NULL,
                    from_level TEXT, to_level TEXT NOT NULL,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '',
                    deadline TEXT NOT NULL,
                    PRIMARY KEY (case_id, seq)
                ) WITHOUT ROWID;
                CREATE INDEX cases_grid ON cases(grid_code, reported_at);
                CREATE INDEX cases_village ON cases(village_code, reported_at);
                CREATE INDEX cases_township ON cases(township_code, reported_at);
                CREATE INDEX cases_status ON cases(status, deadline);
                CREATE INDEX cases_type ON cases(type, reported_at);
                CREATE INDEX cases_reported ON cases(reported_at);
                CREATE INDEX cases_report ON cases(grid_code, village_code, township_code, level, category, status, deadline, resolved_at);
                """)
        }
        // The last D-number handed out: finding it by sorting every D-id made each new case cost
        // a sort of every D-id in the store, growing with the store.
        m.registerMigration("v2 case id sequence") { db in
            try db.execute(sql: "CREATE TABLE case_sequence (prefix TEXT PRIMARY KEY NOT NULL, last INTEGER NOT NULL) WITHOUT ROWID")
            let last = try String.fetchOne(db, sql: "SELECT id FROM cases WHERE id GLOB 'D[0-9]*' ORDER BY length(id) DESC, id DESC LIMIT 1")
            try db.execute(sql: "INSERT INTO case_sequence (prefix, last) VALUES ('D', ?)", arguments: [last.flatMap { Int($0.dropFirst()) } ?? 0])
        }
        // The audit lines of changes made with accounts, until they are in the accounts file
        // (CaseAudit.swift). AUTOINCREMENT: an id is never handed out twice, even after the rows
        // before it are removed; with the store's random identity it names a line's origin.
        m.registerMigration("v3 audit outbox") { db in
            try db.execute(sql: """
                CREATE TABLE store_identity (id TEXT NOT NULL);
                INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(16))));
                CREATE TABLE audit_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,                -- Unix seconds
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    address TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT ''
                );
                """)
        }
        return m
    }
}

extension CaseStore: CaseStoring {
    /// The name it had before the interface (`CaseStore.NewCase`).
    public typealias NewCase = WanggeCases.NewCase
}
