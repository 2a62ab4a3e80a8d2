import ArgumentParser
import Foundation
import WanggeKit
import WanggeStore

/// `wangge gazetteer build`: boundaries/ (+ grids) → SQLite gazetteer.
struct GazetteerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gazetteer", abstract: "Build the address gazetteer (SQLite).", subcommands: [Build.self])

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Townships, villages, villager groups, streets, house numbers, landmarks and aliases → SQLite.",
            discussion: "Every point gets the grid that covers it when --grids names a grid file (default out/grids.geojson if it exists). The file is written to a temporary file and renamed.")
        @Option(help: "Directory with the district's layers.") var boundaries = "boundaries"
        @Option(help: "Grid file (wangge partition's out/grids.geojson); 'none' for no grids.") var grids: String?
        @Option(help: "The gazetteer file to write.") var out = "out/gazetteer.sqlite"
        @Flag(name: .customLong("no-validate"), help: "Use the grid file even if `wangge validate` would reject it.") var noValidate = false

        func run() throws {
            let started = Date()
            if let grids { try FileIdentity.checkDistinct(output: ("--out", out), from: [("--grids", grids)]) }
            let g = try buildGazetteer(boundaries: boundaries, grids: grids, out: out, validateGrids: !noValidate)
            print("wrote \(out): \(g.townships.count) townships, \(g.villages.count) villages, \(g.groups.count) villager groups, "
                  + "\(g.streets.count) streets, \(g.houses.count) house numbers, \(g.landmarks.count) landmarks, "
                  + "\(g.aliases.count) aliases; grids: \(g.meta.first { $0.key == "grids" }?.value ?? "none")"
                  + String(format: " — %.2f s", Date().timeIntervalSince(started)))
        }
    }
}

/// The grid file a gazetteer follows: the one named, none for "none", else out/grids.geojson
/// when it exists (as `wangge partition` writes it).
func resolveGrids(_ grids: String?) -> String? {
    switch grids {
    case "none": nil
    case nil: FileManager.default.fileExists(atPath: "out/grids.geojson") ? "out/grids.geojson" : nil
    case let path?: path
    }
}

func buildGazetteer(boundaries: String, grids: String?, out: String, validateGrids: Bool = true) throws -> Gazetteer {
    let g = try GazetteerBuilder.build(boundaries: boundaries, grids: resolveGrids(grids), validateGrids: validateGrids)
    try g.write(to: out)
    return g
}

/// `wangge geocode`: addresses → township, village, grid.
struct GeocodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode",
        abstract: "Geocode Chinese addresses to township, village, grid and a point.",
        discussion: """
            One address as an argument, or --batch FILE ('-' for standard input): one address a \
            line (LF, CRLF or CR line ends; UTF-8 or GBK/GB18030, detected), or with \
            --address-column a CSV with a header whose other columns are passed through. One \
            result per input line (CSV row), in order, as JSON lines or CSV (with a UTF-8 \
            byte-order mark, for Excel); a blank, undecodable or overlong line gives not_found in \
            its place. status is matched, ambiguous (with candidates), outside (naming the \
            division found) or not_found. The gazetteer follows --grids: when the grid file \
            changed since it was built, it is rebuilt first (or refused with --no-rebuild).
            """)
    @Argument(help: "An address.") var address: String?
    @Option(help: "A file of addresses, one a line ('-' = standard input).") var batch: String?
    @Option(help: "Output format.") var format: GeocodeFormat = .jsonl
    @Option(help: "Encoding of --batch (auto: UTF-8 if it is valid UTF-8, else GBK/GB18030).") var encoding: BatchEncoding = .auto
    @Option(help: "--batch is a CSV with a header; geocode this column, pass the others through.") var addressColumn: String?
    @Option(help: "With --address-column: the id column, written first as \"id\" in JSON lines.") var idColumn: String?
    @Option(help: "The gazetteer; built from --boundaries first when missing.") var gazetteer = "out/gazetteer.sqlite"
    @Option(help: "Directory with the district's layers (to build a missing gazetteer).") var boundaries = "boundaries"
    @Option(help: "The grid file the gazetteer must follow (default out/grids.geojson if it exists; 'none' not to check).") var grids: String?
    @Flag(name: .customLong("no-rebuild"), help: "Refuse, rather than rebuild, a gazetteer built from other grids than --grids.") var noRebuild = false
    @Flag(name: .customLong("no-validate"), help: "When (re)building the gazetteer, use the grid file even if `wangge validate` would reject it.") var noValidate = false
    @Option(help: "Output file (default standard output).") var out: String?
    @Flag(help: "Also print how the address was read (tokens, numbers, fuzzy match) on standard error.") var explain = false

    func validate() throws {
        guard (address == nil) != (batch == nil) else { throw ValidationError("give one address or --batch FILE") }
        if batch == nil, addressColumn != nil || idColumn != nil || encoding != .auto {
            throw ValidationError("--address-column, --id-column and --encoding are for --batch")
        }
        if idColumn != nil, addressColumn == nil { throw ValidationError("--id-column needs --address-column (a CSV with a header)") }
    }

    func run() throws {
        let gridPath = resolveGrids(grids)
        if let out {
            try FileIdentity.checkDistinct(output: ("--out", out), from: [("--batch", batch ?? "-"), ("--gazetteer", gazetteer), ("--grids", gridPath ?? "-")])
        }
        let t0 = Date()
        let matcher = AddressMatcher(gazetteer: try loadGazetteer(grids: gridPath))
        let loadSeconds = Date().timeIntervalSince(t0)
        // Results stream into a temporary file that replaces --out only once every line is done.
        let output = try AtomicWriter(path: out ?? "-")
        if let address {
            let r = matcher.geocode(address)
            if explain { StandardError.write(matcher.explain(address) + "\n") }
            if format == .csv { try output.write(CSV.byteOrderMark); try output.write(GeocodeResult.csvHeader + "\n") }
            try output.write((format == .csv ? r.csvLine : r.jsonLine) + "\n")
            try output.commit()
            return
        }
        var options = GeocodeBatchOptions()
        options.format = format
        options.encoding = encoding
        options.addressColumn = addressColumn
        options.idColumn = idColumn
        let t1 = Date()
        let summary = try GeocodeBatch(options: options, geocode: matcher.geocode).run(input: try InputFile(path: batch!), output: output)
        try output.commit()
        let secs = Date().timeIntervalSince(t1)
        StandardError.write(String(format: "%d addresses in %.3f s (%.0f/s; %@; gazetteer loaded in %.2f s): %@\n",
                                   summary.records, secs, Double(summary.records) / max(secs, 1e-9), summary.encoding.rawValue,
                                   loadSeconds, summary.text))
    }

    /// The gazetteer, built first when missing and rebuilt (atomically) when it was built from
    /// other grids than `grids` holds now — unless --no-rebuild, which refuses instead.
    private func loadGazetteer(grids gridPath: String?) throws -> Gazetteer {
        let rebuildCommand = "wangge gazetteer build --boundaries \(boundaries) --grids \(gridPath ?? "none") --out \(gazetteer)"
        if !FileManager.default.fileExists(atPath: gazetteer) {
            if noRebuild { throw GazetteerError("no gazetteer at \(gazetteer) and --no-rebuild given: build it with `\(rebuildCommand)`") }
            StandardError.write("no gazetteer at \(gazetteer): building it from \(boundaries)/\(gridPath.map { " and \($0)" } ?? "") first\n")
            return try rebuild(grids: gridPath)
        }
        let g = try Gazetteer.read(from: gazetteer)
        guard case .stale(let reason) = try GazetteerFreshness.check(g, grids: gridPath) else { return g }
        if noRebuild {
            throw GazetteerError("\(gazetteer) does not follow the plan: \(reason). Rebuild it with `\(rebuildCommand)`, or run without --no-rebuild")
        }
        StandardError.write("\(gazetteer): \(reason); rebuilding it \(gridPath.map { "from \($0)" } ?? "without grids")\n")
        return try rebuild(grids: gridPath)
    }

    private func rebuild(grids gridPath: String?) throws -> Gazetteer {
        let g = try buildGazetteer(boundaries: boundaries, grids: gridPath ?? "none", out: gazetteer, validateGrids: !noValidate)
        StandardError.write("wrote \(gazetteer) (\(g.villages.count) villages, \(g.houses.count) house numbers)\n")
        return g
    }
}
