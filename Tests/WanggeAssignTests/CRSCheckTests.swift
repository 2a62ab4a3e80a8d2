import Foundation
import Testing
import WanggeCRS
import WanggeGeometry
import WanggeIO
@testable import WanggeAssign

/// The bundled district's address points (addresses/*.csv: id,lon,lat,… — no commas before lat).
private let addresses: [Coordinate] = {
    let dir = Fixture.root.appendingPathComponent("boundaries/addresses").path
    var out: [Coordinate] = []
    for file in try! FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".csv") {
        let text = try! String(contentsOfFile: dir + "/" + file, encoding: .utf8)
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", maxSplits: 3, omittingEmptySubsequences: false)
            if let x = Double(f[1]), let y = Double(f[2]) { out.append(Coordinate(x, y)) }
        }
    }
    return out
}()

@Suite struct CRSCheckTests {
    /// 1000 addresses, each moved up to ~10 m (a phone's fix), WGS-84.
    static let cases: [Coordinate] = {
        var rng = SplitMix64(seed: 42)
        return (0..<1000).map { _ in
            let a = addresses[rng.nextIndex(below: addresses.count)]
            return Coordinate(a.x + rng.uniform(-1e-4, 1e-4), a.y + rng.uniform(-1e-4, 1e-4))
        }
    }()
    static let reference = ReferencePoints(wgs84: addresses, grids: Fixture.set)

    @Test func gcj02ReadAsWGS84IsNoticed() throws {
        #expect(addresses.count > 50_000)
        let gcj = try CoordinateTransform(from: .wgs84, to: .gcj02).transform(Self.cases)
        // The shift here is a few hundred metres: most points still fall inside the district.
        let shifted = try #require(CRSCheck.reading(gcj, as: .wgs84, grids: Fixture.set, reference: Self.reference))
        #expect(shifted.outside < 0.1)
        #expect(shifted.medianDistance! > 40)
        #expect(CRSCheck.warnings(sample: Self.cases, crs: .wgs84, grids: Fixture.set, reference: Self.reference).isEmpty)
        #expect(CRSCheck.warnings(sample: gcj, crs: .gcj02, grids: Fixture.set, reference: Self.reference).isEmpty)
        let w = CRSCheck.warnings(sample: gcj, crs: .wgs84, grids: Fixture.set, reference: Self.reference)
        #expect(w.count == 1 && w[0].contains("--crs gcj02"), "\(w)")
        let back = CRSCheck.warnings(sample: Self.cases, crs: .gcj02, grids: Fixture.set, reference: Self.reference)
        #expect(back.count == 1 && back[0].contains("--crs wgs84"), "\(back)")
        // Without the addresses there is nothing to tell a few hundred metres by.
        #expect(CRSCheck.warnings(sample: gcj, crs: .wgs84, grids: Fixture.set, reference: nil).isEmpty)
    }

    @Test func mostPointsOutsideIsNoticed() {
        // The same points 0.5° east: in Ebian/Muchuan, not Shawan.
        let away = Self.cases.map { Coordinate($0.x + 0.5, $0.y) }
        let w = CRSCheck.warnings(sample: away, crs: .wgs84, grids: Fixture.set, reference: Self.reference)
        #expect(w.count == 1 && w[0].hasPrefix("100% of 1000 sampled points fall outside"), "\(w)")
        // A few outside is normal.
        let some = Array(Self.cases.prefix(900)) + Array(away.prefix(100))
        #expect(CRSCheck.warnings(sample: some, crs: .wgs84, grids: Fixture.set, reference: Self.reference).isEmpty)
    }

    @Test func nearestIsExact() {
        // Against a brute-force scan, within the 2 km cap.
        let r = ReferencePoints(wgs84: Array(addresses.prefix(2000)), grids: Fixture.set)
        let metric = addresses.prefix(2000).compactMap { Fixture.set.lattice.project($0.x, $0.y) }
        for c in Self.cases.prefix(50) {
            let m = Fixture.set.lattice.project(c.x, c.y)!
            let brute = min(2000, metric.map { (($0.x - m.x) * ($0.x - m.x) + ($0.y - m.y) * ($0.y - m.y)).squareRoot() }.min()!)
            #expect(abs(r.nearest(m) - brute) < 1e-9)
        }
    }

    @Test func pipelineSamplesTheInput() throws {
        var csv = "id,lon,lat\n"
        for (i, c) in Self.cases.prefix(30).enumerated() { csv += "\(i),\(c.x),\(c.y)\n" }
        let pipeline = try AssignPipeline(grids: Fixture.set, options: AssignOptions())
        _ = try pipeline.runCSV(MemoryStream(Array(csv.utf8)), MemoryStream())
        #expect(pipeline.sample == Array(Self.cases.prefix(30)))
        // A reservoir: bounded, seeded, and late points get in too.
        var a = CRSCheck.Sampler(), b = CRSCheck.Sampler()
        for i in 0..<10_000 { a.add(Coordinate(Double(i), 0)); b.add(Coordinate(Double(i), 0)) }
        #expect(a.sample.count == 1000 && a.sample == b.sample)
        #expect(a.sample.filter { $0.x >= 5000 }.count > 300)
    }
}
