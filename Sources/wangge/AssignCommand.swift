import ArgumentParser
import Foundation
import WanggeKit

/// `wangge assign`: every point (CSV row or GeoJSON feature) gets its grid. All logic is in
/// WanggeAssign (`GridSet`, `AssignPipeline`); this only wires files and the terminal.
struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Assign points (CSV or GeoJSON) to grids: grid code, name, village, township.",
        discussion: """
            Every row is written with grid_code, grid_name, village, township, status \
            (inside / edge / outside), nearest_grid and distance_m (metres, in the district's metric CRS; only for \
            outside points). A point on the boundary of several grids goes to the one with the \
            lowest code (status edge). Rows whose coordinates cannot be read, that have more or \
            fewer fields than the header, or whose coordinates are out of range or look swapped \
            are reported with their line number on stderr and skipped; the count is printed at \
            the end, and the exit status is 1 when no row could be read (or with --strict, when \
            any was skipped; then nothing is written). The output replaces --out only when \
            everything went well: a failure leaves the previous file as it was. CSV input \
            may be UTF-8 (with or without BOM) or GBK/GB18030 (detected); output is UTF-8. \
            Output format follows --out's extension (.csv, .geojson, .jsonl) or --format. \
            Use - for standard input/output.
            """)

    @Option(help: "The grid GeoJSON (WGS-84), e.g. out/grids.geojson.") var grids: String
    @Option(name: .customLong("in"), help: "Points: .csv (header row) or .geojson; - for standard input (CSV).") var input: String
    @Option(help: "Output file (.csv, .geojson, .jsonl) or - for standard output.") var out: String
    @Option(help: "CRS of the input coordinates: wgs84, cgcs2000, gcj02, bd09, EPSG:n, or district-tm (the district's metric CRS, from --boundaries).") var crs = "wgs84"
    @Option(help: "Longitude column (default: lon, lng, longitude, x or 经度).") var lonColumn: String?
    @Option(help: "Latitude column (default: lat, latitude, y or 纬度).") var latColumn: String?
    @Option(help: "Output format when --out doesn't say.") var format: OutputFormat?
    @Option(help: "Input CSV encoding (default: detect; gbk is read as gb18030).") var encoding: TextEncoding?
    @Flag(help: "No progress line on the terminal.") var quiet = false
    @Flag(help: "Fail (and write nothing) if any row is skipped.") var strict = false
    @Option(help: "Directory with the district's villages, to validate --grids against (when it exists).") var boundaries = "boundaries"
    @Flag(name: .customLong("no-validate"), help: "Use --grids even if `wangge validate` would reject it.") var noValidate = false

    func validate() throws {
        do { _ = try CRS.parsing(crs, districtIn: boundaries) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let started = Date()
        let inputCRS = try CRS.parsing(crs, districtIn: boundaries)
        // Never write over an input: the grid file or the points being read.
        try FileIdentity.checkDistinct(output: ("--out", out), from: [("--grids", grids), ("--in", input)])
        // The grid file is checked as `wangge validate` would: against the villages when the
        // boundaries directory is there, otherwise each grid on its own (code, geometry, validity).
        let district = FileManager.default.fileExists(atPath: FilePath.join(boundaries, "villages.geojson"))
            ? try DistrictBoundaries.load(directory: boundaries) : nil
        // The check runs on the other core while the index is built and the points assigned; nothing
        // is committed to --out unless it passes. It runs first where its answer cannot wait (standard
        // output cannot be taken back) and on a big grid file, whose check and index side by side
        // needed their memory at the same time (docs/RELIABILITY.md, "Memory on big inputs").
        let collection = try GridFile.load(grids, boundaries: district, validate: false)
        let gridPath = grids, validate = !noValidate
        let checkFirst = out == "-" || vertexCount(collection) > Self.bigGridFile
        if validate && checkFirst { try GridFile.requireValid(collection, path: gridPath, boundaries: district) }
        let gridCheck = Background {
            if validate && !checkFirst { try GridFile.requireValid(collection, path: gridPath, boundaries: district) }
        }
        let sink: AtomicWriter, source: InputFile, summary: AssignSummary, pipeline: AssignPipeline
        do {
            (sink, source, summary, pipeline) = try assignAll(collection, district: district, crs: inputCRS, started: started)
        } catch {
            try gridCheck.value()  // an invalid grid file is the cause to report, if it is one
            throw error
        }
        if summary.rows == 0 && summary.skipped > 0 {
            throw AssignError.input("\(source.displayName): none of its \(summary.skipped) row(s) could be read (see the lines above); \(out == "-" ? "nothing written" : "\(out) left as it was")")
        }
        if strict && summary.skipped > 0 {
            throw AssignError.input("\(source.displayName): \(summary.skipped) row(s) skipped and --strict given; \(out == "-" ? "output incomplete" : "\(out) left as it was")")
        }
        try gridCheck.value()
        try sink.commit()
        let seconds = Date().timeIntervalSince(started)
        let line = String(format: "wangge assign: %d rows (%d inside, %d on an edge, %d outside), %d skipped; %@; %.2f s, %.0f rows/s\n",
                          summary.rows, summary.inside, summary.edge, summary.outside, summary.skipped,
                          summary.encoding.rawValue, seconds, Double(summary.rows + summary.skipped) / max(seconds, 1e-9))
        StandardError.write(line)
        // A warning, not an error: most points outside, or nearer the addresses in the other CRS.
        let reference = district == nil ? nil : try DistrictLayers.loadAddresses(directory: boundaries).map(\.position)
        for w in CRSCheck.warnings(sample: pipeline.sample, crs: inputCRS, grids: pipeline.grids,
                                   reference: reference.map { ReferencePoints(wgs84: $0, grids: pipeline.grids) }) {
            StandardError.write("wangge assign: warning: \(w)\n")
        }
    }

    /// Vertices above which a grid file is checked before its index is built rather than beside it:
    /// about 30 MB of GeoJSON (the bundled plan has 112 thousand).
    static let bigGridFile = 1_000_000

    /// Reads every point and writes its grid into a staged --out (not yet committed).
    private func assignAll(_ collection: FeatureCollection, district: DistrictBoundaries?, crs inputCRS: CRS,
                           started: Date) throws -> (AtomicWriter, InputFile, AssignSummary, AssignPipeline) {
        let set = try GridSet(collection: collection, metricCRS: district?.profile.metricCRS, metricPolygons: .onFirstUse)
        var options = AssignOptions()
        options.crs = inputCRS
        options.lonColumn = lonColumn
        options.latColumn = latColumn
        options.output = format ?? OutputFormat(path: out) ?? .csv
        options.encoding = encoding
        let pipeline = try AssignPipeline(grids: set, options: options)
        let terminal = isatty(2) != 0 && !quiet
        var lastProgress = Date.distantPast
        if terminal {
            pipeline.progress = { rows in
                let now = Date()
                guard now.timeIntervalSince(lastProgress) > 0.25 else { return }
                lastProgress = now
                let rate = Double(rows) / max(now.timeIntervalSince(started), 1e-9)
                StandardError.write(String(format: "\rwangge assign: %d rows (%.0f rows/s)", rows, rate))
            }
        }
        // Nothing reaches --out until the whole input has been read and written (atomic commit).
        let sink = try AtomicWriter(path: out)
        let source = try InputFile(path: input)
        let summary: AssignSummary
        if try isGeoJSON(input, source) {
            let bytes = try source.readAll()
            summary = try pipeline.runGeoJSON(Data(bytes), fileName: source.displayName, sink)
        } else {
            summary = try pipeline.runCSV(source, sink)
        }
        if terminal { StandardError.write("\r\u{1B}[K") }
        return (sink, source, summary, pipeline)
    }
}

/// Every grid's coordinates: a grid file's size without its properties.
private func vertexCount(_ collection: FeatureCollection) -> Int {
    collection.features.reduce(0) { n, f in
        n + (f.geometry?.polygons.reduce(0) { $0 + $1.rings.reduce(0) { $0 + $1.count } } ?? 0)
    }
}

/// GeoJSON by the file name, or — for standard input and names without a known extension — by
/// the first non-blank byte being `{` (CSV never starts so), so piped GeoJSON is read as such.
private func isGeoJSON(_ path: String, _ source: InputFile) throws -> Bool {
    let lower = path.lowercased()
    if lower.hasSuffix(".geojson") || lower.hasSuffix(".json") { return true }
    if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { return false }
    return try source.peekFirstNonBlank() == UInt8(ascii: "{")
}
