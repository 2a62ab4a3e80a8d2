import WanggeGrids

/// Grows contiguous regions over a face graph from seed faces toward target areas: the region
/// furthest below its target takes the neighbouring free face that shares the most of its edge
/// with it, so regions stay compact and their boundaries are the network's lines.
enum RegionGrowing {
    /// - Parameters:
    ///   - allowed: faces a region may take (nil: all); faces never allowed stay -1.
    ///   - eligible: per region, which faces it may take (e.g. only its township's faces).
    /// - Returns: the region of every face, -1 where none reached it.
    static func grow(graph g: FaceGraph, seeds: [Int], targets: [Double],
                     eligible: (Int, Int) -> Bool = { _, _ in true }) -> [Int] {
        var region = [Int](repeating: -1, count: g.count)
        var size = [Double](repeating: 0, count: seeds.count)
        var members = [[Int]](repeating: [], count: seeds.count)
        for (r, f) in seeds.enumerated() {
            precondition(region[f] == -1, "two seeds share face \(f)")
            region[f] = r; size[r] = g.area[f]; members[r] = [f]
        }
        var stuck = [Bool](repeating: false, count: seeds.count)
        while true {
            // The most under-filled region that can still grow (ties: lower region index).
            var best = -1
            for r in 0..<seeds.count where !stuck[r] {
                if best < 0 || size[r] / targets[r] < size[best] / targets[best] { best = r }
            }
            guard best >= 0 else { break }
            // Its best free neighbour: the largest share of the face's perimeter on the region.
            var shared: [Int: Double] = [:]
            for f in members[best] {
                for (n, len) in g.neighbours[f] where region[n] == -1 && eligible(best, n) {
                    shared[n, default: 0] += len
                }
            }
            var pick = -1, pickScore = -1.0
            for n in shared.keys.sorted() {
                let score = shared[n]! / max(g.perimeter[n], 1e-9)
                if score > pickScore { pick = n; pickScore = score }
            }
            if pick < 0 { stuck[best] = true; continue }
            region[pick] = best; size[best] += g.area[pick]; members[best].append(pick)
        }
        return region
    }

    /// Faces no region reached (enclosed pockets) join the neighbour region with the longest
    /// shared edge, repeatedly, so every face that touches a region ends up in one.
    static func absorbLeftovers(graph g: FaceGraph, region: inout [Int], eligible: (Int, Int) -> Bool = { _, _ in true }) {
        var changed = true
        while changed {
            changed = false
            for f in 0..<g.count where region[f] == -1 {
                var byRegion: [Int: Double] = [:]
                for (n, len) in g.neighbours[f] where region[n] >= 0 && eligible(region[n], f) {
                    byRegion[region[n], default: 0] += len
                }
                if let r = byRegion.keys.sorted().max(by: { byRegion[$0]! < byRegion[$1]! }) {
                    region[f] = r; changed = true
                }
            }
        }
    }
}
