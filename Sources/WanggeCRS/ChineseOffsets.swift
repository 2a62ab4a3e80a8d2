// GCJ-02 and BD-09: the offsets Chinese web maps apply to WGS-84. Neither is in PROJ or EPSG; the
// forward formulas below are the widely published ones (same constants and series as e.g.
// coordtransform / eviltransform). The inverses have no closed form, so they iterate.
import Foundation
import WanggeGeometry

/// GCJ-02 ("Mars coordinates", 国测局坐标), as used by Amap and Tencent maps.
public enum GCJ02 {
    /// Krasovsky 1940 semi-major axis (m) and first eccentricity squared, as in the formula.
    static let a = 6378245.0
    static let ee = 0.00669342162296594323

    /// The formula only offsets points inside a rough bounding box of China
    /// (lon 72.004–137.8347°E, lat 0.8293–55.8271°N); outside it GCJ-02 = WGS-84. The box is the
    /// one the published code uses, so it also covers parts of neighbouring countries; that is
    /// what Chinese map providers do, so we match it rather than use a real border.
    public static func isOutsideChina(_ c: Coordinate) -> Bool {
        !(c.x >= 72.004 && c.x <= 137.8347 && c.y >= 0.8293 && c.y <= 55.8271)
    }

    /// WGS-84 → GCJ-02 (the published forward formula). Offsets are a few hundred metres.
    public static func fromWGS84(_ w: Coordinate) -> Coordinate {
        if isOutsideChina(w) { return w }
        let x = w.x - 105.0, y = w.y - 35.0
        var dLat = latitudeSeries(x, y)
        var dLon = longitudeSeries(x, y)
        let radLat = w.y / 180.0 * .pi
        let s = sin(radLat)
        let magic = 1 - ee * s * s
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(w.x + dLon, w.y + dLat)
    }

    /// GCJ-02 → WGS-84 by fixed-point iteration on the forward formula: w ← w − (F(w) − g).
    /// The offset changes slowly (|∂offset/∂w| ≈ 10⁻²), so every step gains about two digits;
    /// 4–5 steps reach `tolerance` (degrees) in China. Throws if `maxIterations` isn't enough
    /// (only seen where the China box check flips between steps, at the box edge).
    public static func toWGS84(_ g: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        try invert(g, crs: "GCJ-02", tolerance: tolerance, maxIterations: maxIterations, forward: fromWGS84)
    }

    /// Standard series in (lon − 105, lat − 35) giving the latitude offset before scaling.
    static func latitudeSeries(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return r
    }

    /// Standard series giving the longitude offset before scaling.
    static func longitudeSeries(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return r
    }
}

/// BD-09 (百度坐标), Baidu's offset of GCJ-02.
public enum BD09 {
    static let xPi = Double.pi * 3000.0 / 180.0

    /// GCJ-02 → BD-09 (the published x_pi formula).
    public static func fromGCJ02(_ g: Coordinate) -> Coordinate {
        let z = (g.x * g.x + g.y * g.y).squareRoot() + 0.00002 * sin(g.y * xPi)
        let theta = atan2(g.y, g.x) + 0.000003 * cos(g.x * xPi)
        return Coordinate(z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    /// BD-09 → GCJ-02. The published reverse formula only approximates the inverse (errors of
    /// a few decimetres), so it is used as the start of the same fixed-point iteration.
    public static func toGCJ02(_ b: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        try invert(b, start: approximateGCJ02(b), crs: "BD-09", tolerance: tolerance,
                   maxIterations: maxIterations, forward: fromGCJ02)
    }

    /// WGS-84 → BD-09, via GCJ-02.
    public static func fromWGS84(_ w: Coordinate) -> Coordinate { fromGCJ02(GCJ02.fromWGS84(w)) }

    /// BD-09 → WGS-84: both iterative inverses in turn.
    public static func toWGS84(_ b: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        try GCJ02.toWGS84(toGCJ02(b, tolerance: tolerance, maxIterations: maxIterations),
                          tolerance: tolerance, maxIterations: maxIterations)
    }

    /// The published closed-form reverse (approximate).
    static func approximateGCJ02(_ b: Coordinate) -> Coordinate {
        let x = b.x - 0.0065, y = b.y - 0.006
        let z = (x * x + y * y).squareRoot() - 0.00002 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000003 * cos(x * xPi)
        return Coordinate(z * cos(theta), z * sin(theta))
    }
}

/// Solves forward(w) = target for w by w ← w − (forward(w) − target). Returns the step *after*
/// the residual drops below `tolerance`, which is about 100× closer than the tolerance itself.
func invert(_ target: Coordinate, start: Coordinate? = nil, crs: String, tolerance: Double,
            maxIterations: Int, forward: (Coordinate) -> Coordinate) throws(CRSError) -> Coordinate
{
    guard target.x.isFinite, target.y.isFinite else { throw .nonFiniteCoordinate(target) }
    var w = start ?? target
    for _ in 0..<maxIterations {
        let f = forward(w)
        let dx = f.x - target.x, dy = f.y - target.y
        w = Coordinate(w.x - dx, w.y - dy)
        if abs(dx) < tolerance && abs(dy) < tolerance { return w }
    }
    throw .inverseDidNotConverge(input: target, crs: crs)
}
