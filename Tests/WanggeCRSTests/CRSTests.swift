import WanggeTestSupport
import Foundation
import Testing
@testable import WanggeCRS
import WanggeGeometry

/// Shawan District bounding box (lon 103.42–103.74, lat 29.18–29.53).
private let district = Envelope(minX: 103.42, minY: 29.18, maxX: 103.74, maxY: 29.53)

/// Ground distance in metres between two nearby lon/lat points (local equirectangular; plenty
/// for sub-metre differences).
private func metres(_ a: Coordinate, _ b: Coordinate) -> Double {
    let lat = (a.y + b.y) / 2 * .pi / 180
    let dx = (a.x - b.x) * 111_320 * cos(lat), dy = (a.y - b.y) * 110_574
    return (dx * dx + dy * dy).squareRoot()
}

/// A `n`×`n` grid over the district bbox.
private func districtGrid(_ n: Int) -> [Coordinate] {
    var out: [Coordinate] = []
    for i in 0..<n {
        for j in 0..<n {
            out.append(Coordinate(district.minX + district.width * Double(i) / Double(n - 1),
                                  district.minY + district.height * Double(j) / Double(n - 1)))
        }
    }
    return out
}

@Suite struct CRSParsingTests {
    @Test func parsesKnownNames() throws {
        #expect(try CRS(parsing: "wgs84") == .wgs84)
        #expect(try CRS(parsing: "WGS84") == .epsg(4326))
        #expect(try CRS(parsing: "cgcs2000") == .epsg(4490))
        #expect(try CRS(parsing: "GCJ02") == .gcj02)
        #expect(try CRS(parsing: "bd09") == .bd09)
        #expect(try CRS(parsing: "EPSG:4544") == .epsg(4544))
        #expect(try CRS(parsing: "epsg:4543") == .epsg(4543))
        #expect(try CRS(parsing: CRS.shawanMetricDefinition) == .shawanMetric)
        // The district's own CRS is a district's to say (WanggeDistrict resolves it); alone, refused in words.
        #expect(throws: CRSError.needsDistrict("district-tm")) { try CRS(parsing: "district-tm") }
        #expect("\(CRSError.needsDistrict("district-tm"))".contains("district.geojson"))
    }

    @Test func rejectsUnknownNames() {
        for bad in ["", "wgs", "EPSG:", "EPSG:abc", "EPSG:-4", "mars"] {
            #expect(throws: CRSError.unknownCRSName(bad)) { try CRS(parsing: bad) }
        }
        #expect(CRSError.unknownCRSName("mars").description.contains("EPSG:<code>"))
    }

    @Test func knowsWhichCRSsAreGeographic() throws {
        #expect(try CRS.wgs84.isGeographic())
        #expect(try CRS.gcj02.isGeographic())
        #expect(try !CRS.epsg(4544).isGeographic())
        #expect(try !CRS.shawanMetric.isGeographic())
    }
}

@Suite struct GCJ02Tests {
    /// Control values: the coordtransform README example (wgs84_to_gcj02(128.543, 37.065)) and a
    /// Beijing point; both reproduced by tools/reference/outline_area.py's wgs84_to_gcj02. The
    /// README point is in South Korea, so only the bare formula (`offset`) moves it.
    @Test func forwardMatchesPublishedControlValues() {
        let a = GCJ02.offset(Coordinate(128.543, 37.065))
        #expect(abs(a.x - 128.54820547949757) < 1e-12 && abs(a.y - 37.065651049489816) < 1e-12)
        #expect(GCJ02.fromWGS84(Coordinate(128.543, 37.065)) == Coordinate(128.543, 37.065))
        let b = GCJ02.fromWGS84(Coordinate(116.397, 39.908))
        #expect(abs(b.x - 116.40324337854781) < 1e-12 && abs(b.y - 39.90940335390724) < 1e-12)
        // Shawan: a few hundred metres.
        let s = Coordinate(103.6, 29.4)
        let d = metres(s, GCJ02.fromWGS84(s))
        #expect(d > 100 && d < 1000)
    }

    /// gcj02_to_bd09(128.543, 37.065) computed with the x_pi formula in Python; the longitude
    /// 128.54944656269413 is also the value shown in the coordtransform README. (South Korea:
    /// the bare formula, `offset`; the public function leaves the point alone.)
    @Test func bd09ForwardMatchesReferenceValue() {
        #expect(BD09.fromGCJ02(Coordinate(128.543, 37.065)) == Coordinate(128.543, 37.065))
        let b = BD09.offset(Coordinate(128.543, 37.065))
        #expect(abs(b.x - 128.54944656269413) < 1e-12 && abs(b.y - 37.07113427883019) < 1e-12)
    }

    @Test func noOffsetOutsideChina() throws {
        let paris = Coordinate(2.35, 48.85)
        #expect(GCJ02.fromWGS84(paris) == paris)
        #expect(try GCJ02.toWGS84(paris) == paris)
    }

    @Test func roundTripOverTheDistrictIsSubMillimetre() throws {
        var worst = 0.0
        for w in districtGrid(101) {
            let back = try GCJ02.toWGS84(GCJ02.fromWGS84(w))
            worst = max(worst, metres(w, back))
        }
        print("GCJ-02 round trip, 101×101 grid over the district: max error \(worst) m")
        #expect(worst < 1e-3)   // brief asks ≤ 0.5 m; the iteration does far better
    }

    @Test func bd09RoundTripOverTheDistrict() throws {
        var worstFromWGS = 0.0, worstFromGCJ = 0.0
        for w in districtGrid(101) {
            worstFromWGS = max(worstFromWGS, metres(w, try BD09.toWGS84(BD09.fromWGS84(w))))
            worstFromGCJ = max(worstFromGCJ, metres(w, try BD09.toGCJ02(BD09.fromGCJ02(w))))
        }
        print("BD-09 round trip: max error \(worstFromWGS) m (WGS-84), \(worstFromGCJ) m (GCJ-02)")
        #expect(worstFromWGS < 1e-3)
        #expect(worstFromGCJ < 1e-3)
    }
}

@Suite struct PROJTests {
    /// Expected value obtained with proj-bin 9.1.1:
    ///     echo "29.4 103.6" | cs2cs -f %.6f EPSG:4326 EPSG:4544
    ///     → 3254420.077870  364106.980431   (EPSG order: northing, easting)
    @Test func wgs84ToGaussKrugerZone35IsLonLatOrdered() throws {
        let t = try PROJTransformer(from: .wgs84, to: .epsg(4544))
        let p = try t.transform(Coordinate(103.6, 29.4))
        #expect(abs(p.x - 364106.980431) < 1e-3)
        #expect(abs(p.y - 3254420.077870) < 1e-3)
        let batch = try t.transform([Coordinate(103.6, 29.4), Coordinate(103.6, 29.4)])
        #expect(batch.count == 2 && abs(batch[1].x - 364106.980431) < 1e-3)
    }

    @Test func cgcs2000IsTheBallparkOfWGS84() throws {
        let t = try CoordinateTransform(from: .wgs84, to: .cgcs2000)
        let p = try t.transform(Coordinate(103.6, 29.4))
        #expect(metres(p, Coordinate(103.6, 29.4)) < 1)
    }

    @Test func bogusEPSGCodeIsASwiftErrorWithPROJsMessage() {
        do {
            _ = try PROJTransformer(from: .wgs84, to: .epsg(999_999))
            Issue.record("expected an error")
        } catch {
            guard case .projCreationFailed(_, let target, let message) = error else {
                Issue.record("wrong error \(error)"); return
            }
            #expect(target == "EPSG:999999")
            #expect(message.contains("not found"))
        }
    }

    @Test func unprojectablePointNamesTheInput() throws {
        let t = try PROJTransformer(from: .wgs84, to: .epsg(4544))
        #expect(throws: CRSError.self) { try t.transform(Coordinate(103.6, 95)) }
        do {
            _ = try t.transform([Coordinate(103.6, 29.4), Coordinate(103.6, 95)])
            Issue.record("expected an error")
        } catch {
            guard case .transformFailed(let input, _) = error else { Issue.record("\(error)"); return }
            #expect(input == Coordinate(103.6, 95))
        }
    }

    @Test func composedTransformGoesThroughWGS84() throws {
        let g = GCJ02.fromWGS84(Coordinate(103.6, 29.4))
        let p = try CoordinateTransform(from: .gcj02, to: .epsg(4544)).transform(g)
        #expect(abs(p.x - 364106.980431) < 1e-3 && abs(p.y - 3254420.077870) < 1e-3)
        let b = try CoordinateTransform(from: .epsg(4544), to: .bd09).transform(p)
        #expect(metres(b, BD09.fromWGS84(Coordinate(103.6, 29.4))) < 1e-3)
    }
}

/// A pair set up again is created from the pipeline string PROJ chose the first time
/// (`PROJOperations`): it must be the same operation, coordinate for coordinate.
@Suite(.serialized) struct PROJOperationReuseTests {
    @Test func aPairSetUpAgainTransformsBitForBitAsTheFirstAndIsCreatedFromItsPipeline() throws {
        let metric = districtGrid(25)
        let shawan = try PROJTransformer(from: .wgs84, to: .shawanMetric).transform(metric)
        for (source, target, points) in [(CRS.wgs84, CRS.shawanMetric, metric), (.shawanMetric, .wgs84, shawan),
                                         (.wgs84, .epsg(4544), metric), (.wgs84, .epsg(3857), metric)] {
            PROJOperations.reset()
            let first = try PROJTransformer(from: source, to: target)
            let again = try PROJTransformer(from: source, to: target)
            #expect(try first.transform(points) == again.transform(points), "\(source) → \(target)")
            #expect(try points.map { try first.transform($0) } == points.map { try again.transform($0) })
            // A point PROJ refuses is refused by both, naming the input.
            if source == .wgs84 {
                #expect(throws: CRSError.self) { try again.transform(Coordinate(103.6, 95)) }
            }
        }
        // The district's transverse Mercator is one operation: it is kept, as its pipeline.
        PROJOperations.reset()
        _ = try PROJTransformer(from: .wgs84, to: .shawanMetric)
        let pipeline = PROJOperations.pipeline(from: CRS.wgs84.projDefinition!, to: CRS.shawanMetric.projDefinition!)
        #expect(pipeline?.contains("+proj=tmerc") == true)
    }

    @Test func anUnknownCRSIsRefusedWithPROJsMessageEveryTime() {
        for _ in 0..<2 {
            #expect { _ = try PROJTransformer(from: .wgs84, to: .epsg(999_999)) } throws: { "\($0)".contains("not found") }
        }
    }
}

@Suite struct GeometryTransformTests {
    @Test func transformsEveryCoordinateAndKeepsStructure() throws {
        let ring = [Coordinate(103.5, 29.3), Coordinate(103.6, 29.3), Coordinate(103.6, 29.4), Coordinate(103.5, 29.3)]
        let g = Geometry.geometryCollection([.point(ring[0]), .polygon(Polygon(exterior: ring))])
        let t = try CoordinateTransform(from: .wgs84, to: .gcj02)
        let out = try t.transform(g)
        guard case .geometryCollection(let parts) = out, case .polygon(let p) = parts[1] else {
            Issue.record("structure changed: \(out)"); return
        }
        #expect(p.exterior == ring.map(GCJ02.fromWGS84))
        let back = try CoordinateTransform(from: .gcj02, to: .wgs84).transform(out)
        var i = 0
        let original = [ring[0]] + ring
        back.forEachCoordinate { c in #expect(metres(c, original[i]) < 1e-3); i += 1 }
        #expect(try PROJTransformer(from: .wgs84, to: .shawanMetric).transform(g).polygons.count == 1)
    }
}

@Suite struct OutlineAreaTests {
    /// The district outline (GCJ-02) → WGS-84 → shawanMetric, planar shoelace area.
    /// Expected: `python3 tools/reference/outline_area.py` (Shapely 2.2.0 + pyproj 3.7.2, same
    /// iterative inverse, same tmerc) printed area_m2 603535203.148, perimeter_m 140305.893.
    @Test func outlineAreaMatchesShapelyAndPyproj() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("boundaries/source/district-outline.gcj02.geojson")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let features = json["features"] as! [[String: Any]]
        let t = try CoordinateTransform(from: .gcj02, to: .shawanMetric)
        var area = 0.0
        for f in features {
            let g = f["geometry"] as! [String: Any]
            let parts: [Any] = g["type"] as! String == "Polygon"
                ? [g["coordinates"]!] : g["coordinates"] as! [Any]
            for part in parts {
                let rings = (part as! [[[Double]]]).map { $0.map { Coordinate($0[0], $0[1]) } }
                let metric = try rings.map { r throws(CRSError) in try t.transform(r) }
                area += abs(Ring.signedArea(metric[0]))
                for hole in metric.dropFirst() { area -= abs(Ring.signedArea(hole)) }
            }
        }
        let expected = 603_535_203.148
        print("district outline area: \(area) m² (Shapely+pyproj \(expected) m²)")
        #expect(abs(area - expected) / expected < 1e-4)
    }
}

@Suite struct CoordinateTextTests {
    @Test func parsesCommaAndWhitespaceLines() throws {
        #expect(try CoordinateText.parse("103.6,29.4") == .coordinate(Coordinate(103.6, 29.4), rest: []))
        #expect(try CoordinateText.parse(" 103.6\t29.4  a ") == .coordinate(Coordinate(103.6, 29.4), rest: ["a"]))
        #expect(try CoordinateText.parse("103.6, 29.4,x,y") == .coordinate(Coordinate(103.6, 29.4), rest: ["x", "y"]))
        #expect(try CoordinateText.parse("   ") == .skip)
        #expect(try CoordinateText.parse("# lon,lat") == .skip)
    }

    @Test func rejectsBadLines() {
        #expect(throws: CoordinateText.ParseError.self) { try CoordinateText.parse("103.6") }
        #expect(throws: CoordinateText.ParseError.self) { try CoordinateText.parse("abc,29") }
        #expect(throws: CoordinateText.ParseError.self) { try CoordinateText.parse("103,nan") }
    }

    @Test func formatsWithDecimals() {
        #expect(CoordinateText.format(Coordinate(1.23456789, 2), rest: ["a"], decimals: 3) == "1.235,2.000,a")
    }
}
