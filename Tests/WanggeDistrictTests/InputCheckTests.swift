import Foundation
import Testing
import WanggeGeoJSON
import WanggeGeometry
@testable import WanggeDistrict

/// The checks every command runs on what it reads: the district itself, the address table and
/// any grid file. Each is shown a real defect and must name it.
@Suite struct InputCheckTests {
    static let boundaries = GridValidationTests.boundaries

    @Test func overlappingVillagesAreRefused() throws {
        var district = Self.boundaries
        // Two neighbouring villages of one township: the second is given the first's outline too,
        // so they overlap completely and the second's own land is a gap.
        let t = district.villages[0].townshipCode
        let pair = district.villages.indices.filter { district.villages[$0].townshipCode == t }.prefix(2)
        let (a, b) = (pair.first!, pair.last!)
        district.villages[b].geometry = district.villages[a].geometry
        let error = #expect(throws: DistrictRejected.self) { try DistrictCheck().require(district, directory: "boundaries") }
        let text = try #require(error?.description)
        #expect(text.contains("overlap"))
        #expect(text.contains(district.villages[a].code) || text.contains(district.villages[b].code))
        #expect(throws: Never.self) { try DistrictCheck().require(Self.boundaries, directory: "boundaries") }
    }

    @Test func aPassIsRememberedOnlyForTheSameGeometry() {
        let key = PassedChecks.key(Self.boundaries, salt: "t")
        #expect(key == PassedChecks.key(Self.boundaries, salt: "t"))
        var moved = Self.boundaries
        moved.villages[3].geometry = moved.villages[4].geometry
        #expect(PassedChecks.key(moved, salt: "t") != key)
        #expect(PassedChecks.key(Self.boundaries, salt: "u") != key)
    }

    @Test func addressesOfUnknownVillagesAreNamed() throws {
        let csv = "id,lon,lat,village_code,households\na1,103.5,29.4,\(Self.boundaries.villages[0].code),3\na2,103.5,29.4,511111999999,2\na3,103.5,29.4,511111999999,1\n"
        var layers = DistrictLayers()
        layers.addresses = try AddressTable.parse(Array(csv.utf8), file: "addresses/x.csv")
        let problems = layers.unknownVillages(in: Self.boundaries)
        #expect(problems == ["2 addresses (first: a2) name village_code '511111999999', which is not in villages.geojson"])
    }

    @Test func anEmptyAddressFileIsAnError() {
        let error = #expect(throws: BoundaryDataError.self) { try AddressTable.parse([], file: "addresses/empty.csv") }
        #expect(error?.description.contains("addresses/empty.csv: the file is empty") == true)
    }

    @Test func gridFileDefectsAreFoundWithoutBoundaries() throws {
        let square = Polygon(exterior: [Coordinate(103.5, 29.4), Coordinate(103.51, 29.4), Coordinate(103.51, 29.41), Coordinate(103.5, 29.41), Coordinate(103.5, 29.4)])
        let bowTie = Polygon(exterior: [Coordinate(103.6, 29.4), Coordinate(103.61, 29.41), Coordinate(103.61, 29.4), Coordinate(103.6, 29.41), Coordinate(103.6, 29.4)])
        func grid(_ code: String, _ g: Geometry?) -> Feature { Feature(properties: ["code": .string(code)], geometry: g) }
        let fc = FeatureCollection(features: [
            grid("511111001001001", .polygon(square)),
            grid("511111001001001", .polygon(square)),
            grid("511111001001002", nil),
            grid("511111001001003", .point(Coordinate(103.5, 29.4))),
            grid("511111001001004", .polygon(bowTie)),
        ])
        let problems = GridFile.structuralProblems(fc)
        #expect(problems.count == 4)
        #expect(problems[0] == "511111001001001 (feature 1): duplicate code (also feature 0)")
        #expect(problems[1] == "511111001001002 (feature 2): no geometry")
        #expect(problems[2] == "511111001001003 (feature 3): a Point is not a grid (Polygon or MultiPolygon)")
        #expect(problems[3].hasPrefix("511111001001004 (feature 4): invalid geometry: Self-intersection at 103.60500, 29.40500"))
    }

    @Test func aGridFileThatFailsValidationIsRejectedUnlessTheUserInsists() throws {
        let path = NSTemporaryDirectory() + "wangge-gridfile-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).geojson"
        defer { unlink(path) }
        var fc = GridValidationTests.fixture.collection
        fc.features.removeLast()
        try GeoJSONWriter().write(fc, toFile: path)
        let error = #expect(throws: GridFileRejected.self) { _ = try GridFile.load(path, boundaries: Self.boundaries) }
        #expect(error?.description.contains("has no grid") == true)
        #expect(error?.description.contains("--no-validate") == true)
        #expect(try GridFile.load(path, boundaries: Self.boundaries, validate: false).features.count == fc.features.count)
    }
}
