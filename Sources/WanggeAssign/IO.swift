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
