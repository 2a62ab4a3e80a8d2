import WanggeGeometry

/// Which kind of line each stretch of village boundary lies on (ridge, river, street, road, the
/// district outline): the evidence that boundaries follow the lines people recognise.
public struct BoundaryLineage: Sendable {
    public init() {}

    private var segments: [(a: Coordinate, b: Coordinate, kind: String)] = []
    private var buckets: [Int: [Int]] = [:]
    private let size = 250.0

    public mutating func add(_ line: [Coordinate], kind: String) {
        guard line.count >= 2 else { return }
        for k in 0..<(line.count - 1) {
            let a = line[k], b = line[k + 1]
            let id = segments.count
            segments.append((a, b, kind))
            for i in bucket(min(a.x, b.x))...bucket(max(a.x, b.x)) {
                for j in bucket(min(a.y, b.y))...bucket(max(a.y, b.y)) { buckets[i &* 1_000_003 &+ j, default: []].append(id) }
            }
        }
    }

    private func bucket(_ v: Double) -> Int { Int((v / size).rounded(.down)) }

    /// The kind of the nearest source line within `tolerance` of `p` (first added wins a tie).
    public func kind(at p: Coordinate, tolerance: Double = 0.05) -> String? {
        var best: (Double, Int)? = nil
        for id in buckets[bucket(p.x) &* 1_000_003 &+ bucket(p.y)] ?? [] {
            let s = segments[id]
            let dx = s.b.x - s.a.x, dy = s.b.y - s.a.y, len2 = dx * dx + dy * dy
            let t = len2 > 0 ? max(0, min(1, ((p.x - s.a.x) * dx + (p.y - s.a.y) * dy) / len2)) : 0
            let ex = s.a.x + t * dx - p.x, ey = s.a.y + t * dy - p.y
            let d = (ex * ex + ey * ey).squareRoot()
            if d <= tolerance, best == nil || (d, id) < best! { best = (d, id) }
        }
        return best.map { segments[$0.1].kind }
    }

    /// Length of boundary (each shared edge once) by the kind of line it lies on.
    public func shares(of polygons: [Polygon]) -> [(kind: String, metres: Double)] {
        struct Key: Hashable { let ax, ay, bx, by: Double }
        var seen: Set<Key> = []
        var total: [String: Double] = [:]
        for p in polygons {
            for ring in p.rings {
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1]
                    let key = (a.x, a.y) < (b.x, b.y) ? Key(ax: a.x, ay: a.y, bx: b.x, by: b.y) : Key(ax: b.x, ay: b.y, bx: a.x, by: a.y)
                    guard seen.insert(key).inserted else { continue }
                    let len = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                    total[kind(at: Coordinate((a.x + b.x) / 2, (a.y + b.y) / 2)) ?? "other", default: 0] += len
                }
            }
        }
        return total.keys.sorted().map { ($0, total[$0]!) }
    }
}
