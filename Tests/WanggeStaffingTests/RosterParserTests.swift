import Testing
import WanggeStaffing

/// Every class of bad roster input: a missing column is an error naming the file and the column;
/// a bad row is a warning naming the file, the line and the field, the row skipped and counted.
@Suite struct RosterParserTests {
    static let villages: Set<String> = ["511111001001", "511111001002"]
    static let header = ["id", "name", "role", "home_village_code", "phone", "hours_per_week"]

    func parse(_ rows: [[String]], header: [String] = header) throws -> Roster {
        var parser = try RosterParser(file: "team.csv", header: header, villageCodes: Self.villages)
        for (k, row) in rows.enumerated() { parser.add(line: k + 2, fields: row) }
        return parser.roster()
    }

    @Test func goodRowsAreKeptInFileOrder() throws {
        let roster = try parse([
            ["P2", "王建国", "grid_worker", "511111001001", "13800000001", "40"],
            ["P1", "李丽", "Village_Cadre", "511111001002", "138-0000-0002", " 12.5 "],
        ])
        #expect(roster.entries.map(\.id) == ["P2", "P1"])
        #expect(roster.entries[1].role == .villageCadre)
        #expect(roster.entries[1].hoursPerWeek == 12.5)
        #expect(roster.skipped == 0)
    }

    @Test func columnsMayComeInAnyOrderWithOthersBetween() throws {
        let roster = try parse([["x", "13800000001", "40", "P1", "511111001001", "张三", "group_leader"]],
                               header: ["note", "Phone", "HOURS_PER_WEEK ", "id", "home_village_code", "name", "role"])
        #expect(roster.entries == [RosterEntry(id: "P1", name: "张三", role: .groupLeader, homeVillageCode: "511111001001",
                                               phone: "13800000001", hoursPerWeek: 40)])
    }

    @Test func aMissingColumnIsAnErrorNamingFileAndColumn() {
        #expect(throws: RosterError.self) { try parse([], header: ["id", "name", "role", "home_village_code", "hours_per_week"]) }
        do {
            _ = try parse([], header: ["id", "name", "role", "village", "hours_per_week"])
            Issue.record("accepted a roster without phone and home_village_code")
        } catch let error as RosterError {
            #expect(error.description.hasPrefix("team.csv: no columns \"home_village_code\", \"phone\""))
            #expect(error.description.contains("the header has id, name, role, village, hours_per_week"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func badRowsAreSkippedWithFileLineAndField() throws {
        let good = ["P1", "王建国", "grid_worker", "511111001001", "13800000001", "40"]
        func row(_ k: Int, _ v: String) -> [String] { var r = good; r[0] = "Q\(k)"; r[k] = v; return r }
        let roster = try parse([
            good,                                   // line 2: kept
            good,                                   // 3: duplicate id
            row(3, "511111999999"),                 // 4: unknown village
            row(4, ""),                             // 5: blank phone
            row(5, "forty"),                        // 6: non-numeric hours
            row(5, "-4"),                           // 7: negative hours
            row(2, "volunteer"),                    // 8: unknown role
            ["P9", "赵六", "grid_worker"],           // 9: too few fields
            ["", "", "", "", "", ""],               // 10: blank row, ignored
            row(1, " "),                            // 11: blank name
            row(5, "0x10"),                         // 12: hex is not a number
            row(5, "200"),                          // 13: more than a week
            row(4, "call the office"),              // 14: not a phone number
            row(0, ""),                             // 15: blank id
        ])
        #expect(roster.entries.map(\.id) == ["P1"])
        #expect(roster.skipped == 12)
        let seen = roster.warnings.map { "\($0.line) \($0.field ?? "-")" }
        #expect(seen == ["3 id", "4 home_village_code", "5 phone", "6 hours_per_week", "7 hours_per_week", "8 role", "9 -",
                         "11 name", "12 hours_per_week", "13 hours_per_week", "14 phone", "15 id"])
        #expect(roster.warnings[0].description == "team.csv line 3, id: \"P1\" is already used on line 2; row skipped")
        #expect(roster.warnings[1].description.contains("\"511111999999\" is not a village or community of the district"))
        #expect(roster.warnings[2].description == "team.csv line 5, phone: blank; row skipped")
        #expect(roster.warnings[6].description == "team.csv line 9: 3 fields, the header has 6; row skipped")
    }
}
