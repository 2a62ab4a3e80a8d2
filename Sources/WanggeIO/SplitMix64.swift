/// The one seeded generator of Wangge (partition search, intake samples, the district generator):
/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", 2014).
/// Nothing uses `SystemRandomNumberGenerator`: one seed gives one answer, on every platform and
/// in every process.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<upperBound` (Lemire's multiply-shift with rejection), so the
    /// sequence does not depend on the standard library's `random(in:)` implementation.
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "upperBound must be positive")
        let bound = UInt64(upperBound)
        let threshold = (0 &- bound) % bound
        while true {
            let product = next().multipliedFullWidth(by: bound)
            if product.low >= threshold { return Int(product.high) }
        }
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform double in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * nextDouble() }

    /// A generator derived from `seed` and a label (FNV-1a of its UTF-8), so that adding a
    /// consumer of randomness in one stage does not shift the numbers every later stage sees.
    public static func stream(_ seed: UInt64, _ label: String) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ FNV1a.hash(label))
        _ = g.next()
        return g
    }

    /// Fisher–Yates shuffle driven by `nextIndex(below:)`.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}
