import ArgumentParser
import Foundation
import WanggeKit

/// `wangge staff`: a grid worker on every grid and the supporting members where the work is.
/// All logic is in WanggeTeam (`TeamStaffing`, `RosterFile`) and WanggeStaffing (`Staffing`).
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Put the team on the grids: one grid worker each, supporting members so that hours of work per staff-hour are even.",
        discussion: """
            The roster is a CSV (UTF-8 or GBK/GB18030, detected) with the columns \
            id,name,role,home_village_code,phone,hours_per_week; role is grid_worker, village_cadre, \
            group_leader, social_worker or retired_cadre. A row with an unknown village, a duplicate id, \
            a blank phone or bad hours is reported on stderr with its line and field, and skipped. \
            Grid workers go to their own village's grids, then to the nearest grids left; supporting \
            members to their own village's grids or a neighbouring village's within --travel-limit, \
            placed so that hours of work ÷ hours of staff is as even as possible across the district. \
            Hours of work per grid are a stand-in until the workload model: households × 0.35 h a week. \
            Writes OUT/staffing.csv (one row a person, with a BOM for Excel) and OUT/staffing.json, together; \
            with --grids-out, also the grid file with each grid's worker (worker, worker_phone, worker_id) \
            and staff_hours as properties, which export, map, geocode and assign then show — it may be \
            the --grids file itself, replaced atomically.
            """)

    @Option(help: "The roster CSV (e.g. boundaries/roster.csv); - for standard input.") var roster: String
    @Option(help: "The grid file to staff (default: OUT/grids.geojson, as `wangge partition --out OUT` wrote it).") var grids: String?
    @Option(name: .customLong("grids-out"), help: "Write the grid file again with each grid's worker and staff hours as properties (may be --grids).")
    var gridsOut: String?
    @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
    @Option(help: "Directory to write staffing.csv and staffing.json to.") var out = "out"
    @Option(name: .customLong("travel-limit"), help: "How far (km) a supporting member goes to a neighbouring village's grid.")
    var travelLimit = 5.0
    @Flag(name: .customLong("no-validate"), help: "Use --grids even if `wangge validate` would reject it.") var noValidate = false

    func validate() throws {
        if !(travelLimit >= 0 && travelLimit.isFinite) { throw ValidationError("--travel-limit must be a distance in km, 0 or more") }
    }

    func run() throws {
        let started = Date()
        let gridsFile = grids ?? FilePath.join(out, "grids.geojson")
        if grids == nil, !FileManager.default.fileExists(atPath: gridsFile) {
            throw ValidationError("no grid file at \(gridsFile): run `wangge partition --out \(out)` first, or give --grids FILE")
        }
        for name in [StaffingReport.csvName, StaffingReport.jsonName] {
            try FileIdentity.checkDistinct(output: ("--out's \(name)", FilePath.join(out, name)), from: [("--roster", roster), ("--grids", gridsFile)])
            if let gridsOut {
                try FileIdentity.checkDistinct(output: ("--grids-out", gridsOut), from: [("--out's \(name)", FilePath.join(out, name))])
            }
        }
        if let gridsOut { try FileIdentity.checkDistinct(output: ("--grids-out", gridsOut), from: [("--roster", roster)]) }
        var options = StaffingOptions()
        options.travelLimit = travelLimit * 1000
        let district = try DistrictBoundaries.load(directory: boundaries)
        // The grid file is checked as `wangge validate` would, on the other core while the grids
        // are staffed; nothing is written unless it passes.
        let collection = try GridFile.load(gridsFile, boundaries: district, validate: false)
        let validate = !noValidate
        let gridCheck = Background { if validate { try GridFile.requireValid(collection, path: gridsFile, boundaries: district) } }
        let report = try TeamStaffing.run(district: district, boundaries: boundaries, grids: collection, gridsFile: gridsFile,
                                          rosterFile: roster, options: options)
        try gridCheck.value()
        for w in report.roster.warnings.prefix(20) { StandardError.write("wangge staff: \(w)\n") }
        if report.roster.skipped > 20 { StandardError.write("wangge staff: … and \(report.roster.skipped - 20) more rows skipped\n") }
        try report.write(to: out)
        print(report.summary())
        print(String(format: "wrote %@ and %@ — %.2f s", FilePath.join(out, StaffingReport.csvName), FilePath.join(out, StaffingReport.jsonName),
                     Date().timeIntervalSince(started)))
        if let gridsOut {
            // Written after the staffing files: a grid file never names workers whose staffing
            // was not written.
            // 9 decimals (0.1 mm) keep a grid file's coordinates as they were (ours have 7; a QGIS
            // file's finer ones move by less than the validation tolerance).
            try GeoJSONWriter(options: .init(decimals: 9)).write(report.staffedGrids(collection), toFile: gridsOut)
            let named = report.result.grids.count - report.result.unfilled.count
            print("wrote \(gridsOut): \(named) of \(report.result.grids.count) grids name their grid worker")
        }
    }
}
