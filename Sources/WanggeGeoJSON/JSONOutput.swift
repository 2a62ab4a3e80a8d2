// Byte-level JSON output shared by JSONValue.jsonText and GeoJSONWriter.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct JSONOutput {
    var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// A quoted string. Only `"`, `\` and control characters are escaped: RFC 8259 allows raw
    /// UTF-8, and Chinese names stay readable in diffs.
    mutating func string(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: raw("\\\"")
            case 0x5C: raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(hexDigit(b >> 4))
                bytes.append(hexDigit(b & 0xF))
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    private func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }

    mutating func number(_ n: JSONNumber) {
        bytes.append(contentsOf: n.text.utf8)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let b): if b { raw("true") } else { raw("false") }
        case .number(let n): number(n)
        case .string(let s): string(s)
        case .array(let a):
            bytes.append(0x5B)
            for (i, element) in a.enumerated() {
                if i > 0 { bytes.append(0x2C) }
                write(element)
            }
            bytes.append(0x5D)
        case .object(let o): write(o)
        }
    }

    mutating func write(_ object: JSONObject) {
        bytes.append(0x7B)
        for (i, member) in object.members.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            string(member.key)
            bytes.append(0x3A)
            write(member.value)
        }
        bytes.append(0x7D)
    }

    /// `value` rounded to `decimals` places, trailing zeros dropped, never "-0".
    /// The caller guarantees `value` is finite.
    mutating func fixed(_ value: Double, decimals: Int) {
        let scale = decimals < powersOfTen.count ? powersOfTen[decimals] : 0
        let scaled = (value * scale).rounded()
        // Integer arithmetic is exact below 2^53 and much faster than formatting.
        guard scale > 0, abs(scaled) < 9.0e15 else {
            slowFixed(value, decimals: decimals)
            return
        }
        var units = Int64(scaled)
        if units == 0 {
            bytes.append(0x30)
            return
        }
        if units < 0 {
            bytes.append(0x2D)
            units = -units
        }
        let divisor = Int64(scale)
        let whole = units / divisor
        var fraction = units % divisor
        appendDecimal(whole)
        guard fraction != 0 else { return }
        var digits = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        bytes.append(0x2E)
        // Zero-filled first so leading zeros of the fraction (".05") come for free.
        let fractionStart = bytes.count
        bytes.append(contentsOf: repeatElement(0x30, count: digits))
        var i = fractionStart + digits - 1
        while fraction > 0 {
            bytes[i] = 0x30 + UInt8(fraction % 10)
            fraction /= 10
            i -= 1
        }
    }

    private mutating func appendDecimal(_ v: Int64) {
        if v < 10 {
            bytes.append(0x30 + UInt8(v))
            return
        }
        appendDecimal(v / 10)
        bytes.append(0x30 + UInt8(v % 10))
    }

    /// Huge values (beyond 2^53 once scaled) go through printf; rare for GeoJSON.
    private mutating func slowFixed(_ value: Double, decimals: Int) {
        let size = 400
        var buffer = [CChar](repeating: 0, count: size)
        let precision = Int32(min(max(decimals, 0), 17))
        _ = buffer.withUnsafeMutableBufferPointer { p in
            withVaList([precision, value]) { vsnprintf(p.baseAddress!, size, "%.*f", $0) }
        }
        var text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        if text == "-0" { text = "0" }
        bytes.append(contentsOf: text.utf8)
    }
}

private let powersOfTen: [Double] = (0...15).map { e in
    var p = 1.0
    for _ in 0..<e { p *= 10 }
    return p
}
