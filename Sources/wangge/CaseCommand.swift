import ArgumentParser
import Foundation
import WanggeKit

// `wangge case`: the case desk. All logic is in WanggeCases (the ladder, deadlines, lights),
// WanggeStore (CaseStore) and WanggeCaseDesk (locating, importing); this wires options to them.

extension CaseType: ExpressibleByArgument {}
extension CaseStatus: ExpressibleByArgument {}
extension CaseLevel: ExpressibleByArgument {}
extension CaseLight: ExpressibleByArgument {}

/// Options every case command shares: the store, the clock, the deadline table.
struct CaseStoreOptions: ParsableArguments {
    @Option(help: "The case store (SQLite).") var store = "out/cases.sqlite"
    @Option(help: "The time to act at (ISO 8601 with offset, or a date) instead of the clock — for tests and replays.") var now: String?
    @Option(help: "The deadline table (JSON; default docs/case-deadlines.json if present, else the built-in one).") var deadlines: String?

    func open() throws -> (CaseStore, CaseLadder, CaseTime) {
        let ladder = CaseLadder(deadlines: try CaseDesk.deadlines(deadlines))
        return (try CaseStore(path: store), ladder, try CaseDesk.now(now))
    }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Cases from intake to the grid worker, up the ladder, with deadline lights (docs/CASES.md).",
        subcommands: [Add.self, List.self, Show.self, Accept.self, Escalate.self, Return.self, Extend.self, Park.self,
                      Resolve.self, Verify.self, Close.self, Report.self, Import.self, Tick.self, Deadlines.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a case from an address or coordinates; it is located, given its grid and reported at the grid.",
            discussion: """
                An address is geocoded through the gazetteer (built from --boundaries when missing); \
                coordinates are taken in --crs (wgs84, cgcs2000, gcj02, bd09, EPSG:n). The grid comes \
                from --grids by the one point-to-grid rule. An ambiguous address is refused with its \
                numbered candidates unless --pick N or --village CODE chooses; an address outside the \
                district is refused.
                """)
        @OptionGroup var common: CaseStoreOptions
        @Option(help: "The case type.") var type: CaseType
        @Option(help: "The finer kind (劳资纠纷, 道路设施, …; for department matters the department).") var category = ""
        @Option(help: "What the resident reports.") var description = ""
        @Option(help: "The address.") var address: String?
        @Option(help: "Longitude (or x) in --crs.") var lon: Double?
        @Option(help: "Latitude (or y) in --crs.") var lat: Double?
        @Option(help: "CRS of --lon/--lat.") var crs = "wgs84"
        @Option(help: "For an ambiguous address: the candidate to take (1-based).") var pick: Int?
        @Option(help: "The village (12-digit code) the address is in.") var village: String?
        @Option(help: "The case id (default: the next D000001-style id).") var id: String?
        @Option(help: "Who registers it.") var actor = "desk"
        @Option(help: "A note for the history.") var note = ""
        @Option(help: "The grid file.") var grids = "out/grids.geojson"
        @Option(help: "The gazetteer (built from --boundaries when missing).") var gazetteer = "out/gazetteer.sqlite"
        @Option(help: "Directory with the district's layers (to build a missing gazetteer).") var boundaries = "boundaries"
        @Flag(name: .customLong("no-validate"), help: "Use --grids even if its features are not valid grids.") var noValidate = false
        @Flag(help: "Print the case as JSON.") var json = false
        @Option(help: "Send the case to this `wangge serve` (its loaded desk answers in milliseconds) instead of the local store; the session comes from `wangge login`.") var server: String?
        @Option(help: "With --server: the session token (default: $WANGGE_TOKEN, else the `wangge login` session).") var token: String?

        func validate() throws {
            if (lon == nil) != (lat == nil) { throw ValidationError("give both --lon and --lat") }
            if address == nil && lon == nil { throw ValidationError("give --address or --lon/--lat") }
            if lon != nil && (pick != nil || village != nil) { throw ValidationError("--pick and --village choose among an address's candidates; not with coordinates") }
            do { _ = try CRS.parsing(crs, districtIn: boundaries) } catch { throw ValidationError("\(error)") }
        }

        func run() throws {
            if let server { return try sendTo(server) }
            let (store, ladder, now) = try common.open()
            let caseGrids = try CaseGrids(path: grids, validate: !noValidate)
            let placed: PlacedCase
            if let lon, let lat {
                placed = try CaseIntake(grids: caseGrids, matcher: nil).locate(x: lon, y: lat, crs: try CRS.parsing(crs, districtIn: boundaries), address: address)
            } else {
                let g = try CaseDesk.gazetteer(path: gazetteer, boundaries: boundaries, grids: grids)
                placed = try CaseIntake(grids: caseGrids, matcher: AddressMatcher(gazetteer: g)).locate(address: address ?? "", pick: pick, village: village)
            }
            let p = placed.placement
            let c = CaseRecord(id: id ?? "", type: type, category: category, description: description, location: placed.location,
                               townshipCode: p.townshipCode, villageCode: p.villageCode, gridCode: p.gridCode, gridWorker: p.gridWorker,
                               deadline: now, reportedAt: now, source: "desk")
            let (r, _) = try store.add(c, actor: actor, note: note, ladder: ladder)
            if json { print(r.json(now: now, marginSeconds: ladder.deadlines.yellowMarginSeconds)); return }
            print("\(r.id): \(r.type.rawValue) at grid \(r.gridCode ?? "-") (village \(r.villageCode ?? "-"), township \(r.townshipCode ?? "-"))"
                  + "\(r.gridWorker.map { ", worker \($0)" } ?? ""); \(placed.how); deadline \(r.deadline)")
        }

        /// The case through the server's API: the same intake, located by its loaded desk; the
        /// actor is the logged-in account.
        func sendTo(_ server: String) throws {
            let saved = try DeskSession.defaultPath.flatMap { try DeskSession.load($0) }
            let session = token ?? ProcessInfo.processInfo.environment["WANGGE_TOKEN"] ?? (saved?.server == server ? saved?.token : nil) ?? ""
            var fields: JSONObject = ["type": .string(type.rawValue), "category": .string(category), "description": .string(description), "note": .string(note)]
            if let address { fields["address"] = .string(address) }
            if let lon, let lat { fields["lon"] = .number(JSONNumber(lon)); fields["lat"] = .number(JSONNumber(lat)); fields["crs"] = .string(crs) }
            if let pick { fields["pick"] = .number(JSONNumber(pick)) }
            if let village { fields["village"] = .string(village) }
            let c = try RemoteDesk(server: server, token: session).add(fields)
            if json { print(JSONValue.object(c).jsonText); return }
            func s(_ key: String) -> String { c[key]?.stringValue ?? "-" }
            print("\(s("id")): \(s("type")) at grid \(s("grid_code")) (village \(s("village_code")), township \(s("township_code")))"
                  + "\(c["grid_worker"]?.stringValue.map { ", worker \($0)" } ?? ""); via \(server); deadline \(s("deadline"))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cases by id, filtered by place, status, light, type, level and dates.")
        @OptionGroup var common: CaseStoreOptions
        @Option(help: "Grid code.") var grid: String?
        @Option(help: "Village code.") var village: String?
        @Option(help: "Township code.") var township: String?
        @Option(help: "Status.") var status: CaseStatus?
        @Option(help: "Light at --now.") var light: CaseLight?
        @Option(help: "Case type.") var type: CaseType?
        @Option(help: "Level.") var level: CaseLevel?
        @Option(help: "Reported at or after (ISO 8601 or a date).") var from: String?
        @Option(help: "Reported before (ISO 8601 or a date).") var to: String?
        @Flag(help: "Only cases not yet solved (reported, accepted, escalated, returned, parked).") var open = false
        @Option(help: "At most this many cases.") var limit: Int?
        @Flag(help: "One JSON object a line.") var json = false

        func run() throws {
            let (store, ladder, now) = try common.open()
            var f = CaseFilter()
            f.gridCode = grid; f.villageCode = village; f.townshipCode = township; f.status = status; f.light = light
            f.type = type; f.level = level; f.limit = limit; f.openOnly = open
            f.reportedFrom = try from.map { try CaseDesk.time($0, option: "--from") }
            f.reportedBefore = try to.map { try CaseDesk.time($0, option: "--to") }
            let margin = ladder.deadlines.yellowMarginSeconds
            let cases = try store.list(f, now: now, marginSeconds: margin)
            if json { for c in cases { print(c.json(now: now, marginSeconds: margin)) }; return }
            print(TextTable(header: CaseRecord.tableHeader, rows: cases.map { $0.tableRow(now: now, marginSeconds: margin) }).render(), terminator: "")
            StandardError.write("\(cases.count) case(s)\n")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One case with its history.")
        @OptionGroup var common: CaseStoreOptions
        @Argument(help: "The case id.") var id: String
        @Flag(help: "As JSON (the case, with \"history\").") var json = false

        func run() throws {
            let (store, ladder, now) = try common.open()
            guard let c = try store.record(id) else { throw CaseError(.unknownCase, "no case \(id) in \(common.store)", caseID: id) }
            let history = try store.history(id)
            let margin = ladder.deadlines.yellowMarginSeconds
            if json {
                print(String(c.json(now: now, marginSeconds: margin).dropLast()) + ",\"history\":[" + history.map(\.json).joined(separator: ",") + "]}")
                return
            }
            print(TextTable(header: CaseRecord.tableHeader, rows: [c.tableRow(now: now, marginSeconds: margin)]).render(), terminator: "")
            if let a = c.location.address { print("address: \(a)") }
            if let lon = c.location.lon, let lat = c.location.lat { print("point: \(lon), \(lat) (WGS-84)\(c.location.givenCRS.map { "; given in \($0)" } ?? "")") }
            print("village \(c.villageCode ?? "-"), township \(c.townshipCode ?? "-"), grid worker \(c.gridWorker ?? "-")")
            print(TextTable(header: CaseTransition.tableHeader, rows: history.map(\.tableRow)).render(), terminator: "")
        }
    }

    /// One step of the ladder on a case: accept, escalate, return, extend, park, resolve, verify, close.
    struct StepOptions: ParsableArguments {
        @OptionGroup var common: CaseStoreOptions
        @Argument(help: "The case id.") var id: String
        @Option(help: "Who takes the step (with accounts: an account name, judged by its role and unit).") var actor: String
        @Option(help: "Why, for the history.") var note = ""
        @Option(help: "The server's accounts file (default: accounts.sqlite beside --store). With accounts in it, --actor must be one and have the right (docs/CASES.md); without, the CLI acts as the district.")
        var accounts: String?

        func perform(_ action: CaseAction, hours: Double? = nil) throws {
            let (store, ladder, now) = try common.open()
            let (c, t) = try CaseDesk.perform(action, on: id, at: now, actor: actor, note: note, extendHours: hours, ladder: ladder, store: store,
                                              accounts: accounts ?? FilePath.join(FilePath.directory(of: common.store), "accounts.sqlite"))
            print("\(c.id): \(t.fromStatus?.rawValue ?? "-") → \(c.status.rawValue) at \(c.level.rawValue) level; deadline \(c.deadline)")
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The holder at the case's level takes it on (also: a parked case resumed).")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.accept) }
    }
    struct Escalate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the case one level up (grid → village → township → district → department).")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.escalate) }
    }
    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the case one level down (回退).")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.return) }
    }
    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move an accepted case's deadline later (延期).")
        @OptionGroup var step: StepOptions
        @Option(help: "Hours to add to the deadline.") var hours: Double
        func run() throws { try step.perform(.extend, hours: hours) }
    }
    struct Park: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Shelve an accepted case that cannot be solved now (挂账): off the clock until accepted again.")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.park) }
    }
    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The case is solved at its level.")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.resolve) }
    }
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The solution is checked with the resident.")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.verify) }
    }
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a verified case.")
        @OptionGroup var step: StepOptions
        func run() throws { try step.perform(.close) }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Light counts per grid, village, township and department at --now.")
        @OptionGroup var common: CaseStoreOptions
        @Flag(help: "As JSON.") var json = false
        @Option(help: "Write the report to this file (atomically) instead of standard output.") var out: String?

        func run() throws {
            let (store, ladder, now) = try common.open()
            if let out { try FileIdentity.checkDistinct(output: ("--out", out), from: [("--store", common.store)]) }
            let report = try store.report(now: now, marginSeconds: ladder.deadlines.yellowMarginSeconds)
            var text = report.json
            if !json {
                func table(_ title: String, _ rows: [(String, LightCounts)]) -> String {
                    "\(title)\n" + TextTable(header: ["code", "green", "yellow", "red", "parked", "total"],
                                             rows: rows.map { [$0.0, "\($0.1.green)", "\($0.1.yellow)", "\($0.1.red)", "\($0.1.parked)", "\($0.1.total)"] }).render()
                }
                text = "at \(report.now): \(report.total.total) cases — green \(report.total.green), yellow \(report.total.yellow), red \(report.total.red), parked \(report.total.parked)\n\n"
                    + table("townships", report.townships) + "\n" + table("departments", report.departments) + "\n"
                    + table("villages", report.villages) + "\n" + table("grids", report.grids)
            }
            if let out { try AtomicFile.write(Array(text.utf8), to: out) } else { print(text, terminator: "") }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a GeoJSON or CSV case history (default the bundled 12 months) as cases with their grids and histories.",
            discussion: """
                Every feature (or CSV row: id,type,category,reported_at,deadline_hours,resolved_at,level,address,village_code,lon,lat \
                with a header, lon/lat WGS-84) is placed on --grids and its recorded history (reported_at, level, \
                resolved_at) becomes transitions. Cases already in the store (by id) are left as they \
                are, so a re-import adds nothing and a resumed one adds what is missing. All is \
                written in one transaction: an interrupted import leaves the store as it was. A bad \
                feature is reported with its number (a bad row with its line) and skipped (with --strict nothing is written).
                """)
        @OptionGroup var common: CaseStoreOptions
        @Argument(help: "The history: .geojson or .csv.") var file = "boundaries/incidents.geojson"
        @Option(help: "The grid file.") var grids = "out/grids.geojson"
        @Flag(name: .customLong("no-validate"), help: "Use --grids even if its features are not valid grids.") var noValidate = false
        @Flag(help: "Write nothing if any feature is bad.") var strict = false

        func run() throws {
            let started = Date()
            let (store, ladder, _) = try common.open()
            let result = try IncidentImport.read(path: file, grids: CaseGrids(path: grids, validate: !noValidate), ladder: ladder)
            for p in result.problems { StandardError.write("wangge case import: \(p)\n") }
            if strict && !result.problems.isEmpty {
                throw CaseError(.badRecord, "\(result.problems.count) bad feature(s) and --strict given; nothing imported", file: file)
            }
            let (added, present) = try store.importCases(result.cases)
            print("\(file): \(added) case(s) added, \(present) already in \(common.store), \(result.problems.count) skipped"
                  + String(format: " — %.2f s", Date().timeIntervalSince(started)))
        }
    }

    struct Tick: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Escalate every open case whose level's deadline has passed (what a timer runs; idempotent).")
        @OptionGroup var common: CaseStoreOptions
        @Option(help: "The server's accounts file (default: accounts.sqlite beside --store). With accounts in it, each escalation is audited.")
        var accounts: String?

        func run() throws {
            let (store, ladder, now) = try common.open()
            let due = try CaseDesk.tick(store: store, at: now, ladder: ladder,
                                        accounts: accounts ?? FilePath.join(FilePath.directory(of: common.store), "accounts.sqlite"))
            for (c, ts) in due {
                print("\(c.id): escalated \(ts.map { "\($0.fromLevel?.rawValue ?? "-") → \($0.toLevel.rawValue) at \($0.time)" }.joined(separator: ", "))")
            }
            StandardError.write("\(due.count) case(s) escalated at \(now)\n")
        }
    }

    struct Deadlines: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the deadline table in use (JSON, with each value's note): --deadlines FILE, docs/case-deadlines.json or the built-in one.")
        @Option(help: "The deadline table to read.") var deadlines: String?
        @Flag(help: "The built-in defaults, whatever file exists.") var builtIn = false
        func run() throws { print((builtIn ? .standard : try CaseDesk.deadlines(deadlines)).json, terminator: "") }
    }
}
