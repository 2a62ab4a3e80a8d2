// What `wangge serve` holds in memory: the district, the current plan's grids with their figures
// recomputed, the point-to-grid locator and the address matcher — read from --data at start
// (and, on the first start, made there from the bundled district and plan). The plan store
// (DATA/plan.gpkg) is the truth: grids.geojson is its current version written out, and the
// served grids are replaced when an edit lands through the API.
import Foundation
import WanggeAccounts
import WanggeAssign
import WanggeCaseDesk
import WanggeCases
import WanggeDistrict
import WanggeExport
import WanggeGazetteer
import WanggeGeoJSON
import WanggeGrids
import WanggeIO
import WanggePlans
import WanggeStore
import WanggeWorkload

public final class ServerState: Sendable {
    public let district: DistrictBoundaries
    /// boundaries/'s point layers (for the plan's edits, diffs and figures).
    public let layers: DistrictLayers
    /// The served plan: replaced as a whole when an edit lands (read it once per request when two
    /// of its parts must agree, e.g. an index into its grids).
    let view: Replaceable<ServedPlan>
    /// The plan store and what the plan routes keep between requests.
    public let plans: PlanDesk
    /// The current plan's grids, sorted by code, each with its figures recomputed from geometry
    /// and boundaries/ (as export and map show them) and its grid worker when the file names one.
    public var grids: [Feature] { view.current.grids }
    public var gridIndex: [String: Int] { view.current.gridIndex }
    public var locator: GridLocator { view.current.locator }
    /// `wangge report`'s report.json of the current plan.
    public var reportJSON: String { view.current.reportJSON }
    /// The same report as values, to cut down to an account's grids.
    public var workloadReport: WorkloadReport? { view.current.workloadReport }
    public let matcher: AddressMatcher
    /// The plan version the gazetteer's grids are of (the one served at start): after an edit,
    /// geocode answers take their grid from the served plan instead (`API.currentGrid`).
    public let gazetteerVersion: Int64
    /// The accounts, sessions and audit log (data/accounts.sqlite).
    /// The accounts (the SQLite file here; any `AccountStoring` backend would do).
    public let accounts: any AccountStoring
    /// The units an account may have: the district's townships and villages, the plan's grids.
    public let units: AccountUnits
    /// The intake desk's page (the map with the intake panel), made once.
    /// The pages' HTML (the intake desk at `/`, the lights board at `/board`): one map, drawn on
    /// the first request for a page rather than at start (a restart serves the API sooner).
    public let pages: PublicPages
    /// The case store and its desk (data/cases.sqlite; the grid file's intake), when opened.
    public let cases: CaseService?
    /// Where the data lives, for the health answer.
    public let dataDirectory: String
    public let gridsFile: String

    /// The files in `data`: grids.geojson (+ blocks.geojson) and gazetteer.sqlite.
    public static let gridsName = "grids.geojson"
    public static let gazetteerName = "gazetteer.sqlite"
    public static let casesName = "cases.sqlite"
    public static let accountsName = "accounts.sqlite"
    public static let planName = "plan.gpkg"

    /// Opens `data`, first making it from `boundaries` when it has no plan yet: the bundled plan
    /// partitioned as `wangge partition --out DATA` would, and the gazetteer built from it (and
    /// rebuilt whenever it no longer follows the grid file). `note` receives what was done.
    /// `deadlines`: the case deadline table (nil: docs/case-deadlines.json when run from the
    /// repository, else the built-in one).
    public init(data: String, boundaries: String, deadlines: String? = nil, note: (String) -> Void = { _ in }) throws {
        let district = try DistrictBoundaries.load(directory: boundaries)
        let layers = try DistrictLayers.load(directory: boundaries)
        try AtomicFileSet.makeDirectory(data)
        let gridsFile = FilePath.join(data, Self.gridsName)
        if !FileManager.default.fileExists(atPath: gridsFile) {
            note("\(gridsFile): no plan yet; partitioning \(district.name) (\(district.profile.defaultGridCount.map(String.init) ?? "default") grids)")
            try DistrictCheck().require(district, layers: layers, directory: boundaries)
            let plan = try GridPlanner().plan(boundaries: district, layers: layers)
            try GridPlanWriter().write(plan, to: data, seconds: nil) { try plan.checkValid(against: district) }
        }
        let book = PlanBook(path: FilePath.join(data, Self.planName))
        let storeExists = FileManager.default.fileExists(atPath: book.path)
        if storeExists {
            // The store is the truth: grids.geojson and blocks.geojson not its current version's
            // bytes (compared by the content hash, no parsing: a restart stays quick) are rewritten.
            let record = try book.store.current()
            if !Self.files(in: data, hold: record) {
                try book.export(to: data)
                note("\(gridsFile): not version \(record.version) of \(book.path); written from the store")
            }
        }
        let collection = try GridFile.load(gridsFile, boundaries: district, validate: true)
        let version: Int64
        if storeExists {
            version = try book.store.current().version
        } else {
            // As `wangge plan init --from DATA`: the plan just validated becomes version 1, and its
            // files are written back as the store keeps them (the same plan, the store's bytes).
            let blocksFile = FilePath.join(data, "blocks.geojson")
            let blocks = FileManager.default.fileExists(atPath: blocksFile) ? try GeoJSONReader().readFeatureCollection(contentsOf: blocksFile) : FeatureCollection()
            let record = try book.initialize(Plan(grids: collection, blocks: blocks),
                                             stamp: PlanStamp(author: "wangge serve", time: PlanStamp.iso(Date()), message: "initial plan (\(Self.gridsName) of \(data))"))
            try book.export(to: data)
            version = record.version
            note("\(book.path): created, version 1 (\(record.grids) grids, \(record.blocks) blocks)")
        }
        let input = try ExportInput(boundaries: district, layers: layers, grids: collection, blocks: nil)
        let served = ServedPlan(input: input, version: version, locator: try GridLocator(GridSet(collection: collection, metricCRS: district.profile.metricCRS)))
        let locator = served.locator
        view = Replaceable(served)
        gazetteerVersion = version

        let gazetteerFile = FilePath.join(data, Self.gazetteerName)
        var gazetteer: Gazetteer?
        if FileManager.default.fileExists(atPath: gazetteerFile) {
            let stored = try Gazetteer.read(from: gazetteerFile)
            switch try GazetteerFreshness.check(stored, grids: gridsFile) {
            case .current: gazetteer = stored
            case .stale(let reason): note("\(gazetteerFile): \(reason); rebuilding it")
            }
        }
        if gazetteer == nil {
            let built = try GazetteerBuilder.build(boundaries: boundaries, grids: gridsFile)
            try built.write(to: gazetteerFile)
            gazetteer = built
        }
        matcher = AddressMatcher(gazetteer: gazetteer!)
        // The page is public (it carries the login form): its map holds no grid worker's name or
        // phone — those come from the API, after login.
        var publicInput = input
        publicInput.grids.features = input.grids.features.map { grid in
            var g = grid
            for key in [GridWorker.idKey, GridWorker.nameKey, GridWorker.phoneKey] { g[property: key] = nil }
            return g
        }
        pages = PublicPages(map: try DistrictMap(publicInput, colouring: .township))
        cases = CaseService(store: try CaseStore(path: FilePath.join(data, Self.casesName)),
                            intake: CaseIntake(grids: CaseGrids(path: gridsFile, collection: collection, locator: locator), matcher: matcher),
                            ladder: CaseLadder(deadlines: try CaseDesk.deadlines(deadlines)))
        accounts = try AccountStore(path: FilePath.join(data, Self.accountsName))
        units = Self.units(district: district, grids: served.grids)
        plans = PlanDesk(book: book, data: data)
        self.layers = layers
        self.district = district
        self.dataDirectory = data
        self.gridsFile = gridsFile
    }

    /// Whether grids.geojson and blocks.geojson in `data` are the bytes of the store's version `record`.
    static func files(in data: String, hold record: PlanVersionRecord) -> Bool {
        guard let grids = FileManager.default.contents(atPath: FilePath.join(data, gridsName)),
              let blocks = FileManager.default.contents(atPath: FilePath.join(data, "blocks.geojson")) else { return false }
        return Plan.contentHash(grids: [UInt8](grids), blocks: [UInt8](blocks)) == record.contentHash
    }

    /// The townships and villages of the district and the codes of the plan's grids.
    public static func units(district: DistrictBoundaries, grids: [Feature]) -> AccountUnits {
        AccountUnits(townships: Set(district.townships.map(\.code)), villages: Set(district.villages.map(\.code)),
                     grids: Set(grids.compactMap { $0.string("code") }))
    }
}

/// The plan as served: its grids with their figures recomputed, the locator over them and the
/// workload report — one value, so a request never mixes two versions.
struct ServedPlan: Sendable {
    var version: Int64
    var grids: [Feature]
    var gridIndex: [String: Int]
    var locator: GridLocator
    var reportJSON: String
    var workloadReport: WorkloadReport?

    /// `input`'s grids (figures recomputed by ExportInput, as export and map show them).
    init(input: ExportInput, version: Int64, locator: GridLocator) {
        self.version = version
        grids = input.grids.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        gridIndex = Dictionary(grids.enumerated().map { ($0.element.string("code") ?? "", $0.offset) }, uniquingKeysWith: { a, _ in a })
        self.locator = locator
        // The figures export recomputed for the grids are the report's: computed once.
        reportJSON = input.workloadReport?.json ?? WorkloadReport(figures: [], model: .standard).json
        workloadReport = input.workloadReport
    }

    /// The served plan after an edit of `villages`: `grids` (the new plan's layer) with only those
    /// villages' grids measured again, the others' figures and the report's other grids kept —
    /// the same as `of`, a whole recomputation (PlanAPITests checks it), in a fraction of the time.
    func after(editOf villages: Set<String>, grids: FeatureCollection, version: Int64,
               district: DistrictBoundaries, layers: DistrictLayers) throws -> ServedPlan {
        guard let report = workloadReport else { return try Self.of(grids, version: version, district: district, layers: layers) }
        let (measured, newReport) = try ExportInput.recomputed(grids, villages: villages, previous: (self.grids, report),
                                                               boundaries: district, layers: layers)
        var served = self
        served.version = version
        served.grids = measured.features.sorted { ($0.string("code") ?? "") < ($1.string("code") ?? "") }
        served.gridIndex = Dictionary(served.grids.enumerated().map { ($0.element.string("code") ?? "", $0.offset) }, uniquingKeysWith: { a, _ in a })
        served.locator = try GridLocator(GridSet(collection: grids, metricCRS: district.profile.metricCRS))
        served.reportJSON = newReport.json
        served.workloadReport = newReport
        return served
    }

    /// The served plan of a plan's grid layer.
    static func of(_ grids: FeatureCollection, version: Int64, district: DistrictBoundaries, layers: DistrictLayers) throws -> ServedPlan {
        let input = try ExportInput(boundaries: district, layers: layers, grids: grids, blocks: nil)
        return ServedPlan(input: input, version: version,
                          locator: try GridLocator(GridSet(collection: grids, metricCRS: district.profile.metricCRS)))
    }
}

/// A value read by every request and replaced whole when an edit lands (the served plan, the case
/// intake): readers get the old or the new one, never a mixture.
final class Replaceable<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    var current: Value { lock.withLock { value } }

    func replace(_ new: Value) { lock.withLock { value = new } }
}

/// The map pages, made once on first use (thread-safe).
public final class PublicPages: @unchecked Sendable {
    private let lock = NSLock()
    private let map: DistrictMap
    private var made: (intake: [UInt8], board: [UInt8])?

    init(map: DistrictMap) { self.map = map }

    private func make() -> (intake: [UInt8], board: [UInt8]) {
        lock.withLock {
            if let made { return made }
            let page = map.html()
            let both = (Array(DistrictMap.adding(IntakePage.panel, to: page).utf8), Array(DistrictMap.adding(BoardPage.panel, to: page).utf8))
            made = both
            return both
        }
    }

    public var intake: [UInt8] { make().intake }
    public var board: [UInt8] { make().board }
}
