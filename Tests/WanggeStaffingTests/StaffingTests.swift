import Testing
import WanggeIO
import WanggeStaffing

/// A line of villages 3 km apart, each the neighbour of the next: A(0 m), B(3 km), C(6 km), …
func lineOfVillages(_ n: Int, spacing: Double = 3000) -> [StaffingVillage] {
    let codes = (0..<n).map { "V\(Character(UnicodeScalar(65 + $0)!))" }
    return codes.indices.map { i in
        StaffingVillage(code: codes[i], townshipCode: "T", x: Double(i) * spacing, y: 0,
                        neighbours: [i > 0 ? codes[i - 1] : nil, i + 1 < n ? codes[i + 1] : nil].compactMap { $0 })
    }
}

func grid(_ code: String, _ village: String, _ hours: Double, x: Double, y: Double = 0) -> StaffingGrid {
    StaffingGrid(code: code, villageCode: village, workHours: hours, x: x, y: y)
}

func person(_ id: String, _ role: StaffRole, _ village: String, _ hours: Double) -> StaffMember {
    StaffMember(id: id, role: role, villageCode: village, hoursPerWeek: hours)
}

@Suite struct StaffingTests {
    @Test func gridWorkersServeTheirOwnVillageFirst() throws {
        // w1 lives in VB, w2 in VA; VA's grid is far heavier, yet each serves at home.
        let problem = StaffingProblem(
            grids: [grid("A1", "VA", 100, x: 0), grid("B1", "VB", 10, x: 3000)], villages: lineOfVillages(2),
            people: [person("w1", .gridWorker, "VB", 40), person("w2", .gridWorker, "VA", 40)])
        let r = try Staffing().solve(problem)
        #expect(r.grids.map(\.gridWorker) == ["w2", "w1"])
        #expect(r.unfilled.isEmpty)
        #expect(r.people.allSatisfy { $0.post == .gridWorker && $0.distance! < 1 })
    }

    @Test func aGridWithoutAHomeWorkerTakesTheNearestSpareOne() throws {
        // VA: two grids, one worker. VB (3 km) and VD (9 km) each have a spare worker: VB's comes.
        let problem = StaffingProblem(
            grids: [grid("A1", "VA", 50, x: 0), grid("A2", "VA", 40, x: 500), grid("B1", "VB", 30, x: 3000),
                    grid("D1", "VD", 30, x: 9000)],
            villages: lineOfVillages(4),
            people: [person("a", .gridWorker, "VA", 40), person("b1", .gridWorker, "VB", 40), person("b2", .gridWorker, "VB", 40),
                     person("d1", .gridWorker, "VD", 40), person("d2", .gridWorker, "VD", 40)])
        let r = try Staffing().solve(problem)
        // The heavier grid A1 keeps the home worker; A2 gets VB's spare (b2: b1 stays home, id order).
        #expect(r.grids.map(\.gridWorker) == ["a", "b2", "b1", "d1"])
        // d2 is left over: a supporting member at home (VC, its neighbour, has no grid).
        #expect(r.people.first { $0.id == "d2" }!.post == .support)
        #expect(r.people.first { $0.id == "d2" }!.grid == "D1")
    }

    @Test func everyGridGetsAWorkerWhenThereAreEnough() throws {
        // 40 grids over 10 villages, 40 workers placed unevenly (all in the first 5 villages).
        var g = SplitMix64(seed: 7)
        let villages = lineOfVillages(10)
        var grids: [StaffingGrid] = []
        for k in 0..<40 { grids.append(grid("G\(k < 10 ? "0" : "")\(k)", villages[k % 10].code, g.uniform(10, 200), x: Double(k % 10) * 3000 + 100)) }
        let people = (0..<40).map { person("w\($0 < 10 ? "0" : "")\($0)", .gridWorker, villages[$0 % 5].code, 40) }
        let r = try Staffing().solve(StaffingProblem(grids: grids, villages: villages, people: people))
        #expect(r.unfilled.isEmpty)
        #expect(Set(r.grids.compactMap(\.gridWorker)).count == 40)
    }

    @Test func whenWorkersRunOutTheLightestGridsAreNamedUnfilled() throws {
        let problem = StaffingProblem(
            grids: [grid("A1", "VA", 50, x: 0), grid("A2", "VA", 10, x: 100), grid("A3", "VA", 30, x: 200)],
            villages: lineOfVillages(1),
            people: [person("w1", .gridWorker, "VA", 40), person("w2", .gridWorker, "VA", 40), person("s", .retiredCadre, "VA", 6)])
        let r = try Staffing().solve(problem)
        #expect(r.unfilled == ["A2"])
        // The supporting member goes where the work is unstaffed.
        #expect(r.people.first { $0.id == "s" }!.grid == "A2")
    }

    @Test func theTravelLimitIsRespected() throws {
        // A supporter in VA; VB's grid (3 km away) is heavy, VA's light.
        let problem = StaffingProblem(
            grids: [grid("A1", "VA", 10, x: 0), grid("B1", "VB", 200, x: 3000)], villages: lineOfVillages(2),
            people: [person("wa", .gridWorker, "VA", 40), person("wb", .gridWorker, "VB", 40), person("s", .villageCadre, "VA", 20)])
        var near = StaffingOptions()
        near.travelLimit = 2000
        #expect(try Staffing(options: near).solve(problem).people.first { $0.id == "s" }!.grid == "A1")
        var far = StaffingOptions()
        far.travelLimit = 5000
        let r = try Staffing(options: far).solve(problem)
        #expect(r.people.first { $0.id == "s" }!.grid == "B1")
        #expect(r.people.first { $0.id == "s" }!.distance == 3000)
        #expect(r.awayFromHome == 1)
    }

    @Test func notNeighboursAreNeverServedWhateverTheDistance() throws {
        // VA and VC are 6 km apart and not neighbours; the limit is 50 km: still only VA (and VB).
        let problem = StaffingProblem(
            grids: [grid("A1", "VA", 10, x: 0), grid("B1", "VB", 10, x: 3000), grid("C1", "VC", 500, x: 6000)],
            villages: lineOfVillages(3),
            people: [person("wa", .gridWorker, "VA", 40), person("wb", .gridWorker, "VB", 40), person("wc", .gridWorker, "VC", 40)]
                + (0..<5).map { person("s\($0)", .groupLeader, "VA", 6) })
        var options = StaffingOptions()
        options.travelLimit = 50_000
        let r = try Staffing(options: options).solve(problem)
        #expect(r.people.filter { $0.post == .support }.allSatisfy { $0.grid == "A1" || $0.grid == "B1" })
    }

    /// A district-like instance: 30 villages on a 6 × 5 lattice (neighbours across edges), 1–3
    /// grids each with very uneven work, and people spread with no regard to the work.
    static func lattice(seed: UInt64) -> StaffingProblem {
        var g = SplitMix64(seed: seed)
        var villages: [StaffingVillage] = []
        for row in 0..<5 {
            for col in 0..<6 {
                let code = "V\(row)\(col)"
                var n: [String] = []
                if col > 0 { n.append("V\(row)\(col - 1)") }
                if col < 5 { n.append("V\(row)\(col + 1)") }
                if row > 0 { n.append("V\(row - 1)\(col)") }
                if row < 4 { n.append("V\(row + 1)\(col)") }
                villages.append(StaffingVillage(code: code, townshipCode: "T\(row)", x: Double(col) * 2500, y: Double(row) * 2500, neighbours: n))
            }
        }
        var grids: [StaffingGrid] = [], people: [StaffMember] = []
        for v in villages {
            let count = 1 + g.nextIndex(below: 3)
            for k in 0..<count {
                grids.append(StaffingGrid(code: v.code + "-\(k)", villageCode: v.code, workHours: g.uniform(30, 200),
                                          x: v.x + g.uniform(-600, 600), y: v.y + g.uniform(-600, 600)))
                people.append(person("w-\(v.code)-\(k)", .gridWorker, v.code, 40))
            }
            for k in 0..<(4 + g.nextIndex(below: 12)) {
                let role = [StaffRole.villageCadre, .groupLeader, .socialWorker, .retiredCadre][g.nextIndex(below: 4)]
                let hours: Double = switch role {
                case .villageCadre: Double(10 + g.nextIndex(below: 11))
                case .groupLeader: Double(4 + g.nextIndex(below: 5))
                case .socialWorker: 20
                default: Double(4 + g.nextIndex(below: 7))
                }
                people.append(person("s-\(v.code)-\(k)", role, v.code, hours))
            }
        }
        return StaffingProblem(grids: grids, villages: villages, people: people)
    }

    @Test func theRatioIsFarMoreEvenThanSpreadingMembersAtHome() throws {
        for seed: UInt64 in [1, 2, 3] {
            let r = try Staffing().solve(Self.lattice(seed: seed))
            #expect(r.unfilled.isEmpty)
            #expect(r.unassigned.isEmpty)
            #expect(r.naive.cv > 0.25, "seed \(seed): the naive spread should be uneven (\(r.naive.cv))")
            #expect(r.ratio.cv < r.naive.cv / 3, "seed \(seed): CV \(r.ratio.cv) against naive \(r.naive.cv)")
            // Hours are conserved: every supporting member's hours are on exactly one grid.
            let staffed = r.grids.reduce(0) { $0 + $1.staffHours }
            let available = Self.lattice(seed: seed).people.reduce(0) { $0 + $1.hoursPerWeek }
            #expect(abs(staffed - available) < 1e-6)
        }
    }

    @Test func theSameInputInAnyOrderGivesTheSameAnswer() throws {
        let problem = Self.lattice(seed: 11)
        let first = try Staffing().solve(problem)
        var shuffled = problem
        var g = SplitMix64(seed: 99)
        g.shuffle(&shuffled.grids)
        g.shuffle(&shuffled.villages)
        g.shuffle(&shuffled.people)
        #expect(try Staffing().solve(shuffled) == first)
        #expect(try Staffing().solve(problem) == first)
    }

    @Test func aSmallCaseReachesTheOptimumFoundByBruteForce() throws {
        // Two villages, three grids, six supporters all eligible for every grid: 3^6 = 729
        // placements, enumerated here without the solver's search.
        let villages = lineOfVillages(2)
        let grids = [grid("A1", "VA", 90, x: 0), grid("A2", "VA", 30, x: 400), grid("B1", "VB", 150, x: 3000)]
        let supporters = [("s1", 20.0), ("s2", 12), ("s3", 8), ("s4", 6), ("s5", 5), ("s6", 4)]
        let people = [person("wa1", .gridWorker, "VA", 40), person("wa2", .gridWorker, "VA", 40), person("wb", .gridWorker, "VB", 40)]
            + supporters.enumerated().map { k, s in person(s.0, .retiredCadre, k % 2 == 0 ? "VA" : "VB", s.1) }
        var options = StaffingOptions()
        options.awayPenalty = 0
        let r = try Staffing(options: options).solve(StaffingProblem(grids: grids, villages: villages, people: people))
        var best = Double.infinity
        for code in 0..<729 {
            var staff = [40.0, 40, 40], c = code
            for s in supporters { staff[c % 3] += s.1; c /= 3 }
            let ratios = zip(grids, staff).map { $0.0.workHours / $0.1 }
            let mean = ratios.reduce(0, +) / 3
            let cv = (ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot() / mean
            best = min(best, cv)
        }
        #expect(r.ratio.cv <= best + 1e-9, "solver CV \(r.ratio.cv), optimum \(best)")
    }

    @Test func inconsistentInputIsAnErrorNotACrash() {
        let villages = lineOfVillages(1)
        #expect(throws: StaffingError.unknownVillage(what: "person p", village: "VZ")) {
            try Staffing().solve(StaffingProblem(grids: [grid("A1", "VA", 1, x: 0)], villages: villages, people: [person("p", .gridWorker, "VZ", 40)]))
        }
        #expect(throws: StaffingError.duplicateGrid("A1")) {
            try Staffing().solve(StaffingProblem(grids: [grid("A1", "VA", 1, x: 0), grid("A1", "VA", 2, x: 0)], villages: villages, people: []))
        }
        #expect(throws: StaffingError.badHours(what: "person p", hours: 0)) {
            try Staffing().solve(StaffingProblem(grids: [], villages: villages, people: [person("p", .groupLeader, "VA", 0)]))
        }
    }
}
