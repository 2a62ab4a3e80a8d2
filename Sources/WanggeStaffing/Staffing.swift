// Putting the team on the grids. Knows ids, hours and points in metres — no geometry, no files.
//
// 1. Grid workers: one on each grid. A village's own grid workers go to its grids, heaviest grid
//    first; a grid left without one takes a spare grid worker from the nearest village (distance
//    from the worker's village point to the grid's point), heaviest grid first, while spare
//    workers last. The grids still without one are named (unfilled). Spare grid workers left
//    over help as supporting members.
// 2. Supporting members (cadres, group leaders, social workers, retired cadres): each may serve
//    a grid of their own village, or of a neighbouring village whose grid point lies within the
//    travel limit of their village point. Among those grids, they are placed so that the ratio
//    r = hours of work ÷ hours of staff (grid worker included) is as even as possible across the
//    district: greedily (largest hours first, each to the eligible grid whose ratio is highest
//    now), then local search — moves of one member and swaps of two — that lower CV(r)² (the
//    squared coefficient of variation over the staffed grids) plus a small price for every member
//    placed outside their own village, so a member leaves home only when it evens the load.
// Every loop runs over sorted indices and ties go to the lower index: one input, one answer.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct StaffingGrid: Sendable, Equatable {
    public var code: String
    public var villageCode: String
    /// Hours of work a week.
    public var workHours: Double
    /// A representative point (e.g. the centroid), metric (metres).
    public var x: Double
    public var y: Double

    public init(code: String, villageCode: String, workHours: Double, x: Double, y: Double) {
        self.code = code; self.villageCode = villageCode; self.workHours = workHours; self.x = x; self.y = y
    }
}

public struct StaffingVillage: Sendable, Equatable {
    public var code: String
    public var townshipCode: String
    /// A representative point, metric (metres).
    public var x: Double
    public var y: Double
    /// Codes of the villages that share a boundary with this one.
    public var neighbours: [String]

    public init(code: String, townshipCode: String, x: Double, y: Double, neighbours: [String]) {
        self.code = code; self.townshipCode = townshipCode; self.x = x; self.y = y; self.neighbours = neighbours
    }
}

public struct StaffMember: Sendable, Equatable {
    public var id: String
    public var role: StaffRole
    public var villageCode: String
    public var hoursPerWeek: Double

    public init(id: String, role: StaffRole, villageCode: String, hoursPerWeek: Double) {
        self.id = id; self.role = role; self.villageCode = villageCode; self.hoursPerWeek = hoursPerWeek
    }

    public init(_ e: RosterEntry) {
        self.init(id: e.id, role: e.role, villageCode: e.homeVillageCode, hoursPerWeek: e.hoursPerWeek)
    }
}

public struct StaffingOptions: Sendable {
    /// How far (metres, village point to grid point) a supporting member goes to a neighbouring
    /// village's grid. Their own village's grids are always within reach.
    public var travelLimit = 5000.0
    /// A grid whose ratio (work ÷ staff hours) is above this has more work than its staff has
    /// hours: each of its people is overloaded (their share of the work exceeds their hours).
    public var overloadRatio = 1.0
    /// The price, in units of CV², of one supporting member placed outside their own village:
    /// a move or swap that takes someone away from home must even the ratios by more than this.
    public var awayPenalty = 1e-6
    /// Rounds of local search at most (each tries every move and swap once).
    public var maxRounds = 200

    public init() {}
}

/// The problem: grids, villages and people, each identified by a code or id.
public struct StaffingProblem: Sendable {
    public var grids: [StaffingGrid]
    public var villages: [StaffingVillage]
    public var people: [StaffMember]

    public init(grids: [StaffingGrid], villages: [StaffingVillage], people: [StaffMember]) {
        self.grids = grids; self.villages = villages; self.people = people
    }
}

public enum StaffingPost: String, Sendable, CaseIterable {
    /// The grid's one grid worker.
    case gridWorker = "grid_worker"
    /// A supporting member of a grid's team.
    case support
    /// On no grid (no grid within reach).
    case unassigned
}

public struct StaffingResult: Sendable, Equatable {
    public struct Person: Sendable, Equatable {
        public var id: String
        public var role: StaffRole
        public var villageCode: String
        public var hoursPerWeek: Double
        public var post: StaffingPost
        /// The grid's code (nil when unassigned).
        public var grid: String?
        /// Village point to grid point, metres (nil when unassigned).
        public var distance: Double?
        /// The person's share of the grid's work: hours × the grid's ratio.
        public var shareHours: Double?
        /// The share exceeds the person's hours (the grid's ratio is above `overloadRatio`).
        public var overloaded: Bool
    }

    public struct Grid: Sendable, Equatable {
        public var code: String
        public var villageCode: String
        public var workHours: Double
        /// The grid worker's id (nil: unfilled).
        public var gridWorker: String?
        /// Supporting members' ids, sorted.
        public var support: [String]
        public var staffHours: Double
        /// workHours ÷ staffHours (nil when nobody is on the grid).
        public var ratio: Double?
    }

    /// Sorted by id.
    public var people: [Person]
    /// Sorted by code.
    public var grids: [Grid]
    /// Codes of the grids without a grid worker (there were not enough).
    public var unfilled: [String]
    /// Ids of the people on no grid.
    public var unassigned: [String]
    /// Ids of the people whose share of their grid's work exceeds their hours.
    public var overloaded: [String]
    /// The spread of hours of work per grid, before anyone is placed.
    public var workHours: Spread
    /// The spread of the ratio (work ÷ staff hours) with the supporting members spread evenly, by
    /// count, over their own village's grids — what one would do without looking at the work.
    public var naive: Spread
    /// The spread of the ratio after staffing.
    public var ratio: Spread
    /// Supporting members placed outside their own village.
    public var awayFromHome: Int
    /// Rounds of local search run.
    public var rounds: Int
}

/// Mean, coefficient of variation (population standard deviation ÷ mean), minimum and maximum.
public struct Spread: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var cv: Double
    public var min: Double
    public var max: Double

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = 0; cv = 0; min = 0; max = 0; return }
        let m = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)
        mean = m
        cv = m != 0 ? variance.squareRoot() / m : 0
        min = values.min()!
        max = values.max()!
    }
}

public enum StaffingError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateGrid(String)
    case duplicateVillage(String)
    case duplicatePerson(String)
    case unknownVillage(what: String, village: String)
    case badHours(what: String, hours: Double)

    public var description: String {
        switch self {
        case .duplicateGrid(let c): "grid \(c) is listed twice"
        case .duplicateVillage(let c): "village \(c) is listed twice"
        case .duplicatePerson(let id): "person \(id) is listed twice"
        case .unknownVillage(let what, let v): "\(what): village \(v) is not one of the district's"
        case .badHours(let what, let h): "\(what): \(h) hours is not a positive number"
        }
    }
}

public struct Staffing {
    public let options: StaffingOptions

    public init(options: StaffingOptions = StaffingOptions()) { self.options = options }

    public func solve(_ problem: StaffingProblem) throws(StaffingError) -> StaffingResult {
        var state = try State(problem, options: options)
        state.placeGridWorkers()
        let naive = state.naiveSpread()
        state.placeSupportGreedily()
        let rounds = state.improve()
        return state.result(naive: naive, rounds: rounds)
    }
}

/// The working state: everything by index (grids by code, villages by code, people by id).
struct State {
    let options: StaffingOptions
    let grids: [StaffingGrid]
    let villages: [StaffingVillage]
    let people: [StaffMember]
    /// Village index of each grid and of each person.
    let gridVillage: [Int]
    let personVillage: [Int]
    /// Grid indices per village (code order).
    let villageGrids: [[Int]]
    let villageCodes: [String]

    /// Grid of each person (-1: none) and whether as its grid worker.
    var grid: [Int]
    var isGridWorker: [Bool]
    var gridWorker: [Int]
    var staffHours: [Double]
    /// Supporting members per grid (person indices, unsorted while searching).
    var members: [[Int]]
    /// Eligible grids of each supporting member (sorted), empty for grid workers in post.
    var eligible: [[Int]] = []

    init(_ p: StaffingProblem, options: StaffingOptions) throws(StaffingError) {
        self.options = options
        grids = p.grids.sorted { $0.code < $1.code }
        villages = p.villages.sorted { $0.code < $1.code }
        people = p.people.sorted { $0.id < $1.id }
        for k in grids.indices.dropFirst() where grids[k].code == grids[k - 1].code { throw .duplicateGrid(grids[k].code) }
        for k in villages.indices.dropFirst() where villages[k].code == villages[k - 1].code { throw .duplicateVillage(villages[k].code) }
        for k in people.indices.dropFirst() where people[k].id == people[k - 1].id { throw .duplicatePerson(people[k].id) }
        let codes = villages.map(\.code)
        villageCodes = codes
        func village(_ code: String, _ what: String) throws(StaffingError) -> Int {
            guard let i = Self.search(codes, code) else { throw .unknownVillage(what: what, village: code) }
            return i
        }
        var gv: [Int] = []
        for g in grids {
            guard g.workHours.isFinite, g.workHours >= 0 else { throw .badHours(what: "grid \(g.code)", hours: g.workHours) }
            gv.append(try village(g.villageCode, "grid \(g.code)"))
        }
        var pv: [Int] = []
        for m in people {
            guard m.hoursPerWeek.isFinite, m.hoursPerWeek > 0 else { throw .badHours(what: "person \(m.id)", hours: m.hoursPerWeek) }
            pv.append(try village(m.villageCode, "person \(m.id)"))
        }
        gridVillage = gv
        personVillage = pv
        var vg = [[Int]](repeating: [], count: villages.count)
        for (g, v) in gv.enumerated() { vg[v].append(g) }
        villageGrids = vg
        grid = [Int](repeating: -1, count: people.count)
        isGridWorker = [Bool](repeating: false, count: people.count)
        gridWorker = [Int](repeating: -1, count: grids.count)
        staffHours = [Double](repeating: 0, count: grids.count)
        members = [[Int]](repeating: [], count: grids.count)
    }

    static func search(_ sorted: [String], _ key: String) -> Int? {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == key ? lo : nil
    }

    func distance(person p: Int, grid g: Int) -> Double {
        let v = villages[personVillage[p]]
        return hypot(grids[g].x - v.x, grids[g].y - v.y)
    }

    /// Heaviest first, then by code.
    func heavierFirst(_ a: Int, _ b: Int) -> Bool {
        grids[a].workHours != grids[b].workHours ? grids[a].workHours > grids[b].workHours : a < b
    }

    // MARK: 1. Grid workers

    mutating func placeGridWorkers() {
        var spare: [Int] = []
        for v in villages.indices {
            let workers = people.indices.filter { personVillage[$0] == v && people[$0].role == .gridWorker }
            let own = villageGrids[v].sorted(by: heavierFirst)
            for (g, p) in zip(own, workers) { post(p, on: g, asGridWorker: true) }
            spare += workers.dropFirst(own.count)
        }
        spare.sort()
        for g in grids.indices.sorted(by: heavierFirst) where gridWorker[g] < 0 {
            guard let k = spare.indices.min(by: { a, b in
                let da = distance(person: spare[a], grid: g), db = distance(person: spare[b], grid: g)
                return da != db ? da < db : spare[a] < spare[b]
            }) else { break }
            post(spare.remove(at: k), on: g, asGridWorker: true)
        }
        eligible = people.indices.map { p in isGridWorker[p] ? [] : eligibleGrids(p) }
    }

    mutating func post(_ p: Int, on g: Int, asGridWorker: Bool) {
        grid[p] = g
        staffHours[g] += people[p].hoursPerWeek
        if asGridWorker { isGridWorker[p] = true; gridWorker[g] = p } else { members[g].append(p) }
    }

    mutating func unpost(_ p: Int) {
        let g = grid[p]
        staffHours[g] -= people[p].hoursPerWeek
        members[g].remove(at: members[g].firstIndex(of: p)!)
        grid[p] = -1
    }

    /// Own village's grids, then neighbours' grids within the travel limit.
    func eligibleGrids(_ p: Int) -> [Int] {
        let v = personVillage[p]
        var out = villageGrids[v]
        for code in villages[v].neighbours {
            guard let n = Self.search(villageCodes, code), n != v else { continue }
            out += villageGrids[n].filter { distance(person: p, grid: $0) <= options.travelLimit }
        }
        return Array(Set(out)).sorted()
    }

    var supporters: [Int] { people.indices.filter { !isGridWorker[$0] } }

    // MARK: 2. Supporting members

    /// The ratios with every supporting member on their own village's grids, spread by count in
    /// id order over the grids in code order (nobody leaves home; the work is not looked at).
    func naiveSpread() -> Spread {
        var hours = staffHours
        var next = [Int](repeating: 0, count: villages.count)
        for p in supporters {
            let v = personVillage[p], own = villageGrids[v]
            guard !own.isEmpty else { continue }
            hours[own[next[v] % own.count]] += people[p].hoursPerWeek
            next[v] += 1
        }
        return Spread(grids.indices.compactMap { hours[$0] > 0 ? grids[$0].workHours / hours[$0] : nil })
    }

    func ratio(_ g: Int) -> Double { staffHours[g] > 0 ? grids[g].workHours / staffHours[g] : .infinity }

    mutating func placeSupportGreedily() {
        let order = supporters.sorted { a, b in
            people[a].hoursPerWeek != people[b].hoursPerWeek ? people[a].hoursPerWeek > people[b].hoursPerWeek : a < b
        }
        for p in order {
            // The eligible grid with the highest ratio now; a tie stays home, then the lower code.
            // (Starting everyone at home instead ends in worse local optima: measured CV 0.101
            // against 0.098 on the bundled district, with fewer members away.)
            var best = -1
            for g in eligible[p] {
                if best < 0 { best = g; continue }
                let r = ratio(g), rb = ratio(best)
                if r > rb || (r == rb && gridVillage[g] == personVillage[p] && gridVillage[best] != personVillage[p]) { best = g }
            }
            if best >= 0 { post(p, on: best, asGridWorker: false) }
        }
    }

    /// Σr and Σr² over the staffed grids, and how many supporting members are away from home.
    struct Tally {
        var n = 0.0, sum = 0.0, squares = 0.0, away = 0.0
        /// CV² = n·Σr²/(Σr)² − 1, plus the price of the members away from home.
        func objective(_ penalty: Double) -> Double {
            (sum > 0 ? n * squares / (sum * sum) - 1 : 0) + penalty * away
        }
    }

    func tally() -> Tally {
        var t = Tally()
        for g in grids.indices where staffHours[g] > 0 {
            let r = grids[g].workHours / staffHours[g]
            t.n += 1; t.sum += r; t.squares += r * r
        }
        for p in supporters where grid[p] >= 0 && gridVillage[grid[p]] != personVillage[p] { t.away += 1 }
        return t
    }

    /// The tally after grid `a` loses `h` hours and grid `b` gains them (a ≠ b, both staffed after).
    func shifted(_ t: Tally, hours h: Double, from a: Int, to b: Int, awayChange: Double) -> Tally {
        var t = t
        for (g, dh) in [(a, -h), (b, h)] {
            let before = grids[g].workHours / staffHours[g], after = grids[g].workHours / (staffHours[g] + dh)
            t.sum += after - before
            t.squares += after * after - before * before
        }
        t.away += awayChange
        return t
    }

    func away(_ p: Int, _ g: Int) -> Double { gridVillage[g] != personVillage[p] ? 1 : 0 }

    /// Moves and swaps until none lowers the objective (or `maxRounds`). Returns the rounds run.
    mutating func improve() -> Int {
        let penalty = options.awayPenalty
        let order = supporters.filter { grid[$0] >= 0 }
        var rounds = 0
        while rounds < options.maxRounds {
            rounds += 1
            var improved = false
            // The tally is recomputed once a round and carried through the changes (no drift
            // beyond one round's additions).
            var t = tally()
            // Moves: one member to another eligible grid.
            for p in order {
                let from = grid[p], h = people[p].hoursPerWeek
                guard staffHours[from] - h > 1e-9 else { continue }  // never empty a grid
                var best = -1, bestTally = t, bestValue = t.objective(penalty) - 1e-12
                for g in eligible[p] where g != from {
                    let next = shifted(t, hours: h, from: from, to: g, awayChange: away(p, g) - away(p, from))
                    if next.objective(penalty) < bestValue { best = g; bestTally = next; bestValue = next.objective(penalty) }
                }
                if best >= 0 { unpost(p); post(p, on: best, asGridWorker: false); t = bestTally; improved = true }
            }
            // Swaps: two members of different grids, each eligible for the other's.
            for p in order {
                let a = grid[p], hp = people[p].hoursPerWeek
                var best = -1, bestTally = t, bestValue = t.objective(penalty) - 1e-12
                for b in eligible[p] where b != a {
                    for q in members[b] {
                        let hq = people[q].hoursPerWeek
                        guard hq != hp, Self.search(eligible[q], a) else { continue }
                        // a gives hp and takes hq: hp − hq hours go from a to b.
                        let change = away(p, b) + away(q, a) - away(p, a) - away(q, b)
                        let next = shifted(t, hours: hp - hq, from: a, to: b, awayChange: change)
                        if next.objective(penalty) < bestValue { best = q; bestTally = next; bestValue = next.objective(penalty) }
                    }
                }
                if best >= 0 {
                    let b = grid[best]
                    unpost(p); unpost(best)
                    post(p, on: b, asGridWorker: false); post(best, on: a, asGridWorker: false)
                    t = bestTally
                    improved = true
                }
            }
            if !improved { break }
        }
        return rounds
    }

    static func search(_ sorted: [Int], _ key: Int) -> Bool {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < sorted.count && sorted[lo] == key
    }

    // MARK: Result

    func result(naive: Spread, rounds: Int) -> StaffingResult {
        var outPeople: [StaffingResult.Person] = []
        for (p, m) in people.enumerated() {
            let g = grid[p]
            let r = g >= 0 ? ratio(g) : nil
            let over = r.map { $0 > options.overloadRatio } ?? false
            outPeople.append(.init(id: m.id, role: m.role, villageCode: m.villageCode, hoursPerWeek: m.hoursPerWeek,
                                   post: g < 0 ? .unassigned : isGridWorker[p] ? .gridWorker : .support,
                                   grid: g >= 0 ? grids[g].code : nil, distance: g >= 0 ? distance(person: p, grid: g) : nil,
                                   shareHours: r.map { $0 * m.hoursPerWeek }, overloaded: over))
        }
        let outGrids = grids.indices.map { g in
            StaffingResult.Grid(code: grids[g].code, villageCode: grids[g].villageCode, workHours: grids[g].workHours,
                                gridWorker: gridWorker[g] >= 0 ? people[gridWorker[g]].id : nil,
                                support: members[g].sorted().map { people[$0].id },
                                staffHours: staffHours[g], ratio: staffHours[g] > 0 ? ratio(g) : nil)
        }
        return StaffingResult(
            people: outPeople, grids: outGrids,
            unfilled: grids.indices.filter { gridWorker[$0] < 0 }.map { grids[$0].code },
            unassigned: outPeople.filter { $0.post == .unassigned }.map(\.id),
            overloaded: outPeople.filter(\.overloaded).map(\.id),
            workHours: Spread(grids.map(\.workHours)),
            naive: naive,
            ratio: Spread(outGrids.compactMap(\.ratio)),
            awayFromHome: supporters.filter { grid[$0] >= 0 && gridVillage[grid[$0]] != personVillage[$0] }.count,
            rounds: rounds)
    }
}
