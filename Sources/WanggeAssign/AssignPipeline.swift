// The streaming `wangge assign`: rows are read in chunks, located, and written before the next
// chunk is read, so memory stays flat however many rows there are.
import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO

public enum OutputFormat: String, Sendable, CaseIterable {
    case csv, geojson, jsonl

    /// From a file name's extension (`-` or unknown → nil).
    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".geojson") || lower.hasSuffix(".json") { self = .geojson }
        else if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { self = .jsonl }
        else { return nil }
    }
}

/// Rough lon/lat boxes for plausibility checks (not for deciding anything finer).
enum GeoBounds {
    struct Box { var minX, minY, maxX, maxY: Double
        func contains(_ x: Double, _ y: Double) -> Bool { x >= minX && x <= maxX && y >= minY && y <= maxY }
    }
    /// China with its islands, generously (as GeoJSONReader's `chinaBounds`).
    static let china = Box(minX: 73, minY: 3, maxX: 136, maxY: 54)
}

public struct AssignOptions: Sendable {
    public var crs: CRS = .wgs84
    public var lonColumn: String?
    public var latColumn: String?
    /// nil: detect (UTF-8 BOM or valid UTF-8 → UTF-8, otherwise GB18030).
    public var encoding: TextEncoding?
    public var output: OutputFormat = .csv
    public var chunkRows = 32_768
    /// Bytes read from the CSV input at a time. 4 MiB keeps the read calls few on big files; a
    /// caller with small inputs (the fuzzer: thousands of runs a second) passes a few KiB.
    public var readBufferBytes = 1 << 22
    /// Rows reported individually on stderr before only counting.
    public var maxReportedLines = 1000
    public init() {}
}

public struct AssignSummary: Sendable, Equatable {
    public var rows = 0, inside = 0, edge = 0, outside = 0, skipped = 0
    public var encoding: TextEncoding = .utf8
    /// Line numbers (features for GeoJSON input) of skipped rows, up to `maxReportedLines`.
    public var skippedLines: [Int] = []
}

/// The columns added to every row.
public let assignColumns = ["grid_code", "grid_name", "village", "township", "grid_worker", "grid_worker_phone",
                            "status", "nearest_grid", "distance_m"]

public final class AssignPipeline {
    public let grids: GridSet
    public let options: AssignOptions
    /// Called with each diagnostic line (no newline).
    public var diagnostic: (String) -> Void = { StandardError.write(($0 + "\n")) }
    /// Called after each chunk with the rows done so far.
    public var progress: ((Int) -> Void)?
    /// A seeded sample of the points read (≤ `CRSCheck.sampleSize`, input CRS) for `CRSCheck`.
    public var sample: [Coordinate] { sampler.sample }
    var sampler = CRSCheck.Sampler()

    private let toWGS84: CoordinateTransform?
    private let toMetric: CoordinateTransform
    /// Input in degrees: longitude/latitude ranges and swapped columns are checked.
    private let geographicInput: Bool
    private var csvSuffix: [[UInt8]] = []
    private var jsonFields: [[UInt8]] = []
    private var csvCode: [[UInt8]] = []
    private var jsonCode: [[UInt8]] = []

    public init(grids: GridSet, options: AssignOptions) throws {
        self.grids = grids
        self.options = options
        toWGS84 = options.crs == .wgs84 ? nil : try CoordinateTransform(from: options.crs, to: .wgs84)
        toMetric = try CoordinateTransform(from: .wgs84, to: grids.metricCRS)
        geographicInput = try options.crs.isGeographic()
        for g in grids.grids {
            let fields = [g.code, g.name, g.village, g.township, g.worker?.name ?? "", g.worker?.phone ?? ""]
            csvSuffix.append(Array(("," + fields.map(CSV.field).joined(separator: ",")).utf8))
            var j: [UInt8] = []
            for (n, (k, v)) in zip(assignColumns.prefix(6), fields).enumerated() {
                JSONText.appendString(&j, k.utf8); j.append(0x3A)
                // A grid that names no worker (or no phone) has null there, not "".
                if n >= 4, v.isEmpty { j += Array("null".utf8) } else { JSONText.appendString(&j, v.utf8) }
                j.append(0x2C)
            }
            jsonFields.append(j)
            csvCode.append(Array(CSV.field(g.code).utf8))
            var jc: [UInt8] = []
            JSONText.appendString(&jc, g.code.utf8)
            jsonCode.append(jc)
        }
    }

    // MARK: - Inputs

    /// CSV with a header row.
    public func runCSV(_ input: ByteSource, _ output: ByteSink) throws -> AssignSummary {
        var state = RunState(pipeline: self, output: output, lineLabel: "line")
        var buffer = [UInt8](repeating: 0, count: max(1, options.readBufferBytes))
        var pending: [UInt8] = []
        var scan = 0, quoted = false, recordLine = 1, line = 1
        var encoding: TextEncoding?
        var header: [String]?
        var lonIndex = 0, latIndex = 0
        var eof = false
        var first = true
        while !eof {
            let n = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
            if n == 0 { eof = true } else { pending.append(contentsOf: buffer[0..<n]) }
            if first, pending.count >= 3 || eof {
                first = false
                if pending.starts(with: [0xEF, 0xBB, 0xBF]) { pending.removeFirst(3); encoding = .utf8 }
            }
            if encoding == nil, pending.count >= (1 << 20) || eof {
                encoding = options.encoding ?? TextEncoding.detect(Array(pending.prefix(1 << 20)))
            }
            guard let enc = encoding else { continue }
            state.summary.encoding = enc
            var recordStart = 0
            try pending.withUnsafeBufferPointer { b in
                func emit(_ s: Int, _ e0: Int) throws {
                    var e = e0
                    if e > s, b[e - 1] == 0x0D { e -= 1 }
                    defer { recordLine = line }
                    if header == nil {
                        let (h, li, la) = try parseHeader(b, s, e, enc)
                        header = h; lonIndex = li; latIndex = la
                        try state.begin(header: h, headerBytes: Self.utf8(b, s, e, enc) ?? Array(h.joined(separator: ",").utf8))
                        return
                    }
                    if e == s { return }  // blank line
                    try state.add(record: b, s, e, line: recordLine, lastLine: e0 == b.count ? line : max(recordLine, line - 1),
                                  lon: lonIndex, lat: latIndex, encoding: enc)
                }
                var i = scan
                while i < b.count {
                    let c = b[i]
                    if c == 0x22 { quoted.toggle() }
                    else if c == 0x0A {
                        line += 1
                        if !quoted { try emit(recordStart, i); recordStart = i + 1 }
                    }
                    i += 1
                }
                if eof, recordStart < b.count {
                    if quoted {
                        // The last record opened a quote it never closed: it ran to the end of
                        // the file, swallowing every row after it. Say so instead of reading it.
                        state.skip(recordLine, "a quote opened in this row is never closed, so it runs to the end of the file (line \(line)); the rows after it were not read")
                        header = header ?? []
                    } else {
                        try emit(recordStart, b.count)
                    }
                    recordStart = b.count
                }
            }
            pending.removeFirst(recordStart)
            scan = pending.count
        }
        if header == nil { throw AssignError.input("the CSV input is empty (no header row)") }
        if header?.isEmpty == true { throw AssignError.input("line 1: the header row opens a quote it never closes") }
        return try state.finish()
    }

    /// GeoJSON points (a FeatureCollection, Feature or geometry). Read whole; written streaming.
    public func runGeoJSON(_ data: Data, fileName: String?, _ output: ByteSink) throws -> AssignSummary {
        let reader = GeoJSONReader(options: .init(checkCoordinateRange: geographicInput))
        let collection = try reader.readFeatureCollection(data, fileName: fileName)
        var keys: [String] = []
        var seen = Set<String>()
        for f in collection.features { for k in f.properties?.keys ?? [] where seen.insert(k).inserted { keys.append(k) } }
        let lonName = seen.contains("lon") ? "geometry_lon" : "lon", latName = seen.contains("lat") ? "geometry_lat" : "lat"
        let header = keys + [lonName, latName]
        var state = RunState(pipeline: self, output: output, lineLabel: "feature")
        try state.begin(header: header, headerBytes: Array(header.map(CSV.field).joined(separator: ",").utf8))
        for (i, f) in collection.features.enumerated() {
            var fields = keys.map { k -> String in
                guard let v = f.properties?[k] else { return "" }
                if case .string(let s) = v { return s }
                return v.isNull ? "" : v.jsonText
            }
            if case .point(let c)? = f.geometry { fields += [c.x.description, c.y.description] } else { fields += ["", ""] }
            let bytes = Array(fields.map(CSV.field).joined(separator: ",").utf8)
            try bytes.withUnsafeBufferPointer { b in
                try state.add(record: b, 0, b.count, line: i + 1, lon: keys.count, lat: keys.count + 1, encoding: .utf8)
            }
        }
        return try state.finish()
    }

    static func utf8(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ enc: TextEncoding) -> [UInt8]? {
        let slice = UnsafeBufferPointer(rebasing: b[s..<e])
        if enc == .utf8 || !slice.contains(where: { $0 >= 0x80 }) { return Array(slice) }
        return TextEncoding.gb18030ToUTF8(slice)
    }

    private func parseHeader(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ enc: TextEncoding) throws -> ([String], Int, Int) {
        guard let bytes = Self.utf8(b, s, e, enc) else { throw AssignError.input("line 1: the header does not decode as \(enc.rawValue)") }
        var names: [String] = []
        bytes.withUnsafeBufferPointer { hb in
            var ranges: [Range<Int>] = []
            CSV.splitFields(hb, 0, hb.count, into: &ranges)
            names = ranges.map { String(decoding: CSV.unquote(hb, $0), as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        }
        func find(_ given: String?, _ defaults: [String], _ what: String) throws -> Int {
            let wanted = given.map { [$0] } ?? defaults
            for w in wanted {
                if let i = names.firstIndex(where: { $0.lowercased() == w.lowercased() }) { return i }
            }
            var have = names.prefix(12).map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }.joined(separator: ", ")
            if names.count > 12 { have += ", … (\(names.count) columns)" }
            throw AssignError.input("no \(what) column (looked for \(wanted.joined(separator: ", ")); the header has \(have)); name it with --\(what == "longitude" ? "lon" : "lat")-column")
        }
        let lon = try find(options.lonColumn, ["lon", "lng", "longitude", "x", "经度"], "longitude")
        let lat = try find(options.latColumn, ["lat", "latitude", "y", "纬度"], "latitude")
        return (names, lon, lat)
    }

    // MARK: - Chunks

    enum Bytes {
        static let insideCSV = Array(",inside,,\n".utf8)
        static let edgeCSV = Array(",edge,,\n".utf8)
        static let outsideCSV = Array(",,,,,,,outside,".utf8)
        static let featureOpen = Array("{\"type\":\"Feature\",\"properties\":".utf8)
        static let lineKey = Array("{\"line\":".utf8)
        static let null = Array("null".utf8)
        static let lonKey = Array("\"lon_wgs84\":".utf8)
        static let latKey = Array(",\"lat_wgs84\":".utf8)
        static let outsideNulls = Array("\"grid_code\":null,\"grid_name\":null,\"village\":null,\"township\":null,\"grid_worker\":null,\"grid_worker_phone\":null,\"status\":\"outside\",\"nearest_grid\":".utf8)
        static let distanceKey = Array(",\"distance_m\":".utf8)
        static let noNearest = Array("null,\"distance_m\":null}".utf8)
        static let geometryOpen = Array(",\"geometry\":{\"type\":\"Point\",\"coordinates\":[".utf8)
        static let geometryClose = Array("]}}".utf8)
        static let featureSeparator = Array(",\n".utf8)
        static let insideJSON = Array("\"status\":\"inside\",\"nearest_grid\":null,\"distance_m\":null}".utf8)
        static let edgeJSON = Array("\"status\":\"edge\",\"nearest_grid\":null,\"distance_m\":null}".utf8)
    }

    struct RunState {
        let pipeline: AssignPipeline
        let output: ByteSink
        let lineLabel: String
        var summary = AssignSummary()
        var header: [String] = []
        var jsonKeys: [[UInt8]] = []
        var buf: [UInt8] = []
        var starts: [Int] = [], ends: [Int] = [], lines: [Int] = []
        var xs: [Double] = [], ys: [Double] = []
        var out: [UInt8] = []
        var wroteFeature = false
        var ranges: [Range<Int>] = []

        init(pipeline: AssignPipeline, output: ByteSink, lineLabel: String) {
            self.pipeline = pipeline; self.output = output; self.lineLabel = lineLabel
            // About one chunk's output: 2 MiB at the default 32,768 rows, little for small chunks.
            out.reserveCapacity(min(1 << 21, max(1, pipeline.options.chunkRows) * 64))
        }

        mutating func begin(header: [String], headerBytes: [UInt8]) throws {
            self.header = header
            let taken = Set(assignColumns + ["line", "lon_wgs84", "lat_wgs84"])
            jsonKeys = header.map { k in
                var j: [UInt8] = []
                JSONText.appendString(&j, (taken.contains(k) ? "input_" + k : k).utf8)
                j.append(0x3A)
                return j
            }
            switch pipeline.options.output {
            case .csv:
                out += headerBytes
                out += Array(("," + assignColumns.joined(separator: ",") + "\n").utf8)
            case .geojson:
                out += Array("{\"type\":\"FeatureCollection\",\"features\":[\n".utf8)
            case .jsonl: break
            }
        }

        mutating func add(record b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, line: Int, lastLine: Int? = nil,
                          lon: Int, lat: Int, encoding: TextEncoding) throws {
            CSV.splitFields(b, s, e, into: &ranges)
            // A row with more or fewer fields than the header would put the added columns under
            // the wrong names: skip it, and say when a quote left open is the likely cause.
            let multiLine = (lastLine ?? line) > line
            let span = multiLine ? " (it runs over lines \(line)–\(lastLine!): is a quote left open?)" : ""
            if ranges.count != header.count {
                skip(line, "has \(ranges.count) field(s), the header has \(header.count)\(span)")
                return
            }
            // A quoted line break is legal CSV, but when a continuation line is itself a whole
            // row, a quote was left open and swallowed the rows after it.
            if multiLine, Self.continuationLooksLikeARow(b, s, e, fields: header.count) {
                skip(line, "a quoted field spans whole rows\(span)")
                return
            }
            var x: Double?, y: Double?
            if lon < ranges.count, lat < ranges.count {
                x = Format.parseDouble(b, ranges[lon].lowerBound, ranges[lon].upperBound)
                y = Format.parseDouble(b, ranges[lat].lowerBound, ranges[lat].upperBound)
            }
            guard let x, let y else {
                let fields = ranges.count
                skip(line, lon < fields && lat < fields
                     ? "cannot read coordinates from '\(text(b, ranges[lon]))', '\(text(b, ranges[lat]))'"
                     : "has \(fields) field(s), fewer than the coordinate columns need")
                return
            }
            if pipeline.geographicInput {
                if !(-180...180).contains(x) || !(-90...90).contains(y) {
                    // Latitude in the longitude column and the reverse: say so rather than "out of range".
                    if (-90...90).contains(x), (-180...180).contains(y) {
                        skip(line, "longitude \(text(b, ranges[lon])) and latitude \(text(b, ranges[lat])) look swapped (latitude must be within ±90); swap the columns or use --lon-column/--lat-column")
                    } else {
                        skip(line, "coordinates \(text(b, ranges[lon])), \(text(b, ranges[lat])) are outside longitude −180…180 / latitude −90…90")
                    }
                    return
                }
                if GeoBounds.china.contains(y, x), !GeoBounds.china.contains(x, y) {
                    skip(line, "longitude \(text(b, ranges[lon])) and latitude \(text(b, ranges[lat])) look swapped (the point lies in China only the other way round); swap the columns or use --lon-column/--lat-column")
                    return
                }
            }
            pipeline.sampler.add(Coordinate(x, y))
            let start = buf.count
            let record = UnsafeBufferPointer(rebasing: b[s..<e])
            // Detected UTF-8 from the first MiB, but this row isn't: decode it as GB18030.
            let gbRow = encoding == .gb18030
                || (record.contains(where: { $0 >= 0x80 }) && TextEncoding.detect(Array(record) + [0x20]) == .gb18030)
            if gbRow, record.contains(where: { $0 >= 0x80 }) {
                guard let u = TextEncoding.gb18030ToUTF8(UnsafeBufferPointer(rebasing: b[s..<e])) else {
                    skip(line, "does not decode as GB18030"); return
                }
                buf += u
            } else {
                buf.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<e]))
            }
            starts.append(start); ends.append(buf.count); lines.append(line)
            xs.append(x); ys.append(y)
            if starts.count >= pipeline.options.chunkRows { try flushChunk() }
        }

        static func continuationLooksLikeARow(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, fields: Int) -> Bool {
            guard fields > 1 else { return false }
            var commas = 0, afterFirstLine = false
            for i in s..<e {
                switch b[i] {
                case 0x0A:
                    if afterFirstLine, commas + 1 >= fields { return true }
                    afterFirstLine = true; commas = 0
                case 0x2C: commas += 1
                default: break
                }
            }
            return afterFirstLine && commas + 1 >= fields
        }

        func text(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
            String(decoding: CSV.unquote(b, r), as: UTF8.self)
        }

        mutating func skip(_ line: Int, _ why: String) {
            summary.skipped += 1
            if summary.skippedLines.count < pipeline.options.maxReportedLines {
                summary.skippedLines.append(line)
                pipeline.diagnostic("wangge assign: \(lineLabel) \(line): \(why); skipped")
            } else if summary.skippedLines.count == pipeline.options.maxReportedLines {
                summary.skippedLines.append(line)
                pipeline.diagnostic("wangge assign: more skipped rows are counted but not listed")
            }
        }

        mutating func flushChunk() throws {
            let n = starts.count
            guard n > 0 else { return }
            // Input CRS → WGS-84 (batch; row by row when the batch refuses one coordinate).
            var ok = [Bool](repeating: true, count: n)
            if let t = pipeline.toWGS84 {
                let cs = (0..<n).map { Coordinate(xs[$0], ys[$0]) }
                if let r = try? t.transform(cs) {
                    for i in 0..<n { xs[i] = r[i].x; ys[i] = r[i].y }
                } else {
                    for i in 0..<n {
                        do { let r = try t.transform(cs[i]); xs[i] = r.x; ys[i] = r.y }
                        catch { ok[i] = false; skip(lines[i], "cannot convert from \(pipeline.options.crs): \(error)") }
                    }
                }
            }
            let index = pipeline.grids.index
            var locations = [Location](repeating: .outside, count: n)
            var outsideRows: [Int] = []
            for i in 0..<n where ok[i] {
                let l = xs[i].isFinite && ys[i].isFinite ? index.locate(xs[i], ys[i]) : .outside
                locations[i] = l
                if case .outside = l { outsideRows.append(i) }
            }
            var nearestGrid = [Int32](repeating: -1, count: n)
            var nearestDistance = [Double](repeating: 0, count: n)
            if !outsideRows.isEmpty {
                // Near the district the lattice projects; farther points go to PROJ.
                let lattice = pipeline.grids.lattice
                var metric = outsideRows.map { lattice.project(xs[$0], ys[$0]) }
                let far = metric.indices.filter { metric[$0] == nil }
                if !far.isEmpty {
                    let cs = far.map { Coordinate(xs[outsideRows[$0]], ys[outsideRows[$0]]) }
                    if let r = try? pipeline.toMetric.transform(cs) { for (k, m) in zip(far, r) { metric[k] = m } }
                    else { for (k, c) in zip(far, cs) { metric[k] = try? pipeline.toMetric.transform(c) } }
                }
                for (k, i) in outsideRows.enumerated() {
                    if let m = metric[k] {
                        let (g, d) = pipeline.grids.nearest.nearest(m.x, m.y)
                        nearestGrid[i] = Int32(g); nearestDistance[i] = d
                    }
                }
            }
            try buf.withUnsafeBufferPointer { b in
                for i in 0..<n where ok[i] {
                    try write(b, i, locations[i], nearestGrid[i] >= 0 ? (Int(nearestGrid[i]), nearestDistance[i]) : nil)
                    if out.count >= 1 << 20 { try drain() }
                }
            }
            try drain()
            buf.removeAll(keepingCapacity: true)
            starts.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            xs.removeAll(keepingCapacity: true); ys.removeAll(keepingCapacity: true)
            pipeline.progress?(summary.rows)
        }

        mutating func drain() throws {
            try out.withUnsafeBytes { try output.write($0) }
            out.removeAll(keepingCapacity: true)
        }

        mutating func write(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ loc: Location, _ near: (Int, Double)?) throws {
            summary.rows += 1
            let isInside: Bool
            switch loc {
            case .inside: summary.inside += 1; isInside = true
            case .edge: summary.edge += 1; isInside = false
            case .outside: summary.outside += 1; isInside = false
            }
            switch pipeline.options.output {
            case .csv:
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[starts[i]..<ends[i]]))
                if let g = loc.gridIndex {
                    out += pipeline.csvSuffix[g]
                    out += isInside ? Bytes.insideCSV : Bytes.edgeCSV
                } else {
                    out += Bytes.outsideCSV
                    if let (g, d) = near {
                        out += pipeline.csvCode[g]
                        out.append(0x2C)
                        Format.appendFixed(&out, d, 1)
                    } else { out.append(0x2C) }
                    out.append(0x0A)
                }
            case .jsonl, .geojson:
                let geo = pipeline.options.output == .geojson
                if geo {
                    if wroteFeature { out += Bytes.featureSeparator }
                    out += Bytes.featureOpen
                    wroteFeature = true
                }
                out += Bytes.lineKey
                Format.appendInt(&out, Int64(lines[i]))
                out.append(0x2C)
                CSV.splitFields(b, starts[i], ends[i], into: &ranges)
                for (k, key) in jsonKeys.enumerated() {
                    out += key
                    if k < ranges.count {
                        let r = ranges[k]
                        if r.isEmpty || b[r.lowerBound] != 0x22 { JSONText.appendString(&out, UnsafeBufferPointer(rebasing: b[r])) }
                        else { JSONText.appendString(&out, CSV.unquote(b, r)) }
                    } else { out += Bytes.null }
                    out.append(0x2C)
                }
                if !geo {
                    out += Bytes.lonKey; Format.appendFixed(&out, xs[i], 7)
                    out += Bytes.latKey; Format.appendFixed(&out, ys[i], 7)
                    out.append(0x2C)
                }
                if let g = loc.gridIndex {
                    out += pipeline.jsonFields[g]
                    out += isInside ? Bytes.insideJSON : Bytes.edgeJSON
                } else {
                    out += Bytes.outsideNulls
                    if let (g, d) = near {
                        out += pipeline.jsonCode[g]
                        out += Bytes.distanceKey
                        Format.appendFixed(&out, d, 1)
                        out.append(0x7D)
                    } else { out += Bytes.noNearest }
                }
                if geo {
                    out += Bytes.geometryOpen
                    Format.appendFixed(&out, xs[i], 7); out.append(0x2C); Format.appendFixed(&out, ys[i], 7)
                    out += Bytes.geometryClose
                } else {
                    out.append(0x0A)
                }
            }
        }

        mutating func finish() throws -> AssignSummary {
            try flushChunk()
            if pipeline.options.output == .geojson { out += Array("\n]}\n".utf8) }
            try drain()
            try output.flush()
            return summary
        }
    }
}
