// Release-build timings for WanggePartition:
//   swift build -c release --product partition-bench && .build/release/partition-bench
// 1. one 200-node planar-ish graph into 3 regions; 2. a synthetic district of 148 villages
// (20–300 blocks each, 204 grids apportioned by Huntington–Hill). Same generator as the tests.
import WanggePartition

func village(nodes n: Int, seed: UInt64) -> PartitionGraph {
    var rng = SplitMix64(seed: seed)
    let cols = Int(Double(n).squareRoot().rounded(.up))
    var edges: [PartitionGraph.Edge] = []
    func jitter() -> Double { 60 + Double(rng.nextIndex(below: 80)) }
    for v in 0..<n {
        let c = v % cols
        if c + 1 < cols, v + 1 < n { edges.append(.init(v, v + 1, sharedLength: jitter())) }
        if v + cols < n { edges.append(.init(v, v + cols, sharedLength: jitter())) }
        if c + 1 < cols, v + cols + 1 < n, rng.nextIndex(below: 3) == 0 {
            if rng.nextIndex(below: 2) == 0 {
                edges.append(.init(v, v + cols + 1, sharedLength: 10))
            } else {
                edges.append(.init(v + 1, v + cols, sharedLength: 10))
            }
        }
    }
    var shared = Array(repeating: 0.0, count: n)
    var rookDegree = Array(repeating: 0, count: n)
    for e in edges {
        shared[e.a] += e.sharedLength
        shared[e.b] += e.sharedLength
        if e.sharedLength > 10 { rookDegree[e.a] += 1; rookDegree[e.b] += 1 }
    }
    // Exterior boundary only on the sides without a rook neighbour (the district edge).
    let perimeters = (0..<n).map { shared[$0] + Double(4 - rookDegree[$0]) * 100 }
    let areas = perimeters.map { p in (p / 4) * (p / 4) * 0.8 }
    let weights = (0..<n).map { _ in Double(20 + rng.nextIndex(below: 180)) }
    return try! PartitionGraph(weights: weights, areas: areas, perimeters: perimeters, edges: edges)
}

let clock = ContinuousClock()
let regionalizer = Regionalizer()

let g200 = village(nodes: 200, seed: 1)
_ = try regionalizer.partition(g200, regions: 3, seed: 0)  // warm-up
var single: [Duration] = []
var last: Regionalization?
for seed in 0..<20 {
    single.append(clock.measure { last = try! regionalizer.partition(g200, regions: 3, seed: UInt64(seed)) })
}
single.sort()
print("200 nodes → 3 regions: median \(single[10]), min \(single[0]), max \(single[19]);",
      "max/mean \(last!.maxLoadRatio), CV \(last!.coefficientOfVariation), mean PP \(last!.meanPolsbyPopper)")

var rng = SplitMix64(seed: 2026)
let villages = (0..<148).map { i in village(nodes: 20 + rng.nextIndex(below: 281), seed: UInt64(i)) }
let counts = try Apportionment.divisor(
    .huntingtonHill, weights: villages.map(\.totalWeight), total: 204, caps: villages.map(\.nodeCount))
var results: [Regionalization] = []
var runs: [Duration] = []
for _ in 0..<5 {
    results = []
    runs.append(try clock.measure {
        for (g, k) in zip(villages, counts) { results.append(try regionalizer.partition(g, regions: k, seed: 7)) }
    })
}
runs.sort()
let nodes = villages.reduce(0) { $0 + $1.nodeCount }
let within = results.filter(\.withinTolerance).count
let worst = results.map(\.maxAbsoluteDeviation).max()!
print("district: 148 graphs, \(nodes) nodes → 204 regions: median \(runs[2]), min \(runs[0]);",
      "\(within)/148 villages within ±10%, worst |dev| \(worst)")

// Stress: the whole district as one graph (not the intended use: villages are separate graphs).
let big = village(nodes: 20_000, seed: 99)
var bigResult: Regionalization?
let bigTime = try clock.measure { bigResult = try Regionalizer(options: .init(restarts: 1)).partition(big, regions: 204, seed: 1) }
print("stress: 20000 nodes → 204 regions, 1 restart: \(bigTime); within ±10%: \(bigResult!.withinTolerance),",
      "max |dev| \(bigResult!.maxAbsoluteDeviation), sweeps \(bigResult!.sweeps)")
