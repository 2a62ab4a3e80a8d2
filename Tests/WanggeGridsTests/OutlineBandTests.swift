import Foundation
import Testing
import WanggeGeometry
import WanggeIO
@testable import WanggeGrids

/// The strip along a village outline: the quick answer without an overlay is the overlay's answer.
@Suite struct OutlineBandTests {
    /// Random segment sets near and far from a wavy outline: `holds` agrees with `lengthOutside`
    /// every time, both ways.
    @Test func holdsIsLengthOutsideWithinTheSlack() throws {
        let ctx = GEOSContext()
        // A 400 m square outline with 200 vertices, slightly wavy, so the strip has several pieces.
        var ring: [Coordinate] = []
        for k in 0..<200 {
            let t = Double(k) / 50, side = Int(t), f = t - Double(side), wave = sin(Double(k)) * 0.3
            switch side {
            case 0: ring.append(Coordinate(f * 400, wave))
            case 1: ring.append(Coordinate(400 + wave, f * 400))
            case 2: ring.append(Coordinate(400 - f * 400, 400 + wave))
            default: ring.append(Coordinate(wave, 400 - f * 400))
            }
        }
        ring.append(ring[0])
        let band = try OutlineBand([Polygon(exterior: ring)], context: ctx)
        var rng = SplitMix64(seed: 7)
        func random() -> Double { rng.nextDouble() }
        var inside = 0, outside = 0
        for _ in 0..<300 {
            var segments: [(Coordinate, Coordinate)] = []
            for _ in 0..<(1 + Int(random() * 4)) {
                // On the outline (a run of its own vertices), just off it, or well inside.
                switch random() {
                case ..<0.4:
                    let k = Int(random() * 199)
                    segments.append((ring[k], ring[k + 1]))
                case ..<0.6:
                    let k = Int(random() * 199), d = (random() - 0.5) * 0.004
                    segments.append((Coordinate(ring[k].x + d, ring[k].y + d), Coordinate(ring[k + 1].x + d, ring[k + 1].y - d)))
                default:
                    let p = Coordinate(20 + random() * 360, 20 + random() * 360)
                    let length = random() < 0.2 ? 0.004 : random() * 30
                    segments.append((p, Coordinate(p.x + length, p.y)))
                }
            }
            let lines = try ctx.geometry(from: .multiLineString(segments.map { [$0.0, $0.1] }))
            let expected = try band.lengthOutside(lines) <= 0.01
            #expect(try band.holds(segments, but: 0.01, context: ctx) == expected, "\(segments)")
            if expected { inside += 1 } else { outside += 1 }
        }
        #expect(inside > 30 && outside > 30, "inside \(inside), outside \(outside)")
    }
}
