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

func buildGazetteer(boundaries: String, grids: String?, out: String, validateGrids: Bool = true) throws -> Gazetteer {
    var gridPath = grids
    if gridPath == nil, FileManager.default.fileExists(atPath: "out/grids.geojson") { gridPath = "out/grids.geojson" }
    if gridPath == "none" { gridPath = nil }
    let g = try GazetteerBuilder.build(boundaries: boundaries, grids: gridPath, validateGrids: validateGrids)
    try g.write(to: out)
    return g
}

/// `wangge geocode`: addresses → township, village, grid.
struct GeocodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geocode",
        abstract: "Geocode Chinese addresses to township, village, grid and a point.",
        discussion: """
            One address as an argument, or --batch FILE (one address a line, '-' for standard input): \
            one result per input line, in order, as JSON lines or CSV. status is matched, ambiguous \
            (with candidates), outside (naming the division found) or not_found.
            """)
    @Argument(help: "An address.") var address: String?
    @Option(help: "A file of addresses, one a line ('-' = standard input).") var batch: String?
    @Option(help: "Output format.") var format: GeocodeFormat = .jsonl
    @Option(help: "The gazetteer; built from --boundaries first when missing.") var gazetteer = "out/gazetteer.sqlite"
    @Option(help: "Directory with the district's layers (to build a missing gazetteer).") var boundaries = "boundaries"
    @Option(help: "Output file (default standard output).") var out: String?
    @Flag(help: "Also print how the address was read (tokens, numbers, fuzzy match) on standard error.") var explain = false

    func validate() throws {
        guard (address == nil) != (batch == nil) else { throw ValidationError("give one address or --batch FILE") }
    }

    func run() throws {
        if let out, let batch { try FileIdentity.checkDistinct(output: ("--out", out), from: [("--batch", batch), ("--gazetteer", gazetteer)]) }
        if !FileManager.default.fileExists(atPath: gazetteer) {
            StandardError.write("no gazetteer at \(gazetteer): building it from \(boundaries)/ first\n")
            let g = try buildGazetteer(boundaries: boundaries, grids: nil, out: gazetteer)
            StandardError.write("wrote \(gazetteer) (\(g.villages.count) villages, \(g.houses.count) house numbers)\n")
        }
        let t0 = Date()
        let matcher = AddressMatcher(gazetteer: try Gazetteer.read(from: gazetteer))
        let loadSeconds = Date().timeIntervalSince(t0)
        let fmt = format
        // Results stream into a temporary file that replaces --out only once every line is done.
        let output = try AtomicWriter(path: out ?? "-")
        if let address {
            let r = matcher.geocode(address)
            if explain { StandardError.write(matcher.explain(address) + "\n") }
            if fmt == .csv { try output.write(GeocodeResult.csvHeader + "\n") }
            try output.write((fmt == .csv ? r.csvLine : r.jsonLine) + "\n")
            try output.commit()
            return
        }
        let t1 = Date()
        // One address a line, streamed: memory stays flat however long the file is.
        var lines = LineReader(try InputFile(path: batch!), maxLineBytes: 64 << 10)
        if fmt == .csv { try output.write(GeocodeResult.csvHeader + "\n") }
        var counts = [Int](repeating: 0, count: GeocodeResult.Status.allCases.count)
        var total = 0
        while let line = try lines.next() {
            let r = matcher.geocode(TextEncoding.decodeLine(line))
            counts[GeocodeResult.Status.allCases.firstIndex(of: r.status)!] += 1
            total += 1
            try output.write((fmt == .csv ? r.csvLine : r.jsonLine) + "\n")
        }
        try output.commit()
        let secs = Date().timeIntervalSince(t1)
        let summary = zip(GeocodeResult.Status.allCases, counts).map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        StandardError.write(String(format: "%d addresses in %.3f s (%.0f/s; gazetteer loaded in %.2f s): %@\n",
                                   total, secs, Double(total) / max(secs, 1e-9), loadSeconds, summary))
    }
}
