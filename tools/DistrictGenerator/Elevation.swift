import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeometry

extension Terrain {
    /// The DEM as it is shipped (`boundaries/elevation.asc`): over `envelope` (the district's, in
    /// the metric CRS) snapped outward to whole multiples of `cellSize` plus one cell on every
    /// side — so bilinear lookups anywhere in the district have four cell centres around them —,
    /// each cell the area-weighted mean of the 40 m cells it overlaps (`cellSize` need not be a
    /// multiple of 40). The weights are separable (overlap in x times overlap in y) and summed in a
    /// fixed order: the same terrain gives the same values, bit for bit.
    func elevationModel(covering envelope: Envelope, cellSize: Double, crs: CRS) throws -> ElevationModel {
        let minX = ((envelope.minX / cellSize).rounded(.down) - 1) * cellSize
        let maxX = ((envelope.maxX / cellSize).rounded(.up) + 1) * cellSize
        let minY = ((envelope.minY / cellSize).rounded(.down) - 1) * cellSize
        let maxY = ((envelope.maxY / cellSize).rounded(.up) + 1) * cellSize
        let columns = Int(((maxX - minX) / cellSize).rounded()), rows = Int(((maxY - minY) / cellSize).rounded())
        let f = frame, fs = f.cellSize

        /// For each output cell along one axis (offsets measured from the source's first edge,
        /// increasing with the index), the source cells it overlaps and by how much.
        func weights(start: Double, count: Int, sourceCount: Int) throws -> [[(Int, Double)]] {
            try (0..<count).map { i in
                let a = start + Double(i) * cellSize, b = a + cellSize
                let lo = Int((a / fs).rounded(.down)), hi = Int((b / fs).rounded(.up)) - 1
                guard lo >= 0, hi < sourceCount else {
                    throw GeneratorError.failed("the elevation raster reaches past the 40 m terrain (cell \(i))")
                }
                return (lo...hi).compactMap { k in
                    let overlap = min(b, Double(k + 1) * fs) - max(a, Double(k) * fs)
                    return overlap > 0 ? (k, overlap) : nil
                }
            }
        }
        let wx = try weights(start: minX - f.minX, count: columns, sourceCount: f.width)
        let wy = try weights(start: f.maxY - maxY, count: rows, sourceCount: f.height)
        var values = [Double](repeating: 0, count: columns * rows)
        for r in 0..<rows {
            for c in 0..<columns {
                var sum = 0.0, total = 0.0
                for (j, y) in wy[r] {
                    for (k, x) in wx[c] {
                        sum += elevation[j * f.width + k] * x * y
                        total += x * y
                    }
                }
                // Whole metres, as the file has them: the model in memory is the file's.
                values[r * columns + c] = (sum / total).rounded()
            }
        }
        return try ElevationModel(columns: columns, rows: rows, minX: minX, minY: minY, cellSize: cellSize,
                                  noData: -9999, values: values, crs: crs)
    }
}
