// GCJ-02 and BD-09: the offsets Chinese web maps apply to WGS-84. Neither is in PROJ or EPSG; the
// forward formulas below are the widely published ones (same constants and series as e.g.
// coordtransform / eviltransform). The inverses have no closed form, so they iterate. Both apply
// only inside mainland China (`ChinaOutline`); elsewhere every function returns its input.
import Foundation
import WanggeGeometry

/// GCJ-02 ("Mars coordinates", 国测局坐标), as used by Amap and Tencent maps.
public enum GCJ02 {
    /// Krasovsky 1940 semi-major axis (m) and first eccentricity squared, as in the formula.
    static let a = 6378245.0
    static let ee = 0.00669342162296594323

    /// GCJ-02 applies in mainland China only (not Hong Kong, Macao or Taiwan); everywhere else
    /// GCJ-02 = WGS-84. "Inside" is `ChinaOutline`: Natural Earth's 1:50m China buffered outward
    /// by 5–15 km so that border towns stay inside (tools/reference/china_outline.py). The
    /// published code's rectangle (lon 72.004–137.8347°E, lat 0.8293–55.8271°N) also took in
    /// Seoul, Pyongyang, Hanoi, Ulaanbaatar, Bangkok, Singapore, Taipei, Hong Kong…
    public static func isOutsideChina(_ c: Coordinate) -> Bool { !ChinaOutline.contains(c) }

    /// WGS-84 → GCJ-02 (the published forward formula). Offsets are a few hundred metres; points
    /// outside mainland China are returned unchanged.
    public static func fromWGS84(_ w: Coordinate) -> Coordinate {
        isOutsideChina(w) ? w : offset(w)
    }

    /// GCJ-02 → WGS-84 by fixed-point iteration on the forward formula: w ← w − (F(w) − g).
    /// The offset changes slowly (|∂offset/∂w| ≈ 10⁻²), so every step gains about two digits;
    /// 4–5 steps reach `tolerance` (degrees).
    ///
    /// Inside or outside China is decided once, on the GCJ-02 input `g`; outside, `g` is returned
    /// unchanged, inside, the iteration runs on the unconditional formula. The two can only
    /// disagree within the offset (< 1 km) of the outline's edge, which lies 5–15 km beyond the
    /// border: there a round trip may return the point moved by the offset.
    public static func toWGS84(_ g: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        guard g.x.isFinite, g.y.isFinite else { throw .nonFiniteCoordinate(g) }
        if isOutsideChina(g) { return g }
        return try invert(g, crs: "GCJ-02", tolerance: tolerance, maxIterations: maxIterations, forward: offset)
    }

    /// The published forward formula without the China test (wherever the point is).
    static func offset(_ w: Coordinate) -> Coordinate {
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

    /// GCJ-02 → BD-09 (the published x_pi formula). Like GCJ-02, BD-09 only differs from its
    /// base inside mainland China (`GCJ02.isOutsideChina`); other points are returned unchanged.
    public static func fromGCJ02(_ g: Coordinate) -> Coordinate {
        GCJ02.isOutsideChina(g) ? g : offset(g)
    }

    /// BD-09 → GCJ-02. The published reverse formula only approximates the inverse (errors of
    /// a few decimetres), so it is used as the start of the same fixed-point iteration. Inside or
    /// outside China is decided on the BD-09 input, as in `GCJ02.toWGS84`.
    public static func toGCJ02(_ b: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        guard b.x.isFinite, b.y.isFinite else { throw .nonFiniteCoordinate(b) }
        if GCJ02.isOutsideChina(b) { return b }
        return try invert(b, start: approximateGCJ02(b), crs: "BD-09", tolerance: tolerance,
                          maxIterations: maxIterations, forward: offset)
    }

    /// WGS-84 → BD-09, via GCJ-02; unchanged outside mainland China (decided on `w`).
    public static func fromWGS84(_ w: Coordinate) -> Coordinate {
        GCJ02.isOutsideChina(w) ? w : offset(GCJ02.offset(w))
    }

    /// BD-09 → WGS-84: both iterative inverses in turn; unchanged outside mainland China
    /// (decided once, on the BD-09 input).
    public static func toWGS84(_ b: Coordinate, tolerance: Double = 1e-9, maxIterations: Int = 30)
        throws(CRSError) -> Coordinate
    {
        guard b.x.isFinite, b.y.isFinite else { throw .nonFiniteCoordinate(b) }
        if GCJ02.isOutsideChina(b) { return b }
        let g = try invert(b, start: approximateGCJ02(b), crs: "BD-09", tolerance: tolerance,
                           maxIterations: maxIterations, forward: offset)
        return try invert(g, crs: "GCJ-02", tolerance: tolerance, maxIterations: maxIterations,
                          forward: GCJ02.offset)
    }

    /// The published x_pi formula without the China test.
    static func offset(_ g: Coordinate) -> Coordinate {
        let z = (g.x * g.x + g.y * g.y).squareRoot() + 0.00002 * sin(g.y * xPi)
        let theta = atan2(g.y, g.x) + 0.000003 * cos(g.x * xPi)
        return Coordinate(z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
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
