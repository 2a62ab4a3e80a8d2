// libFuzzer target: `wangge assign` input parsing. The same bytes go through
// AssignPipeline.runCSV (CSV output with tiny chunks, and either GeoJSON output or JSON lines
// from GCJ-02 input) and AssignPipeline.runGeoJSON (GeoJSON points in, CSV and JSON lines out).
// Thrown errors are fine; crashes are not.
// Entry points (libFuzzer's, and `fuzz-assign FILE...` as a replayer): ../Shared/FuzzEntry.swift.
import Foundation
import WanggeAssign
import WanggeCRS
import WanggeGeoJSON

/// Three grids in Shawan: two 0.01° squares sharing an edge and a third one with a hole.
let gridsGeoJSON = """
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"G001","name":"一,格","village":"新华村","township":"沙湾镇"},
 "geometry":{"type":"Polygon","coordinates":[[[103.50,29.30],[103.51,29.30],[103.51,29.31],[103.50,29.31],[103.50,29.30]]]}},
{"type":"Feature","properties":{"code":"G002","name":"二\\"格","village":"新华村","township":"沙湾镇"},
 "geometry":{"type":"Polygon","coordinates":[[[103.51,29.30],[103.52,29.30],[103.52,29.31],[103.51,29.31],[103.51,29.30]]]}},
{"type":"Feature","id":"G003","properties":{"name":"三格","village":"福禄村","township":"福禄镇"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[103.54,29.32],[103.56,29.32],[103.56,29.34],[103.54,29.34],[103.54,29.32]],
   [[103.545,29.325],[103.545,29.335],[103.555,29.335],[103.555,29.325],[103.545,29.325]]]]}}
]}
"""

let grids: GridSet = {
    do {
        return try GridSet(collection: GeoJSONReader().readFeatureCollection(Data(gridsGeoJSON.utf8)))
    } catch { fatalError("fuzz-assign: cannot build the grid set: \(error)") }
}()

func pipeline(_ output: OutputFormat, crs: CRS = .wgs84, chunkRows: Int = 32_768) -> AssignPipeline {
    var options = AssignOptions()
    options.output = output
    options.crs = crs
    options.chunkRows = chunkRows
    options.maxReportedLines = 2
    // Inputs are at most a few KiB (fuzz.sh's -max_len): the CLI's 4 MiB read buffer, allocated
    // and cleared for every run, was most of the time per input.
    options.readBufferBytes = 4096
    do {
        let p = try AssignPipeline(grids: grids, options: options)
        p.diagnostic = { _ in }
        return p
    } catch { fatalError("fuzz-assign: cannot make a pipeline: \(error)") }
}

nonisolated(unsafe) let csvPipeline = pipeline(.csv, chunkRows: 3)
nonisolated(unsafe) let geojsonPipeline = pipeline(.geojson)
nonisolated(unsafe) let gcjPipeline = pipeline(.jsonl, crs: .gcj02, chunkRows: 2)

func fuzzOne(_ bytes: [UInt8]) {
    // The CSV output always, the other two outputs by turns (odd/even length).
    _ = try? csvPipeline.runCSV(MemoryStream(bytes), MemoryStream())
    _ = try? (bytes.count % 2 == 0 ? geojsonPipeline : gcjPipeline).runCSV(MemoryStream(bytes), MemoryStream())
    // Input that cannot be a GeoJSON object is rejected by the reader at its first byte.
    guard bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") else { return }
    _ = try? csvPipeline.runGeoJSON(Data(bytes), fileName: "fuzz.geojson", MemoryStream())
    _ = try? gcjPipeline.runGeoJSON(Data(bytes), fileName: "fuzz.geojson", MemoryStream())
}
