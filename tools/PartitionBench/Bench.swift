import WanggePartition

/// The original release timings (no arguments): one 200-node graph into 3; the synthetic
/// district; one 20 000-node stress graph.
func runBench() throws {
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

    let (district, counts) = try syntheticDistrict()
    let villages = district.map(\.graph)
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
}
