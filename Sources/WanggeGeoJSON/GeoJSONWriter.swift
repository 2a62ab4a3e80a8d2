// RFC 7946 output: right-hand-rule rings, fixed precision, stable member order, so the same
// input always gives the same bytes and diffs between versions stay small.
import WanggeGeometry
import WanggeIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct GeoJSONWriter: Sendable {
    public enum Layout: Sendable {
        /// Everything on one line.
        case compact
        /// One feature per line inside the collection, so line diffs map to features.
        case featurePerLine
    }

    public struct Options: Sendable {
        /// Coordinates are rounded to this many decimals (trailing zeros dropped); 7 decimals of a
        /// degree is about 1 cm.
        public var decimals: Int
        public var layout: Layout

        public init(decimals: Int = 7, layout: Layout = .featurePerLine) {
            self.decimals = max(0, min(decimals, 15))
            self.layout = layout
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// The collection as UTF-8 bytes, ending in a newline.
    /// Member order: "type", foreign members as given, then "features".
    public func encode(_ collection: FeatureCollection) throws(GeoJSONError) -> [UInt8] {
        var out = JSONOutput(reservingCapacity: collection.features.count * 256)
        out.raw("{\"type\":\"FeatureCollection\"")
        for member in collection.foreignMembers {
            out.byte(0x2C)
            out.string(member.key)
            out.byte(0x3A)
            out.write(member.value)
        }
        out.raw(",\"features\":[")
        let perLine = options.layout == .featurePerLine && !collection.features.isEmpty
        for (i, feature) in collection.features.enumerated() {
            if i > 0 { out.byte(0x2C) }
            if perLine { out.byte(0x0A) }
            try write(feature, index: i, to: &out)
        }
        if perLine { out.byte(0x0A) }
        out.raw("]}\n")
        return out.bytes
    }

    /// Member order: "type", "id", "properties", "geometry", then foreign members as given.
    public func encode(_ feature: Feature) throws(GeoJSONError) -> [UInt8] {
        var out = JSONOutput()
        try write(feature, index: nil, to: &out)
        out.byte(0x0A)
        return out.bytes
    }

    public func encode(_ geometry: Geometry) throws(GeoJSONError) -> [UInt8] {
        var out = JSONOutput()
        try write(geometry, to: &out, feature: nil)
        out.byte(0x0A)
        return out.bytes
    }

    public func encode(_ document: GeoJSONDocument) throws(GeoJSONError) -> [UInt8] {
        switch document {
        case .featureCollection(let c): try encode(c)
        case .feature(let f): try encode(f)
        case .geometry(let g): try encode(g)
        }
    }

    public func string(_ collection: FeatureCollection) throws(GeoJSONError) -> String {
        String(decoding: try encode(collection), as: UTF8.self)
    }

    /// Writes atomically: a temporary file in the same directory is written, fsynced and renamed
    /// over `path`, so a crash leaves either the old file or the new one, never half of one.
    public func write(_ collection: FeatureCollection, toFile path: String) throws(GeoJSONError) {
        try writeAtomically(try encode(collection), to: path)
    }

    public func write(_ document: GeoJSONDocument, toFile path: String) throws(GeoJSONError) {
        try writeAtomically(try encode(document), to: path)
    }

    // MARK: Members

    private func write(_ feature: Feature, index: Int?, to out: inout JSONOutput) throws(GeoJSONError) {
        out.raw("{\"type\":\"Feature\"")
        switch feature.id {
        case nil: break
        case .string(let s)?:
            out.raw(",\"id\":")
            out.string(s)
        case .number(let n)?:
            out.raw(",\"id\":")
            out.number(n)
        }
        out.raw(",\"properties\":")
        if let properties = feature.properties { out.write(properties) } else { out.raw("null") }
        out.raw(",\"geometry\":")
        if let geometry = feature.geometry {
            try write(geometry, to: &out, feature: (index, feature.id))
        } else {
            out.raw("null")
        }
        for member in feature.foreignMembers {
            out.byte(0x2C)
            out.string(member.key)
            out.byte(0x3A)
            out.write(member.value)
        }
        out.byte(0x7D)
    }

    private func write(_ geometry: Geometry, to out: inout JSONOutput,
                       feature: (index: Int?, id: FeatureID?)?) throws(GeoJSONError) {
        // JSON has no spelling for NaN or infinity; refuse rather than write an unreadable file.
        var badCoordinate: Coordinate?
        geometry.forEachCoordinate { c in
            if badCoordinate == nil, !(c.x.isFinite && c.y.isFinite) { badCoordinate = c }
        }
        if let badCoordinate {
            throw GeoJSONError(kind: .geometry, featureIndex: feature?.index, featureID: feature?.id,
                               message: "cannot write non-finite coordinate \(badCoordinate)")
        }
        writeChecked(geometry, to: &out)
    }

    private func writeChecked(_ geometry: Geometry, to out: inout JSONOutput) {
        out.raw("{\"type\":\"")
        out.bytes.append(contentsOf: geometry.typeName.utf8)
        switch geometry {
        case .geometryCollection(let members):
            out.raw("\",\"geometries\":[")
            for (i, member) in members.enumerated() {
                if i > 0 { out.byte(0x2C) }
                writeChecked(member, to: &out)
            }
            out.raw("]}")
            return
        default:
            out.raw("\",\"coordinates\":")
        }
        switch geometry {
        case .point(let c): position(c, to: &out)
        case .multiPoint(let cs), .lineString(let cs): positions(cs, to: &out)
        case .multiLineString(let lines):
            list(lines, to: &out) { line, out in positions(line, to: &out) }
        case .polygon(let p): polygon(p, to: &out)
        case .multiPolygon(let ps):
            list(ps, to: &out) { p, out in polygon(p, to: &out) }
        case .geometryCollection: break
        }
        out.byte(0x7D)
    }

    private func list<T>(_ items: [T], to out: inout JSONOutput, _ element: (T, inout JSONOutput) -> Void) {
        out.byte(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { out.byte(0x2C) }
            element(item, &out)
        }
        out.byte(0x5D)
    }

    @inline(__always)
    private func position(_ c: Coordinate, to out: inout JSONOutput) {
        out.byte(0x5B)
        out.fixed(c.x, decimals: options.decimals)
        out.byte(0x2C)
        out.fixed(c.y, decimals: options.decimals)
        out.byte(0x5D)
    }

    private func positions(_ cs: [Coordinate], to out: inout JSONOutput) {
        list(cs, to: &out) { c, out in position(c, to: &out) }
    }

    /// RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. Degenerate (zero-area)
    /// rings have no orientation and are written as given.
    private func polygon(_ p: Polygon, to out: inout JSONOutput) {
        if p.exterior.isEmpty {
            out.raw("[]")
            return
        }
        out.byte(0x5B)
        let exteriorArea = Ring.signedArea(p.exterior)
        positions(exteriorArea < 0 ? p.exterior.reversed() : p.exterior, to: &out)
        for hole in p.holes {
            out.byte(0x2C)
            positions(Ring.signedArea(hole) > 0 ? hole.reversed() : hole, to: &out)
        }
        out.byte(0x5D)
    }
}

/// Through WanggeIO's one atomic-write primitive; its errors become `.io` GeoJSONErrors naming the file.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(GeoJSONError) {
    do { try AtomicFile.write(bytes, to: path) } catch {
        throw GeoJSONError(kind: .io, file: path, message: "\(error.action): \(error.reason)")
    }
}
