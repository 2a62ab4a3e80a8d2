/// Records of a text stream as a desk's files have them: one record a line, whatever ends the
/// line — LF, CRLF or a lone CR (classic Mac, some Excel and form exports), mixed in one file —
/// so that n lines in give n records out. With `csvQuotes`, a line end inside a double-quoted
/// field belongs to the field (RFC 4180), and the record runs on to the line end after the quote
/// closes.
///
/// A leading UTF-8 byte-order mark is dropped. A record longer than `maxRecordBytes` is not kept:
/// it comes back as `.tooLong` (with its length), in its place, so a runaway line (a binary file,
/// a 100,000-character paste) never shifts the records after it nor takes a gigabyte of memory.
/// Encoding is the caller's business: the split is done on bytes, and neither UTF-8 nor GB18030
/// ever uses the bytes of LF, CR or `"` inside a multi-byte character.
public struct RecordReader {
    public enum Record: Equatable {
        /// The record's bytes, without its line end (quoted line ends inside are kept as they are).
        case text(ArraySlice<UInt8>)
        /// A record of `bytes` bytes (line end excluded), over the limit and not kept.
        case tooLong(bytes: Int)
    }

    public let maxRecordBytes: Int
    public let csvQuotes: Bool
    /// The line (1-based) on which the last record returned starts.
    public private(set) var lineNumber = 0
    /// The line on which the last record returned ends (> `lineNumber` for quoted line ends).
    public private(set) var endLineNumber = 0
    /// The last record ended at the end of the input inside a quoted field (`csvQuotes` only):
    /// a quote was left open and swallowed everything after it.
    public private(set) var unclosedQuote = false
    /// The input began with a UTF-8 byte-order mark (dropped).
    public private(set) var hadByteOrderMark = false

    private let source: (UnsafeMutableRawBufferPointer) throws -> Int
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    /// Next byte to examine (bytes in start..<scan belong to the current record).
    private var scan = 0
    private var quoted = false
    /// Line ends seen inside the current record (quoted ones).
    private var innerLines = 0
    /// Bytes of the current record already thrown away because it is over the limit.
    private var dropped = 0
    private var eof = false
    private var began = false
    private var nextLine = 1

    public init(maxRecordBytes: Int = 1 << 20, csvQuotes: Bool = false,
                read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.maxRecordBytes = maxRecordBytes
        self.csvQuotes = csvQuotes
        self.source = read
    }

    public init(_ input: InputFile, maxRecordBytes: Int = 1 << 20, csvQuotes: Bool = false) {
        self.init(maxRecordBytes: maxRecordBytes, csvQuotes: csvQuotes) { raw in try input.read(into: raw) }
    }

    /// Up to `count` bytes from the current position (after the byte-order mark), without
    /// consuming them: for detecting the encoding before the first record is read.
    public mutating func peek(_ count: Int) throws -> ArraySlice<UInt8> {
        try begin()
        while buffer.count - start < count, !eof { try fill() }
        return buffer[start..<min(buffer.count, start + count)]
    }

    /// The next record, or nil at the end of the input. An input ending with a line end has no
    /// empty record after it; an empty line in the middle is an empty record.
    public mutating func next() throws -> Record? {
        try begin()
        unclosedQuote = false
        while true {
            var i = scan
            while i < buffer.count {
                let c = buffer[i]
                if c == 0x22, csvQuotes { quoted.toggle(); i += 1; continue }
                guard c == 0x0A || c == 0x0D else { i += 1; continue }
                // CR as the last byte read: an LF may follow in the next chunk.
                if c == 0x0D, i + 1 == buffer.count, !eof { break }
                let width = (c == 0x0D && i + 1 < buffer.count && buffer[i + 1] == 0x0A) ? 2 : 1
                if quoted { innerLines += 1; i += width; continue }
                return finish(end: i, resume: i + width)
            }
            scan = i
            if eof {
                guard start < buffer.count || dropped > 0 else { return nil }
                unclosedQuote = quoted
                return finish(end: buffer.count, resume: buffer.count)
            }
            if scan - start > maxRecordBytes {
                // Over the limit: keep counting, stop keeping.
                dropped += scan - start
                buffer.removeSubrange(start..<scan)
                scan = start
            }
            try fill()
        }
    }

    private mutating func finish(end: Int, resume: Int) -> Record {
        let record: Record
        let length = dropped + (end - start)
        record = length > maxRecordBytes ? .tooLong(bytes: length) : .text(buffer[start..<end])
        lineNumber = nextLine
        endLineNumber = nextLine + innerLines
        nextLine = endLineNumber + 1
        start = resume; scan = resume
        quoted = false; innerLines = 0; dropped = 0
        return record
    }

    private mutating func begin() throws {
        guard !began else { return }
        began = true
        while buffer.count < 3, !eof { try fill() }
        if buffer.starts(with: CSV.byteOrderMark) { start = 3; scan = 3; hadByteOrderMark = true }
    }

    private mutating func fill() throws {
        if start > 0, start == buffer.count || start >= 1 << 16 {
            buffer.removeSubrange(0..<start)
            scan -= start; start = 0
        }
        let n = try chunk.withUnsafeMutableBytes { try source($0) }
        if n == 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
    }
}
