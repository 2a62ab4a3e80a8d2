import Foundation
import Testing
import WanggeGeoJSON
import WanggeGeometry

private func c(_ x: Double, _ y: Double) -> Coordinate { Coordinate(x, y) }

/// Counter-clockwise exterior with a clockwise hole, as RFC 7946 wants them.
private let square = [c(103.5, 29.4), c(103.6, 29.4), c(103.6, 29.5), c(103.5, 29.5), c(103.5, 29.4)]
private let hole = [c(103.52, 29.42), c(103.52, 29.48), c(103.58, 29.48), c(103.58, 29.42), c(103.52, 29.42)]
private let polygonWithHole = Polygon(exterior: square, holes: [hole])

private let everyGeometry: [Geometry] = [
    .point(c(103.5, 29.4)),
    .point(c(-0.0000001, -89.9999999)),
    .multiPoint([c(103.5, 29.4), c(103.6, 29.5)]),
    .multiPoint([]),
    .lineString([c(103.5, 29.4), c(103.6, 29.5), c(103.7, 29.3)]),
    .lineString([]),
    .multiLineString([[c(103.5, 29.4), c(103.6, 29.5)], [c(103.7, 29.3), c(103.8, 29.2)]]),
    .multiLineString([]),
    .polygon(Polygon(exterior: square)),
    .polygon(polygonWithHole),
    .polygon(Polygon(exterior: [])),
    .multiPolygon([polygonWithHole, Polygon(exterior: square.map { c($0.x + 1, $0.y) })]),
    .multiPolygon([]),
    .geometryCollection([.point(c(103.5, 29.4)), .polygon(polygonWithHole), .geometryCollection([])]),
    .geometryCollection([]),
]

@Suite struct GeoJSONRoundTripTests {
    @Test(arguments: everyGeometry)
    func geometryRoundTrips(_ geometry: Geometry) throws {
        let feature = Feature(id: .string("g"), properties: ["名称": .string("沙湾区")], geometry: geometry)
        let collection = FeatureCollection(features: [feature, Feature(geometry: geometry)])
        let bytes = try GeoJSONWriter().encode(collection)
        let read = try GeoJSONReader().read(Data(bytes)).featureCollection
        #expect(read == collection)
        #expect(try GeoJSONWriter().encode(read) == bytes)
        for layout in [GeoJSONWriter.Layout.compact, .featurePerLine] {
            let single = try GeoJSONWriter(options: .init(layout: layout)).encode(geometry)
            #expect(try GeoJSONReader().read(single) == .geometry(geometry))
        }
    }

    @Test func exactOutputForSmallInput() throws {
        let input = """
        {"name": "沙湾区", "type": "FeatureCollection", "features": [
          {"geometry": {"coordinates": [103.12345678, -0.00000001], "type": "Point"},
           "properties": {"名称": "沙湾镇", "人口": 12000, "面积": 1.50, "标记": [1, {"b": null, "a": true}]},
           "type": "Feature", "id": 7},
          {"type": "Feature", "properties": null, "geometry": null, "bbox": [1, 2, 3, 4]}
        ]}
        """
        let document = try GeoJSONReader().read(input)
        let expected = """
        {"type":"FeatureCollection","name":"沙湾区","features":[
        {"type":"Feature","id":7,"properties":{"名称":"沙湾镇","人口":12000,"面积":1.50,"标记":[1,{"b":null,"a":true}]},"geometry":{"type":"Point","coordinates":[103.1234568,0]}},
        {"type":"Feature","properties":null,"geometry":null,"bbox":[1,2,3,4]}
        ]}

        """
        let written = String(decoding: try GeoJSONWriter().encode(document), as: UTF8.self)
        #expect(written == expected)
        let compact = String(decoding: try GeoJSONWriter(options: .init(decimals: 2, layout: .compact)).encode(document), as: UTF8.self)
        #expect(compact == """
        {"type":"FeatureCollection","name":"沙湾区","features":[{"type":"Feature","id":7,"properties":{"名称":"沙湾镇","人口":12000,"面积":1.50,"标记":[1,{"b":null,"a":true}]},"geometry":{"type":"Point","coordinates":[103.12,0]}},{"type":"Feature","properties":null,"geometry":null,"bbox":[1,2,3,4]}]}

        """)
        let empty = String(decoding: try GeoJSONWriter().encode(FeatureCollection()), as: UTF8.self)
        #expect(empty == "{\"type\":\"FeatureCollection\",\"features\":[]}\n")
    }

    @Test func writerAppliesRightHandRule() throws {
        let clockwiseExterior = Array(square.reversed())
        let counterClockwiseHole = Array(hole.reversed())
        #expect(Ring.signedArea(clockwiseExterior) < 0)
        let geometry = Geometry.multiPolygon([Polygon(exterior: clockwiseExterior, holes: [counterClockwiseHole])])
        func ring(_ r: [Coordinate]) -> String { "[" + r.map { "[\($0.x),\($0.y)]" }.joined(separator: ",") + "]" }
        let text = #"{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[["# +
            ring(clockwiseExterior) + "," + ring(counterClockwiseHole) + "]]}}"
        // The reader accepts either orientation; the writer fixes it.
        let input = try GeoJSONReader().read(text)
        guard case .feature(let f) = input else { Issue.record("not a feature"); return }
        #expect(f.geometry == geometry)
        let reread = try GeoJSONReader().read(try GeoJSONWriter().encode(f))
        guard case .feature(let written) = reread, let p = written.geometry?.polygons.first else {
            Issue.record("not a polygon feature"); return
        }
        #expect(Ring.isCounterClockwise(p.exterior))
        #expect(!Ring.isCounterClockwise(p.holes[0]))
        #expect(p.exterior == square)
        #expect(p.holes == [hole])
    }

    @Test func chinesePropertiesAndNestedObjectsSurviveByteForByte() throws {
        let properties = #"{"网格名称":"沙湾区第一网格 \"东\"","负责人":{"姓名":"张三","电话":"138\u00000000","标签":["楼栋","商铺"]},"户数":1.250,"小数":-0.0,"大数":1e400,"是":true,"空":null}"#
        let text = "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"id\":\"沙湾-1\",\"properties\":\(properties),\"geometry\":null}\n]}\n"
        let collection = try GeoJSONReader().read(text).featureCollection
        let written = String(decoding: try GeoJSONWriter().encode(collection), as: UTF8.self)
        #expect(written == text)
        let feature = try #require(collection.features.first)
        #expect(feature.string("网格名称") == "沙湾区第一网格 \"东\"")
        #expect(feature.double("户数") == 1.25)
        #expect(feature.int("户数") == nil)
        #expect(feature.bool("是") == true)
        #expect(feature.properties?["负责人"]?.objectValue?.keys == ["姓名", "电话", "标签"])
        #expect(feature.id == .string("沙湾-1"))
    }

    @Test func foreignMembersAreKept() throws {
        let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"name":"网格","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[103.5,29.4],"extra":1},"title":"x"}],"bbox":[103.5,29.4,103.5,29.4]}"#
        let collection = try GeoJSONReader().read(text).featureCollection
        #expect(collection.foreignMembers.map(\.key) == ["crs", "name", "bbox"])
        #expect(collection[foreignMember: "name"] == .string("网格"))
        #expect(collection.features[0].foreignMembers == [JSONMember("title", .string("x"))])
        let reread = try GeoJSONReader().read(try GeoJSONWriter().encode(collection)).featureCollection
        #expect(reread == collection)
    }

    @Test func acceptsFeatureAndBareGeometryAtTopLevel() throws {
        let feature = try GeoJSONReader().read(#"{"type":"Feature","id":3,"properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2,300]}}"#)
        #expect(feature == .feature(Feature(id: .number(JSONNumber(3)), properties: ["a": .number(JSONNumber(1))], geometry: .point(c(1, 2)))))
        let geometry = try GeoJSONReader().read(#"{"coordinates":[[1,2],[3,4]],"type":"LineString"}"#)
        #expect(geometry == .geometry(.lineString([c(1, 2), c(3, 4)])))
        #expect(geometry.featureCollection.features.count == 1)
    }

    @Test func expectedBoundsDetectSwappedCoordinates() throws {
        // Shawan, Xinjiang (85.6 E, 44.3 N) written as lat,lon is still in WGS 84 range.
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"新疆","properties":{},"geometry":{"type":"Point","coordinates":[44.3,85.6]}}]}"#
        #expect(throws: Never.self) { try GeoJSONReader().read(text) }
        let reader = GeoJSONReader(options: .init(expectedBounds: GeoJSONReader.Options.chinaBounds))
        do {
            _ = try reader.read(text, fileName: "district.geojson")
            Issue.record("accepted")
        } catch {
            #expect(error.kind == .swappedCoordinates)
            #expect(error.description.hasPrefix("district.geojson: feature 0 (id \"新疆\"), line 1: coordinates look like lat,lon (swapped)"))
        }
        #expect(throws: GeoJSONError.self) {
            try reader.read(#"{"type":"Point","coordinates":[10,10]}"#)
        }
        let projected = GeoJSONReader(options: .init(checkCoordinateRange: false))
        #expect(try projected.read(#"{"type":"Point","coordinates":[35500000.5,3256000]}"#) == .geometry(.point(c(35500000.5, 3256000))))
    }

    @Test func errorDescriptionReadsLikeTheSpec() {
        let error = GeoJSONError(kind: .geometry, file: "district.geojson", featureIndex: 12, featureID: .string("X"),
                                 line: 40, message: "polygon ring 0 is not closed")
        #expect(error.description == "district.geojson: feature 12 (id \"X\"), line 40: polygon ring 0 is not closed")
    }

    @Test func writerRefusesNonFiniteCoordinates() {
        let collection = FeatureCollection(features: [Feature(id: .string("bad"), geometry: .point(c(.nan, 1)))])
        #expect(throws: GeoJSONError.self) { try GeoJSONWriter().encode(collection) }
    }

    @Test func atomicWriteReplacesFileAndLeavesNoTemporaryFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("geojson-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/网格.geojson"
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        let collection = FeatureCollection(features: [Feature(geometry: .point(c(103.5, 29.4)))])
        try GeoJSONWriter().write(collection, toFile: path)
        #expect(try GeoJSONReader().readFeatureCollection(contentsOf: path) == collection)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["网格.geojson"])
        #expect(throws: GeoJSONError.self) { try GeoJSONWriter().write(collection, toFile: directory + "/missing/x.geojson") }
    }

    @Test func identicalInputGivesIdenticalBytes() throws {
        let collection = FeatureCollection(features: everyGeometry.enumerated().map { i, g in
            Feature(id: .number(JSONNumber(i)), properties: ["i": .number(JSONNumber(i))], geometry: g)
        })
        #expect(try GeoJSONWriter().encode(collection) == GeoJSONWriter().encode(collection))
    }
}

@Suite struct GeoJSONErrorLocationTests {
    @Test func errorNamesFileFeatureIdAndLine() {
        var lines = ["{\"type\":\"FeatureCollection\",\"features\":["]
        for i in 0..<20 {
            let ring = i == 12 ? "[[103.1,29.2],[103.2,29.2],[103.2,29.3],[103.1,29.3]]"
                               : "[[103.1,29.2],[103.2,29.2],[103.2,29.3],[103.1,29.2]]"
            let id = i == 12 ? "\"X\"" : "\(i)"
            lines.append("{\"type\":\"Feature\",\"id\":\(id),\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[\(ring)]}}" + (i < 19 ? "," : ""))
        }
        lines.append("]}")
        do {
            _ = try GeoJSONReader().read(lines.joined(separator: "\n"), fileName: "district.geojson")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "district.geojson: feature 12 (id \"X\"), line 14: polygon ring 0 is not closed (first (103.1, 29.2) ≠ last (103.1, 29.3))")
            #expect(error.featureIndex == 12)
            #expect(error.featureID == .string("X"))
            #expect(error.kind == .geometry)
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            try GeoJSONReader().read(contentsOf: "/nonexistent/沙湾.geojson")
        } throws: { error in
            (error as? GeoJSONError)?.kind == .io
        }
    }
}

@Suite struct GeoJSONRobustnessTests {
    /// Every truncation of a valid file must fail cleanly, never crash or return a partial result.
    @Test func everyTruncationFailsWithAnError() throws {
        let text = #"{"type":"FeatureCollection","name":"沙湾","features":[{"type":"Feature","id":"\ud83d\ude00","properties":{"a":[1.5e3,{"b":null}]},"geometry":{"type":"MultiPolygon","coordinates":[[[[103.5,29.4],[103.6,29.4],[103.6,29.5],[103.5,29.4]]]]}}]}"#
        let bytes = Array(text.utf8)
        #expect(throws: Never.self) { try GeoJSONReader().read(bytes) }
        for length in 0..<bytes.count {
            #expect(throws: GeoJSONError.self, "prefix \(length)") { try GeoJSONReader().read(Array(bytes[..<length])) }
        }
    }
}
