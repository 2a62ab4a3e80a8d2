import Foundation
import WanggeIO

// Seeded randomness for the generator. Swift's SystemRandomNumberGenerator and Hasher are
// seeded per process; everything here depends on the seed alone, so one seed gives one district.

/// The library's one seeded generator (WanggeIO's SplitMix64), with what the generator adds.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// A uniform double in [0, 1).
    mutating func unit() -> Double { nextDouble() }

    /// Standard normal by Box–Muller (one value per call; simple over fast).
    mutating func normal() -> Double {
        let u1 = max(unit(), 1e-300), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
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
