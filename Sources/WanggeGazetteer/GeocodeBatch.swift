// `wangge geocode --batch`: a desk's file of addresses in, one result per record out, in order.
import WanggeAssign
import WanggeIO

/// `--encoding`: detect (UTF-8 after a byte-order mark, or when most lines of the first MiB that
/// are not plain ASCII are valid UTF-8; otherwise GB18030, which includes GBK — `TextEncoding`,
/// as `wangge assign`), or say which. Detected files also read a line in the other encoding
/// when it is not valid in theirs (a line pasted in from elsewhere).
public enum BatchEncoding: String, Sendable, CaseIterable {
    case auto, utf8, gbk
}

public struct GeocodeBatchOptions: Sendable {
    public var format: GeocodeFormat = .jsonl
    public var encoding: BatchEncoding = .auto
    /// CSV input with a header: the column holding the address (matched without regard to case
    /// or surrounding spaces). nil: every line is one address.
    public var addressColumn: String?
    /// CSV input: a column written as `"id"` first in each JSON line (it is passed through in CSV
    /// output anyway, as every column is).
    public var idColumn: String?
    /// Addresses longer than this are not geocoded (`not_found`, reported): no real address is,
    /// and the matcher's work grows with the length.
    public var maxAddressCharacters = 1000
    /// Records longer than this are not even kept (`not_found` with an empty input, reported).
    public var maxRecordBytes = 1 << 20
    /// Lines reported one by one on standard error before only counting.
    public var maxReportedLines = 20
    public init() {}
}

public struct GeocodeBatchSummary: Sendable, Equatable {
    /// Records read (lines, or CSV rows after the header) = results written.
    public var records = 0
    /// Results per status, in `GeocodeResult.Status.allCases` order; they sum to `records`.
    public var counts = [Int](repeating: 0, count: GeocodeResult.Status.allCases.count)
    public var blank = 0
    /// Records that are neither valid UTF-8 nor GB18030 (`not_found`, not geocoded).
    public var undecodable = 0
    /// Records over `maxAddressCharacters` or `maxRecordBytes` (`not_found`, not geocoded).
    public var tooLong = 0
    public var encoding: TextEncoding = .utf8

    public func count(_ s: GeocodeResult.Status) -> Int { counts[GeocodeResult.Status.allCases.firstIndex(of: s)!] }

    /// "matched 3, ambiguous 0, …" and what was not geocoded.
    public var text: String {
        var t = zip(GeocodeResult.Status.allCases, counts).map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", ")
        var notes: [String] = []
        if blank > 0 { notes.append("\(blank) blank") }
        if undecodable > 0 { notes.append("\(undecodable) not \(encoding == .utf8 ? "UTF-8 nor GB18030" : "GB18030")") }
        if tooLong > 0 { notes.append("\(tooLong) too long") }
        if !notes.isEmpty { t += " (" + notes.joined(separator: ", ") + ": not_found)" }
        return t
    }
}

public struct GeocodeBatchError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Reads addresses — one a line, or one column of a CSV with a header — and writes one result
/// for every record, in order: a blank line, a line that does not decode, or one too long to be
/// an address gives a `not_found` result in its place (and a note on standard error), never a
/// missing or shifted line.
///
/// Output: JSON lines (`GeocodeResult.jsonLine`; with CSV input, the input's columns follow as a
/// `"row"` object, and `--id-column` puts `"id"` first), or CSV starting with a UTF-8 byte-order
/// mark (Excel) — the input's columns, then `GeocodeResult.csvHeader`'s (a result column whose
/// name the input already uses is written as `geocode_<name>`).
public struct GeocodeBatch {
    public let options: GeocodeBatchOptions
    public let geocode: (String) -> GeocodeResult
    /// Called with each note (no newline).
    public var diagnostic: (String) -> Void = { StandardError.write("wangge geocode: " + $0 + "\n") }

    public init(options: GeocodeBatchOptions, geocode: @escaping (String) -> GeocodeResult) {
        self.options = options
        self.geocode = geocode
    }

    public func run(input: InputFile, output: ByteSink) throws -> GeocodeBatchSummary {
        try run(records: RecordReader(input, maxRecordBytes: options.maxRecordBytes, csvQuotes: options.addressColumn != nil),
                name: input.displayName, output: output)
    }

    public func run(bytes: [UInt8], name: String = "input", output: ByteSink) throws -> GeocodeBatchSummary {
        let stream = MemoryStream(bytes)
        return try run(records: RecordReader(maxRecordBytes: options.maxRecordBytes, csvQuotes: options.addressColumn != nil) {
            try stream.read(into: $0)
        }, name: name, output: output)
    }

    func run(records: RecordReader, name: String, output: ByteSink) throws -> GeocodeBatchSummary {
        var reader = records
        var summary = GeocodeBatchSummary()
        if let refusal = TextEncoding.utf16Refusal(try reader.peek(2)) { throw GeocodeBatchError("\(name): \(refusal)") }
        summary.encoding = switch options.encoding {
        case .utf8: .utf8
        case .gbk: .gb18030
        case .auto: try reader.detectEncoding()
        }
        var writer = Writer(output: output)
        var notes = Notes(name: name, limit: options.maxReportedLines, diagnostic: diagnostic)
        let columns = try options.addressColumn.map { try readHeader(&reader, column: $0, name: name, encoding: summary.encoding) }
        if options.format == .csv { writeHeader(columns?.names, &writer) }
        while let record = try reader.next() {
            let row = try readRow(record, reader: reader, columns: columns, name: name, notes: &notes, summary: &summary)
            var result: GeocodeResult
            if row.geocodable { result = geocode(row.address) } else { result = GeocodeResult(); result.input = row.address }
            summary.records += 1
            summary.counts[GeocodeResult.Status.allCases.firstIndex(of: result.status)!] += 1
            write(result, row: row.fields, columns: columns, &writer)
            if writer.bytes.count >= 1 << 20 { try writer.drain() }
        }
        try writer.drain()
        try output.flush()
        return summary
    }

    /// CSV input: the header's column names and where the address (and the id) are.
    struct Columns {
        let names: [String]
        let address: Int
        let id: Int?
    }

    /// Notes on single lines, the first `limit` listed, the rest only counted.
    struct Notes {
        let name: String
        let limit: Int
        let diagnostic: (String) -> Void
        var reported = 0

        mutating func note(_ line: Int, _ what: String) {
            reported += 1
            if reported <= limit { diagnostic("\(name) line \(line): \(what)") }
            else if reported == limit + 1 { diagnostic("\(name): more such lines are counted, not listed") }
        }
    }

    func readHeader(_ reader: inout RecordReader, column wanted: String, name: String, encoding: TextEncoding) throws -> Columns {
        guard let first = try reader.next() else { throw GeocodeBatchError("\(name) is empty: a CSV with --address-column needs a header row") }
        guard case .text(let bytes) = first, let text = decode(bytes, encoding) else {
            throw GeocodeBatchError("\(name): the header row cannot be read as \(encoding.rawValue)")
        }
        if reader.unclosedQuote { throw GeocodeBatchError("\(name) line 1: the header opens a quote it never closes") }
        let names = CSV.fields(Array(text.utf8)).map { $0.trimmingCharacters(in: [" ", "\t"]) }
        func find(_ column: String, _ option: String) throws -> Int {
            let key = column.trimmingCharacters(in: [" ", "\t"]).lowercased()
            guard let i = names.firstIndex(where: { $0.lowercased() == key }) else {
                throw GeocodeBatchError("\(name): no column \"\(column)\" (\(option)); the header has \(names.joined(separator: ", "))")
            }
            return i
        }
        return Columns(names: names, address: try find(wanted, "--address-column"), id: try options.idColumn.map { try find($0, "--id-column") })
    }

    /// CSV output: a byte-order mark (Excel), the input's columns, then the result's (renamed
    /// `geocode_<name>` where the input has a column of that name).
    func writeHeader(_ inputColumns: [String]?, _ writer: inout Writer) {
        writer.append(CSV.byteOrderMark)
        let taken = Set(inputColumns ?? [])
        let header = (inputColumns ?? []).map(CSV.field)
            + GeocodeResult.csvHeader.split(separator: ",").map(String.init).map { taken.contains($0) ? "geocode_" + $0 : $0 }
        writer.append(header.joined(separator: ","))
        writer.append("\n")
    }

    /// One record: its fields (CSV), the address, and whether it is worth asking the matcher —
    /// a record too long, undecodable or blank is `not_found` in its place, with a note.
    func readRow(_ record: RecordReader.Record, reader: RecordReader, columns: Columns?, name: String,
                 notes: inout Notes, summary: inout GeocodeBatchSummary) throws -> (fields: [String], address: String, geocodable: Bool) {
        let line = reader.lineNumber
        var fields: [String] = []
        var address = ""
        var geocodable = true
        switch record {
        case .tooLong(let bytes):
            notes.note(line, "\(bytes) bytes long; not read (not_found)")
            summary.tooLong += 1; geocodable = false
        case .text(let bytes):
            var text: String
            if let t = decode(bytes, summary.encoding) { text = t } else {
                notes.note(line, "not valid \(summary.encoding == .utf8 && options.encoding == .auto ? "UTF-8 nor GB18030" : summary.encoding.rawValue) (binary or the wrong --encoding?); not geocoded (not_found)")
                summary.undecodable += 1; geocodable = false
                // Shown as far as it reads; control characters (NUL …) as U+FFFD.
                text = String(String(decoding: bytes, as: UTF8.self).unicodeScalars.map {
                    $0.value < 0x20 && $0 != "\t" ? "\u{FFFD}" : Character($0)
                })
            }
            if let columns {
                if reader.unclosedQuote {
                    throw GeocodeBatchError("\(name) line \(line): a quote opened in this row is never closed, so the row runs to the end of the file (line \(reader.endLineNumber)); close it and try again")
                }
                fields = text.isEmpty ? [] : CSV.fields(Array(text.utf8))
                if fields.count > columns.names.count {
                    notes.note(line, "has \(fields.count) fields, the header \(columns.names.count): the last \(fields.count - columns.names.count) dropped (an unquoted comma?)")
                    fields.removeLast(fields.count - columns.names.count)
                }
                fields += repeatElement("", count: columns.names.count - fields.count)
                address = fields[columns.address]
            } else {
                address = text
            }
            if geocodable, address.unicodeScalars.count > options.maxAddressCharacters {
                notes.note(line, "\(address.unicodeScalars.count) characters long, more than an address (\(options.maxAddressCharacters)); not geocoded (not_found)")
                summary.tooLong += 1; geocodable = false
            }
            // Blank: not_found without asking the matcher (nothing to read).
            if geocodable, address.allSatisfy({ $0.isWhitespace }) { summary.blank += 1; geocodable = false }
        }
        if let columns, fields.isEmpty { fields = Array(repeating: "", count: columns.names.count) }
        return (fields, address, geocodable)
    }

    /// One result line: CSV (the input's fields, then the result's) or JSON (with CSV input, the
    /// row as an object, and the id first when asked).
    func write(_ result: GeocodeResult, row fields: [String], columns: Columns?, _ writer: inout Writer) {
        switch options.format {
        case .csv:
            if !fields.isEmpty { writer.append(fields.map(CSV.field).joined(separator: ",")); writer.append(",") }
            writer.append(result.csvLine)
        case .jsonl:
            var json = result.jsonLine
            if let columns {
                json.removeLast()  // "}"
                json += ",\"row\":{" + zip(columns.names, fields).map { JSONText.quoted($0.0) + ":" + JSONText.quoted($0.1) }.joined(separator: ",") + "}}"
                if let id = columns.id { json = "{\"id\":" + JSONText.quoted(fields[id]) + "," + json.dropFirst() }
            }
            writer.append(json)
        }
        writer.append("\n")
    }

    /// The record's text, or nil when it decodes as neither the file's encoding nor (detected
    /// files only, for a line pasted in from elsewhere) the other one.
    func decode(_ bytes: ArraySlice<UInt8>, _ encoding: TextEncoding) -> String? {
        TextEncoding.decodeRecord(bytes, as: encoding, tolerant: options.encoding == .auto)
    }

    struct Writer {
        let output: ByteSink
        var bytes: [UInt8] = []
        mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
        mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }
        mutating func drain() throws {
            try bytes.withUnsafeBytes { try output.write($0) }
            bytes.removeAll(keepingCapacity: true)
        }
    }
}
