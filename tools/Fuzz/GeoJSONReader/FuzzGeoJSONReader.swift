// libFuzzer target: GeoJSONReader on arbitrary bytes. Thrown GeoJSONErrors are fine; traps,
// memory errors and hangs are not. A document that reads must also survive GeoJSONWriter and
// read back (without the coordinate-range check: the writer rounds to 7 decimals).
// Built by tools/fuzz.sh (-sanitize=fuzzer -DWANGGE_FUZZ); a plain `swift build` makes a replayer:
//   fuzz-geojson FILE...   runs each file through the same code.
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

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOne(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !WANGGE_FUZZ
@main enum Replay {
    static func main() throws {
        for path in CommandLine.arguments.dropFirst() {
            fuzzOne(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print("ok \(path)")
        }
    }
}
#endif
