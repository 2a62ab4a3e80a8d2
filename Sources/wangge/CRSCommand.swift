import ArgumentParser
import Foundation
import WanggeKit

/// `wangge crs --from gcj02 --to wgs84`: a cs2cs-like filter from standard input to standard
/// output, one output line per input line. Bad lines are reported on stderr and written as
/// `* *` (as cs2cs does) so the output stays aligned with the input; the exit status is 1 if any
/// line failed.
///
/// `wangge crs --geojson FILE [--out FILE]`: the whole file, like ogr2ogr -s_srs/-t_srs
/// (`GeoJSONTransform` in WanggeDistrict does the work).
struct CRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crs",
        abstract: "Convert lon,lat lines from standard input, or a GeoJSON file, between coordinate systems.",
        discussion: """
            CRS names: wgs84, cgcs2000, gcj02, bd09, district-tm (the metric CRS of the district in \
            --boundaries: its district.geojson's metric_crs, or a transverse Mercator centred on it), \
            EPSG:<code>, or a +proj= string. Input: 'x,y' or 'x y' per line, extra columns are \
            passed through; blank lines and lines starting with # are copied as they are, and a line that fails is written as "* *" (as cs2cs does), so output line N belongs to input line N.

            With --geojson FILE, every geometry of the file is transformed and the result written \
            (atomically) to --out, or to standard output. RFC 7946 GeoJSON is WGS-84 only: output \
            in any other CRS is for GIS tools (like ogr2ogr's -t_srs) and carries a "crs" member \
            naming it (GDAL and QGIS read it), or a "crs_note" for GCJ-02/BD-09. Projected output \
            is written with 3 decimals (mm). Errors name the file and feature.
            """)

    @Option(help: "Source CRS.") var from: String
    @Option(help: "Target CRS.") var to: String
    @Option(help: "Digits after the point (default 7 for degrees, 3 for metres).") var decimals: Int?
    @Option(help: "Transform this GeoJSON file instead of reading lon,lat lines.") var geojson: String?
    @Option(help: "With --geojson: write here (atomically) instead of to standard output.") var out: String?
    @Option(help: "The district whose metric CRS district-tm names.") var boundaries = "boundaries"

    func validate() throws {
        for name in [from, to] {
            do { _ = try CRS.parsing(name, districtIn: boundaries) } catch { throw ValidationError("\(error)") }
        }
        if let decimals, !(0...15).contains(decimals) { throw ValidationError("--decimals must be 0…15") }
        if out != nil, geojson == nil { throw ValidationError("--out needs --geojson") }
        for (flag, name) in [("--from", from), ("--to", to)] {
            if (try? CRS.parsing(name, districtIn: boundaries).isGeocentric()) == true {
                throw ValidationError("\(flag) \(name) is geocentric (X, Y, Z from the earth's centre); wangge converts 2-D coordinates and would drop Z — use cs2cs or ogr2ogr for 3-D")
            }
        }
    }

    func run() throws {
        let source = try CRS.parsing(from, districtIn: boundaries), target = try CRS.parsing(to, districtIn: boundaries)
        if let geojson {
            // Errors (GeoJSONError naming file, feature, line; CRSError) print as "Error: …", status 1.
            let transform = try GeoJSONTransform(from: source, to: target)
            if let out {
                try transform.transformFile(geojson, to: out, decimals: decimals)
            } else {
                let stdout = AtomicWriter.standardOutput()
                try stdout.write(try transform.transformFile(geojson, decimals: decimals))
                try stdout.commit()
            }
            return
        }
        // A CRSError (e.g. an EPSG code PROJ doesn't know) is printed by ArgumentParser as
        // "Error: <PROJ's message>" with exit status 1.
        let transform = try CoordinateTransform(from: source, to: target)
        let digits = try decimals ?? (target.isGeographic() ? 7 : 3)
        let geographic = try source.isGeographic()
        let stdout = AtomicWriter.standardOutput()
        var lines = LineReader(try InputFile(path: "-"), maxLineBytes: 64 << 10)
        var failures = 0
        while let bytes = try lines.next() {
            let line = String(decoding: bytes, as: UTF8.self)
            do {
                guard case .coordinate(let c, let rest) = try CoordinateText.parse(line) else {
                    try stdout.write(line + "\n")  // blank and # lines pass through, as cs2cs does
                    continue
                }
                if geographic, !(-180...180).contains(c.x) || !(-90...90).contains(c.y) {
                    throw CRSInputError("\(c.x), \(c.y) is outside longitude −180…180 / latitude −90…90 (are x and y swapped?)")
                }
                try stdout.write(CoordinateText.format(try transform.transform(c), rest: rest, decimals: digits) + "\n")
            } catch let error as IOError {
                throw error
            } catch {
                // Output stays line-for-line with the input: a line that fails is "* *", as in cs2cs.
                failures += 1
                try stdout.write("* *\n")
                StandardError.write("wangge crs: line \(lines.lineNumber): \(error)\n")
            }
        }
        try stdout.commit()
        if failures > 0 {
            StandardError.write("wangge crs: \(failures) line(s) failed (written as '* *')\n")
            throw ExitCode(1)
        }
    }
}

struct CRSInputError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
