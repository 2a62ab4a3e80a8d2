// libFuzzer target: GeoJSONReader on arbitrary bytes. Thrown GeoJSONErrors are fine; traps,
// memory errors and hangs are not. A document that reads must also survive GeoJSONWriter and
// read back (without the coordinate-range check: the writer rounds to 7 decimals).
// Entry points (libFuzzer's, and `fuzz-geojson FILE...` as a replayer): ../Shared/FuzzEntry.swift.
import Foundation
import WanggeGeoJSON
import WanggeGeometry

let readers = [
    GeoJSONReader(),
    GeoJSONReader(options: .init(checkCoordinateRange: false)),
    GeoJSONReader(options: .init(checkCoordinateRange: true, expectedBounds: GeoJSONReader.Options.chinaBounds)),
]
let plainReader = GeoJSONReader(options: .init(checkCoordinateRange: false))

func fuzzOne(_ bytes: [UInt8]) {
    for reader in readers {
        guard let document = try? reader.read(bytes, fileName: "fuzz.geojson") else { continue }
        _ = document.featureCollection
        guard let written = try? GeoJSONWriter().encode(document) else { continue }
        do {
            _ = try plainReader.read(written, fileName: "rewritten.geojson")
        } catch {
            fatalError("written GeoJSON does not read back: \(error)\n\(String(decoding: written, as: UTF8.self))")
        }
    }
    _ = try? JSONValue.parse(bytes)
}
