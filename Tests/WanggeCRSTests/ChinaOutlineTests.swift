import Foundation
import Testing
@testable import WanggeCRS
import WanggeGeometry

/// GCJ-02 and BD-09 apply in mainland China only (Sources/WanggeCRS/ChinaOutline.swift, generated
/// by tools/reference/china_outline.py). Cities are (lon, lat) in WGS-84, to about 0.01°.
private let outside: [(String, Coordinate)] = [
    ("Seoul", Coordinate(126.978, 37.566)), ("Pyongyang", Coordinate(125.754, 39.034)),
    ("Hanoi", Coordinate(105.854, 21.029)), ("Ulaanbaatar", Coordinate(106.918, 47.921)),
    ("Bangkok", Coordinate(100.502, 13.756)), ("Singapore", Coordinate(103.820, 1.352)),
    ("Tokyo", Coordinate(139.692, 35.690)), ("Taipei", Coordinate(121.565, 25.033)),
    ("Hong Kong", Coordinate(114.17, 22.30)), ("Macau", Coordinate(113.54, 22.19)),
    ("London", Coordinate(-0.128, 51.507)), ("New York", Coordinate(-74.006, 40.713)),
    ("Kathmandu", Coordinate(85.324, 27.717)), ("Almaty", Coordinate(76.946, 43.238)),
    // Near the coast or the SAR boundaries: Kinmen (Taiwan), Taipa and Coloane (Macao),
    // Sheung Shui and Tuen Mun (Hong Kong), Lang Son (Vietnam, ~15 km from the border).
    ("Kinmen", Coordinate(118.32, 24.45)), ("Taipa", Coordinate(113.56, 22.16)),
    ("Coloane", Coordinate(113.56, 22.12)), ("Sheung Shui", Coordinate(114.13, 22.50)),
    ("Tuen Mun", Coordinate(113.97, 22.39)), ("Lang Son", Coordinate(106.76, 21.85)),
]

private let inside: [(String, Coordinate)] = [
    ("Beijing", Coordinate(116.397, 39.908)), ("Shanghai", Coordinate(121.473, 31.230)),
    ("Ürümqi", Coordinate(87.617, 43.826)), ("Lhasa", Coordinate(91.117, 29.647)),
    ("Kashgar", Coordinate(75.99, 39.47)), ("Harbin", Coordinate(126.63, 45.75)),
    ("Mohe", Coordinate(122.53, 52.97)), ("Sanya", Coordinate(109.51, 18.25)),
    ("Shawan", Coordinate(103.55, 29.41)), ("Kunming", Coordinate(102.83, 25.04)),
    // Border towns, a few kilometres from a neighbour.
    ("Ruili", Coordinate(97.85, 24.01)), ("Dongxing", Coordinate(107.97, 21.55)),
    ("Erenhot", Coordinate(111.98, 43.65)), ("Manzhouli", Coordinate(117.43, 49.59)),
    ("Hekou", Coordinate(103.94, 22.51)), ("Heihe", Coordinate(127.49, 50.25)),
    ("Dandong", Coordinate(124.39, 40.13)), ("Zhangmu", Coordinate(85.98, 27.99)),
    // Next to Hong Kong and Macao: Luohu and Shekou (Shenzhen), Gongbei and Hengqin (Zhuhai);
    // off the coast facing Taiwan: Xiamen.
    ("Luohu", Coordinate(114.118, 22.540)), ("Shekou", Coordinate(113.915, 22.48)),
    ("Gongbei", Coordinate(113.55, 22.225)), ("Hengqin", Coordinate(113.52, 22.12)),
    ("Xiamen", Coordinate(118.09, 24.48)),
]

private func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
    let lat = (a.y + b.y) / 2 * .pi / 180
    let dx = (a.x - b.x) * 111_320 * cos(lat), dy = (a.y - b.y) * 110_574
    return (dx * dx + dy * dy).squareRoot()
}

@Suite struct ChinaOutlineTests {
    @Test(arguments: outside)
    func unchangedOutsideMainlandChina(_ name: String, _ c: Coordinate) throws {
        #expect(GCJ02.isOutsideChina(c), "\(name)")
        #expect(GCJ02.fromWGS84(c) == c, "\(name)")
        #expect(try GCJ02.toWGS84(c) == c, "\(name)")
        #expect(BD09.fromWGS84(c) == c, "\(name)")
        #expect(BD09.fromGCJ02(c) == c, "\(name)")
        #expect(try BD09.toGCJ02(c) == c, "\(name)")
        #expect(try BD09.toWGS84(c) == c, "\(name)")
        // What `wangge crs` runs, one point and as a batch.
        for (s, t) in [(CRS.wgs84, CRS.gcj02), (.gcj02, .wgs84), (.wgs84, .bd09), (.bd09, .wgs84),
                       (.gcj02, .bd09), (.bd09, .gcj02)] {
            let ct = try CoordinateTransform(from: s, to: t)
            #expect(try ct.transform(c) == c, "\(name) \(s) → \(t)")
            #expect(try ct.transform([c, c]) == [c, c], "\(name) \(s) → \(t) (batch)")
        }
    }

    @Test(arguments: inside)
    func shiftedInsideMainlandChina(_ name: String, _ w: Coordinate) throws {
        #expect(!GCJ02.isOutsideChina(w), "\(name)")
        let g = GCJ02.fromWGS84(w)
        #expect(g == GCJ02.offset(w), "\(name)")
        let d = metres(w, g)
        #expect(d > 50 && d < 1500, "\(name): GCJ-02 offset \(d) m")
        #expect(metres(w, try GCJ02.toWGS84(g)) < 1e-3, "\(name)")
        let b = BD09.fromWGS84(w)
        #expect(metres(g, b) > 500 && metres(g, b) < 1500, "\(name)")
        #expect(metres(w, try BD09.toWGS84(b)) < 1e-3, "\(name)")
        #expect(metres(g, try BD09.toGCJ02(b)) < 1e-3, "\(name)")
        let ct = try CoordinateTransform(from: .wgs84, to: .gcj02)
        #expect(try ct.transform(w) == g && ct.transform([w]) == [g], "\(name)")
    }

    /// The generated data stays what the generator promises: small, closed by the reader, and a
    /// bounding box that holds every vertex.
    @Test func outlineDataIsCompact() {
        let vertices = ChinaOutline.rings.reduce(0) { $0 + $1.count / 2 }
        #expect(ChinaOutline.rings.allSatisfy { $0.count % 2 == 0 && $0.count >= 6 })
        #expect(vertices > 100 && vertices < 1000)
        for (k, r) in ChinaOutline.rings.enumerated() {
            let b = ChinaOutline.ringBoxes[k]
            #expect(b.minX >= ChinaOutline.bounds[0] && b.maxX <= ChinaOutline.bounds[2])
            #expect(b.minY >= ChinaOutline.bounds[1] && b.maxY <= ChinaOutline.bounds[3])
            #expect(r[0] != r[r.count - 2] || r[1] != r[r.count - 1])
        }
    }

    @Test func nonFiniteIsOutsideAndTheInversesStillThrow() {
        #expect(!ChinaOutline.contains(Coordinate(.nan, 30)))
        #expect(!ChinaOutline.contains(Coordinate(110, .infinity)))
        #expect(throws: CRSError.self) { try GCJ02.toWGS84(Coordinate(.nan, 30)) }
        #expect(throws: CRSError.self) { try BD09.toWGS84(Coordinate(110, .nan)) }
    }

    /// Points the old rectangle offset, well away from China: sea, India, Myanmar, Russia.
    @Test func farOutsidePointsOfTheOldRectangleAreOutside() {
        for c in [Coordinate(72.5, 1.0), Coordinate(137.5, 55.5), Coordinate(130, 30), // sea
                  Coordinate(78, 30), Coordinate(96, 22), Coordinate(110, 10), Coordinate(128, 53)] {
            #expect(GCJ02.isOutsideChina(c), "\(c)")
        }
    }
}
