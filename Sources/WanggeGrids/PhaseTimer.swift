import Foundation
import WanggeIO

/// Wall-clock time of the planner's phases on standard error, when the environment variable
/// `WANGGE_TIMING` is set (any value). For profiling only: nothing written depends on it.
public struct PhaseTimer: Sendable {
    public static let enabled = ProcessInfo.processInfo.environment["WANGGE_TIMING"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = PhaseTimer.cpuSeconds()
    public let label: String

    public init(_ label: String) { self.label = label }

    /// Prints the time since the previous mark (or since `init`) under `phase`.
    public mutating func mark(_ phase: String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.cpuSeconds()
        let wall = String(format: "%.3f", Double(now - last) / 1e9), used = String(format: "%.3f", cpu - lastCPU)
        StandardError.write("[timing] \(label) \(phase): \(wall) s (cpu \(used) s)\n")
        last = now
        lastCPU = cpu
    }

    /// Runs `work` and prints the CPU time of the calling thread it took (for work on a thread
    /// of its own, such as a check beside the plan).
    public static func measuringThread<T>(_ label: String, _ work: () throws -> T) rethrows -> T {
        guard enabled else { return try work() }
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = now()
        defer { StandardError.write("[timing] \(label): thread cpu \(String(format: "%.3f", now() - start)) s\n") }
        return try work()
    }

    /// CPU time of the whole process (all threads), seconds.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
