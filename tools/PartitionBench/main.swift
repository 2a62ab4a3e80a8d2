// Release-build tool for WanggePartition (docs/PARTITION.md):
//   swift build -c release --product partition-bench
//   .build/release/partition-bench                          timings on synthetic graphs
//   .build/release/partition-bench export-problem FILE      synthetic district as a partition problem
//   .build/release/partition-bench solve PROBLEM RESULT     solve a partition problem, median timings
// Synthetic graphs: same generator as the tests (Synthetic.swift).
import Foundation
import WanggePartition

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case nil: try runBench()
    case "export-problem": try exportProblem(Array(arguments.dropFirst()))
    case "solve": try solveProblem(Array(arguments.dropFirst()))
    default:
        throw ToolError("usage: partition-bench [export-problem FILE | solve PROBLEM RESULT]")
    }
} catch {
    var stderr = StandardError()
    print("partition-bench: \(error)", to: &stderr)
    exit(1)
}
