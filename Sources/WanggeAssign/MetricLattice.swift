// WGS-84 → metric CRS by bilinear interpolation on a lattice of PROJ-projected nodes: the
// projection is smooth, so on a 0.002° (~200 m) lattice the interpolation error is of the
// order of h²·|f''|/8 ≈ micrometres for a transverse Mercator this close to its central meridian
// (the tests check < 1 mm against PROJ). Saves a PROJ call per outside point.
import WanggeCRS
import WanggeGeometry

public struct MetricLattice: Sendable {
    let lon0: Double, lat0: Double, step: Double, inv: Double
    let nx: Int, ny: Int
    let xs: [Double], ys: [Double]

    /// Covers `envelope` (degrees) plus `margin` on each side.
    public init(envelope e: Envelope, margin: Double = 0.05, step: Double = 0.002, to transform: CoordinateTransform) throws {
        lon0 = e.minX - margin; lat0 = e.minY - margin
        self.step = step; inv = 1 / step
        nx = Int(((e.width + 2 * margin) / step).rounded(.up)) + 1
        ny = Int(((e.height + 2 * margin) / step).rounded(.up)) + 1
        var nodes: [Coordinate] = []
        nodes.reserveCapacity(nx * ny)
        for j in 0..<ny { for i in 0..<nx { nodes.append(Coordinate(lon0 + Double(i) * step, lat0 + Double(j) * step)) } }
        let projected = try transform.transform(nodes)
        xs = projected.map(\.x); ys = projected.map(\.y)
    }

    /// The projected point, or nil outside the lattice.
    @inline(__always)
    public func project(_ lon: Double, _ lat: Double) -> Coordinate? {
        let fx = (lon - lon0) * inv, fy = (lat - lat0) * inv
        // Bounds on the doubles, before Int(): a huge coordinate (1e20) would trap there. NaN fails too.
        guard fx >= 0, fy >= 0, fx < Double(nx - 1), fy < Double(ny - 1) else { return nil }
        let i = Int(fx), j = Int(fy)
        let u = fx - Double(i), v = fy - Double(j)
        let k = j * nx + i
        let x = (xs[k] * (1 - u) + xs[k + 1] * u) * (1 - v) + (xs[k + nx] * (1 - u) + xs[k + nx + 1] * u) * v
        let y = (ys[k] * (1 - u) + ys[k + 1] * u) * (1 - v) + (ys[k + nx] * (1 - u) + ys[k + nx + 1] * u) * v
        return Coordinate(x, y)
    }
}
