import Testing
@testable import WanggeGeometry

@Suite struct GEOSContextTests {
    /// One context per task: parallel work must give the same answers as serial work. Each task
    /// builds its own context, so no GEOS state is shared across threads.
    @Test func independentContextsWorkInParallel() async throws {
        let areas = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
            for i in 0..<8 {
                group.addTask {
                    let context = GEOSContext()
                    var total = 0.0
                    for j in 0..<200 {
                        let a = try context.geometry(from: .polygon(square(0, 0, Double(i + 2), 2)))
                        let b = try context.geometry(from: .polygon(square(1, 0, Double(j % 3 + 2), 2)))
                        total += try a.intersection(b).area()
                    }
                    return (i, total)
                }
            }
            var results: [(Int, Double)] = []
            for try await r in group { results.append(r) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
        let context = GEOSContext()
        let serial = try (0..<8).map { i in
            try (0..<200).reduce(0.0) { total, j in
                let a = try context.geometry(from: .polygon(square(0, 0, Double(i + 2), 2)))
                let b = try context.geometry(from: .polygon(square(1, 0, Double(j % 3 + 2), 2)))
                return total + (try a.intersection(b).area())
            }
        }
        #expect(areas == serial)
        #expect(serial[0] > 0)
    }

    @Test func readersAndWritersAreReusedAcrossCalls() throws {
        let context = GEOSContext()
        for i in 0..<100 {
            let g = try context.geometry(wkt: "POINT (\(i) 1)")
            #expect(try g.wkt() == "POINT (\(i) 1)")
            #expect(try context.geometry(wkb: g.wkb()).pointCoordinate() == Coordinate(Double(i), 1))
        }
    }
}
