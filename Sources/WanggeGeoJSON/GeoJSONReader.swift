// GeoJSON reading with validation. The scanner parses GeoJSON members directly: coordinates go
// straight to Double/Coordinate (no JSONValue per number) and each feature is converted as soon
// as it is parsed, so a 100 MB file never exists twice as a JSON tree.
import Foundation
import WanggeGeometry
import WanggeIO

public struct GeoJSONReader: Sendable {
    public struct Options: Sendable {
        /// Reject longitudes outside [-180, 180] and latitudes outside [-90, 90] (RFC 7946 is
        /// WGS 84). Turn off for files in a projected CRS.
        public var checkCoordinateRange: Bool
        /// When set, every coordinate must lie inside; a coordinate that only fits once x and y
        /// are exchanged is reported as swapped lat,lon.
        public var expectedBounds: Envelope?

        public init(checkCoordinateRange: Bool = true, expectedBounds: Envelope? = nil) {
            self.checkCoordinateRange = checkCoordinateRange
            self.expectedBounds = expectedBounds
        }

        /// Mainland China and its islands, generously: longitude 73–136, latitude 3–54.
        public static let chinaBounds = Envelope(minX: 73, minY: 3, maxX: 136, maxY: 54)
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// Reads a FeatureCollection, Feature or bare Geometry from a file; "-" is standard input.
    /// Regular files are memory-mapped; pipes (`<(cat f)`, /dev/stdin) and devices are read whole.
    public func read(contentsOf path: String) throws(GeoJSONError) -> GeoJSONDocument {
        var info = stat()
        let regular = path != "-" && stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        // A reader never sees half a set: finish a commit a killed writer left in the directory.
        if regular { try? AtomicFileSet.recover(directory: FilePath.directory(of: path)) }
        if regular, let mapped = MappedFile(path: path) {
            // Each feature's bytes are given back once it is read: the file is never in memory
            // whole beside the features made from it.
            return try decode(mapped.bytes, fileName: path, consumed: mapped.release(before:))
        }
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch {
            throw GeoJSONError(kind: .io, file: path == "-" ? "standard input" : path, message: "\(error.action): \(error.reason)")
        }
        return try read(bytes, fileName: path == "-" ? "standard input" : path)
    }

    /// Reads GeoJSON bytes; `fileName` only labels errors.
    public func read(_ data: Data, fileName: String? = nil) throws(GeoJSONError) -> GeoJSONDocument {
        let result: Result<GeoJSONDocument, GeoJSONError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            return Result { () throws(GeoJSONError) in try decode(bytes, fileName: fileName) }
        }
        return try result.get()
    }

    public func read(_ bytes: [UInt8], fileName: String? = nil) throws(GeoJSONError) -> GeoJSONDocument {
        let result: Result<GeoJSONDocument, GeoJSONError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(GeoJSONError) in try decode(buffer, fileName: fileName) }
        }
        return try result.get()
    }

    public func read(_ text: String, fileName: String? = nil) throws(GeoJSONError) -> GeoJSONDocument {
        try read(Array(text.utf8), fileName: fileName)
    }

    /// Like `read(contentsOf:)`, with a lone Feature or Geometry wrapped in a collection.
    public func readFeatureCollection(contentsOf path: String) throws(GeoJSONError) -> FeatureCollection {
        try read(contentsOf: path).featureCollection
    }

    public func readFeatureCollection(_ data: Data, fileName: String? = nil) throws(GeoJSONError) -> FeatureCollection {
        try read(data, fileName: fileName).featureCollection
    }

    /// `consumed(offset)`: the features before `offset` are read (the bytes before it are not looked at again).
    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, fileName: String?,
                        consumed: ((Int) -> Void)? = nil) throws(GeoJSONError) -> GeoJSONDocument {
        var decoder = GeoJSONDecoder(scanner: JSONScanner(bytes), options: options, fileName: fileName)
        decoder.consumed = consumed
        do throws(DecodingFailure) {
            return try decoder.decodeDocument()
        } catch {
            switch error {
            case .geoJSON(let e): throw e
            case .syntax(let e):
                throw GeoJSONError(kind: .syntax, file: fileName, featureIndex: decoder.featureIndex,
                                   featureID: decoder.featureID, line: e.line, column: e.column, message: e.message)
            }
        }
    }
}

enum DecodingFailure: Error {
    case syntax(JSONSyntaxError)
    case geoJSON(GeoJSONError)
}

/// Coordinates as parsed, before the geometry type says what they should be.
enum CoordinateNode {
    case position(Coordinate, line: Int)
    /// An array of positions (the common case, kept flat for speed).
    case positions([Coordinate], line: Int)
    /// Any other array, including the empty one.
    case list([CoordinateNode], line: Int)
    /// Something that cannot be a coordinate; `message` says why.
    case invalid(String, line: Int)

    var line: Int {
        switch self {
        case .position(_, let l), .positions(_, let l), .list(_, let l), .invalid(_, let l): l
        }
    }

    /// The first invalid piece anywhere inside, so its precise message wins over a generic one.
    var firstInvalid: (String, Int)? {
        switch self {
        case .invalid(let m, let l): (m, l)
        case .list(let nodes, _): nodes.lazy.compactMap(\.firstInvalid).first
        default: nil
        }
    }
}

/// A GeoJSON object's members, collected before its "type" is known (members come in any order).
final class RawObject {
    let line: Int
    var type: JSONValue?
    var coordinates: CoordinateNode?
    var geometries: [RawObject]?
    var geometriesOther: JSONValue?
    var hasGeometry = false
    var geometry: RawObject?
    var geometryOther: JSONValue?
    var properties: JSONValue?
    var id: JSONValue?
    var features: [Feature]?
    var featuresOther: JSONValue?
    var foreignMembers: [JSONMember] = []

    init(line: Int) {
        self.line = line
    }
}

struct GeoJSONDecoder {
    var scanner: JSONScanner
    let options: GeoJSONReader.Options
    let fileName: String?
    var featureIndex: Int?
    var featureID: FeatureID?
    /// Told the offset after each feature of a collection (see `GeoJSONReader.decode`).
    var consumed: ((Int) -> Void)?

    init(scanner: JSONScanner, options: GeoJSONReader.Options, fileName: String?) {
        self.scanner = scanner
        self.options = options
        self.fileName = fileName
    }

    func failure(_ kind: GeoJSONError.Kind, line: Int?, _ message: String) -> DecodingFailure {
        .geoJSON(GeoJSONError(kind: kind, file: fileName, featureIndex: featureIndex, featureID: featureID,
                              line: line, message: message))
    }

    mutating func syntax<T>(_ body: (inout JSONScanner) throws(JSONSyntaxError) -> T) throws(DecodingFailure) -> T {
        do { return try body(&scanner) } catch { throw .syntax(error) }
    }

    // MARK: Top level

    mutating func decodeDocument() throws(DecodingFailure) -> GeoJSONDocument {
        let first = try syntax { $0.peek() }
        guard first == 0x7B else {
            let line = scanner.line
            if first == nil { throw failure(.syntax, line: line, "file is empty") }
            let value = try syntax { (s) throws(JSONSyntaxError) in try s.parseValue() }
            throw failure(.structure, line: line, "top level is \(value.kindName), expected a GeoJSON object")
        }
        let raw = try parseRawObject(isTopLevel: true)
        try syntax { (s) throws(JSONSyntaxError) in try s.expectEnd() }
        guard let typeValue = raw.type else {
            throw failure(.structure, line: raw.line, "top-level object has no \"type\" member")
        }
        guard case .string(let type) = typeValue else {
            throw failure(.structure, line: raw.line, "\"type\" is \(typeValue.kindName), expected a string")
        }
        switch type {
        case "FeatureCollection":
            if let other = raw.featuresOther {
                throw failure(.structure, line: raw.line, "\"features\" is \(other.kindName), expected an array")
            }
            guard let features = raw.features else {
                throw failure(.structure, line: raw.line, "FeatureCollection has no \"features\" member")
            }
            return .featureCollection(FeatureCollection(features: features, foreignMembers: raw.foreignMembers))
        case "Feature":
            return .feature(try makeFeature(raw))
        default:
            guard geometryTypes.contains(type) else {
                throw failure(.structure, line: raw.line, "unknown GeoJSON type \"\(type)\"")
            }
            return .geometry(try makeGeometry(raw))
        }
    }

    // MARK: Parsing

    mutating func parseRawObject(isTopLevel: Bool) throws(DecodingFailure) -> RawObject {
        let raw = RawObject(line: scanner.line)
        // Only the scanner is passed to the member callback, so decoder state changes made while
        // parsing features are gathered here and applied after each member.
        var decodingFailure: DecodingFailure?
        // Copies, so the member callback does not touch `self` while `scanner` is being mutated.
        let options = options, fileName = fileName, featureIndex = featureIndex, consumed = consumed
        do throws(JSONSyntaxError) {
            try scanner.parseMembers { (scanner, key) throws(JSONSyntaxError) in
                switch key {
                case "type":
                    raw.type = try scanner.parseValue()
                case "coordinates":
                    raw.coordinates = try Self.parseCoordinates(&scanner)
                case "geometry":
                    raw.hasGeometry = true
                    if scanner.peek() == 0x7B {
                        raw.geometry = try Self.parseNested(&scanner, options: options, fileName: fileName,
                                                            featureIndex: featureIndex, failure: &decodingFailure)
                    } else {
                        raw.geometryOther = try scanner.parseValue()
                    }
                case "geometries":
                    try Self.parseGeometries(&scanner, into: raw, options: options, fileName: fileName,
                                             featureIndex: featureIndex, failure: &decodingFailure)
                case "properties":
                    raw.properties = try scanner.parseValue()
                case "id":
                    raw.id = try scanner.parseValue()
                case "features" where isTopLevel && scanner.peek() == 0x5B:
                    raw.features = try Self.parseFeatures(&scanner, options: options, fileName: fileName, consumed: consumed,
                                                          failure: &decodingFailure)
                case "features" where isTopLevel:
                    raw.featuresOther = try scanner.parseValue()
                default:
                    raw.foreignMembers.append(JSONMember(key, try scanner.parseValue()))
                }
                // Stop at the first GeoJSON problem; the rest of the file need not be parsed.
                if decodingFailure != nil { throw JSONSyntaxError(line: 0, column: 0, message: "") }
            }
        } catch {
            if let decodingFailure { throw decodingFailure }
            throw .syntax(error)
        }
        if let decodingFailure { throw decodingFailure }
        return raw
    }

    /// "geometries": the members that are objects, or the first element that is not (kept, to be
    /// reported as the collection's problem).
    static func parseGeometries(_ scanner: inout JSONScanner, into raw: RawObject, options: GeoJSONReader.Options,
                                fileName: String?, featureIndex: Int?, failure: inout DecodingFailure?) throws(JSONSyntaxError) {
        guard scanner.peek() == 0x5B else {
            raw.geometriesOther = try scanner.parseValue()
            return
        }
        var members: [RawObject] = []
        var otherMember: JSONValue?
        try parseElements(&scanner) { (scanner) throws(JSONSyntaxError) in
            if scanner.peek() == 0x7B {
                if let m = try parseNested(&scanner, options: options, fileName: fileName, featureIndex: featureIndex, failure: &failure) {
                    members.append(m)
                }
            } else {
                let v = try scanner.parseValue()
                if otherMember == nil { otherMember = v }
            }
        }
        if let otherMember {
            raw.geometriesOther = otherMember
        } else {
            raw.geometries = members
        }
    }

    /// A FeatureCollection's "features", each decoded as it is read (and its bytes reported
    /// `consumed`); the first GeoJSON problem is kept in `failure` and the rest only skipped.
    static func parseFeatures(_ scanner: inout JSONScanner, options: GeoJSONReader.Options, fileName: String?,
                              consumed: ((Int) -> Void)?, failure: inout DecodingFailure?) throws(JSONSyntaxError) -> [Feature] {
        var features: [Feature] = []
        var index = 0
        try parseElements(&scanner) { (scanner) throws(JSONSyntaxError) in
            guard failure == nil else {
                _ = try scanner.parseValue()
                return
            }
            var decoder = GeoJSONDecoder(scanner: scanner, options: options, fileName: fileName)
            decoder.featureIndex = index
            defer { scanner = decoder.scanner }
            do throws(DecodingFailure) {
                features.append(try decoder.decodeFeatureElement())
                consumed?(decoder.scanner.position)
            } catch {
                switch error {
                case .syntax(let e):
                    failure = .geoJSON(GeoJSONError(
                        kind: .syntax, file: fileName, featureIndex: index, featureID: decoder.featureID,
                        line: e.line, column: e.column, message: e.message))
                    scanner = decoder.scanner
                    throw e
                case .geoJSON:
                    failure = error
                }
            }
            index += 1
        }
        return features
    }

    /// A nested object (geometry). Syntax errors propagate; GeoJSON problems cannot occur while
    /// collecting members, so `failure` is only passed through.
    static func parseNested(_ scanner: inout JSONScanner, options: GeoJSONReader.Options, fileName: String?,
                            featureIndex: Int?, failure: inout DecodingFailure?) throws(JSONSyntaxError) -> RawObject? {
        var decoder = GeoJSONDecoder(scanner: scanner, options: options, fileName: fileName)
        decoder.featureIndex = featureIndex
        defer { scanner = decoder.scanner }
        do throws(DecodingFailure) {
            return try decoder.parseRawObject(isTopLevel: false)
        } catch {
            switch error {
            case .syntax(let e):
                scanner = decoder.scanner
                throw e
            case .geoJSON:
                failure = error
                return nil
            }
        }
    }

    /// Walks an array's elements; `element` must consume each one.
    static func parseElements(_ scanner: inout JSONScanner,
                              _ element: (inout JSONScanner) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try scanner.enterNesting()
        scanner.position += 1  // [
        if scanner.peek() == 0x5D {
            scanner.position += 1
            scanner.depth -= 1
            return
        }
        while true {
            try element(&scanner)
            if try scanner.endOfListOrComma(0x5D, "',' or ']'") { break }
        }
        scanner.depth -= 1
    }

    mutating func decodeFeatureElement() throws(DecodingFailure) -> Feature {
        let line = scanner.line
        guard try syntax({ $0.peek() }) == 0x7B else {
            let value = try syntax { (s) throws(JSONSyntaxError) in try s.parseValue() }
            throw failure(.structure, line: line, "feature is \(value.kindName), expected an object")
        }
        return try makeFeature(try parseRawObject(isTopLevel: false))
    }

    static func parseCoordinates(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> CoordinateNode {
        let line = scanner.line
        guard let first = scanner.peek() else { throw scanner.error("unexpected end of file, expected a value") }
        guard first == 0x5B else {
            let value = try scanner.parseValue()
            return .invalid("\"coordinates\" is \(value.kindName), expected an array", line: line)
        }
        try scanner.enterNesting()
        defer { scanner.depth -= 1 }
        scanner.position += 1
        guard let next = scanner.peek() else { throw scanner.error("unexpected end of file, expected a value") }
        if next == 0x5D {
            scanner.position += 1
            return .list([], line: line)
        }
        if next != 0x5B {
            return try parsePosition(&scanner, line: line)
        }
        // An array of arrays: stay flat while every element is a position.
        var positions: [Coordinate] = []
        var nodes: [CoordinateNode] = []
        var allPositions = true
        while true {
            let node = try parseCoordinates(&scanner)
            if allPositions, case .position(let c, _) = node {
                positions.append(c)
            } else {
                if allPositions {
                    allPositions = false
                    nodes = positions.map { .position($0, line: line) }
                }
                nodes.append(node)
            }
            if try scanner.endOfListOrComma(0x5D, "',' or ']'") { break }
        }
        return allPositions ? .positions(exactFit(positions), line: line) : .list(nodes, line: line)
    }

    /// `positions` in an array of its own size: appending grows an array by doubling, so without
    /// this a big file's rings would hold up to twice the memory their coordinates need, for as
    /// long as the document lives.
    static func exactFit(_ positions: [Coordinate]) -> [Coordinate] {
        guard positions.capacity - positions.count > 64 else { return positions }
        return [Coordinate](unsafeUninitializedCapacity: positions.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: positions)
        }
    }

    /// The numbers of one position, after its '['. A third (altitude) number is accepted but
    /// not kept: `Coordinate` is two-dimensional.
    static func parsePosition(_ scanner: inout JSONScanner, line: Int) throws(JSONSyntaxError) -> CoordinateNode {
        var values: (Double, Double) = (0, 0)
        var count = 0
        var problem: String?
        while true {
            let b = scanner.peek()
            if b == 0x2D || (b.map { $0 >= 0x30 && $0 <= 0x39 } ?? false) {
                let v = try scanner.parseDouble()
                if !v.isFinite, problem == nil { problem = "coordinate value is too large to be a finite number" }
                if count == 0 { values.0 = v } else if count == 1 { values.1 = v }
            } else {
                let v = try scanner.parseValue()
                if problem == nil {
                    problem = "coordinate value \(v.jsonText) is \(v.kindName), expected a number"
                }
            }
            count += 1
            if try scanner.endOfListOrComma(0x5D, "',' or ']'") { break }
        }
        if let problem { return .invalid(problem, line: line) }
        if count < 2 {
            return .invalid("position has \(count) number, needs at least 2 (longitude, latitude)", line: line)
        }
        return .position(Coordinate(values.0, values.1), line: line)
    }

    // MARK: Conversion

    mutating func makeFeature(_ raw: RawObject) throws(DecodingFailure) -> Feature {
        switch raw.id {
        case nil: featureID = nil
        case .string(let s)?: featureID = .string(s)
        case .number(let n)?: featureID = .number(n)
        case let other?:
            throw failure(.structure, line: raw.line, "\"id\" is \(other.kindName), expected a string or number")
        }
        switch raw.type {
        case nil: throw failure(.structure, line: raw.line, "feature has no \"type\" member")
        case .string("Feature")?: break
        case .string(let t)?: throw failure(.structure, line: raw.line, "\"type\" is \"\(t)\", expected \"Feature\"")
        case let other?: throw failure(.structure, line: raw.line, "\"type\" is \(other.kindName), expected \"Feature\"")
        }
        let properties: JSONObject?
        switch raw.properties {
        case nil, .null?: properties = nil
        case .object(let o)?: properties = o
        case let other?:
            throw failure(.structure, line: raw.line, "\"properties\" is \(other.kindName), expected an object or null")
        }
        guard raw.hasGeometry else {
            throw failure(.structure, line: raw.line,
                          "feature has no \"geometry\" member (use \"geometry\": null for a feature without location)")
        }
        var geometry: Geometry?
        if let g = raw.geometry {
            geometry = try makeGeometry(g)
        } else if let other = raw.geometryOther, other != .null {
            throw failure(.structure, line: raw.line, "\"geometry\" is \(other.kindName), expected an object or null")
        }
        return Feature(id: featureID, properties: properties, geometry: geometry, foreignMembers: raw.foreignMembers)
    }

    func makeGeometry(_ raw: RawObject) throws(DecodingFailure) -> Geometry {
        guard let typeValue = raw.type else {
            throw failure(.structure, line: raw.line, "geometry has no \"type\" member")
        }
        guard case .string(let type) = typeValue else {
            throw failure(.structure, line: raw.line, "geometry \"type\" is \(typeValue.kindName), expected a string")
        }
        guard geometryTypes.contains(type) else {
            throw failure(.structure, line: raw.line, "unknown geometry type \"\(type)\"")
        }
        if type == "GeometryCollection" {
            if let other = raw.geometriesOther {
                throw failure(.structure, line: raw.line, "\"geometries\" must be an array of geometry objects (found \(other.kindName))")
            }
            guard let members = raw.geometries else {
                throw failure(.structure, line: raw.line, "GeometryCollection has no \"geometries\" member")
            }
            var geometries: [Geometry] = []
            for (i, member) in members.enumerated() {
                do throws(DecodingFailure) {
                    geometries.append(try makeGeometry(member))
                } catch {
                    guard case .geoJSON(var e) = error else { throw error }
                    e.message = "GeometryCollection member \(i): " + e.message
                    throw .geoJSON(e)
                }
            }
            return .geometryCollection(geometries)
        }
        guard let node = raw.coordinates else {
            throw failure(.structure, line: raw.line, "\(type) has no \"coordinates\" member")
        }
        if let (message, line) = node.firstInvalid {
            throw failure(message.hasPrefix("\"coordinates\" is") ? .structure : .geometry, line: line, message)
        }
        let geometry: Geometry
        switch type {
        case "Point":
            guard case .position(let c, _) = node else {
                throw failure(.geometry, line: node.line, "Point coordinates must be a single position [longitude, latitude]")
            }
            geometry = .point(c)
        case "MultiPoint":
            geometry = .multiPoint(try positions(node, type))
        case "LineString":
            geometry = .lineString(try line(node, "LineString"))
        case "MultiLineString":
            var lines: [[Coordinate]] = []
            for (i, child) in try children(node, type, of: "lines").enumerated() {
                lines.append(try line(child, "line \(i)"))
            }
            geometry = .multiLineString(lines)
        case "Polygon":
            geometry = .polygon(try polygon(node, label: ""))
        default:  // MultiPolygon
            var polygons: [Polygon] = []
            for (i, child) in try children(node, type, of: "polygons").enumerated() {
                polygons.append(try polygon(child, label: "polygon \(i) "))
            }
            geometry = .multiPolygon(polygons)
        }
        try checkRange(node)
        return geometry
    }

    func positions(_ node: CoordinateNode, _ what: String) throws(DecodingFailure) -> [Coordinate] {
        switch node {
        case .positions(let cs, _): return cs
        case .list(let nodes, _) where nodes.isEmpty: return []
        default:
            throw failure(.geometry, line: node.line, "\(what) coordinates must be an array of positions")
        }
    }

    func children(_ node: CoordinateNode, _ type: String, of what: String) throws(DecodingFailure) -> [CoordinateNode] {
        switch node {
        case .list(let nodes, _): return nodes
        default: throw failure(.geometry, line: node.line, "\(type) coordinates must be an array of \(what)")
        }
    }

    func line(_ node: CoordinateNode, _ what: String) throws(DecodingFailure) -> [Coordinate] {
        let cs = try positions(node, what)
        // An empty array is an empty geometry (RFC 7946 §3.1); one position is not a line.
        if cs.count == 1 {
            throw failure(.geometry, line: node.line, "\(what) has \(cs.count) position\(cs.count == 1 ? "" : "s"), needs at least 2")
        }
        return cs
    }

    func polygon(_ node: CoordinateNode, label: String) throws(DecodingFailure) -> Polygon {
        var rings: [[Coordinate]] = []
        for (i, child) in try children(node, "\(label.isEmpty ? "Polygon" : label)", of: "rings").enumerated() {
            let ring = try positions(child, "\(label)ring \(i)")
            if ring.count < 4 {
                throw failure(.geometry, line: child.line,
                              "\(label.isEmpty ? "polygon " : label)ring \(i) has \(ring.count) position\(ring.count == 1 ? "" : "s"), needs at least 4")
            }
            if ring.first != ring.last {
                throw failure(.geometry, line: child.line,
                              "\(label.isEmpty ? "polygon " : label)ring \(i) is not closed (first \(ring.first!) ≠ last \(ring.last!))")
            }
            rings.append(ring)
        }
        guard let exterior = rings.first else { return Polygon(exterior: []) }
        return Polygon(exterior: exterior, holes: Array(rings.dropFirst()))
    }

    func checkRange(_ node: CoordinateNode) throws(DecodingFailure) {
        switch node {
        case .position(let c, let line): try checkRange(c, line: line)
        case .positions(let cs, let line): for c in cs { try checkRange(c, line: line) }
        case .list(let nodes, _): for n in nodes { try checkRange(n) }
        case .invalid: break
        }
    }

    @inline(__always)
    func checkRange(_ c: Coordinate, line: Int) throws(DecodingFailure) {
        if options.checkCoordinateRange, abs(c.x) > 180 || abs(c.y) > 90 {
            if abs(c.x) <= 90 && abs(c.y) <= 180 {
                throw failure(.swappedCoordinates, line: line,
                              "coordinates look like lat,lon (swapped): \(c) has latitude \(c.y) outside [-90, 90]; GeoJSON order is longitude, latitude")
            }
            if abs(c.x) > 180 {
                throw failure(.coordinateRange, line: line, "longitude \(c.x) is out of range [-180, 180] at \(c)")
            }
            throw failure(.coordinateRange, line: line, "latitude \(c.y) is out of range [-90, 90] at \(c)")
        }
        if let bounds = options.expectedBounds, !bounds.contains(c) {
            if bounds.contains(Coordinate(c.y, c.x)) {
                throw failure(.swappedCoordinates, line: line,
                              "coordinates look like lat,lon (swapped): \(c) is outside the expected bounds, \(Coordinate(c.y, c.x)) is inside")
            }
            throw failure(.coordinateRange, line: line,
                          "coordinate \(c) is outside the expected bounds [\(bounds.minX), \(bounds.minY), \(bounds.maxX), \(bounds.maxY)]")
        }
    }
}

let geometryTypes: Set<String> = [
    "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
]
