// GeoJSON objects (RFC 7946 §3) on top of the plain geometry values.
import WanggeGeometry

/// A feature identifier: RFC 7946 allows a string or a number.
public enum FeatureID: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case number(JSONNumber)

    /// Quoted for strings, as in error messages: `"X"` or `12`.
    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): n.text
        }
    }

    /// The identifier itself, unquoted: `X` or `12` (for keys and stored ids).
    public var text: String {
        switch self {
        case .string(let s): s
        case .number(let n): n.text
        }
    }
}

public struct Feature: Hashable, Sendable {
    public var id: FeatureID?
    /// `nil` when the file says `"properties": null`.
    public var properties: JSONObject?
    /// `nil` when the file says `"geometry": null` (an unlocated feature).
    public var geometry: Geometry?
    /// Members other than type/id/properties/geometry (for example "bbox"), in file order.
    public var foreignMembers: [JSONMember]

    public init(id: FeatureID? = nil, properties: JSONObject? = JSONObject(), geometry: Geometry?,
                foreignMembers: [JSONMember] = []) {
        self.id = id
        self.properties = properties
        self.geometry = geometry
        self.foreignMembers = foreignMembers
    }

    public subscript(property key: String) -> JSONValue? {
        get { properties?[key] }
        set {
            var p = properties ?? JSONObject()
            p[key] = newValue
            properties = p
        }
    }

    public func string(_ key: String) -> String? { properties?[key]?.stringValue }
    public func double(_ key: String) -> Double? { properties?[key]?.doubleValue }
    public func int(_ key: String) -> Int? { properties?[key]?.intValue }
    public func bool(_ key: String) -> Bool? { properties?[key]?.boolValue }
}

public struct FeatureCollection: Hashable, Sendable {
    public var features: [Feature]
    /// Members other than type/features (for example "name", "crs", "bbox"), in file order.
    public var foreignMembers: [JSONMember]

    public init(features: [Feature] = [], foreignMembers: [JSONMember] = []) {
        self.features = features
        self.foreignMembers = foreignMembers
    }

    public subscript(foreignMember key: String) -> JSONValue? {
        foreignMembers.first { $0.key == key }?.value
    }
}

/// Whatever a GeoJSON text holds at its top level.
public enum GeoJSONDocument: Hashable, Sendable {
    case featureCollection(FeatureCollection)
    case feature(Feature)
    case geometry(Geometry)

    /// The document as a collection: a lone feature or geometry becomes a one-feature collection.
    public var featureCollection: FeatureCollection {
        switch self {
        case .featureCollection(let c): c
        case .feature(let f): FeatureCollection(features: [f])
        case .geometry(let g): FeatureCollection(features: [Feature(geometry: g)])
        }
    }
}

/// A problem reading or writing GeoJSON, located as precisely as known.
public struct GeoJSONError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file could not be read or written.
        case io
        /// Not valid JSON.
        case syntax
        /// Valid JSON but not valid GeoJSON: wrong or missing members and types.
        case structure
        /// Geometry rules: unclosed rings, too few points, malformed positions.
        case geometry
        /// A coordinate outside longitude/latitude range or the expected bounds.
        case coordinateRange
        /// Coordinates that look like latitude,longitude instead of longitude,latitude.
        case swappedCoordinates
    }

    public var kind: Kind
    /// The path as given to the reader or writer; nil for in-memory input without a name.
    public var file: String?
    /// 0-based index in the "features" array; nil for problems outside a feature.
    public var featureIndex: Int?
    public var featureID: FeatureID?
    /// 1-based line of the problem in the input.
    public var line: Int?
    /// 1-based byte column; given for syntax errors.
    public var column: Int?
    public var message: String

    public init(kind: Kind, file: String? = nil, featureIndex: Int? = nil, featureID: FeatureID? = nil,
                line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.featureIndex = featureIndex
        self.featureID = featureID
        self.line = line
        self.column = column
        self.message = message
    }

    /// `district.geojson: feature 12 (id "X"), line 40: polygon ring 0 is not closed (...)`
    public var description: String {
        var location: [String] = []
        if let featureIndex {
            location.append("feature \(featureIndex)" + (featureID.map { " (id \($0))" } ?? ""))
        }
        if let line {
            location.append("line \(line)" + (column.map { ":\($0)" } ?? ""))
        }
        var prefix = file.map { $0 + ": " } ?? ""
        if !location.isEmpty { prefix += location.joined(separator: ", ") + ": " }
        return prefix + message
    }
}
