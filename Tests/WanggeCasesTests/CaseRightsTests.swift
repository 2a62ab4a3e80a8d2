import Testing
@testable import WanggeCases

private let t0 = CaseTime(iso8601: "2026-12-01T09:00:00+08:00")!

/// A case in township 511111106, village 511111106214, grid 511111106214001, at `level`.
private func placed(_ level: CaseLevel, status: CaseStatus = .accepted, category: String = "水务局") -> CaseRecord {
    var c = CaseRecord(id: "R1", type: .departmentMatter, category: category, deadline: t0, reportedAt: t0)
    c.townshipCode = "511111106"; c.villageCode = "511111106214"; c.gridCode = "511111106214001"
    c.level = level; c.status = status
    return c
}

private let own: [CaseLevel: CaseActor] = [
    .grid: CaseActor(name: "g", level: .grid, unit: "511111106214001"),
    .village: CaseActor(name: "v", level: .village, unit: "511111106214"),
    .township: CaseActor(name: "t", level: .township, unit: "511111106"),
    .district: CaseActor(name: "d", level: .district, unit: nil),
    .department: CaseActor(name: "w", level: .department, unit: "水务局"),
]

@Suite struct CaseRightsTests {
    /// The rule table of docs/CASES.md, written out by hand (g v t d = grid, village, township,
    /// district; D = department): action → case level → who may.
    static let table: [CaseAction: [CaseLevel: String]] = [
        .accept: [.grid: "gvtd", .village: "vtd", .township: "td", .district: "d", .department: "D"],
        .escalate: [.grid: "gvtd", .village: "vtd", .township: "td", .district: "d", .department: "D"],
        .return: [.grid: "gvtd", .village: "vtd", .township: "td", .district: "d", .department: "D"],
        .resolve: [.grid: "gvtd", .village: "vtd", .township: "td", .district: "d", .department: "D"],
        .extend: [.grid: "vtd", .village: "td", .township: "d", .district: "d", .department: "d"],
        .park: [.grid: "vtd", .village: "td", .township: "d", .district: "d", .department: "d"],
        .verify: [.grid: "vtd", .village: "vtd", .township: "vtd", .district: "vtd", .department: "vtd"],
        .close: [.grid: "vtd", .village: "vtd", .township: "vtd", .district: "vtd", .department: "vtd"],
    ]
    static let letter: [CaseLevel: Character] = [.grid: "g", .village: "v", .township: "t", .district: "d", .department: "D"]

    @Test(arguments: CaseAction.allCases.filter { $0 != .report })
    func theRuleTableIsTheDocumentedOne(_ action: CaseAction) throws {
        for level in CaseLevel.allCases {
            let expected = try #require(Self.table[action]?[level])
            let got = String(CaseRights.levels(allowedTo: action, at: level).compactMap { Self.letter[$0] })
            #expect(Set(got) == Set(expected), "\(action.rawValue) at \(level.rawValue)")
        }
    }

    /// Every actor of the case's own unit, against the table; at the department level the
    /// territorial accounts still see the case (it is placed in their unit) but may not resolve it.
    @Test func ownUnitActorsAreJudgedByTheTable() throws {
        for (action, byLevel) in Self.table {
            for (level, who) in byLevel {
                let c = placed(level)
                for (actorLevel, actor) in own {
                    let allowed = who.contains(Self.letter[actorLevel]!)
                    let sees = CaseRights.sees(actor, c)
                    do {
                        try CaseRights.check(actor, action, c)
                        #expect(allowed && sees, "\(actor.name) \(action.rawValue) at \(level.rawValue) should be refused")
                    } catch {
                        #expect(error.kind == (sees ? .forbidden : .unknownCase), "\(actor.name) \(action.rawValue) at \(level.rawValue): \(error)")
                        #expect(!allowed || !sees)
                        if error.kind == .forbidden { #expect(error.message.contains(action.rawValue)) }
                    }
                }
            }
        }
    }

    /// A case elsewhere is "no case" to every unit account — the same words as an unknown id.
    @Test func aCaseOutsideTheUnitIsNoCase() throws {
        var elsewhere = placed(.grid)
        elsewhere.townshipCode = "511111102"; elsewhere.villageCode = "511111102207"; elsewhere.gridCode = "511111102207001"
        for (level, actor) in own where level != .district {
            #expect(!CaseRights.sees(actor, elsewhere))
            #expect(throws: CaseError.noSuchCase("R1")) { try CaseRights.check(actor, .accept, elsewhere) }
        }
        #expect(CaseRights.sees(own[.district]!, elsewhere))
        // A department sees only its own department's cases, and only at the department level.
        #expect(CaseRights.sees(own[.department]!, placed(.department)))
        #expect(!CaseRights.sees(own[.department]!, placed(.department, category: "交通局")))
        #expect(!CaseRights.sees(own[.department]!, placed(.district)))
        // An account without a unit (a damaged row) sees nothing.
        #expect(!CaseRights.sees(CaseActor(name: "x", level: .township, unit: nil), placed(.grid)))
    }

    @Test func registeringIsForTheTerritorialUnitsWhereTheCaseIs() {
        #expect(CaseRights.covers(own[.grid]!, township: "511111106", village: "511111106214", grid: "511111106214001"))
        #expect(!CaseRights.covers(own[.grid]!, township: "511111106", village: "511111106214", grid: "511111106214002"))
        #expect(CaseRights.covers(own[.township]!, township: "511111106", village: "511111106999", grid: nil))
        #expect(!CaseRights.covers(own[.village]!, township: "511111106", village: "511111106215", grid: nil))
        #expect(!CaseRights.covers(own[.department]!, township: "511111106", village: "511111106214", grid: "511111106214001"))
        #expect(CaseRights.covers(own[.district]!, township: nil, village: nil, grid: nil))
    }
}
