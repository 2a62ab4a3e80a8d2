// libFuzzer target: WKB. Wangge writes WKB and GeoPackage geometry blobs itself (WanggeStore's
// WKB / GeoPackageBinary) but has no WKB reader of its own; reading goes through GEOS
// (GEOSContext.geometry(wkb:) and GEOSGeometryHandle.value()). So the bytes are used twice:
//  1. as WKB: GEOS reads them, value() converts, WKB.encode writes again, GEOS must read that
//     back to the same value (and GeoPackageBinary must wrap exactly that WKB);
//  2. as a recipe for a Geometry value: when GEOS accepts the value, WKB.encode must produce the
//     very bytes GEOS's own 2-D little-endian ISO writer produces.
// Entry points (libFuzzer's, and `fuzz-wkb FILE...` as a replayer): ../Shared/FuzzEntry.swift.
import Foundation
import WanggeGeometry
import WanggeStore

nonisolated(unsafe) let ctx = GEOSContext()

/// precondition() drops its message in release builds; this one keeps it.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

/// Same shape and same coordinate bits (NaN payloads included).
func identical(_ a: Geometry, _ b: Geometry) -> Bool {
    func seq(_ x: [Coordinate], _ y: [Coordinate]) -> Bool {
        x.count == y.count && zip(x, y).allSatisfy { $0.x.bitPattern == $1.x.bitPattern && $0.y.bitPattern == $1.y.bitPattern }
    }
    func poly(_ p: Polygon, _ q: Polygon) -> Bool {
        let pr = p.rings.filter { !$0.isEmpty }, qr = q.rings.filter { !$0.isEmpty }
        return pr.count == qr.count && zip(pr, qr).allSatisfy(seq)
    }
    switch (a, b) {
    case (.point(let c), .point(let d)): return seq([c], [d])
    case (.multiPoint(let c), .multiPoint(let d)), (.lineString(let c), .lineString(let d)): return seq(c, d)
    case (.multiLineString(let c), .multiLineString(let d)): return c.count == d.count && zip(c, d).allSatisfy(seq)
    case (.polygon(let p), .polygon(let q)): return poly(p, q)
    case (.multiPolygon(let p), .multiPolygon(let q)): return p.count == q.count && zip(p, q).allSatisfy(poly)
    case (.geometryCollection(let g), .geometryCollection(let h)): return g.count == h.count && zip(g, h).allSatisfy(identical)
    default: return false
    }
}

func checkGeoPackageBlob(_ g: Geometry, _ wkb: [UInt8]) {
    let blob = GeoPackageBinary.encode(g, srsID: 4326)
    check(blob.count >= 8 && blob[0] == 0x47 && blob[1] == 0x50 && blob[2] == 0, "bad GeoPackage header")
    let headerSize: Int
    switch blob[3] {
    case 0b0000_0011: headerSize = 8 + 32
    case 0b0001_0001: headerSize = 8
    default: fatalError("unexpected GeoPackage flags \(blob[3])")
    }
    check((blob[3] & 0b0001_0000 != 0) == (g.envelope == nil), "empty flag disagrees with the geometry")
    check(Array(blob[headerSize...]) == wkb, "GeoPackage blob does not end in the geometry's WKB")
    if let e = g.envelope {
        let stored = (0..<4).map { k in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(blob[8 + 8 * k + $1]) << (8 * UInt64($1)) })
        }
        let expected = [e.minX, e.maxX, e.minY, e.maxY]
        check(zip(stored, expected).allSatisfy { $0.bitPattern == $1.bitPattern }, "envelope \(stored) != \(expected)")
    }
}

/// 1. The bytes as WKB, through GEOS and back.
func wkbRoundTrip(_ bytes: [UInt8]) {
    guard let handle = try? ctx.geometry(wkb: bytes), let value = try? handle.value() else { return }
    let written = WKB.encode(value)
    checkGeoPackageBlob(value, written)
    let again: Geometry
    do { again = try ctx.geometry(wkb: written).value() } catch {
        fatalError("GEOS cannot read the WKB we wrote for \(value): \(error)")
    }
    check(identical(value, again), "WKB round trip changed \(value) into \(again)")
}

/// Reads a Geometry value off the bytes.
struct Recipe {
    let bytes: [UInt8]
    var i = 0
    mutating func byte() -> UInt8 {
        defer { i += 1 }
        return i < bytes.count ? bytes[i] : 0
    }
    mutating func double() -> Double {
        let b = byte()
        if b & 0x80 == 0 { return Double(Int(b & 0x7F) - 64) / 4 }   // small, exactly representable
        var bits: UInt64 = 0
        for k in 0..<8 { bits |= UInt64(byte()) << (8 * UInt64(k)) }
        return Double(bitPattern: bits)
    }
    mutating func coordinate() -> Coordinate { Coordinate(double(), double()) }
    mutating func coordinates(max: Int) -> [Coordinate] { (0..<(Int(byte()) % (max + 1))).map { _ in coordinate() } }
    mutating func ring() -> [Coordinate] {
        let flags = byte()
        if flags & 0x0F == 0 { return [] }
        var r = (0..<(Int(flags & 0x0F) % 6 + 2)).map { _ in coordinate() }
        if flags & 0x10 == 0, let first = r.first { r.append(first) }
        return r
    }
    mutating func polygon() -> Polygon {
        let exterior = ring()
        return Polygon(exterior: exterior, holes: (0..<(Int(byte()) % 3)).map { _ in ring() })
    }
    mutating func geometry(depth: Int = 0) -> Geometry {
        switch byte() % 7 {
        case 0: return .point(coordinate())
        case 1: return .multiPoint(coordinates(max: 4))
        case 2: return .lineString(coordinates(max: 5))
        case 3: return .multiLineString((0..<(Int(byte()) % 3)).map { _ in coordinates(max: 4) })
        case 4: return .polygon(polygon())
        case 5: return .multiPolygon((0..<(Int(byte()) % 3)).map { _ in polygon() })
        default:
            guard depth < 3 else { return .point(coordinate()) }
            return .geometryCollection((0..<(Int(byte()) % 4)).map { _ in geometry(depth: depth + 1) })
        }
    }
}

/// What GEOSContext.geometry(from:) builds: empty lines and polygons inside a MultiLineString
/// or MultiPolygon are left out (by design), so our WKB of this is what GEOS's WKB must equal.
func withoutEmptyMembers(_ g: Geometry) -> Geometry {
    switch g {
    case .multiLineString(let ls): .multiLineString(ls.filter { !$0.isEmpty })
    case .multiPolygon(let ps): .multiPolygon(ps.filter { !$0.exterior.isEmpty })
    case .geometryCollection(let gs): .geometryCollection(gs.map(withoutEmptyMembers))
    default: g
    }
}

/// 2. The bytes as a Geometry recipe: our writer against GEOS's.
func writerAgainstGEOS(_ bytes: [UInt8]) {
    var recipe = Recipe(bytes: bytes)
    let value = recipe.geometry()
    checkGeoPackageBlob(value, WKB.encode(value))
    guard let handle = try? ctx.geometry(from: value) else { return }   // GEOS refuses it: fine
    guard let theirs = try? handle.wkb() else { return }
    let ours = WKB.encode(withoutEmptyMembers(value))
    check(ours == theirs, "WKB differs from GEOS's for \(value):\n ours   \(ours)\n GEOS's \(theirs)")
}

func fuzzOne(_ bytes: [UInt8]) {
    wkbRoundTrip(bytes)
    writerAgainstGEOS(bytes)
}
