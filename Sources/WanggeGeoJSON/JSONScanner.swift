// A byte-level JSON scanner (RFC 8259). Foundation's JSONSerialization is slow on 100 MB files,
// loses member order and reports no line numbers; this one tracks line and column as it goes.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private enum ASCII {
    static let tab: UInt8 = 0x09, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D, space: UInt8 = 0x20
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B, dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30, nine: UInt8 = 0x39
    static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    static let lowerE: UInt8 = 0x65, upperE: UInt8 = 0x45
}

/// Exact powers of ten: a mantissa below 2^53 times or divided by one of these is correctly
/// rounded (Clinger's fast path), so most coordinates never need strtod.
private let exactPowersOfTen: [Double] = (0...22).map { e in
    var p = 1.0
    for _ in 0..<e { p *= 10 }
    return p
}

/// Nesting limit, so hostile input cannot overflow the stack.
let maximumNestingDepth = 512

struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    /// 1-based line of `position`.
    var line = 1
    /// Offset of the first byte of the current line.
    var lineStart = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A UTF-8 byte order mark is not JSON, but editors on Windows add one; skip it.
        position = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        lineStart = position
    }

    var column: Int { position - lineStart + 1 }
    var isAtEnd: Bool { position >= bytes.count }

    func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column, message: message)
    }

    /// Whitespace is the only place a newline can appear (strings reject raw control
    /// characters), so this is the only place lines are counted.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            if b == ASCII.space || b == ASCII.tab || b == ASCII.carriageReturn {
                position += 1
            } else if b == ASCII.newline {
                position += 1
                line += 1
                lineStart = position
            } else {
                return
            }
        }
    }

    /// The next non-whitespace byte without consuming it, or nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard let b = peek() else { throw error("unexpected end of file, expected \(what)") }
        guard b == byte else { throw error("expected \(what) but found \(describe(b))") }
        position += 1
    }

    /// After the top-level value only whitespace may follow.
    mutating func expectEnd() throws(JSONSyntaxError) {
        if let b = peek() {
            throw error("unexpected \(describe(b)) after the end of the JSON value (trailing garbage)")
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth > maximumNestingDepth { throw error("nesting deeper than \(maximumNestingDepth) levels") }
    }

    // MARK: Values

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard let b = peek() else { throw error("unexpected end of file, expected a value") }
        switch b {
        case ASCII.openBrace: return .object(try parseObject())
        case ASCII.openBracket: return .array(try parseArray())
        case ASCII.quote: return .string(try parseString())
        case ASCII.minus, ASCII.zero...ASCII.nine: return .number(try parseNumberWithText())
        default: return try parseLiteral()
        }
    }

    mutating func parseLiteral() throws(JSONSyntaxError) -> JSONValue {
        if matchWord("true") { return .bool(true) }
        if matchWord("false") { return .bool(false) }
        if matchWord("null") { return .null }
        for word in ["NaN", "Infinity", "-Infinity", "nan", "inf"] where matchWord(word, consume: false) {
            throw error("\(word) is not valid JSON (numbers must be finite)")
        }
        throw error("unexpected \(describe(bytes[position])), expected a value")
    }

    mutating func matchWord(_ word: StaticString, consume: Bool = true) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let start = word.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] { return false }
        if consume { position += count }
        return true
    }

    mutating func matchWord(_ word: String, consume: Bool) -> Bool {
        let utf8 = Array(word.utf8)
        guard position + utf8.count <= bytes.count else { return false }
        for i in 0..<utf8.count where bytes[position + i] != utf8[i] { return false }
        if consume { position += utf8.count }
        return true
    }

    mutating func parseArray() throws(JSONSyntaxError) -> [JSONValue] {
        try enterNesting()
        position += 1  // [
        var elements: [JSONValue] = []
        if peek() == ASCII.closeBracket {
            position += 1
            depth -= 1
            return elements
        }
        while true {
            elements.append(try parseValue())
            if try endOfListOrComma(ASCII.closeBracket, "',' or ']'") { break }
        }
        depth -= 1
        return elements
    }

    /// After an element: true at the closing bracket (consumed), false after a comma.
    mutating func endOfListOrComma(_ close: UInt8, _ what: String) throws(JSONSyntaxError) -> Bool {
        guard let b = peek() else { throw error("unexpected end of file, expected \(what)") }
        position += 1
        if b == close { return true }
        if b == ASCII.comma {
            if peek() == close { throw error("trailing comma before \(describe(close))") }
            return false
        }
        position -= 1
        throw error("expected \(what) but found \(describe(b))")
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONObject {
        var members: [JSONMember] = []
        try parseMembers { (scanner, key) throws(JSONSyntaxError) in
            members.append(JSONMember(key, try scanner.parseValue()))
        }
        return JSONObject(members)
    }

    /// Walks an object's members, handing each key to `member`, which must consume the value.
    /// Used by the GeoJSON decoder to parse "coordinates" and "features" without a JSONValue tree.
    mutating func parseMembers(_ member: (inout JSONScanner, String) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try enterNesting()
        position += 1  // {
        if peek() == ASCII.closeBrace {
            position += 1
            depth -= 1
            return
        }
        while true {
            guard let b = peek() else { throw error("unexpected end of file, expected a member name") }
            guard b == ASCII.quote else { throw error("expected a member name in double quotes but found \(describe(b))") }
            let key = try parseString()
            try expect(ASCII.colon, "':'")
            try member(&self, key)
            if try endOfListOrComma(ASCII.closeBrace, "',' or '}'") { break }
        }
        depth -= 1
    }

    // MARK: Strings

    mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes, so the bytes are the string.
        while position < bytes.count {
            let b = bytes[position]
            if b == ASCII.quote {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard let s = String(validating: raw, as: UTF8.self) else {
                    position = start
                    throw error("string is not valid UTF-8")
                }
                return s
            }
            if b == ASCII.backslash { break }
            if b < 0x20 { throw error("control character \(describe(b)) in string (must be escaped)") }
            position += 1
        }
        if position >= bytes.count {
            position = start - 1
            throw error("unterminated string")
        }
        var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let b = bytes[position]
            if b == ASCII.quote {
                position += 1
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    throw error("string is not valid UTF-8")
                }
                return s
            }
            if b < 0x20 { throw error("control character \(describe(b)) in string (must be escaped)") }
            if b != ASCII.backslash {
                buffer.append(b)
                position += 1
                continue
            }
            guard position + 1 < bytes.count else { break }
            let escaped = bytes[position + 1]
            switch escaped {
            case ASCII.quote, ASCII.backslash, ASCII.slash: buffer.append(escaped)
            case 0x62: buffer.append(0x08)  // b
            case 0x66: buffer.append(0x0C)  // f
            case 0x6E: buffer.append(0x0A)  // n
            case 0x72: buffer.append(0x0D)  // r
            case 0x74: buffer.append(0x09)  // t
            case 0x75:  // u
                let scalar = try parseUnicodeEscape()
                buffer.append(contentsOf: String(Character(scalar)).utf8)
                continue
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in string")
            }
            position += 2
        }
        throw error("unterminated string")
    }

    /// Reads `\uXXXX` (at `position`), joining a UTF-16 surrogate pair into one scalar.
    mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xDC00...0xDFFF).contains(high) { throw error("unpaired low surrogate \\u\(String(high, radix: 16))") }
        guard (0xD800...0xDBFF).contains(high) else {
            return Unicode.Scalar(high)!  // not a surrogate, so a valid scalar
        }
        guard position + 1 < bytes.count, bytes[position] == ASCII.backslash, bytes[position + 1] == 0x75 else {
            throw error("unpaired high surrogate \\u\(String(high, radix: 16))")
        }
        let low = try parseHex4()
        guard (0xDC00...0xDFFF).contains(low) else {
            throw error("high surrogate \\u\(String(high, radix: 16)) not followed by a low surrogate")
        }
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
    }

    /// Reads `\uXXXX` at `position` and returns XXXX.
    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 6 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for i in 2..<6 {
            let b = bytes[position + i]
            let digit: UInt8
            switch b {
            case ASCII.zero...ASCII.nine: digit = b - ASCII.zero
            case 0x61...0x66: digit = b - 0x61 + 10
            case 0x41...0x46: digit = b - 0x41 + 10
            default: throw error("invalid hex digit \(describe(b)) in \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        position += 6
        return value
    }

    // MARK: Numbers

    mutating func parseNumberWithText() throws(JSONSyntaxError) -> JSONNumber {
        let start = position
        let value = try parseDouble()
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return JSONNumber(value: value, text: text)
    }

    /// Parses a number straight to Double, validating the strict JSON grammar.
    /// Values too large for a Double come back as ±infinity; callers decide whether that is an error.
    mutating func parseDouble() throws(JSONSyntaxError) -> Double {
        let start = position
        var negative = false
        if position < bytes.count, bytes[position] == ASCII.minus {
            negative = true
            position += 1
        }
        if matchWord("Infinity", consume: false) { throw error("-Infinity is not valid JSON (numbers must be finite)") }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0
        let integerStart = position
        while position < bytes.count, case let d = bytes[position] &- ASCII.zero, d < 10 {
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                if mantissa != 0 { significantDigits += 1 }
            } else {
                decimalExponent += 1
            }
            position += 1
        }
        let integerDigits = position - integerStart
        if integerDigits == 0 { throw error("invalid number: expected a digit") }
        if integerDigits > 1 && bytes[integerStart] == ASCII.zero {
            position = integerStart
            throw error("invalid number: leading zero")
        }
        if position < bytes.count, bytes[position] == ASCII.dot {
            position += 1
            let fractionStart = position
            while position < bytes.count, case let d = bytes[position] &- ASCII.zero, d < 10 {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { significantDigits += 1 }
                    decimalExponent -= 1
                }
                position += 1
            }
            if position == fractionStart { throw error("invalid number: expected a digit after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == ASCII.lowerE {
            position += 1
            var exponentNegative = false
            if position < bytes.count, bytes[position] == ASCII.minus || bytes[position] == ASCII.plus {
                exponentNegative = bytes[position] == ASCII.minus
                position += 1
            }
            let exponentStart = position
            var exponent = 0
            while position < bytes.count, case let d = bytes[position] &- ASCII.zero, d < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                position += 1
            }
            if position == exponentStart { throw error("invalid number: expected a digit in the exponent") }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        if mantissa < (1 << 53) && abs(decimalExponent) <= 22 {
            let m = Double(mantissa)
            let magnitude = decimalExponent < 0 ? m / exactPowersOfTen[-decimalExponent]
                                                : m * exactPowersOfTen[decimalExponent]
            return negative ? -magnitude : magnitude
        }
        return slowParseDouble(start..<position)
    }

    /// Correct rounding for the rare numbers outside the fast path.
    func slowParseDouble(_ range: Range<Int>) -> Double {
        var text = Array(UnsafeBufferPointer(rebasing: bytes[range]))
        text.append(0)
        return text.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
        }
    }
}
