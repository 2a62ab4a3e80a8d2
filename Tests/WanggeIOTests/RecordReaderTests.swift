import Foundation
import Testing
import WanggeIO

/// Reads every record of `bytes`, the source handing out `chunk` bytes at a time (1: every
/// CR/LF pair and every quote falls on a read boundary somewhere).
private func records(_ bytes: [UInt8], chunk: Int = 1 << 16, max: Int = 1 << 20, quotes: Bool = false) throws -> [RecordReader.Record] {
    var position = 0
    var reader = RecordReader(maxRecordBytes: max, csvQuotes: quotes) { raw in
        let n = Swift.min(chunk, raw.count, bytes.count - position)
        for k in 0..<n { raw[k] = bytes[position + k] }
        position += n
        return n
    }
    var out: [RecordReader.Record] = []
    while let r = try reader.next() { out.append(r) }
    return out
}

private func texts(_ rs: [RecordReader.Record]) -> [String?] {
    rs.map { if case .text(let b) = $0 { String(decoding: b, as: UTF8.self) } else { nil } }
}

@Suite struct RecordReaderTests {
    @Test(arguments: [1, 2, 3, 7, 1 << 16])
    func everyLineEndIsOneRecord(chunk: Int) throws {
        let lines = ["甲", "", "乙 2", "丙"]
        for end in ["\n", "\r\n", "\r"] {
            let joined = lines.joined(separator: end)
            #expect(texts(try records(Array((joined + end).utf8), chunk: chunk)) == lines, "\(end.debugDescription)")
            #expect(texts(try records(Array(joined.utf8), chunk: chunk)) == lines, "no final line end, \(end.debugDescription)")
        }
        // Mixed in one file, with a byte-order mark: CR CR LF is two line ends (an empty line).
        let mixed = [0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\nd\r\r\ne".utf8)
        #expect(texts(try records(mixed, chunk: chunk)) == ["a", "b", "c", "d", "", "e"])
    }

    @Test func emptyInputHasNoRecords() throws {
        #expect(try records([]).isEmpty)
        #expect(try records([0xEF, 0xBB, 0xBF]).isEmpty)
        #expect(texts(try records(Array("\n".utf8))) == [""])
    }

    @Test(arguments: [1, 5, 1 << 16])
    func quotedLineEndsStayInTheirField(chunk: Int) throws {
        let csv = "id,address\r\n1,\"沙湾区,福禄镇\r\n费林湾村\"\r\n2,\"a \"\"b\"\"\rc\"\r3,x\n"
        let rs = try records(Array(csv.utf8), chunk: chunk, quotes: true)
        #expect(texts(rs) == ["id,address", "1,\"沙湾区,福禄镇\r\n费林湾村\"", "2,\"a \"\"b\"\"\rc\"", "3,x"])
        // Without quote handling the same bytes are lines.
        #expect(try records(Array(csv.utf8), chunk: chunk).count == 6)
    }

    @Test func lineNumbersCountPhysicalLines() throws {
        var position = 0
        let bytes = Array("h\n\"a\nb\nc\"\nd\n".utf8)
        var reader = RecordReader(csvQuotes: true) { raw in
            let n = Swift.min(raw.count, bytes.count - position)
            for k in 0..<n { raw[k] = bytes[position + k] }
            position += n
            return n
        }
        var spans: [ClosedRange<Int>] = []
        while try reader.next() != nil { spans.append(reader.lineNumber...reader.endLineNumber) }
        #expect(spans == [1...1, 2...4, 5...5])
    }

    @Test(arguments: [1, 1000, 1 << 16])
    func overlongRecordKeepsItsPlace(chunk: Int) throws {
        let long = String(repeating: "沙", count: 2000)  // 6000 bytes
        let rs = try records(Array("a\r\n\(long)\r\nb\r\(long)".utf8), chunk: chunk, max: 4096)
        #expect(rs == [.text(Array("a".utf8)[...]), .tooLong(bytes: 6000), .text(Array("b".utf8)[...]), .tooLong(bytes: 6000)])
        // Just at the limit it is kept.
        #expect(texts(try records(Array((long + "\n").utf8), chunk: chunk, max: 6000)) == [long])
    }

    @Test func unclosedQuoteIsReported() throws {
        var position = 0
        let bytes = Array("h\n1,\"open\n2,x\n".utf8)
        var reader = RecordReader(csvQuotes: true) { raw in
            let n = Swift.min(raw.count, bytes.count - position)
            for k in 0..<n { raw[k] = bytes[position + k] }
            position += n
            return n
        }
        _ = try reader.next()
        #expect(!reader.unclosedQuote)
        #expect(try reader.next() == .text(Array("1,\"open\n2,x\n".utf8)[...]))
        #expect(reader.unclosedQuote)
        #expect(try reader.next() == nil)
    }

    @Test func peekDoesNotConsume() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("ab\ncd".utf8)
        var position = 0
        var reader = RecordReader { raw in
            let n = Swift.min(raw.count, 2, bytes.count - position)
            for k in 0..<n { raw[k] = bytes[position + k] }
            position += n
            return n
        }
        #expect(Array(try reader.peek(100)) == Array("ab\ncd".utf8))
        #expect(reader.hadByteOrderMark)
        #expect(try reader.next() == .text(Array("ab".utf8)[...]))
        #expect(try reader.next() == .text(Array("cd".utf8)[...]))
    }
}

@Suite struct FileStampTests {
    @Test func sameContentSameStamp() throws {
        let dir = Scratch()
        try AtomicFile.write(Array("abc".utf8), to: dir.file("a"))
        try AtomicFile.write(Array("abc".utf8), to: dir.file("b"))
        try AtomicFile.write(Array("abd".utf8), to: dir.file("c"))
        #expect(try FNV1a.stamp(ofFile: dir.file("a")) == FNV1a.stamp(ofFile: dir.file("b")))
        #expect(try FNV1a.stamp(ofFile: dir.file("a")) != FNV1a.stamp(ofFile: dir.file("c")))
        // FNV-1a 64 of "abc", computed by a three-line Python reference.
        #expect(try FNV1a.stamp(ofFile: dir.file("a")) == "3:e71fa2190541574b")
        #expect(throws: IOError.self) { try FNV1a.stamp(ofFile: dir.file("missing")) }
        // Bytes already read (a pipe's) stamp as the file holding them does.
        #expect(FNV1a.stamp(of: Array("abc".utf8)) == "3:e71fa2190541574b")
        #expect(FNV1a.stamp(of: []) == "0:cbf29ce484222325")
    }
}
