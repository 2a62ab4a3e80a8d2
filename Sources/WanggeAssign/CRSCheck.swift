// A cheap look at whether the points are where the stated CRS puts them: most of them outside
// the grids, or closer to the district's addresses when read in the other CRS (GCJ-02 points —
// what Amap, Tencent and WeChat give — read as WGS-84 land about 380 m off in Shawan).
import WanggeCRS
import WanggeGeometry
import WanggeIO

public enum CRSCheck {
    /// At most this many points are looked at (a seeded reservoir sample of the input).
    public static let sampleSize = 1000

    /// The name `--crs` takes.
    public static func name(_ crs: CRS) -> String {
        switch crs {
        case .wgs84: "wgs84"
        case .cgcs2000: "cgcs2000"
        case .gcj02: "gcj02"
        case .bd09: "bd09"
        default: crs.description
        }
    }

    /// What the sample looks like under one reading.
    public struct Reading: Sendable, Equatable {
        public var crs: CRS
        /// Share of the sample in no grid.
        public var outside: Double
        /// Median distance (m) from a sample point to the nearest reference point (an address);
        /// nil without references.
        public var medianDistance: Double?
    }

    /// The CRS a point file is most often confused with: GCJ-02 for WGS-84/CGCS2000 and BD-09,
    /// WGS-84 for GCJ-02; nil for anything else (projected or EPSG systems are not guessed at).
    public static func alternative(to crs: CRS) -> CRS? {
        switch crs {
        case .wgs84, .cgcs2000, .bd09: .gcj02
        case .gcj02: .wgs84
        default: nil
        }
    }

    /// The sample read as `crs`: how much lies outside the grids, how far from `reference`
    /// (WGS-84 points of the district, e.g. its addresses; nearest searched within 2 km).
    public static func reading(_ sample: [Coordinate], as crs: CRS, grids: GridSet, reference: ReferencePoints?) -> Reading? {
        guard !sample.isEmpty else { return nil }
        let points: [Coordinate]
        if crs == .wgs84 { points = sample } else {
            guard let t = try? CoordinateTransform(from: crs, to: .wgs84), let p = try? t.transform(sample) else { return nil }
            points = p
        }
        var outside = 0
        var distances: [Double] = []
        for p in points {
            if !(p.x.isFinite && p.y.isFinite) { outside += 1 } else if case .outside = grids.index.locate(p.x, p.y) { outside += 1 }
            if let reference, let m = grids.lattice.project(p.x, p.y) { distances.append(reference.nearest(m)) }
        }
        distances.sort()
        return Reading(crs: crs, outside: Double(outside) / Double(points.count),
                       medianDistance: distances.isEmpty ? nil : distances[distances.count / 2])
    }

    /// Warnings (for standard error; none when all looks right) about `sample`, the input's
    /// coordinates as given in `crs`.
    public static func warnings(sample: [Coordinate], crs: CRS, grids: GridSet, reference: ReferencePoints?) -> [String] {
        guard sample.count >= 20, let given = reading(sample, as: crs, grids: grids, reference: reference) else { return [] }
        let other = alternative(to: crs).flatMap { reading(sample, as: $0, grids: grids, reference: reference) }
        func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
        var out: [String] = []
        let n = "\(sample.count) sampled point\(sample.count == 1 ? "" : "s")"
        if given.outside > 0.5 {
            var w = "\(percent(given.outside)) of \(n) fall outside the grids read as \(name(crs))"
            if let other, other.outside < 0.5 {
                w += "; read as \(name(other.crs)) only \(percent(other.outside)) would — is --crs \(name(other.crs)) right?"
            } else {
                w += " — are these points of this district, and is --crs right?"
            }
            out.append(w)
        } else if let other, let g = given.medianDistance, let o = other.medianDistance, g >= 30, o < g / 2 {
            // Inside the district either way (a shift of a few hundred metres): the addresses tell.
            out.append("the points lie a median \(Int(g.rounded())) m from the nearest address read as \(name(crs)), but \(Int(o.rounded())) m read as \(name(other.crs)) (\(n)): are they \(name(other.crs)) coordinates? (--crs \(name(other.crs)))")
        }
        return out
    }

    /// Reservoir sample of at most `sampleSize` points, seeded (the same input gives the same sample).
    public struct Sampler: Sendable {
        public private(set) var sample: [Coordinate] = []
        private var seen = 0
        private var rng = SplitMix64.stream(0x5EED, "crs-check")
        public init() {}
        public mutating func add(_ c: Coordinate) {
            seen += 1
            if sample.count < CRSCheck.sampleSize { sample.append(c); return }
            let k = rng.nextIndex(below: seen)
            if k < CRSCheck.sampleSize { sample[k] = c }
        }
    }
}

/// Points in a metric CRS bucketed in 100 m cells, for "how far to the nearest one" (capped at
/// 2 km: beyond, the answer is 2 km).
public struct ReferencePoints: Sendable {
    static let cell = 100.0, cap = 2000.0
    private var buckets: [Int64: [Coordinate]] = [:]

    /// `points` WGS-84, projected with the grids' lattice (points beyond it are left out).
    public init(wgs84 points: [Coordinate], grids: GridSet) {
        for p in points { if let m = grids.lattice.project(p.x, p.y) { buckets[Self.key(m), default: []].append(m) } }
    }

    public var isEmpty: Bool { buckets.isEmpty }

    static func key(_ m: Coordinate) -> Int64 { key(Int64((m.x / cell).rounded(.down)), Int64((m.y / cell).rounded(.down))) }
    static func key(_ i: Int64, _ j: Int64) -> Int64 { (i << 32) ^ (j & 0xFFFF_FFFF) }

    func nearest(_ m: Coordinate) -> Double {
        let ci = Int64((m.x / Self.cell).rounded(.down)), cj = Int64((m.y / Self.cell).rounded(.down))
        var best = Self.cap * Self.cap
        let rings = Int64(Self.cap / Self.cell)
        for r in 0...rings {
            // Once a ring's nearest possible point is beyond the best, stop.
            if Double(r - 1) * Self.cell > best.squareRoot() { break }
            for i in (ci - r)...(ci + r) {
                for j in (cj - r)...(cj + r) where max(abs(i - ci), abs(j - cj)) == r {
                    for p in buckets[Self.key(i, j)] ?? [] {
                        let dx = p.x - m.x, dy = p.y - m.y
                        best = min(best, dx * dx + dy * dy)
                    }
                }
            }
        }
        return best.squareRoot()
    }
}
