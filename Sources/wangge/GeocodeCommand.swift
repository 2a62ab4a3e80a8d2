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

        func run() throws {
            let started = Date()
            let g = try buildGazetteer(boundaries: boundaries, grids: grids, out: out)
            print("wrote \(out): \(g.townships.count) townships, \(g.villages.count) villages, \(g.groups.count) villager groups, "
                  + "\(g.streets.count) streets, \(g.houses.count) house numbers, \(g.landmarks.count) landmarks, "
                  + "\(g.aliases.count) aliases; grids: \(g.meta.first { $0.key == "grids" }?.value ?? "none")"
                  + String(format: " — %.2f s", Date().timeIntervalSince(started)))
        }
    }
}

func buildGazetteer(boundaries: String, grids: String?, out: String) throws -> Gazetteer {
    var gridPath = grids
    if gridPath == nil, FileManager.default.fileExists(atPath: "out/grids.geojson") { gridPath = "out/grids.geojson" }
    if gridPath == "none" { gridPath = nil }
    let g = try GazetteerBuilder.build(boundaries: boundaries, grids: gridPath)
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
    @Option(help: "jsonl or csv.") var format: String = "jsonl"
    @Option(help: "The gazetteer; built from --boundaries first when missing.") var gazetteer = "out/gazetteer.sqlite"
    @Option(help: "Directory with the district's layers (to build a missing gazetteer).") var boundaries = "boundaries"
    @Option(help: "Output file (default standard output).") var out: String?
    @Flag(help: "Also print how the address was read (tokens, numbers, fuzzy match) on standard error.") var explain = false

    func validate() throws {
        guard (address == nil) != (batch == nil) else { throw ValidationError("give one address or --batch FILE") }
        guard GeocodeFormat(rawValue: format) != nil else { throw ValidationError("--format is jsonl or csv") }
    }

    func run() throws {
        let err = FileHandle.standardError
        if !FileManager.default.fileExists(atPath: gazetteer) {
            err.write("no gazetteer at \(gazetteer): building it from \(boundaries)/ first\n".data(using: .utf8)!)
            let g = try buildGazetteer(boundaries: boundaries, grids: nil, out: gazetteer)
            err.write("wrote \(gazetteer) (\(g.villages.count) villages, \(g.houses.count) house numbers)\n".data(using: .utf8)!)
        }
        let t0 = Date()
        let matcher = AddressMatcher(gazetteer: try Gazetteer.read(from: gazetteer))
        let loadSeconds = Date().timeIntervalSince(t0)
        let fmt = GeocodeFormat(rawValue: format)!
        var output = OutputBuffer(path: out)
        if let address {
            let r = matcher.geocode(address)
            if explain { err.write((matcher.explain(address) + "\n").data(using: .utf8)!) }
            if fmt == .csv { output.line(GeocodeResult.csvHeader) }
            output.line(fmt == .csv ? r.csvLine : r.jsonLine)
            output.flush()
            return
        }
        let data: Data
        if batch == "-" { data = FileHandle.standardInput.readDataToEndOfFile() }
        else {
            guard let d = FileManager.default.contents(atPath: batch!) else { throw ValidationError("cannot read \(batch!)") }
            data = d
        }
        let t1 = Date()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if fmt == .csv { output.line(GeocodeResult.csvHeader) }
        var counts: [String: Int] = [:]
        for line in lines {
            var l = Substring(line)
            if l.hasSuffix("\r") { l = l.dropLast() }
            let r = matcher.geocode(String(l))
            counts[r.status.rawValue, default: 0] += 1
            output.line(fmt == .csv ? r.csvLine : r.jsonLine)
        }
        output.flush()
        let secs = Date().timeIntervalSince(t1)
        let summary = ["matched", "ambiguous", "outside", "not_found"].map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
        err.write(String(format: "%d addresses in %.3f s (%.0f/s; gazetteer loaded in %.2f s): %@\n",
                         lines.count, secs, Double(lines.count) / max(secs, 1e-9), loadSeconds, summary).data(using: .utf8)!)
    }
}

/// Buffered UTF-8 output to a file (written atomically at the end) or standard output.
struct OutputBuffer {
    var path: String?
    var buffer: [UInt8] = []
    var wroteAny = false
    init(path: String?) { self.path = path; buffer.reserveCapacity(1 << 20) }
    mutating func line(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if path == nil && buffer.count > 1 << 20 { flush() }
    }
    mutating func flush() {
        if let path {
            let data = Data(buffer)
            try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return
        }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
