import ArgumentParser
import Foundation
import WanggeKit

/// `wangge crs --from gcj02 --to wgs84`: a cs2cs-like filter from standard input to standard
/// output. Bad lines are reported on stderr and skipped so one typo doesn't lose a whole file;
/// the exit status is 1 if any line failed.
///
/// `wangge crs --geojson FILE [--out FILE]`: the whole file, like ogr2ogr -s_srs/-t_srs
/// (`GeoJSONTransform` in WanggeDistrict does the work).
struct CRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crs",
        abstract: "Convert lon,lat lines from standard input, or a GeoJSON file, between coordinate systems.",
        discussion: """
            CRS names: wgs84, cgcs2000, gcj02, bd09, shawan-tm (the district's metric CRS), \
            EPSG:<code>, or a +proj= string. Input: 'x,y' or 'x y' per line, extra columns are \
            passed through; blank lines and lines starting with # are ignored.

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

    func validate() throws {
        for name in [from, to] {
            do { _ = try CRS(parsing: name) } catch { throw ValidationError(error.description) }
        }
        if let decimals, !(0...15).contains(decimals) { throw ValidationError("--decimals must be 0…15") }
        if out != nil, geojson == nil { throw ValidationError("--out needs --geojson") }
    }

    func run() throws {
        let source = try CRS(parsing: from), target = try CRS(parsing: to)
        if let geojson {
            // Errors (GeoJSONError naming file, feature, line; CRSError) print as "Error: …", status 1.
            let transform = try GeoJSONTransform(from: source, to: target)
            if let out {
                try transform.transformFile(geojson, to: out, decimals: decimals)
            } else {
                FileHandle.standardOutput.write(Data(try transform.transformFile(geojson, decimals: decimals)))
            }
            return
        }
        // A CRSError (e.g. an EPSG code PROJ doesn't know) is printed by ArgumentParser as
        // "Error: <PROJ's message>" with exit status 1.
        let transform = try CoordinateTransform(from: source, to: target)
        let digits = try decimals ?? (target.isGeographic() ? 7 : 3)
        var failures = 0
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            do {
                guard case .coordinate(let c, let rest) = try CoordinateText.parse(line) else { continue }
                let r = try transform.transform(c)
                print(CoordinateText.format(r, rest: rest, decimals: digits))
            } catch {
                failures += 1
                FileHandle.standardError.write(Data("wangge crs: line \(lineNumber): \(error)\n".utf8))
            }
        }
        if failures > 0 {
            FileHandle.standardError.write(Data("wangge crs: \(failures) line(s) failed\n".utf8))
            throw ExitCode(1)
        }
    }
}
