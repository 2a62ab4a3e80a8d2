import WanggeTestSupport
import Foundation
import Testing
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// `GridValidation` on real geometry: a grid file built from the bundled villages (three of them
/// cut in two with a straight north–south line in Shawan's metric CRS, the rest one grid each), then
/// mutated one way at a time.
@Suite struct GridValidationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let boundaries = try! DistrictBoundaries.load(directory: root.appendingPathComponent("boundaries").path)
    static let fixture = try! GridFixture(boundaries)

    /// The valid grid file and the codes the mutations use.
    struct GridFixture {
        var collection: FeatureCollection
        /// Villages cut in two: (village, west grid index, east grid index).
        var split: [(village: Village, west: Int, east: Int)] = []
        /// A village with a single grid, and that grid's index.
        var single: (village: Village, index: Int)

        init(_ b: DistrictBoundaries) throws {
            let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
            let toWGS84 = try CoordinateTransform(from: .shawanMetric, to: .wgs84)
            let context = GEOSContext()
            var features: [Feature] = []
            var split: [(Village, Int, Int)] = []
            for v in b.villages {
                var pieces = [v.geometry]
                // Cut every 20th village (while fewer than 3 are cut) at its envelope's mid-easting,
                // if both halves come out in one piece.
                if split.count < 3, features.count % 20 == 7 {
                    let m = try context.geometry(from: try toMetric.transform(v.geometry))
                    let e = try #require(try m.envelope())
                    let mid = (e.minX + e.maxX) / 2
                    let west = try m.intersection(context.geometry(from: Envelope(minX: e.minX - 10, minY: e.minY - 10, maxX: mid, maxY: e.maxY + 10)))
                    let east = try m.intersection(context.geometry(from: Envelope(minX: mid, minY: e.minY - 10, maxX: e.maxX + 10, maxY: e.maxY + 10)))
                    let halves = try [west, east].map { try $0.value() }
                    if halves.allSatisfy({ $0.polygons.count == 1 }) {
                        pieces = try halves.map { try toWGS84.transform($0) }
                        split.append((v, features.count, features.count + 1))
                    }
                }
                for (n, g) in pieces.enumerated() {
                    features.append(GridValidationTests.grid(v, sequence: n + 1, geometry: g))
                }
            }
            collection = FeatureCollection(features: features)
            self.split = split
            let singleIndex = try #require(features.indices.first { i in !split.contains { $0.1 == i || $0.2 == i } && i > 10 })
            single = (b.villages.first { $0.code == features[singleIndex].string("village_code") }!, singleIndex)
        }
    }

    static func grid(_ v: Village, sequence: Int, geometry: Geometry) -> Feature {
        let code = v.code + String(format: "%03d", sequence)
        return Feature(id: .string(code), properties: [
            "code": .string(code), "name": .string("\(v.name)第\(sequence)网格"),
            "village_code": .string(v.code), "village": .string(v.name),
            "township_code": .string(v.townshipCode), "township": .string(v.township),
            "workload": .number(JSONNumber(100.5)), "households": .number(JSONNumber(320)),
        ], geometry: geometry)
    }

    func validate(_ fc: FeatureCollection) throws -> GridValidationReport {
        try GridValidation(tolerance: 1).run(fc, boundaries: Self.boundaries)
    }

    func code(_ i: Int) -> String { Self.fixture.collection.features[i].string("code")! }

    func setCode(_ fc: inout FeatureCollection, _ i: Int, _ code: String) {
        fc.features[i].id = .string(code)
        fc.features[i][property: "code"] = .string(code)
    }

    func covers(_ v: Village, _ c: Coordinate?) throws -> Bool {
        guard let c else { return false }
        return try GEOSContext().geometry(from: v.geometry).prepared().covers(c)
    }

    @Test func fixtureSplitsThreeVillages() {
        #expect(Self.fixture.split.count == 3)
        #expect(Self.fixture.collection.features.count == Self.boundaries.villages.count + 3)
    }

    @Test func validFileWrittenLikeQGISPasses() throws {
        var fc = Self.fixture.collection
        // QGIS-isms: a "crs" member, a one-part MultiPolygon, numbers as strings, extra fields, no id.
        fc.foreignMembers = [JSONMember("crs", .object(["type": .string("name"),
                                                        "properties": .object(["name": .string("urn:ogc:def:crs:OGC:1.3:CRS84")])]))]
        let i = Self.fixture.single.index
        fc.features[i].geometry = .multiPolygon(fc.features[i].geometry!.polygons)
        fc.features[i][property: "households"] = .string("412")
        fc.features[i][property: "remark"] = .string("edited in QGIS")
        fc.features[i].id = nil
        let path = NSTemporaryDirectory() + "grids-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try GeoJSONWriter().write(fc, toFile: path)
        let report = try GridValidation().run(file: path, boundaries: Self.boundaries)
        #expect(report.problems.isEmpty, "\(report.problems.prefix(5))")
        #expect(report.grids == 151 && report.villagesCovered == 148 && report.villages == 148)
        #expect(abs(report.areaM2 - 603_535_203) / 603_535_203 < 1e-4)
        #expect(report.summary == "151 grids in 148 of 148 villages/communities, 0 failures")
    }

    @Test func shiftedGridOverlapsItsNeighbourAndLeavesAGap() throws {
        let (v, west, east) = Self.fixture.split[0]
        var fc = Self.fixture.collection
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let toWGS84 = try CoordinateTransform(from: .shawanMetric, to: .wgs84)
        fc.features[west].geometry = try toWGS84.transform(
            try toMetric.transform(fc.features[west].geometry!).mapCoordinates { Coordinate($0.x + 50, $0.y) })
        let problems = try validate(fc).problems
        #expect(Set(problems.map(\.kind)) == [.overlap, .gap, .outsideVillage], "\(problems)")
        let overlap = try #require(problems.first { $0.kind == .overlap })
        #expect(overlap.subject == code(west) && overlap.others == [code(east)])
        #expect(overlap.area > 50 * 10)
        #expect(try covers(v, overlap.location))
        #expect(overlap.description.hasPrefix("\(code(west)): overlaps \(code(east)) by "))
        #expect(overlap.description.contains(" m² at 103."))
        let gaps = problems.filter { $0.kind == .gap }
        #expect(!gaps.isEmpty && gaps.allSatisfy { $0.subject == v.code })
        #expect(try gaps.allSatisfy { try covers(v, $0.location) })
        // Areas add up: what the shift uncovered = what it pushed out of the village + the overlap.
        let outside = problems.filter { $0.kind == .outsideVillage }
        #expect(outside.map(\.subject) == [code(west)] && outside[0].others == [v.code])
        let gap = gaps.map(\.area).reduce(0, +)
        #expect(abs(gap - (outside[0].area + overlap.area)) < 0.01 * gap)
    }

    @Test func duplicateCodeIsReportedOnce() throws {
        let (_, west, east) = Self.fixture.split[1]
        var fc = Self.fixture.collection
        setCode(&fc, east, code(west))
        let problems = try validate(fc).problems
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.kind == .duplicateCode && problems.first?.subject == code(west))
        #expect(problems.first?.message == "code is used by 2 features (feature \(west), feature \(east))")
    }

    @Test func malformedCodesAreRejected() throws {
        let (_, west, _) = Self.fixture.split[2]
        let village = String(code(west).prefix(12))
        for bad in [village + "0a1", village + "01", village + "000", "5111111002010011"] {
            var fc = Self.fixture.collection
            setCode(&fc, west, bad)
            let problems = try validate(fc).problems
            #expect(problems.map(\.kind) == [.badCode], "\(bad): \(problems)")
            #expect(problems.first?.subject == bad)
            #expect(problems.first?.message.hasSuffix(bad.hasSuffix("000") ? "(grids are numbered 001–999)"
                                                      : "is not 15 digits (12-digit village code + sequence 001–999)") == true)
        }
        // A code written as a number (a QGIS integer field) is not accepted: codes are strings.
        var fc = Self.fixture.collection
        fc.features[west][property: "code"] = .number(JSONNumber(Double(code(west))!))
        fc.features[west].id = nil
        let problems = try validate(fc).problems
        #expect(problems.map(\.kind) == [.badCode] && problems.first?.subject == "feature \(west)", "\(problems)")
    }

    @Test func codePrefixMustBeTheVillageCode() throws {
        let (v, i) = Self.fixture.single
        let other = Self.boundaries.villages.first { $0.code != v.code }!
        var fc = Self.fixture.collection
        setCode(&fc, i, other.code + "901")
        let problems = try validate(fc).problems
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.kind == .codeVillageMismatch)
        #expect(problems.first?.description == "\(other.code)901: code starts with \(other.code) but village_code is \(v.code)")
    }

    @Test func unknownVillageCodeLeavesItsVillageWithoutAGrid() throws {
        let (v, i) = Self.fixture.single
        let unknown = v.townshipCode + "999"
        var fc = Self.fixture.collection
        setCode(&fc, i, unknown + "001")
        fc.features[i][property: "village_code"] = .string(unknown)
        let problems = try validate(fc).problems
        #expect(problems.map(\.kind) == [.unknownVillage, .noGrid], "\(problems)")
        #expect(problems.map(\.subject) == [unknown + "001", v.code])
        #expect(problems[0].message == "village_code \(unknown) is not a village in villages.geojson")
    }

    @Test func villageWithoutGridIsNamed() throws {
        let (v, i) = Self.fixture.single
        var fc = Self.fixture.collection
        fc.features.remove(at: i)
        let report = try validate(fc)
        #expect(report.problems.map(\.description) == ["\(v.code): \(v.township) \(v.name) has no grid"])
        #expect(report.villagesCovered == 147)
    }

    @Test func townshipCodeMustBeTheVillagesTownship() throws {
        let (v, i) = Self.fixture.single
        let other = Self.boundaries.townships.first { $0.code != v.townshipCode }!
        var fc = Self.fixture.collection
        fc.features[i][property: "township_code"] = .string(other.code)
        fc.features[i][property: "workload"] = .string("lots")
        let problems = try validate(fc).problems
        #expect(problems.map(\.kind) == [.townshipMismatch, .badNumber], "\(problems)")
        #expect(problems.allSatisfy { $0.subject == code(i) })
    }

    @Test func twoPartGridIsNotOnePiece() throws {
        // The west grid also takes an island inside the east half (the east half 20 m inward),
        // and the east grid keeps the rest as a polygon with a hole: still a tiling, but the west
        // grid is in two pieces. (Merging the two halves instead would be invalid as well: parts
        // of a MultiPolygon may not share an edge.)
        let (_, west, east) = Self.fixture.split[0]
        var fc = Self.fixture.collection
        let toMetric = try CoordinateTransform(from: .wgs84, to: .shawanMetric)
        let toWGS84 = try CoordinateTransform(from: .shawanMetric, to: .wgs84)
        let context = GEOSContext()
        let eastM = try context.geometry(from: toMetric.transform(fc.features[east].geometry!))
        let island = try eastM.buffer(width: -20)
        let rest = try eastM.difference(island)
        fc.features[west].geometry = .multiPolygon(fc.features[west].geometry!.polygons
            + (try toWGS84.transform(island.value())).polygons)
        fc.features[east].geometry = try toWGS84.transform(rest.value())
        let problems = try validate(fc).problems
        #expect(problems.map(\.kind) == [.notOnePiece], "\(problems)")
        #expect(problems.first?.subject == code(west))
        #expect(problems.first?.message.hasPrefix("not in one piece: MultiPolygon with ") == true)
    }

    @Test func bowtieIsInvalidWithGEOSReasonAndLocation() throws {
        let (v, i) = Self.fixture.single
        var fc = Self.fixture.collection
        let e = try #require(v.geometry.envelope)
        fc.features[i].geometry = .polygon(Polygon(exterior: [
            Coordinate(e.minX, e.minY), Coordinate(e.maxX, e.maxY), Coordinate(e.maxX, e.minY),
            Coordinate(e.minX, e.maxY), Coordinate(e.minX, e.minY),
        ]))
        let problems = try validate(fc).problems
        let invalid = try #require(problems.first)
        #expect(invalid.kind == .invalid && invalid.subject == code(i))
        #expect(invalid.message == "invalid geometry: Self-intersection")
        let at = try #require(invalid.location)
        #expect(abs(at.x - (e.minX + e.maxX) / 2) < 1e-5 && abs(at.y - (e.minY + e.maxY) / 2) < 1e-5)
        // The repaired bowtie (two triangles) misses parts of the village and sticks out of it.
        #expect(problems.dropFirst().allSatisfy { [.gap, .outsideVillage].contains($0.kind) && [v.code, code(i)].contains($0.subject) })
        #expect(problems.contains { $0.kind == .gap } && problems.contains { $0.kind == .outsideVillage })
    }

    @Test func unparsableFileGetsTheReadersErrorWithFileFeatureAndLine() throws {
        let path = NSTemporaryDirectory() + "grids-\(UUID().uuidString).geojson"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ("{\"type\":\"FeatureCollection\",\"features\":[\n"
             + #"{"type":"Feature","properties":{},"geometry":null},"# + "\n"
             + #"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[103.5,29.4],[103.6,29.4],[103.5,29.5]]]}}]}"#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: GeoJSONError.self) { try GridValidation().run(file: path, boundaries: Self.boundaries) }
        #expect(error?.description == "\(path): feature 1, line 3: polygon ring 0 has 3 positions, needs at least 4")
    }

    @Test func numericFeatureIDsFromQGISAreIgnoredButStringIDsMustMatch() throws {
        var fc = Self.fixture.collection
        let i = Self.fixture.single.index
        fc.features[i].id = .number(JSONNumber(i))
        #expect(try validate(fc).problems.isEmpty)
        fc.features[i].id = .string("511111100001001")
        let problems = try validate(fc).problems
        #expect(problems.map(\.description) == ["\(code(i)): feature id \"511111100001001\" differs from code \"\(code(i))\""])
    }

    @Test func problemDescriptionFormat() {
        let p = GridProblem(kind: .overlap, subject: "511111100201002", others: ["511111100201003"], area: 152.3,
                            message: "overlaps 511111100201003 by 152.3 m²", location: Coordinate(103.551234, 29.402106))
        #expect(p.description == "511111100201002: overlaps 511111100201003 by 152.3 m² at 103.55123, 29.40211")
    }
}
