import WanggeGeometry

// The point-in-outline test for the generated `ChinaOutline` (ChinaOutline.swift, written by
// tools/reference/china_outline.py). Pure Swift, no GEOS: WanggeCRS must stay free of it.
extension ChinaOutline {
    struct Box: Sendable {
        let minX, minY, maxX, maxY: Double
        func contains(_ x: Double, _ y: Double) -> Bool { x >= minX && x <= maxX && y >= minY && y <= maxY }
    }

    /// Bounding box of every ring, in the order of `rings`.
    static let ringBoxes: [Box] = rings.map { r in
        var b = (minX: Double.infinity, minY: Double.infinity, maxX: -Double.infinity, maxY: -Double.infinity)
        for i in stride(from: 0, to: r.count, by: 2) {
            b = (min(b.minX, r[i]), min(b.minY, r[i + 1]), max(b.maxX, r[i]), max(b.maxY, r[i + 1]))
        }
        return Box(minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY)
    }

    static let box = Box(minX: bounds[0], minY: bounds[1], maxX: bounds[2], maxY: bounds[3])

    /// Whether `c` (lon, lat in degrees) lies inside the outline: the overall bounding box first,
    /// then each ring's box, then even–odd ray crossing over the rings that could contain it.
    /// Non-finite coordinates are outside. A few hundred edge tests at most.
    static func contains(_ c: Coordinate) -> Bool {
        let x = c.x, y = c.y
        guard box.contains(x, y) else { return false }
        var inside = false
        for (k, ring) in rings.enumerated() where ringBoxes[k].contains(x, y) {
            ring.withUnsafeBufferPointer { r in
                let n = r.count / 2
                var j = n - 1
                for i in 0..<n {
                    let xi = r[2 * i], yi = r[2 * i + 1], xj = r[2 * j], yj = r[2 * j + 1]
                    if (yi > y) != (yj > y), x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                        inside.toggle()
                    }
                    j = i
                }
            }
        }
        return inside
    }
}
