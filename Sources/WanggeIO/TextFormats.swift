// CSV (RFC 4180) and JSON string escaping, once for every writer and reader in Wangge.

public enum CSV {
    /// RFC 4180 quoting when a field holds a comma, quote or line break.
    public static func field(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// One record: fields quoted where needed, comma-separated, no line end.
    public static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// A UTF-8 byte-order mark: Excel in China opens BOM-less CSV as GBK and garbles the Chinese;
    /// QGIS, GDAL and pandas ("utf-8-sig") read the mark as such.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Field ranges of one record `b[start..<end]` (values still quoted). Returns false when a
    /// quote is left open (the record ends inside a quoted field).
    @discardableResult
    public static func splitFields(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                   into ranges: inout [Range<Int>]) -> Bool {
        ranges.removeAll(keepingCapacity: true)
        var i = start, fieldStart = start
        var quoted = false
        while i < end {
            let c = b[i]
            if c == 0x22 { quoted.toggle() } else if c == 0x2C, !quoted { ranges.append(fieldStart..<i); fieldStart = i + 1 }
            i += 1
        }
        ranges.append(fieldStart..<end)
        return !quoted
    }

    /// A field's value: surrounding quotes removed, doubled quotes undoubled.
    public static func unquote(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> ArraySlice<UInt8> {
        let raw = Array(UnsafeBufferPointer(rebasing: b[r]))
        guard raw.count >= 2, raw.first == 0x22, raw.last == 0x22 else { return raw[...] }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 1
        while i < raw.count - 1 {
            if raw[i] == 0x22, i + 1 < raw.count - 1, raw[i + 1] == 0x22 { out.append(0x22); i += 2; continue }
            out.append(raw[i]); i += 1
        }
        return out[...]
    }

    /// The fields of one record as strings (the slow, simple path: headers, tests).
    public static func fields(_ bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBufferPointer { b in
            var ranges: [Range<Int>] = []
            splitFields(b, 0, b.count, into: &ranges)
            return ranges.map { String(decoding: unquote(b, $0), as: UTF8.self) }
        }
    }
}

public enum JSONText {
    /// Appends `bytes` (UTF-8) as a JSON string. Only `"`, `\` and control characters are
    /// escaped: RFC 8259 allows raw UTF-8, and Chinese names stay readable in diffs.
    public static func appendString<S: Sequence>(_ out: inout [UInt8], _ bytes: S) where S.Element == UInt8 {
        out.append(0x22)
        for b in bytes {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hexDigit(b >> 4), hexDigit(b & 0xF)]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// `s` as a JSON string literal; nil → `null`.
    public static func quoted(_ s: String?) -> String {
        guard let s else { return "null" }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendString(&out, s.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }
}
