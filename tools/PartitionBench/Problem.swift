import Foundation
import WanggePartition

// The "partition problem" interchange format (docs/PARTITION.md, "Comparing with other
// partitioners"): per village its code, k, per-node weights/areas/perimeters/centroids and the
// edges [a, b, sharedLength]. `export-problem` writes it for the synthetic district; `solve` reads
// any such file (e.g. from `wangge partition --export-problem`) and writes a result file.

struct PartitionProblem: Decodable {
    struct Village: Decodable {
        var code: String
        var k: Int
        var weights: [Double]
        var areas: [Double]?
        var perimeters: [Double]?
        /// [a, b, sharedLength]; a and b are node indices.
        var edges: [[Double]]
        var centroids: [[Double]]?
    }
    var name: String
    var villages: [Village]
}

struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// JSON number text for a finite Double (integral values without ".0").
func jsonNumber(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

func jsonArray(_ xs: [Double]) -> String { "[" + xs.map(jsonNumber).joined(separator: ",") + "]" }

/// `partition-bench export-problem FILE [--villages N] [--grids K] [--holes P]`: the synthetic district
/// (same seeds as the bench and the tests) as a partition problem.
func exportProblem(_ args: [String]) throws {
    guard let path = args.first else { throw ToolError("usage: partition-bench export-problem FILE [--villages 148] [--grids 204] [--holes 0]") }
    let villagesCount = Int(option("--villages", in: args) ?? "148") ?? 148
    let grids = Int(option("--grids", in: args) ?? "204") ?? 204
    let holes = Double(option("--holes", in: args) ?? "0") ?? 0
    guard holes >= 0 && holes < 1 else { throw ToolError("--holes must be in [0, 1)") }
    let (villages, counts) = try syntheticDistrict(villages: villagesCount, grids: grids, holes: holes)
    let label = "synthetic Shawan district (PartitionBench, \(villagesCount) villages, \(grids) grids"
        + (holes > 0 ? ", holes \(holes))" : ")")
    var out = "{\"name\":" + jsonString(label)
    out += ",\n\"villages\":[\n"
    for (i, (v, k)) in zip(villages, counts).enumerated() {
        let g = v.graph
        out += "{\"code\":" + jsonString(String(format: "SYN%03d", i)) + ",\"k\":\(k)"
        out += ",\n \"weights\":" + jsonArray(g.weights)
        out += ",\n \"areas\":" + jsonArray(g.areas)
        out += ",\n \"perimeters\":" + jsonArray(g.perimeters)
        out += ",\n \"edges\":[" + g.edges.map { "[\($0.a),\($0.b),\(jsonNumber($0.sharedLength))]" }.joined(separator: ",") + "]"
        out += ",\n \"centroids\":[" + v.centroids.map { "[\(jsonNumber($0.x)),\(jsonNumber($0.y))]" }.joined(separator: ",") + "]"
        out += "}" + (i + 1 < villages.count ? ",\n" : "\n")
    }
    out += "]}\n"
    try out.write(toFile: path, atomically: true, encoding: .utf8)
    let nodes = villages.reduce(0) { $0 + $1.graph.nodeCount }
    print("wrote \(path): \(villages.count) villages, \(nodes) blocks, \(counts.reduce(0, +)) grids")
}

func option(_ name: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Builds the graph (validated) from a problem village.
func graph(of v: PartitionProblem.Village) throws -> PartitionGraph {
    var edges: [PartitionGraph.Edge] = []
    edges.reserveCapacity(v.edges.count)
    for (i, e) in v.edges.enumerated() {
        guard e.count == 3, e[0] == e[0].rounded(), e[1] == e[1].rounded() else {
            throw ToolError("village \(v.code): edge #\(i) is not [a, b, sharedLength]")
        }
        edges.append(.init(Int(e[0]), Int(e[1]), sharedLength: e[2]))
    }
    return try PartitionGraph(weights: v.weights, areas: v.areas, perimeters: v.perimeters, edges: edges)
}

enum Outcome {
    case solved([Int], Regionalization?)
    case failed(String)
}

/// Problem village → region per node. k = 1 is trivial (everything in region 0).
func solveVillage(_ v: PartitionProblem.Village, regionalizer: Regionalizer, seed: UInt64) -> Outcome {
    do {
        let g = try graph(of: v)
        if v.k == 1 { return .solved(Array(repeating: 0, count: g.nodeCount), nil) }
        let r = try regionalizer.partition(g, regions: v.k, seed: seed)
        return .solved(r.regionOfNode, r)
    } catch {
        return .failed("\(error)")
    }
}

/// `partition-bench solve PROBLEM RESULT [--repetitions 7] [--seed 7] [--restarts 8]`.
/// Times graph construction + `Regionalizer.partition` per village (parsing and writing files
/// excluded) with `ContinuousClock` (monotonic); one untimed warm-up pass, then `repetitions`
/// passes; reports medians.
func solveProblem(_ args: [String]) throws {
    guard args.count >= 2 else {
        throw ToolError("usage: partition-bench solve PROBLEM.json RESULT.json [--repetitions 7] [--seed 7] [--restarts 8]")
    }
    let (problemPath, resultPath) = (args[0], args[1])
    let repetitions = max(1, Int(option("--repetitions", in: args) ?? "7") ?? 7)
    let seed = UInt64(option("--seed", in: args) ?? "7") ?? 7
    let restarts = Int(option("--restarts", in: args) ?? "8") ?? 8
    let data = try Data(contentsOf: URL(fileURLWithPath: problemPath))
    let problem = try JSONDecoder().decode(PartitionProblem.self, from: data)
    let regionalizer = Regionalizer(options: .init(restarts: restarts))
    let clock = ContinuousClock()

    let count = problem.villages.count
    var outcomes: [Outcome] = problem.villages.map { solveVillage($0, regionalizer: regionalizer, seed: seed) }  // warm-up
    var perVillage = Array(repeating: [Double](), count: count)
    var totals: [Double] = []
    for _ in 0..<repetitions {
        var pass: [Outcome] = []
        pass.reserveCapacity(count)
        let total = clock.measure {
            for (i, v) in problem.villages.enumerated() {
                var outcome: Outcome?
                let t = clock.measure { outcome = solveVillage(v, regionalizer: regionalizer, seed: seed) }
                perVillage[i].append(seconds(t))
                pass.append(outcome!)
            }
        }
        totals.append(seconds(total))
        outcomes = pass  // deterministic: every pass gives the same answer
    }

    let o = regionalizer.options
    var out = "{\"solver\":\"wangge Regionalizer\",\"problem\":" + jsonString(problem.name)
    out += ",\"seed\":\(seed),\"repetitions\":\(repetitions)"
    out += ",\"options\":{\"tolerance\":\(o.tolerance),\"compactnessWeight\":\(o.compactnessWeight),"
        + "\"tolerancePenalty\":\(o.tolerancePenalty),\"restarts\":\(o.restarts),\"maxSweeps\":\(o.maxSweeps),\"swaps\":\(o.swaps)}"
    out += ",\"timing\":\"ContinuousClock, graph construction + partition per village, median of \(repetitions) after 1 warm-up\""
    out += ",\"totalSeconds\":\(median(totals)),\"totalSecondsMin\":\(totals.min()!)"
    out += ",\n\"villages\":[\n"
    var failures = 0
    for (i, v) in problem.villages.enumerated() {
        out += "{\"code\":" + jsonString(v.code) + ",\"k\":\(v.k),\"seconds\":\(median(perVillage[i]))"
        switch outcomes[i] {
        case let .solved(regions, r):
            out += ",\"regions\":[" + regions.map(String.init).joined(separator: ",") + "]"
            if let r {
                out += ",\"withinTolerance\":\(r.withinTolerance),\"objective\":\(r.objective),\"restart\":\(r.restart),\"sweeps\":\(r.sweeps),\"moves\":\(r.moves)"
            }
            out += ",\"error\":null"
        case let .failed(message):
            failures += 1
            out += ",\"regions\":null,\"error\":" + jsonString(message)
        }
        out += "}" + (i + 1 < count ? ",\n" : "\n")
    }
    out += "]}\n"
    try out.write(toFile: resultPath, atomically: true, encoding: .utf8)
    print("solved \(count - failures)/\(count) villages in \(median(totals)) s (median of \(repetitions)); wrote \(resultPath)")
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
