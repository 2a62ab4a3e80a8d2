// libFuzzer target: the ESRI ASCII Grid reader (ElevationModel(asciiGrid:)). Bytes that parse
// are written again (whole metres and 2 decimals) and must read back with the same size, corner
// and cell size, NODATA cells still NODATA; lookups anywhere (cell centres, corners, outside, NaN) and a walk
// across the raster must not trap, and on ordinary values bilinear at a cell centre is the cell.
// Entry points (libFuzzer's, and `fuzz-elevation FILE...` as a replayer): ../Shared/FuzzEntry.swift.
import Foundation
import WanggeDistrict
import WanggeGeometry

/// precondition() drops its message in release builds; this one keeps it.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}

func fuzzOne(_ bytes: [UInt8]) {
    guard let model = try? ElevationModel(asciiGrid: bytes, file: "fuzz.asc") else { return }
    for decimals in [0, 2] {
        let text = model.asciiGrid(decimals: decimals)
        let again: ElevationModel
        do { again = try ElevationModel(asciiGrid: Array(text.utf8), file: "rewritten.asc") } catch {
            fatalError("a written grid does not read back: \(error)\n\(text.prefix(2000))")
        }
        check(again.columns == model.columns && again.rows == model.rows, "size changed")
        check(again.minX == model.minX && again.minY == model.minY && again.cellSize == model.cellSize,
              "corner or cell size changed: \(again.minX), \(again.minY), \(again.cellSize)")
        // (Not the converse: a value that rounds to the NODATA text becomes NODATA, as in GDAL.)
        check(zip(again.values, model.values).allSatisfy { $0.isNaN || !$1.isNaN }, "a NODATA cell came back with a value")
    }
    let e = model.extent
    let probes = [Coordinate(e.minX, e.minY), Coordinate(e.maxX, e.maxY), Coordinate((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2),
                  Coordinate(e.minX - 1, e.minY), Coordinate(.nan, e.minY), Coordinate(.infinity, .infinity)]
    for p in probes { _ = model.elevation(at: p); _ = model.cell(containing: p) }
    _ = model.slope(from: probes[0], to: probes[1])
    _ = model.walk(along: [probes[0], probes[2], probes[1]], spacing: max(model.cellSize, (e.maxX - e.minX) / 1000))
    // Exact only where the values are ordinary and the coordinates hold a cell centre to within
    // far less than a hundredth of a cell (the snapping tolerance's cap).
    let largest = max(abs(e.minX), abs(e.minY), abs(e.maxX), abs(e.maxY))
    let ordinary = model.values.allSatisfy { $0.isNaN || abs($0) < 1e12 } && 16 * largest.ulp / model.cellSize < 1e-3
    for r in stride(from: 0, to: model.rows, by: max(1, model.rows / 7)) {
        for c in stride(from: 0, to: model.columns, by: max(1, model.columns / 7)) {
            let centre = model.centre(column: c, row: r)
            let z = model.elevation(at: centre), v = model.value(column: c, row: r)
            if ordinary, model.cell(containing: centre).map({ $0 == (c, r) }) == true, let v, let z {
                check(z == v, "bilinear at the centre of (\(c), \(r)) is \(z), the cell is \(v)")
            }
        }
    }
}
