// The plan store as planners use it: init, log, show, checkout, export, and recording a new
// version. The SQL is WanggeStore's PlanStore; this file decides what goes into a version.
import Foundation
import WanggeDistrict
import WanggeGeoJSON
import WanggeIO
import WanggeStore

/// What wrote a version.
public enum PlanAction: String, Sendable, CaseIterable {
    case initial = "init"
    case checkout
    case importEdit = "import"
    case move
    case split
    case merge
    case setCount = "set-count"
    case renumber
    case undo
    case lock
    case unlock
    case rebalance
}

/// Who and when, for the history row. The time comes from the caller (the CLI's `--now` or
/// WANGGE_NOW in tests), never from a clock read here.
public struct PlanStamp: Sendable, Equatable {
    public var author: String
    /// ISO 8601 UTC, e.g. 2026-12-01T05:00:00Z.
    public var time: String
    public var message: String

    public init(author: String, time: String, message: String) {
        self.author = author
        self.time = time
        self.message = message
    }

    /// `date` as ISO 8601 UTC to the second.
    public static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    /// A `--now` value: ISO 8601 with a zone, refused otherwise.
    public static func parse(_ text: String) -> String? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return iso(d) }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text).map(iso)
    }
}

public struct PlanBook: Sendable {
    public let store: PlanStore

    public init(path: String) {
        store = PlanStore(path: path)
    }

    public var path: String { store.path }

    /// Creates the store with `plan` as version 1.
    @discardableResult
    public func initialize(_ plan: Plan, stamp: PlanStamp) throws -> PlanVersionRecord {
        let content = try plan.content()
        let record = PlanVersionRecord(version: 1, parent: nil, author: stamp.author, created: stamp.time, message: stamp.message,
                                       action: PlanAction.initial.rawValue, contentHash: content.hash,
                                       grids: plan.grids.features.count, blocks: plan.blocks.features.count)
        try store.create(first: record, content: content, layers: plan.layers)
        return record
    }

    public func log() throws -> [PlanVersionRecord] {
        try store.versions()
    }

    /// A version and its plan (nil: the current one).
    public func plan(_ version: Int64? = nil) throws -> (PlanVersionRecord, Plan) {
        let v = try version ?? store.current().version
        let (record, content) = try store.content(of: v)
        return (record, try Plan.decode(content, store: path))
    }

    /// Records `plan` as the new current version, provided the current one is still `basedOn`.
    @discardableResult
    public func record(_ plan: Plan, action: PlanAction, stamp: PlanStamp, basedOn: Int64) throws -> PlanVersionRecord {
        let content = try plan.content()
        let record = PlanVersionRecord(version: basedOn + 1, parent: basedOn, author: stamp.author, created: stamp.time,
                                       message: stamp.message, action: action.rawValue, contentHash: content.hash,
                                       grids: plan.grids.features.count, blocks: plan.blocks.features.count)
        return try store.append(record, content: content, layers: plan.layers, expectedCurrent: basedOn)
    }

    /// Makes `version` current again as a new version whose parent is the current one (history
    /// is never rewritten). The message defaults to "checkout of version N".
    @discardableResult
    public func checkout(_ version: Int64, stamp: PlanStamp) throws -> PlanVersionRecord {
        let current = try store.current()
        let (_, plan) = try plan(version)
        var s = stamp
        if s.message.isEmpty { s.message = "checkout of version \(version)" }
        return try record(plan, action: .checkout, stamp: s, basedOn: current.version)
    }

    /// `plan import`: the edited grid layer in `file`, snapped and checked against the current
    /// version, recorded as a new one (with `layers`, reshaped grids' figure properties recomputed). Throws `PlanImportRejected` (nothing recorded) when the
    /// check fails. Returns the version it was based on, the new one, and what the import did.
    public func importGrids(_ file: String, tolerance: Double, boundaries: DistrictBoundaries, layers: DistrictLayers? = nil,
                            stamp: PlanStamp) throws -> (before: PlanVersionRecord, beforePlan: Plan, after: PlanVersionRecord, outcome: PlanImport.Outcome) {
        let grids = try PlanSource.loadGrids(file)
        let (current, plan) = try plan()
        let outcome = try PlanImport(tolerance: tolerance).run(grids: grids, file: file, current: plan, boundaries: boundaries, layers: layers)
        var s = stamp
        if s.message.isEmpty { s.message = "import of \((file as NSString).lastPathComponent)" }
        let after = try record(outcome.plan, action: .importEdit, stamp: s, basedOn: current.version)
        return (current, plan, after, outcome)
    }

    /// The grid codes locked now.
    public func locks() throws -> [PlanLockRecord] {
        try store.locks()
    }

    /// Applies `edit` to the current plan (refused — `PlanEditRefused`, nothing recorded — when a
    /// check fails or it touches a locked grid) and records the result as a new version. The
    /// message defaults to the edit's summary. The layers are needed: every recorded grid carries
    /// figures recomputed from them, never a sibling's stale ones.
    public func edit(_ edit: PlanEdit, boundaries: DistrictBoundaries, layers: DistrictLayers, seed: UInt64 = 0,
                     stamp: PlanStamp) throws -> (before: PlanVersionRecord, beforePlan: Plan, after: PlanVersionRecord, outcome: PlanEditOutcome) {
        let (current, plan) = try plan()
        let locked = Set(try locks().map(\.gridCode))
        let outcome = try PlanEditor(boundaries: boundaries, layers: layers, locked: locked, seed: seed).apply(edit, to: plan)
        if outcome.plan == plan {
            throw PlanEditRefused(edit: edit.summary, reasons: ["it changes nothing"])
        }
        var s = stamp
        if s.message.isEmpty { s.message = edit.summary }
        let after = try record(outcome.plan, action: edit.action, stamp: s, basedOn: current.version)
        return (current, plan, after, outcome)
    }

    /// Several block moves within one village applied in order (`PlanEditor.moves`) and recorded
    /// as one version (action `move`): the planner's page saves its painted strokes so. Refused
    /// as a whole — nothing recorded — when any step or the result fails a check.
    public func move(_ steps: [(blocks: [String], to: String)], boundaries: DistrictBoundaries, layers: DistrictLayers,
                     stamp: PlanStamp) throws -> (before: PlanVersionRecord, beforePlan: Plan, after: PlanVersionRecord, outcome: PlanEditOutcome) {
        let (current, plan) = try plan()
        let locked = Set(try locks().map(\.gridCode))
        let blocks = steps.reduce(0) { $0 + $1.blocks.count }
        let summary = steps.count == 1 ? PlanEdit.move(blocks: steps[0].blocks, to: steps[0].to).summary
            : "\(steps.count) moves (\(blocks) block moves) to \(Array(Set(steps.map(\.to))).sorted().joined(separator: ", "))"
        let outcome = try PlanEditor(boundaries: boundaries, layers: layers, locked: locked).moves(steps, in: plan, edit: summary)
        if outcome.plan == plan {
            throw PlanEditRefused(edit: summary, reasons: ["it changes nothing"])
        }
        var s = stamp
        if s.message.isEmpty { s.message = summary }
        let after = try record(outcome.plan, action: .move, stamp: s, basedOn: current.version)
        return (current, plan, after, outcome)
    }

    /// Locks (or with `unlock`, unlocks) grids of the current plan, recorded as a new version with
    /// the same plan. Locking a grid the plan does not have, or one already locked, is refused;
    /// so is unlocking one that is not locked.
    @discardableResult
    public func setLocked(_ codes: [String], locked: Bool, stamp: PlanStamp) throws -> PlanVersionRecord {
        let current = try store.current()
        let (_, plan) = try plan(current.version)
        let existing = Set(plan.grids.features.map(Plan.gridCode))
        let held = Set(try locks().map(\.gridCode))
        let wanted = Array(Set(codes)).sorted()
        let verb = locked ? "lock" : "unlock"
        var reasons: [String] = []
        if wanted.isEmpty { reasons.append("no grid named") }
        for code in wanted {
            if locked && !existing.contains(code) { reasons.append("no grid \(code) in the current plan") }
            else if locked && held.contains(code) { reasons.append("\(code) is already locked") }
            else if !locked && !held.contains(code) { reasons.append("\(code) is not locked") }
        }
        if !reasons.isEmpty { throw PlanEditRefused(edit: "\(verb) \(wanted.joined(separator: " "))", reasons: reasons) }
        var s = stamp
        if s.message.isEmpty { s.message = "\(verb) \(wanted.joined(separator: ", "))" }
        let record = PlanVersionRecord(version: current.version + 1, parent: current.version, author: s.author, created: s.time,
                                       message: s.message, action: (locked ? PlanAction.lock : .unlock).rawValue,
                                       contentHash: current.contentHash, grids: current.grids, blocks: current.blocks)
        return try store.appendLockChange(record, lock: locked ? wanted : [], unlock: locked ? [] : wanted,
                                          expectedCurrent: current.version)
    }

    /// `plan undo`: the current version's parent's plan made current, as a new version (so undo
    /// twice is redo, and nothing is lost). Refused on version 1, and on a lock change — a lock
    /// is undone with `plan unlock` (locks are not part of the plan).
    @discardableResult
    public func undo(stamp: PlanStamp) throws -> (undone: PlanVersionRecord, to: Int64, after: PlanVersionRecord) {
        let current = try store.current()
        guard let parent = current.parent else {
            throw PlanEditRefused(edit: "undo", reasons: ["version \(current.version) is the first: there is nothing before it"])
        }
        if current.action == PlanAction.lock.rawValue || current.action == PlanAction.unlock.rawValue {
            throw PlanEditRefused(edit: "undo", reasons: ["version \(current.version) only changed locks (\(current.message)): use `wangge plan \(current.action == "lock" ? "unlock" : "lock")` instead"])
        }
        let (_, plan) = try plan(parent)
        var s = stamp
        if s.message.isEmpty { s.message = "undo of version \(current.version) (\(current.action): \(current.message))" }
        let after = try record(plan, action: .undo, stamp: s, basedOn: current.version)
        return (current, parent, after)
    }

    /// Writes grids.geojson and blocks.geojson of `version` into `directory` as one set.
    @discardableResult
    public func export(_ version: Int64? = nil, to directory: String) throws -> PlanVersionRecord {
        let (record, content) = try store.content(of: try version ?? store.current().version)
        _ = try Plan.decode(content, store: path)   // the hash check, before anything is written
        try AtomicFileSet.makeDirectory(directory)
        let set = try AtomicFileSet(directory: directory)
        try set.write("grids.geojson", content.grids)
        try set.write("blocks.geojson", content.blocks)
        try set.commit()
        return record
    }
}

/// Where a plan comes from: a partition output directory (grids.geojson + blocks.geojson), a
/// grid GeoJSON file, or a GeoPackage (its grids layer, and its blocks layer when present).
public enum PlanSource {
    public static func load(_ path: String) throws -> Plan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanError(kind: .badSource, file: path, message: "no such file or directory")
        }
        if isDirectory.boolValue {
            let grids = (path as NSString).appendingPathComponent("grids.geojson")
            let blocks = (path as NSString).appendingPathComponent("blocks.geojson")
            guard FileManager.default.fileExists(atPath: grids) else {
                throw PlanError(kind: .badSource, file: path, message: "no grids.geojson here (a partition output directory has grids.geojson and blocks.geojson)")
            }
            let reader = GeoJSONReader()
            let b = FileManager.default.fileExists(atPath: blocks) ? try reader.readFeatureCollection(contentsOf: blocks) : FeatureCollection()
            return Plan(grids: try reader.readFeatureCollection(contentsOf: grids), blocks: b)
        }
        if isGeoPackage(path) {
            let grids = try GeoPackageReader.read(path: path)
            let names = try GeoPackageReader.layerNames(path: path)
            let blocks = names.contains(PlanStore.blocksLayer) ? try GeoPackageReader.read(path: path, layer: PlanStore.blocksLayer) : FeatureCollection()
            return Plan(grids: grids, blocks: blocks)
        }
        return Plan(grids: try GeoJSONReader().readFeatureCollection(contentsOf: path), blocks: FeatureCollection())
    }

    /// The grid layer alone (what `plan import` takes from a file).
    public static func loadGrids(_ path: String) throws -> FeatureCollection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PlanError(kind: .badSource, file: path, message: isDirectory.boolValue ? "a directory, expected a grid file (GeoJSON or GeoPackage)" : "no such file")
        }
        if isGeoPackage(path) { return try GeoPackageReader.read(path: path) }
        return try GeoJSONReader().readFeatureCollection(contentsOf: path)
    }

    /// By content, not by name: an SQLite file is taken as a GeoPackage.
    static func isGeoPackage(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 16)) ?? Data()
        return head.starts(with: Array("SQLite format 3".utf8))
    }

    /// The grid check every version passes before it is recorded (`wangge validate`'s checks).
    public static func requireValid(_ plan: Plan, path: String, boundaries: DistrictBoundaries) throws {
        let report = try GridValidation().run(plan.grids, boundaries: boundaries)
        if !report.passed {
            throw PlanImportRejected(file: path, problems: report.problems)
        }
    }
}
