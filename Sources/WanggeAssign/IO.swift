// Byte sources and sinks for streaming (files, standard streams, memory for tests), text
// encodings, and the small number/JSON/CSV formatting helpers the writers use.
import Foundation
import WanggeIO

public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    func flush() throws
}

// Files and standard streams are WanggeIO's: reading never fails on pipes, writing is atomic.
extension InputFile: ByteSource {}
extension AtomicWriter: ByteSink {}

public final class MemoryStream: ByteSource, ByteSink {
    public private(set) var bytes: [UInt8]
    private var position = 0
    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = Swift.min(buffer.count, bytes.count - position)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<(position + n)]))
            }
        }
        position += n
        return n
    }
    public func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
    public func flush() throws {}
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// The two encodings Chinese CSV files come in.
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

    /// One line of text in either encoding: UTF-8 when it is valid UTF-8, else GB18030 (what
    /// Excel and Notepad in China write), else UTF-8 with replacement characters.
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
    static func gb18030ToUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let s = String(data: Data(buffer: bytes), encoding: foundationGB18030) else { return nil }
        return Array(s.utf8)
    }
}

enum Format {
    static let pow10: [Double] = (0...22).map { e in var v = 1.0; for _ in 0..<e { v *= 10 }; return v }

    /// A decimal number (optional sign, digits, point, digits; exponents via the slow path).
    /// Fast path exact: ≤ 15 significant digits → mantissa and 10^k are exact doubles, one division.
    static func parseDouble(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var s = start, e = end
        while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
        while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
        if e - s >= 2, b[s] == 0x22, b[e - 1] == 0x22 { s += 1; e -= 1 }
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        guard s < e else { return nil }
        var i = s
        var negative = false
        if b[i] == 0x2D { negative = true; i += 1 } else if b[i] == 0x2B { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, significant = 0, fraction = 0
        var seenPoint = false
        var fast = true
        while i < e {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
                if mantissa > 0 || c != 0x30 { significant += 1 }
                if significant > 15 { fast = false; break }
                mantissa = mantissa * 10 + UInt64(c - 0x30)
                if seenPoint { fraction += 1 }
            } else if c == 0x2E, !seenPoint {
                seenPoint = true
            } else { fast = false; break }
            i += 1
        }
        if fast {
            guard digits > 0, fraction <= 22 else { return nil }
            let v = Double(mantissa) / pow10[fraction]
            return negative ? -v : v
        }
        // Decimal notation only: Double("0x67") is 103 and Double("nan") is NaN, neither a coordinate.
        for k in s..<e {
            let c = b[k]
            guard (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x2D || c == 0x2B || c == 0x65 || c == 0x45 else { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return nil }
        return v
    }

    static func appendFixed(_ out: inout [UInt8], _ v: Double, _ decimals: Int) {
        // |v|·10^decimals must fit Int64: at 7 decimals, 999999999999 (< 1e12) would not.
        guard v.isFinite, abs(v) < 1e12, abs(v) * pow10[decimals] < 9e18 else { out += Array(String(v).utf8); return }
        var n = Int64((abs(v) * pow10[decimals]).rounded())
        if v < 0 && n != 0 { out.append(0x2D) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
            var i = 40, d = 0
            repeat {
                i -= 1; buf[i] = 0x30 + UInt8(n % 10); n /= 10; d += 1
                if d == decimals { i -= 1; buf[i] = 0x2E }
            } while n > 0 || d <= decimals
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<40]))
        }
    }

    static func appendInt(_ out: inout [UInt8], _ value: Int64) {
        if value < 0 { out.append(0x2D); appendInt(&out, -value); return }
        if value < 10 { out.append(0x30 + UInt8(value)); return }
        appendInt(&out, value / 10)
        out.append(0x30 + UInt8(value % 10))
    }
}
