import ArgumentParser
import Foundation
import WanggeKit

/// `wangge validate GRIDS.geojson`: check a grid partition (ours, or one edited in QGIS) against
/// the district's villages. All logic is `GridValidation` in WanggeDistrict.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate a grid file: codes, validity, and grids tiling each village exactly.",
        discussion: """
            Every feature needs a unique 15-digit code (its village_code's 12 digits + 001–999), a \
            village_code of villages.geojson and that village's township_code; each grid must be \
            valid and in one piece, and the grids of a village must cover it with no gap or overlap \
            above --tolerance m² (measured in the district's metric CRS). Failures name the grid or village code and \
            give a WGS-84 lon, lat. Exits 1 on any failure.
            """)

    @Argument(help: "The grid GeoJSON file (WGS-84).") var grids: String

    @Option(help: "Directory with district.geojson, townships.geojson and villages.geojson.")
    var boundaries = "boundaries"

    @Option(help: "Largest gap or overlap (m²) that is ignored.")
    var tolerance = 1.0

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a number ≥ 0") }
    }

    func run() throws {
        let started = Date()
        let district = try DistrictBoundaries.load(directory: boundaries)
        // Grids are checked against the villages, so the villages must tile the district too
        // (checked on the other core meanwhile).
        let directory = boundaries
        let districtCheck = Background { try DistrictCheck().require(district, directory: directory) }
        let report = try GridValidation(tolerance: tolerance).run(file: grids, boundaries: district)
        try districtCheck.value()
        for problem in report.problems { print("FAIL \(problem)") }
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "%@: %@ (%.2f km², tolerance %g m²) — %.2f s",
                     grids, report.summary, report.areaM2 / 1e6, tolerance, seconds))
        if !report.passed { throw ExitCode(1) }
    }
}
