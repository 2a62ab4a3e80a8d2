import Foundation
import Testing
import WanggeGeometry
@testable import WanggeGeoJSON

/// A file read from disk is mapped and its pages given back feature by feature; what comes out
/// must be exactly what the same bytes give in memory.
@Suite struct MappedReadTests {
    /// About 10 MB of squares with long rings: more than one 8 MiB step is given back.
    static func bigCollection() -> String {
        var text = "{\"type\":\"FeatureCollection\",\"features\":[\n"
        for k in 0..<600 {
            var ring: [String] = []
            let x0 = 103.4 + Double(k % 30) * 0.01, y0 = 29.2 + Double(k / 30) * 0.01
            for i in 0..<400 { ring.append("[\(x0 + Double(i) * 0.00001),\(y0)]") }
            for i in 0..<400 { ring.append("[\(x0 + 0.004),\(y0 + Double(i) * 0.00001)]") }
            for i in 0..<400 { ring.append("[\(x0 + 0.004 - Double(i) * 0.00001),\(y0 + 0.004)]") }
            for i in 0..<400 { ring.append("[\(x0),\(y0 + 0.004 - Double(i) * 0.00001)]") }
            ring.append("[\(x0),\(y0)]")
            text += (k == 0 ? "" : ",\n") + "{\"type\":\"Feature\",\"id\":\"G\(k)\",\"properties\":{\"code\":\"\(k)\",\"名\":\"格\(k)\"},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" + ring.joined(separator: ",") + "]]}}"
        }
        return text + "\n]}\n"
    }

    @Test func aMappedFileReadsAsItsBytes() throws {
        let text = Self.bigCollection()
        #expect(text.utf8.count > 9 << 20)
        let path = NSTemporaryDirectory() + "wangge-mapped-\(getpid()).geojson"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try GeoJSONReader().read(contentsOf: path)
        let fromBytes = try GeoJSONReader().read(text, fileName: path)
        #expect(fromFile == fromBytes)
        #expect(fromFile.featureCollection.features.count == 600)
    }

    @Test func anErrorLateInAMappedFileStillNamesFeatureAndLine() throws {
        // The bytes before the bad feature have been given back; the message is unchanged.
        var text = Self.bigCollection()
        text = String(text.dropLast(4)) + ",\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[200,29]}}\n]}\n"
        let path = NSTemporaryDirectory() + "wangge-mapped-bad-\(getpid()).geojson"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        func failure(_ read: () throws(GeoJSONError) -> GeoJSONDocument) -> GeoJSONError? {
            do { _ = try read(); return nil } catch { return error }
        }
        let fromFile = failure { () throws(GeoJSONError) in try GeoJSONReader().read(contentsOf: path) }
        let inMemory = failure { () throws(GeoJSONError) in try GeoJSONReader().read(text, fileName: path) }
        #expect(fromFile != nil && fromFile == inMemory)
        #expect(fromFile?.featureIndex == 600 && fromFile?.line == 602 && fromFile?.kind == .coordinateRange)
    }

    @Test func ringsHoldNoSpareCapacity() throws {
        // Appending doubles an array's storage; a document keeps its rings at their own size.
        let text = Self.bigCollection()
        let features = try GeoJSONReader().read(text).featureCollection.features
        for f in features.prefix(20) {
            let ring = f.geometry!.polygons[0].exterior
            #expect(ring.count == 1601)
            #expect(ring.capacity - ring.count <= 64, "\(ring.capacity) for \(ring.count)")
        }
    }
}
