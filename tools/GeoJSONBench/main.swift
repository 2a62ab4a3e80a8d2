// Generates a FeatureCollection of N polygons with properties (default 300,000, about 100 MB),
// writes it with GeoJSONWriter and times reading it back with GeoJSONReader.
// Usage: geojson-bench [feature-count] [path]
import Foundation
import WanggeGeoJSON
import WanggeGeometry

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 300_000 : 300_000
let path = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "/geojson-bench-\(count).geojson"

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var generator = SystemRandomNumberGenerator()
let streets = ["沙湾镇", "福禄镇", "嘉农镇", "太平镇", "踏水镇", "牛石镇", "葫芦镇", "轸溪乡"]
var features: [Feature] = []
features.reserveCapacity(count)
for i in 0..<count {
    // Shawan District, Leshan: around 103.5 E, 29.4 N. Nine-vertex rings, ~1 km cells.
    let cx = 103.3 + Double.random(in: 0..<0.4, using: &generator)
    let cy = 29.2 + Double.random(in: 0..<0.4, using: &generator)
    var ring: [Coordinate] = (0..<8).map { k in
        let a = Double(k) / 8 * 2 * Double.pi
        return Coordinate(cx + 0.005 * cos(a), cy + 0.005 * sin(a))
    }
    ring.append(ring[0])
    let properties: JSONObject = [
        "网格编号": .string("SW-\(i)"),
        "街道": .string(streets[i % streets.count]),
        "人口": .number(JSONNumber(Int.random(in: 100...5000, using: &generator))),
        "面积": .number(JSONNumber(Double(Int.random(in: 1...99999, using: &generator)) / 100)),
        "启用": .bool(i % 3 != 0),
        "负责人": .object(["姓名": .string("张三"), "电话": .null]),
    ]
    features.append(Feature(id: .number(JSONNumber(i)), properties: properties,
                            geometry: .polygon(Polygon(exterior: ring))))
}
let collection = FeatureCollection(features: features, foreignMembers: [JSONMember("name", .string("沙湾区网格"))])
let writer = GeoJSONWriter()
let writeTime = try seconds { try writer.write(collection, toFile: path) }
let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(String(format: "wrote %d features, %.1f MB, to %@ in %.2f s", count, Double(size) / 1e6, path, writeTime))

var document: GeoJSONDocument?
let readTime = try seconds { document = try GeoJSONReader().read(contentsOf: path) }
let readCount = document?.featureCollection.features.count ?? 0
print(String(format: "read %d features in %.2f s (%.0f MB/s)", readCount, readTime, Double(size) / 1e6 / readTime))
guard readCount == count else {
    print("MISMATCH")
    exit(1)
}
