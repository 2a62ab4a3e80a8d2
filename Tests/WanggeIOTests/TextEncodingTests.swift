import Foundation
import Testing
import WanggeIO

// GBK bytes below are from Python's codecs ('沙湾镇'.encode('gbk')), not from the decoder under test.
private let shawanGBK: [UInt8] = [0xC9, 0xB3, 0xCD, 0xE5, 0xD5, 0xF2]

@Suite struct TextEncodingTests {
    @Test func utf8AndGBKLinesBothDecode() {
        #expect(TextEncoding.decodeLine(Array("沙湾镇临江巷23号".utf8)) == "沙湾镇临江巷23号")
        #expect(TextEncoding.decodeLine(shawanGBK) == "沙湾镇")
        #expect(TextEncoding.decodeLine([0x41, 0xFF]) == "A\u{FFFD}")
    }

    @Test func aRecordReadsInItsFilesEncodingAndTolerantlyInTheOther() {
        let utf8 = ArraySlice(Array("沙湾镇".utf8)), gbk = ArraySlice(shawanGBK), garbage: ArraySlice<UInt8> = [0x41, 0xFF, 0xFE]
        #expect(TextEncoding.decodeRecord(gbk, as: .gb18030) == "沙湾镇")
        #expect(TextEncoding.decodeRecord(gbk, as: .utf8) == "沙湾镇")                 // pasted from a GBK file
        #expect(TextEncoding.decodeRecord(gbk, as: .utf8, tolerant: false) == nil)     // the user said UTF-8
        #expect(TextEncoding.decodeRecord(utf8, as: .utf8, tolerant: false) == "沙湾镇")
        #expect(TextEncoding.decodeRecord(utf8, as: .gb18030) == "沙湾镇")              // pasted into a GBK file
        #expect(TextEncoding.decodeRecord(utf8, as: .gb18030, tolerant: false) != "沙湾镇")  // the user said GBK
        #expect(TextEncoding.decodeRecord(garbage, as: .utf8) == nil)
        #expect(TextEncoding.decodeRecord(garbage, as: .gb18030) == nil)
    }

    @Test func theReaderDetectsByLinesAndAfterAByteOrderMark() throws {
        func reader(_ bytes: [UInt8]) -> RecordReader {
            var position = 0
            return RecordReader(csvQuotes: true) { raw in
                let n = Swift.min(raw.count, bytes.count - position)
                for k in 0..<n { raw[k] = bytes[position + k] }
                position += n
                return n
            }
        }
        let gbkFile = Array("a,b\n1,".utf8) + shawanGBK + Array("\n2,".utf8) + shawanGBK + Array("\n3,沙湾镇\n".utf8)
        var r1 = reader(gbkFile)
        #expect(try r1.detectEncoding() == .gb18030)          // two GBK lines outvote one UTF-8 line
        var r2 = reader(Array("a\n沙湾镇\n".utf8) + [0x41, 0xFF, 0x0A])
        #expect(try r2.detectEncoding() == .utf8)             // one line of garbage does not flip it
        var r3 = reader(CSV.byteOrderMark + shawanGBK + [0x0A])
        #expect(try r3.detectEncoding() == .utf8)             // a byte-order mark says UTF-8
        #expect(TextEncoding.utf16Refusal([0xFF, 0xFE, 0x61, 0x00]) != nil)
        #expect(TextEncoding.utf16Refusal(Array("id,".utf8)) == nil)
    }
}
