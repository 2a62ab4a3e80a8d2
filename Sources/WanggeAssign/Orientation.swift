// Exact orientation test (Shewchuk's static filter + exact fallback on an expansion), so that
// "which side of an edge" never depends on rounding. The fallback runs only for points within a
// few ulps of the line through an edge.

@inline(__always) private func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
    let s = a + b
    let bv = s - a
    let av = s - bv
    return (s, (a - av) + (b - bv))
}

@inline(__always) private func twoDiff(_ a: Double, _ b: Double) -> (Double, Double) {
    let x = a - b
    let bv = a - x
    let av = x + bv
    return (x, (a - av) + (bv - b))
}

@inline(__always) private func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
    let p = a * b
    return (p, (-p).addingProduct(a, b))
}

public enum Orientation {
    private static let errorBound = (3.0 + 16.0 * Double.ulpOfOne / 2) * (Double.ulpOfOne / 2)

    /// Sign of the turn a → b → c: +1 when c lies to the left of a→b (counter-clockwise),
    /// −1 to the right, 0 exactly on the line. Exact for all finite doubles.
    @inline(__always)
    public static func orient(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                              _ cx: Double, _ cy: Double) -> Int {
        let detLeft = (ax - cx) * (by - cy)
        let detRight = (ay - cy) * (bx - cx)
        let det = detLeft - detRight
        let bound = errorBound * (abs(detLeft) + abs(detRight))
        if det > bound { return 1 }
        if det < -bound { return -1 }
        return exact(ax, ay, bx, by, cx, cy)
    }

    /// The exact sign of (a−c)×(b−c), summed as a non-overlapping expansion.
    @inline(never)
    static func exact(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                      _ cx: Double, _ cy: Double) -> Int {
        let (acx, acxt) = twoDiff(ax, cx), (acy, acyt) = twoDiff(ay, cy)
        let (bcx, bcxt) = twoDiff(bx, cx), (bcy, bcyt) = twoDiff(by, cy)
        // det = (acx+acxt)(bcy+bcyt) − (acy+acyt)(bcx+bcxt): 8 products, each exact as 2 doubles.
        var terms: [Double] = []
        terms.reserveCapacity(16)
        for (p, q, sign) in [(acx, bcy, 1.0), (acx, bcyt, 1.0), (acxt, bcy, 1.0), (acxt, bcyt, 1.0),
                             (acy, bcx, -1.0), (acy, bcxt, -1.0), (acyt, bcx, -1.0), (acyt, bcxt, -1.0)] {
            let (h, l) = twoProduct(p, q)
            terms.append(sign * l)
            terms.append(sign * h)
        }
        var e: [Double] = []
        e.reserveCapacity(17)
        for t in terms {
            // Grow-Expansion: adding one double keeps e non-overlapping, increasing magnitude.
            var q = t
            for i in e.indices {
                let (s, err) = twoSum(q, e[i])
                e[i] = err
                q = s
            }
            e.append(q)
        }
        for v in e.reversed() where v != 0 { return v > 0 ? 1 : -1 }
        return 0
    }
}
