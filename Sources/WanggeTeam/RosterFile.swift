// Reading a roster file as a desk has it: a file, "-" or a pipe (InputFile); LF, CRLF or CR line
// ends, quoted fields (RecordReader); UTF-8 with or without a byte-order mark, or GBK/GB18030 —
// what Excel in China writes — detected as `wangge assign` and `geocode --batch` detect it
// (TextEncoding). The fields are checked by WanggeStaffing's RosterParser.
import WanggeAssign
import WanggeIO
import WanggeStaffing

public enum RosterFile {
    /// Reads `path` ("-" for standard input). `villageCodes`: the district's villages and
    /// communities. Throws `RosterError` (or `IOError`) when the file cannot be a roster; a bad
    /// row is a warning in the result, the row skipped.
    public static func read(_ path: String, villageCodes: Set<String>, maxRecordBytes: Int = 1 << 16) throws -> Roster {
        let input = try InputFile(path: path)
        return try read(RecordReader(input, maxRecordBytes: maxRecordBytes, csvQuotes: true), name: input.displayName,
                        villageCodes: villageCodes)
    }

    /// The same from bytes in memory (tests, fuzzing).
    public static func read(bytes: [UInt8], name: String, villageCodes: Set<String>, maxRecordBytes: Int = 1 << 16) throws -> Roster {
        var offset = 0
        let reader = RecordReader(maxRecordBytes: maxRecordBytes, csvQuotes: true) { buffer in
            let n = min(buffer.count, bytes.count - offset)
            if n > 0 { bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) } }
            offset += n
            return n
        }
        return try read(reader, name: name, villageCodes: villageCodes)
    }

    static func read(_ records: RecordReader, name: String, villageCodes: Set<String>) throws -> Roster {
        var reader = records
        if let refusal = TextEncoding.utf16Refusal(try reader.peek(2)) { throw RosterError(file: name, refusal) }
        let encoding = try reader.detectEncoding()
        // A line pasted in from a file of the other encoding still reads.
        func decode(_ bytes: ArraySlice<UInt8>) -> String? { TextEncoding.decodeRecord(bytes, as: encoding) }
        func checkQuotes() throws {
            if reader.unclosedQuote {
                throw RosterError(file: name, "line \(reader.lineNumber): a quote opened in this row is never closed, so the row runs to the end of the file (line \(reader.endLineNumber)); close it and try again")
            }
        }

        // The header: the first record that is not blank.
        var header: [String]? = nil
        while header == nil, let record = try reader.next() {
            try checkQuotes()
            guard case .text(let bytes) = record else {
                throw RosterError(file: name, "line \(reader.lineNumber): the header is too long to be one (is this a roster?)")
            }
            guard let text = decode(bytes) else {
                throw RosterError(file: name, "line \(reader.lineNumber): the header is neither UTF-8 nor GB18030 (is this a roster?)")
            }
            if !text.allSatisfy({ $0 == " " || $0 == "\t" }) { header = CSV.fields(Array(text.utf8)) }
        }
        guard let header else {
            throw RosterError(file: name, "it is empty: a roster has a header row (\(RosterParser.columns.joined(separator: ","))) and one row a person")
        }
        var parser = try RosterParser(file: name, header: header, villageCodes: villageCodes)
        while let record = try reader.next() {
            try checkQuotes()
            let line = reader.lineNumber
            switch record {
            case .tooLong(let bytes):
                parser.skip(line: line, "\(bytes) bytes long, too long for a roster row")
            case .text(let bytes):
                guard let text = decode(bytes) else {
                    parser.skip(line: line, "neither UTF-8 nor GB18030 (binary, or a damaged file?)")
                    continue
                }
                parser.add(line: line, fields: CSV.fields(Array(text.utf8)))
            }
        }
        return parser.roster(encoding: encoding.rawValue)
    }
}
