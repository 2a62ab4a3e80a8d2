import Foundation
import Testing
import WanggeAssign
@testable import WanggeGazetteer
import WanggeIO
import WanggeStore

/// Runs a batch over `bytes` with the bundled matcher; the output as bytes, and the summary.
private func batch(_ bytes: [UInt8], _ configure: (inout GeocodeBatchOptions) -> Void = { _ in }) throws -> ([UInt8], GeocodeBatchSummary, [String]) {
    var options = GeocodeBatchOptions()
    configure(&options)
    var b = GeocodeBatch(options: options, geocode: Bundled.matcher.geocode)
    nonisolated(unsafe) var notes: [String] = []
    b.diagnostic = { notes.append($0) }
    let out = MemoryStream()
    let summary = try b.run(bytes: bytes, output: out)
    return (out.bytes, summary, notes)
}

private func lines(_ out: [UInt8]) -> [String] {
    String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

@Suite struct GeocodeBatchLineEndTests {
    static let addresses = ["沙湾区福禄镇费林湾村3组15号", "沫江街道临江街23号", "草坝", "", "仁寿县太平村3组", "沙湾镇", "福禄镇费林湾村1组27号"]
    /// The same seven lines, CRLF-terminated, in GBK (bytes from Python's `codecs`, not from the
    /// decoder under test).
    static let gbk: [UInt8] = [201, 179, 205, 229, 199, 248, 184, 163, 194, 187, 213, 242, 183, 209, 193, 214, 205, 229, 180, 229, 51, 215, 233, 49, 53, 186, 197, 13, 10, 196, 173, 189, 173, 189, 214, 181, 192, 193, 217, 189, 173, 189, 214, 50, 51, 186, 197, 13, 10, 178, 221, 176, 211, 13, 10, 13, 10, 200, 202, 202, 217, 207, 216, 204, 171, 198, 189, 180, 229, 51, 215, 233, 13, 10, 201, 179, 205, 229, 213, 242, 13, 10, 184, 163, 194, 187, 213, 242, 183, 209, 193, 214, 205, 229, 180, 229, 49, 215, 233, 50, 55, 186, 197, 13, 10]

    static func variants() -> [(String, [UInt8])] {
        let a = addresses
        func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }
        let ends = ["\r\n", "\r", "\n", "\r\n", "\n", "\r", "\r\n"]
        return [
            ("LF", utf8(a.joined(separator: "\n") + "\n")),
            ("CRLF", utf8(a.joined(separator: "\r\n") + "\r\n")),
            ("CR", utf8(a.joined(separator: "\r") + "\r")),
            ("BOM+LF", CSV.byteOrderMark + utf8(a.joined(separator: "\n") + "\n")),
            ("LF, no final line end", utf8(a.joined(separator: "\n"))),
            ("mixed", utf8(zip(a, ends).map { $0 + $1 }.joined())),
            ("GBK CRLF", gbk),
        ]
    }

    @Test func everyVariantGivesTheSameLines() throws {
        let (reference, refSummary, _) = try batch(Array(Self.addresses.joined(separator: "\n").utf8))
        #expect(lines(reference).count == Self.addresses.count)
        #expect(refSummary.records == Self.addresses.count && refSummary.counts.reduce(0, +) == Self.addresses.count)
        // The results are the matcher's, one for one, in order (the blank line is not_found).
        #expect(lines(reference) == Self.addresses.map { Bundled.matcher.geocode($0).jsonLine })
        #expect(lines(reference)[3].contains("\"status\":\"not_found\""))
        #expect(refSummary.blank == 1)
        for (name, bytes) in Self.variants() {
            for format in GeocodeFormat.allCases {
                let (out, summary, notes) = try batch(bytes) { $0.format = format }
                let expected = try batch(Array(Self.addresses.joined(separator: "\n").utf8)) { $0.format = format }.0
                #expect(out == expected, "\(name) \(format)")
                #expect(lines(out).count == Self.addresses.count + (format == .csv ? 1 : 0), "\(name) \(format)")
                #expect(summary.records == Self.addresses.count && summary.counts.reduce(0, +) == summary.records, "\(name)")
                #expect(summary.encoding == (name.hasPrefix("GBK") ? .gb18030 : .utf8), "\(name)")
                #expect(notes.isEmpty, "\(name): \(notes)")
            }
        }
    }

    @Test func encodingCanBeForced() throws {
        let (auto, _, _) = try batch(Self.gbk)
        let (forced, s, _) = try batch(Self.gbk) { $0.encoding = .gbk }
        #expect(forced == auto && s.encoding == .gb18030)
        // Read as UTF-8, the GBK lines do not decode: each is a not_found line in its place.
        let (wrong, w, notes) = try batch(Self.gbk) { $0.encoding = .utf8 }
        #expect(lines(wrong).count == Self.addresses.count)
        #expect(w.undecodable == 6 && w.count(.notFound) == 7)
        #expect(notes.count == 6 && notes[0].contains("line 1") && notes[0].contains("UTF-8"))
    }

    @Test func utf16IsRefusedClearly() {
        #expect { try batch([0xFF, 0xFE, 0x99, 0x6C]) } throws: { "\($0)".contains("UTF-16") }
    }
}

@Suite struct GeocodeBatchBadInputTests {
    @Test func badLinesKeepTheirPlace() throws {
        let good = Array("沙湾区福禄镇费林湾村3组15号\n".utf8)
        var input = good
        input += Array(String(repeating: "沙", count: 100_000).utf8) + [0x0A]       // 100 k characters
        input += [0x00, 0xFF, 0xFE, 0x80, 0x81, 0x0B, 0xC0, 0xAF, 0x0A]              // binary garbage
        input += [0xE6, 0xB2, 0x99, 0xFF, 0x0A]                                      // 沙, then a byte neither encoding has
        input += Array(repeating: 0x41, count: 3 << 20) + [0x0D, 0x0A]               // 3 MiB line
        input += [0x0A, 0x0A]                                                        // two empty lines
        input += good
        let (out, summary, notes) = try batch(input)
        let l = lines(out)
        #expect(l.count == 8 && summary.records == 8 && summary.counts.reduce(0, +) == 8)
        #expect(l.first == l.last && l[0].contains("\"status\":\"matched\""))
        for i in 1...6 { #expect(l[i].contains("\"status\":\"not_found\""), "line \(i + 1)") }
        #expect(summary.tooLong == 2 && summary.undecodable == 2 && summary.blank == 2, "\(summary) \(notes)")
        #expect(notes.count == 4 && notes.allSatisfy { $0.hasPrefix("input line ") })
        // Every output line is valid JSON (the garbage is escaped, not passed through raw).
        for line in l { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil) }
    }
}

@Suite struct GeocodeBatchCSVTests {
    static let csv = "编号,地址,备注\r\n"
        + "A1,\"沙湾区福禄镇费林湾村3组15号\",\"说明, 带逗号\"\r\n"
        + "A2,\"沙湾镇\",\"两行\r\n的备注 \"\"引号\"\"\"\r\n"
        + "A3,,空地址\r\n"
        + "A4,草坝\r\n"

    @Test func columnsPassThroughAndResultsFollow() throws {
        let (out, summary, notes) = try batch(Array(Self.csv.utf8)) { $0.addressColumn = "地址"; $0.format = .csv }
        #expect(out.starts(with: CSV.byteOrderMark))
        // Read back with an independent CSV reader (Python's csv module's rules, by hand here):
        // four records after the header, the quoted newline kept inside its field.
        let text = String(decoding: out.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("编号,地址,备注," + GeocodeResult.csvHeader + "\n"))
        #expect(text.contains("A1,沙湾区福禄镇费林湾村3组15号,\"说明, 带逗号\",沙湾区福禄镇费林湾村3组15号,matched,福禄镇,费林湾村,"))
        #expect(text.contains("A2,沙湾镇,\"两行\r\n的备注 \"\"引号\"\"\",沙湾镇,matched,沙湾镇,"))
        #expect(text.contains("A3,,空地址,,not_found,"))
        #expect(text.contains("A4,草坝,,草坝,ambiguous,"))
        #expect(summary.records == 4 && summary.count(.matched) == 2)
        #expect(notes.isEmpty)  // A4 has 2 fields of 3: padded with an empty one
    }

    @Test func jsonLinesCarryTheRow() throws {
        let (out, _, _) = try batch(Array(Self.csv.utf8)) { $0.addressColumn = " 地址 "; $0.idColumn = "编号" }
        #expect(!out.starts(with: CSV.byteOrderMark))
        let objects = try lines(out).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 4)
        #expect(objects.map { $0["id"] as? String } == ["A1", "A2", "A3", "A4"])
        #expect(lines(out)[0].hasPrefix("{\"id\":\"A1\",\"input\":"))
        let row = objects[1]["row"] as! [String: String]
        #expect(row == ["编号": "A2", "地址": "沙湾镇", "备注": "两行\r\n的备注 \"引号\""])
        #expect(objects[0]["village"] as? String == "费林湾村")
    }

    @Test func missingColumnAndOpenQuoteAreErrors() {
        #expect { try batch(Array("id,addr\n1,x\n".utf8)) { $0.addressColumn = "地址" } } throws: {
            "\($0)".contains("no column \"地址\"") && "\($0)".contains("id, addr")
        }
        #expect { try batch(Array("id,地址\n1,\"x\n2,y\n".utf8)) { $0.addressColumn = "地址" } } throws: {
            "\($0)".contains("line 2") && "\($0)".contains("never closed")
        }
        #expect { try batch([]) { $0.addressColumn = "地址" } } throws: { "\($0)".contains("empty") }
    }

    @Test func gbkCSV() throws {
        // "编号,地址,备注\r\n" in GBK (Python's codecs), then a GBK row.
        var bytes: [UInt8] = [177, 224, 186, 197, 44, 181, 216, 214, 183, 44, 177, 184, 215, 162, 13, 10]
        bytes += [49, 44] + Array(GeocodeBatchLineEndTests.gbk[0..<27]) + [44, 13, 10]
        let (out, summary, _) = try batch(bytes) { $0.addressColumn = "地址"; $0.format = .csv }
        #expect(summary.encoding == .gb18030)
        #expect(String(decoding: out, as: UTF8.self).contains("1,沙湾区福禄镇费林湾村3组15号,,沙湾区福禄镇费林湾村3组15号,matched,福禄镇,费林湾村"))
    }
}
