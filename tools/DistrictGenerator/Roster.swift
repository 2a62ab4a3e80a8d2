import Foundation
import WanggeIO
import WanggePartition

// boundaries/roster.csv: a synthetic team for `wangge staff` — the seed article's 2,200+ people,
// 204 of them grid workers, the rest village cadres, group leaders, social workers and retired
// cadres. Invented people: names are a seeded draw of common surnames and given-name
// characters, phones are the obviously fake 1380000xxxx.
//
// Assumptions (not from the seed article, which gives only the totals):
// - grid workers: 204, shared over the villages by residents (Huntington–Hill, at least one each)
//   — close to, but not always equal to, the plan's grid counts (apportioned by households);
//   40 h a week.
// - village cadres (the two committees): 3 per village or community, one more per 250
//   households up to 7; 10–20 h a week.
// - group leaders: one per villager group (组) in a village; one per 70 households (居民小组长, 楼栋长)
//   in a community; 4–8 h a week.
// - social workers: one per 250 households in a community (at least one), one per village of
//   500 households or more; 20 h a week.
// - retired cadres: one per 300 households (at least one); 4–10 h a week.
struct RosterPlan {
    struct Person {
        var id: String
        var name: String
        var role: String
        var villageCode: String
        var phone: String
        var hours: Int
    }

    let people: [Person]

    static let header = "id,name,role,home_village_code,phone,hours_per_week"
    static let roles = ["grid_worker", "village_cadre", "group_leader", "social_worker", "retired_cadre"]

    static let surnames = Array("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
    static let givenCharacters = Array("建国明华平军伟勇丽芳英秀兰红梅志强林霞敏静玉文洪德福春成学永海小晓燕琴桂云兵涛波杰刚辉超磊鹏亮俊峰秋萍蓉琼淑凤珍清莉娟婷雪宇浩然欣怡思佳军斌坤")

    /// `villages`: code, kind ("village"/"community") and name, in code order; `addresses` give
    /// households, residents and villager groups per village.
    let gridWorkers: Int
    /// Where the totals come from, for PROVENANCE.md.
    let totalsFrom: String

    init(seed: UInt64, villages: [(code: String, kind: String)], addresses: [AddressPoint], gridWorkers: Int, totalsFrom: String) {
        self.gridWorkers = gridWorkers
        self.totalsFrom = totalsFrom
        var households: [String: Int] = [:], residents: [String: Int] = [:], groups: [String: Set<Int>] = [:]
        for a in addresses {
            households[a.villageCode, default: 0] += a.households
            residents[a.villageCode, default: 0] += a.residents
            if let g = a.group { groups[a.villageCode, default: []].insert(g) }
        }
        let sorted = villages.sorted { $0.code < $1.code }
        let workers = (try? Apportionment.divisor(.huntingtonHill, weights: sorted.map { Double(residents[$0.code] ?? 0) }, total: gridWorkers))
            ?? [Int](repeating: 1, count: sorted.count)
        var rng = SplitMix64.stream(seed, "roster")
        var out: [Person] = []
        for (k, v) in sorted.enumerated() {
            let h = households[v.code] ?? 0
            let community = v.kind == "community"
            let counts = [
                workers[k],
                3 + min(4, h / 250),
                community ? max(1, h / 70) : (groups[v.code]?.count ?? 0),
                community ? max(1, h / 250) : (h >= 500 ? 1 : 0),
                max(1, h / 300),
            ]
            for (role, count) in zip(Self.roles, counts) {
                for _ in 0..<count {
                    let hours: Int
                    switch role {
                    case "grid_worker": hours = 40
                    case "village_cadre": hours = 10 + rng.nextIndex(below: 11)
                    case "group_leader": hours = 4 + rng.nextIndex(below: 5)
                    case "social_worker": hours = 20
                    default: hours = 4 + rng.nextIndex(below: 7)
                    }
                    let number = out.count + 1
                    out.append(Person(id: String(format: "P%05d", number), name: Self.name(&rng), role: role, villageCode: v.code,
                                      phone: String(format: "1380000%04d", number), hours: hours))
                }
            }
        }
        people = out
    }

    /// A surname and one or two given-name characters (two in three times).
    static func name(_ rng: inout SplitMix64) -> String {
        var s = String(surnames[rng.nextIndex(below: surnames.count)])
        s.append(givenCharacters[rng.nextIndex(below: givenCharacters.count)])
        if rng.nextIndex(below: 3) > 0 { s.append(givenCharacters[rng.nextIndex(below: givenCharacters.count)]) }
        return s
    }

    var csv: String {
        ([Self.header] + people.map { p in [p.id, p.name, p.role, p.villageCode, p.phone, String(p.hours)].joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    func count(_ role: String) -> Int { people.filter { $0.role == role }.count }

    /// The row of PROVENANCE.md's file table.
    var provenanceRow: String {
        "| roster.csv | \(people.count) | a synthetic team for `wangge staff` (invented names, fake phones 1380000xxxx): "
            + Self.roles.map { "\(count($0)) \($0)" }.joined(separator: ", ") + " |"
    }

    /// PROVENANCE.md's paragraph on the roster.
    var provenanceNote: String {
        let hours = people.reduce(0) { $0 + $1.hours }
        return """
        `roster.csv` is synthetic: \(people.count) invented people (seeded surnames and given-name characters,
        phones 1380000xxxx that reach nobody), \(hours) hours a week in all. Only the totals come from
        \(totalsFrom); the rest are assumptions: \(gridWorkers) grid workers shared over the
        villages by residents (40 h a week); village cadres 3 a village plus one per 250 households up to 7
        (10–20 h); group leaders one per villager group (组), in communities one per 70 households (4–8 h);
        social workers one per 250 households in communities, one in villages of 500+ households (20 h); retired
        cadres one per 300 households (4–10 h).
        """
    }
}

extension BoundaryWriter {
    func roster(_ d: SyntheticDistrict, addresses: [AddressPoint]) -> RosterPlan {
        RosterPlan(seed: seed, villages: d.villages.map { (code: $0.code, kind: $0.unit.kind) }, addresses: addresses,
                   gridWorkers: spec.grids, totalsFrom: spec.provenance.team)
    }

    func writeRoster(_ d: SyntheticDistrict, addresses: [AddressPoint]) throws {
        try AtomicFile.write(Array(roster(d, addresses: addresses).csv.utf8), to: outDir.appendingPathComponent("roster.csv").path)
    }
}
