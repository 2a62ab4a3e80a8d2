import ArgumentParser
import Foundation
import WanggeKit

/// `wangge check`: load a boundaries directory and prove its levels nest and tile.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a district's boundaries: townships tile the district, villages tile their townships.",
        discussion: "Measures in the district's metric CRS; gaps and overlaps above --tolerance m² are reported with where they are.")

    @Option(help: "Directory with district.geojson, townships.geojson and villages.geojson.")
    var boundaries = "boundaries"

    @Option(help: "Largest gap or overlap (m²) that is ignored.")
    var tolerance = 1.0

    func run() throws {
        let started = Date()
        let district = try DistrictBoundaries.load(directory: boundaries)
        let report = try DistrictCheck(tolerance: tolerance).run(district)
        print("\(district.name) (\(district.code)) — \(boundaries)/")
        print("")
        print(TextTable(header: ["level", "count", "area km²", "smallest km²", "largest km²"], rows: report.levels.map {
            [$0.name, String($0.count), String(format: "%.2f", $0.areaM2 / 1e6),
             String(format: "%.3f", $0.smallestM2 / 1e6), String(format: "%.3f", $0.largestM2 / 1e6)]
        }).render())
        print(TextTable(header: ["township", "code", "villages", "communities"], rows: report.villagesPerTownship.map {
            [$0.name, $0.code, String($0.villages), String($0.communities)]
        }).render())
        let seconds = Date().timeIntervalSince(started)
        if report.passed {
            print(String(format: "OK: %d townships tile the district and %d villages/communities tile their townships " +
                         "(no gap or overlap above %g m², all valid and in one piece) — %.2f s",
                         district.townships.count, district.villages.count, tolerance, seconds))
        } else {
            for issue in report.issues { print("FAIL: \(issue)") }
            print("\(report.issues.count) problem(s) found")
            throw ExitCode(1)
        }
    }
}
