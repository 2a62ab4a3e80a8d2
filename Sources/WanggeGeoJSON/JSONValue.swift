// A JSON value that keeps what GeoJSON properties need to survive a round trip unchanged:
// object members in their original order and numbers with their original text.

/// A JSON number: its value, plus the exact text it was written with (so `1.50` stays `1.50`).
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    public var value: Double
    /// The JSON text the writer emits. Parsed numbers keep their text even when the value
    /// overflows a Double (`1e400`), so properties survive byte for byte.
    public var text: String

    /// A number parsed from `text`; the caller guarantees `text` is valid JSON for `value`.
    init(value: Double, text: String) {
        self.value = value
        self.text = text
    }

    /// A number made in code. Integral values print without a fraction (`3`, not `3.0`).
    /// Non-finite values have no JSON spelling, so they are written as `null`.
    public init(_ value: Double) {
        self.value = value
        if !value.isFinite {
            text = "null"
        } else if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int64(value))
        } else {
            text = "\(value)"
        }
    }

    public init(_ value: Int) {
        self.value = Double(value)
        text = String(value)
    }

    public var description: String { text }
}

/// One member of a JSON object.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON object with its members in their original order (duplicate keys are kept as written;
/// lookups return the first).
public struct JSONObject: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) {
        self.members = members
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { JSONMember($0.0, $0.1) }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    /// Reading returns the first member with `key`; writing replaces it in place (keeping its
    /// position) or appends, and `nil` removes every member with that key.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let newValue {
                if let i = members.firstIndex(where: { $0.key == key }) {
                    members[i].value = newValue
                } else {
                    members.append(JSONMember(key, newValue))
                }
            } else {
                members.removeAll { $0.key == key }
            }
        }
    }
}

/// Any JSON value.
public indirect enum JSONValue: Hashable, Sendable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    public var doubleValue: Double? {
        if case .number(let n) = self { n.value } else { nil }
    }

    /// The number as an Int when it is integral and fits.
    public var intValue: Int? {
        guard case .number(let n) = self, n.value == n.value.rounded(),
              abs(n.value) < 9.0e15 else { return nil }
        return Int(n.value)
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { o } else { nil }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { a } else { nil }
    }

    public var isNull: Bool { self == .null }

    /// The JSON type name, for error messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// Parses one complete JSON text (UTF-8, optional BOM). Throws `JSONSyntaxError` with the
    /// line and column of the problem.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSONValue in
            var scanner = JSONScanner(buffer)
            let value = try scanner.parseValue()
            try scanner.expectEnd()
            return value
        }
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Compact JSON text; numbers keep their original text, non-ASCII stays unescaped.
    public var jsonText: String {
        var out = JSONOutput()
        out.write(self)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

/// A JSON syntax problem at a 1-based line and column (column counts bytes).
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line):\(column): \(message)" }
}
