import WanggeIO
import Foundation
import WanggeGeometry

/// A named street or road, in metric coordinates.
struct Street {
    var name: String
    /// 主干道 (arterial), 街 (street), 巷 (alley), 乡道 (rural road).
    var kind: String
    var town: String
    var line: [Coordinate]
}

/// Invented street names in the local style: a stem from the layout and a suffix.
struct StreetNamer {
    private let stems: [String]
    private var used: Set<String> = []
    private var rng: SeededGenerator

    init(seed: UInt64, stems: [String]) {
        self.stems = stems
        rng = SeededGenerator.stream(seed, "street-names")
    }

    /// A name not used before in the same town, e.g. "绥山路" or "桂花巷".
    mutating func next(town: String, suffix: String) -> String {
        for attempt in 0..<1000 {
            let stem = stems[Int(rng.next() % UInt64(stems.count))]
            let name = attempt < 500 ? stem + suffix : stem + ["东", "西", "南", "北", "一", "二"][attempt % 6] + suffix
            if used.insert(town + "|" + name).inserted { return name }
        }
        return "无名" + suffix // unreachable with 20+ stems × 7 variants per town
    }
}

enum StreetPlan {
    /// A street grid around a town seat: straight streets along and across the valley, spaced
    /// `spacing` metres, clipped to an irregular built-up area of about `radius`; alleys between.
    static func townGrid(seat: Coordinate, radius: Double, direction: Double, town: String,
                         river: PolylineMeasure, riverClearance: Double,
                         namer: inout StreetNamer, rng: inout SeededGenerator) -> [Street] {
        let shapeNoise = ValueNoise(seed: rng.next())
        // Built-up area: a blob whose radius wobbles with the bearing.
        func inside(_ p: Coordinate) -> Bool {
            let dx = p.x - seat.x, dy = p.y - seat.y
            let bearing = atan2(dy, dx)
            let r = radius * (1 + 0.35 * shapeNoise.value(cos(bearing) * 1.5 + 10, sin(bearing) * 1.5 + 10, octave: 0))
            return hypot(dx, dy) <= r
        }
        let ux = Coordinate(cos(direction), sin(direction))
        let uy = Coordinate(-sin(direction), cos(direction))
        var streets: [Street] = []
        let spacing = radius > 1000 ? 220.0 : 180.0
        let reach = radius * 1.4
        for (family, (along, across)) in [(0, (ux, uy)), (1, (uy, ux))] {
            var offset = -reach
            var k = 0
            while offset <= reach {
                let jitter = rng.uniform(-0.2, 0.2) * spacing
                let o = offset + jitter
                let isAlley = k % 2 == 1 && radius > 700
                let runs = clippedRuns(origin: Coordinate(seat.x + across.x * o, seat.y + across.y * o),
                                       direction: along, halfLength: reach, step: 10) { p in
                    inside(p) && (river.distanceAndStation(p).0 > riverClearance || (family == 1 && k % 4 == 0))
                }
                for run in runs where polylineLength(run) >= (isAlley ? 120 : 200) {
                    let suffix = isAlley ? "巷" : (family == 0 ? "路" : "街")
                    streets.append(Street(name: namer.next(town: town, suffix: suffix),
                                          kind: isAlley ? "巷" : "街", town: town, line: run))
                }
                offset += isAlley ? spacing : spacing * (radius > 700 ? 0.5 : 1)
                k += 1
            }
        }
        return streets
    }

    /// The parts of a straight line inside a region, sampled every `step` metres.
    static func clippedRuns(origin: Coordinate, direction: Coordinate, halfLength: Double, step: Double,
                            inside: (Coordinate) -> Bool) -> [[Coordinate]] {
        var runs: [[Coordinate]] = []
        var current: [Coordinate] = []
        var s = -halfLength
        while s <= halfLength {
            let p = Coordinate(origin.x + direction.x * s, origin.y + direction.y * s)
            if inside(p) {
                current.append(p)
            } else if current.count >= 2 {
                runs.append([current.first!, current.last!]); current = []
            } else {
                current = []
            }
            s += step
        }
        if current.count >= 2 { runs.append([current.first!, current.last!]) }
        return runs
    }

    static func polylineLength(_ line: [Coordinate]) -> Double {
        zip(line, line.dropFirst()).reduce(0) { $0 + hypot($1.1.x - $1.0.x, $1.1.y - $1.0.y) }
    }

    /// A least-cost road between two cells over the terrain: cost grows with slope, so roads
    /// wind along valleys and contours as mountain roads do.
    static func road(from a: Int, to b: Int, terrain t: Terrain, existing: [Bool]) -> [Int] {
        let f = t.frame
        var dist = [Double](repeating: .infinity, count: f.count)
        var prev = [Int32](repeating: -1, count: f.count)
        var heap = CellHeap()
        dist[a] = 0; heap.push(0, a)
        while !heap.isEmpty {
            let (d, i) = heap.pop()
            if i == b { break }
            if d > dist[i] { continue }
            for k in 0..<8 {
                guard let j = f.neighbour(i, k) else { continue }
                let run = f.cellSize * (k % 2 == 1 ? 1.4142135623730951 : 1)
                let slope = abs(t.elevation[j] - t.elevation[i]) / run
                // Reusing an existing road is cheap, so roads share trunks instead of running
                // side by side.
                let c = run * (existing[j] ? 0.35 : 1 + 60 * slope * slope)
                if d + c < dist[j] { dist[j] = d + c; prev[j] = Int32(i); heap.push(d + c, j) }
            }
        }
        var path: [Int] = []
        var i = b
        while i >= 0 { path.append(i); if i == a { break }; i = Int(prev[i]) }
        return path.reversed()
    }
}
