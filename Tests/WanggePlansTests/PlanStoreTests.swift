import Foundation
import Testing
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggePlans
@testable import WanggeStore

/// The store on the bundled plan: history, byte-identical round trips, transactions, GDAL.
@Suite(.serialized) struct PlanStoreTests {
    @Test func initLogCheckoutAndExportRoundTripByteForByte() throws {
        let book = try Bundled.store("roundtrip")
        let dir = Bundled.temporaryDirectory("roundtrip-out")
        let v1 = (dir as NSString).appendingPathComponent("v1"), v2 = (dir as NSString).appendingPathComponent("v2")
        try book.export(1, to: v1)
        let r = try book.checkout(1, stamp: Bundled.stamp("", 1))
        #expect(r.version == 2 && r.parent == 1 && r.message == "checkout of version 1" && r.action == "checkout")
        try book.export(to: v2)
        for name in ["grids.geojson", "blocks.geojson"] {
            let a = FileManager.default.contents(atPath: (v1 as NSString).appendingPathComponent(name))
            let b = FileManager.default.contents(atPath: (v2 as NSString).appendingPathComponent(name))
            #expect(a != nil && a == b, "\(name)")
        }
        // The exported text is the plan's own: it reads back to the same features.
        let back = try GeoJSONReader().readFeatureCollection(contentsOf: (v2 as NSString).appendingPathComponent("grids.geojson"))
        #expect(back.features == (try book.plan(1)).1.grids.features)
        let log = try book.log()
        #expect(log.map(\.version) == [1, 2] && log.map(\.parent) == [nil, 1] && log.map(\.author) == ["tester", "tester"])
        #expect(log[0].contentHash == log[1].contentHash)
        // The layers are the current plan's, R-tree included.
        for s in try book.store.layerSummary() {
            let n = s.layer == "grids" ? Bundled.plan.grids.features.count : Bundled.plan.blocks.features.count
            #expect(s.features == n && s.rtree == n && s.registered, "\(s.layer)")
        }
        // A second init on the same store is refused and changes nothing.
        #expect(throws: PlanStoreError.self) { try book.initialize(Bundled.plan, stamp: Bundled.stamp("again")) }
        #expect(try book.log().count == 2)
    }

    @Test func gdalReadsTheStoreAndItsValidatorPassesAfterRewrites() throws {
        let book = try Bundled.store("gdal")
        try book.checkout(1, stamp: Bundled.stamp("", 2))
        // A lock: the locks table (an attributes table) must pass the validator too.
        try book.setLocked([Plan.gridCode(Bundled.plan.grids.features[0])], locked: true, stamp: Bundled.stamp("", 3))
        let info = try run("ogrinfo", package: "gdal-bin", ["-ro", "-so", "-al", book.path])
        #expect(info.status == 0, "\(info.err)")
        #expect(info.out.contains("Layer name: grids") && info.out.contains("Layer name: blocks") && info.out.contains("Layer name: wangge_plan_versions"))
        #expect(info.out.contains("Feature Count: \(Bundled.plan.grids.features.count)") && info.out.contains("Feature Count: \(Bundled.plan.blocks.features.count)"))
        #expect(info.out.contains("Feature Count: 3"))   // three history rows
        #expect(info.out.contains("Layer name: wangge_plan_locks") && info.out.contains("Feature Count: 1"))
        // The R-tree answers a spatial filter: the first grid's centre finds it.
        let g = Bundled.plan.grids.features[0]
        let e = g.geometry!.envelope!
        let hit = try run("ogrinfo", package: "gdal-bin", ["-ro", "-q", book.path, "grids", "-spat", "\(e.minX)", "\(e.minY)", "\(e.maxX)", "\(e.maxY)"])
        #expect(hit.out.contains(Plan.gridCode(g)))
        let v = try run("/usr/bin/python3", package: "python3-gdal", ["-m", "osgeo_utils.samples.validate_gpkg", book.path])
        #expect(v.status == 0 && v.out.isEmpty && v.err.isEmpty, "\(v.out.prefix(800)) \(v.err.prefix(800))")
    }

    @Test func aStaleWriterIsToldToRetryAndNothingIsRecorded() throws {
        let book = try Bundled.store("conflict")
        let before = FileManager.default.contents(atPath: book.path)
        #expect {
            try book.record(Bundled.plan, action: .checkout, stamp: Bundled.stamp("late"), basedOn: 0)
        } throws: { ($0 as? PlanStoreError)?.kind == .conflict }
        #expect(FileManager.default.contents(atPath: book.path) == before)
    }

    @Test func theStoresGridsLayerReadsBackAsTheSameFeatures() throws {
        let book = try Bundled.store("gpkg-read")
        let grids = try GeoPackageReader.read(path: book.path)
        #expect(grids.features == Bundled.plan.grids.features)
        #expect(throws: GeoPackageReadError.self) { try GeoPackageReader.read(path: book.path, layer: "nope") }
    }

    @Test func wkbDecodingRefusesTruncatedInputAndReadsBothByteOrders() throws {
        let ring = [Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)]
        let g = Geometry.multiPolygon([Polygon(exterior: ring)])
        let bytes = WKB.encode(g)
        #expect(try WKB.decode(bytes) == g)
        #expect(try GeoPackageBinary.decode(GeoPackageBinary.encode(g, srsID: 4326)) == g)
        for n in [0, 1, 5, 9, bytes.count - 1] { #expect(throws: WKBDecodeError.self) { try WKB.decode(Array(bytes.prefix(n))) } }
        // Big-endian POINT(1 2): 00 00000001 3FF0… 4000…
        let be: [UInt8] = [0, 0, 0, 0, 1, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]
        #expect(try WKB.decode(be) == .point(Coordinate(1, 2)))
    }
}
