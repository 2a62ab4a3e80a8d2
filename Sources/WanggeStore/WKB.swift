import WanggeGeometry

/// Well-known binary (OGC Simple Features / ISO 13249, 2D), little-endian, written in Swift.
public enum WKB {
    /// WKB type codes (2D).
    static func typeCode(_ g: Geometry) -> UInt32 {
        switch g {
        case .point: 1
        case .lineString: 2
        case .polygon: 3
        case .multiPoint: 4
        case .multiLineString: 5
        case .multiPolygon: 6
        case .geometryCollection: 7
        }
    }

    public static func encode(_ g: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        append(g, to: &out)
        return out
    }

    static func append(_ g: Geometry, to out: inout [UInt8]) {
        out.append(1) // little-endian
        appendUInt32(typeCode(g), to: &out)
        switch g {
        case .point(let c):
            appendDouble(c.x, to: &out); appendDouble(c.y, to: &out)
        case .lineString(let cs):
            appendPoints(cs, to: &out)
        case .polygon(let p):
            appendPolygonBody(p, to: &out)
        case .multiPoint(let cs):
            appendUInt32(UInt32(cs.count), to: &out)
            for c in cs { append(.point(c), to: &out) }
        case .multiLineString(let ls):
            appendUInt32(UInt32(ls.count), to: &out)
            for l in ls { append(.lineString(l), to: &out) }
        case .multiPolygon(let ps):
            appendUInt32(UInt32(ps.count), to: &out)
            for p in ps { append(.polygon(p), to: &out) }
        case .geometryCollection(let gs):
            appendUInt32(UInt32(gs.count), to: &out)
            for x in gs { append(x, to: &out) }
        }
    }

    static func appendPolygonBody(_ p: Polygon, to out: inout [UInt8]) {
        let rings = p.rings.filter { !$0.isEmpty }
        appendUInt32(UInt32(rings.count), to: &out)
        for r in rings { appendPoints(r, to: &out) }
    }

    static func appendPoints(_ cs: [Coordinate], to out: inout [UInt8]) {
        appendUInt32(UInt32(cs.count), to: &out)
        for c in cs { appendDouble(c.x, to: &out); appendDouble(c.y, to: &out) }
    }

    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendDouble(_ v: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// The GeoPackage geometry BLOB (GeoPackage 1.3 §2.1.3): "GP", version 0, flags, srs_id, envelope,
/// then standard WKB.
public enum GeoPackageBinary {
    /// Flags 0b0000_0011: little-endian (bit 0), envelope [minx, maxx, miny, maxy] (bits 1–3 = 1),
    /// not empty, standard (not extended) geometry. Empty geometries get flag bit 4 and no envelope.
    public static func encode(_ g: Geometry, srsID: Int32) -> [UInt8] {
        var out: [UInt8] = [0x47, 0x50, 0x00]
        if let e = g.envelope {
            out.append(0b0000_0011)
            WKB.appendInt32(srsID, to: &out)
            for v in [e.minX, e.maxX, e.minY, e.maxY] { WKB.appendDouble(v, to: &out) }
        } else {
            out.append(0b0001_0001)
            WKB.appendInt32(srsID, to: &out)
        }
        WKB.append(g, to: &out)
        return out
    }
}
