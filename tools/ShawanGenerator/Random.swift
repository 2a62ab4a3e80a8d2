import Foundation

// Seeded randomness for the generator. Swift's SystemRandomNumberGenerator and Hasher are
// seeded per process; everything here depends on the seed alone, so one seed gives one district.

/// SplitMix64: tiny, fast, and good enough for synthetic data; exactly reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Standard normal by Box–Muller (one value per call; simple over fast).
    mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// A generator derived from this seed and a label, so that adding a consumer of randomness in
    /// one stage does not shift the numbers every later stage sees.
    static func stream(_ seed: UInt64, _ label: String) -> SeededGenerator {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 // FNV-1a over the label's UTF-8 bytes
        for b in label.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        var g = SeededGenerator(seed: seed ^ h)
        _ = g.next()
        return g
    }
}

/// Seeded 2-D value noise with fractal octaves, on a lattice hashed from the seed.
struct ValueNoise {
    let seed: UInt64

    private func lattice(_ ix: Int, _ iy: Int, _ octave: Int) -> Double {
        var h = seed ^ (UInt64(bitPattern: Int64(ix)) &* 0x9E37_79B9_7F4A_7C15)
        h ^= UInt64(bitPattern: Int64(iy)) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(octave) &* 0x1656_67B1_9E37_79F9
        h = (h ^ (h >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        h = (h ^ (h >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Double(h >> 11) * 0x1.0p-53 * 2 - 1
    }

    private func smooth(_ t: Double) -> Double { t * t * t * (t * (t * 6 - 15) + 10) }

    func value(_ x: Double, _ y: Double, octave: Int) -> Double {
        let fx = x.rounded(.down), fy = y.rounded(.down)
        let ix = Int(fx), iy = Int(fy)
        let tx = smooth(x - fx), ty = smooth(y - fy)
        let a = lattice(ix, iy, octave), b = lattice(ix + 1, iy, octave)
        let c = lattice(ix, iy + 1, octave), d = lattice(ix + 1, iy + 1, octave)
        return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty
    }

    /// Fractal Brownian motion: `octaves` layers, each twice the frequency and `gain` the amplitude.
    func fbm(_ x: Double, _ y: Double, octaves: Int, gain: Double = 0.5) -> Double {
        var sum = 0.0, amp = 1.0, freq = 1.0, norm = 0.0
        for o in 0..<octaves {
            sum += amp * value(x * freq, y * freq, octave: o)
            norm += amp
            amp *= gain
            freq *= 2
        }
        return sum / norm
    }
}
