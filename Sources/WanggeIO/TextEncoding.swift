// The two encodings Chinese CSV files come in — UTF-8 and GB18030 (GBK), what Excel and Notepad
// in China write — detected and decoded one way for every reader: assign, geocode --batch, the
// roster and case import.
import Foundation

public enum TextEncoding: String, Sendable {
    case utf8 = "UTF-8"
    /// GB18030 (a superset of GBK and GB2312), what Excel in China writes.
    case gb18030 = "GB18030"

    /// Foundation's GB18030-2000 (`kCFStringEncodingGB_18030_2000`); present in
    /// swift-corelibs-foundation on Linux, so no table of our own is needed.
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// UTF-8 when `prefix` is valid UTF-8 (a sequence cut at the very end is allowed), otherwise GB18030.
    public static func detect(_ prefix: [UInt8]) -> TextEncoding {
        var i = 0
        let n = prefix.count
        while i < n {
            let b = prefix[i]
            if b < 0x80 { i += 1; continue }
            let len: Int
            if b >= 0xC2 && b <= 0xDF { len = 2 } else if b >= 0xE0 && b <= 0xEF { len = 3 }
            else if b >= 0xF0 && b <= 0xF4 { len = 4 } else { return .gb18030 }
            if i + len > n { return .utf8 }  // cut at the end of the sample
            for k in 1..<len where prefix[i + k] & 0xC0 != 0x80 { return .gb18030 }
            if len == 3, b == 0xE0, prefix[i + 1] < 0xA0 { return .gb18030 }
            if len == 3, b == 0xED, prefix[i + 1] >= 0xA0 { return .gb18030 }
            if len == 4, b == 0xF0, prefix[i + 1] < 0x90 { return .gb18030 }
            if len == 4, b == 0xF4, prefix[i + 1] >= 0x90 { return .gb18030 }
            i += len
        }
        return .utf8
    }

    /// Line by line: UTF-8 when at least as many of the lines with non-ASCII bytes in `prefix`
    /// are valid UTF-8 as are not, otherwise GB18030. Unlike `detect`, one line of binary
    /// garbage (or one line pasted from a GBK file) does not turn a UTF-8 file into GB18030.
    /// A last line without its line end may be cut in the middle of a character and is left out
    /// unless `complete`.
    public static func detectByLines<C: Collection>(_ prefix: C, complete: Bool) -> TextEncoding where C.Element == UInt8, C.Index == Int {
        var utf8 = 0, other = 0
        var start = prefix.startIndex
        var i = start
        func count(_ line: C.SubSequence) {
            guard line.contains(where: { $0 >= 0x80 }) else { return }
            if String(validating: line, as: UTF8.self) != nil { utf8 += 1 } else { other += 1 }
        }
        while i < prefix.endIndex {
            if prefix[i] == 0x0A || prefix[i] == 0x0D { count(prefix[start..<i]); start = i + 1 }
            i += 1
        }
        if complete { count(prefix[start..<prefix.endIndex]) }
        return other > utf8 ? .gb18030 : .utf8
    }

    /// Why a file cannot be read as text here: it is UTF-16 (Excel's "Unicode text"); nil when not.
    public static func utf16Refusal<C: Collection>(_ head: C) -> String? where C.Element == UInt8 {
        guard head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) else { return nil }
        return "it is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or plain CSV and try again"
    }

    /// One record of a file in `encoding` as text. `tolerant`: a record that is not in the file's
    /// encoding but in the other one still reads (a line pasted in from another file) — for a
    /// detected encoding; a user who named the encoding gets exactly it. nil when it does not decode.
    public static func decodeRecord(_ bytes: ArraySlice<UInt8>, as encoding: TextEncoding, tolerant: Bool = true) -> String? {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let utf8 = { String(validating: bytes, as: UTF8.self) }
        let gb = { bytes.withUnsafeBufferPointer { decodeGB18030($0) } }
        switch encoding {
        case .utf8: return tolerant ? (utf8() ?? gb()) : utf8()
        case .gb18030:
            guard tolerant else { return gb() }
            // Almost any bytes decode as GB18030, so a UTF-8 line pasted into a GBK file would
            // turn to mojibake (低保申请 → 浣庝繚鐢宠). Valid UTF-8 of only ASCII and 3-byte
            // characters (CJK) is taken as UTF-8: GBK text almost never has that shape, while
            // GBK pairs that happen to form 2-byte UTF-8 (U+0080–U+07FF) do occur.
            if let u = utf8(), u.unicodeScalars.allSatisfy({ $0.value < 0x80 || $0.value >= 0x800 }) { return u }
            return gb() ?? utf8()
        }
    }

    /// One line of text in either encoding: UTF-8 when it is valid UTF-8, else GB18030, else
    /// UTF-8 with replacement characters.
    public static func decodeLine<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let array = Array(bytes)
        if let s = String(validating: array, as: UTF8.self) { return s }
        if let u = array.withUnsafeBufferPointer({ gb18030ToUTF8($0) }) { return String(decoding: u, as: UTF8.self) }
        return String(decoding: array, as: UTF8.self)
    }

    /// GB18030 bytes as text (nil when they don't decode).
    public static func decodeGB18030(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        String(data: Data(buffer: bytes), encoding: foundationGB18030)
    }

    /// GB18030 bytes as UTF-8 (nil when they don't decode).
    public static func gb18030ToUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let s = String(data: Data(buffer: bytes), encoding: foundationGB18030) else { return nil }
        return Array(s.utf8)
    }
}

extension RecordReader {
    /// The encoding of the text ahead: UTF-8 after a byte-order mark, else decided by the lines
    /// of its first MiB (`TextEncoding.detectByLines`). Reads ahead without consuming.
    public mutating func detectEncoding() throws -> TextEncoding {
        let head = try peek(1 << 20)
        return hadByteOrderMark ? .utf8 : TextEncoding.detectByLines(head, complete: head.count < 1 << 20)
    }
}
