import WanggeDistrict
import WanggeIO
import WanggeStore
/// A seeded generator of messy intake addresses with their ground truth, for evaluation
/// (`geocode-sample`, tools/bench_geocode.py) and tests. Built from a gazetteer's houses,
/// villages and landmarks; the same seed gives the same lines.
public struct IntakeSample: Sendable {
    public var input: String
    /// The truth: matched, ambiguous or outside (never not_found: every sample says something).
    public var status: GeocodeResult.Status
    public var township: String
    public var villageCode: String
    public var village: String
    /// How precisely a matched sample names its place (house, group or village); nil otherwise.
    public var level: GeocodeResult.Level?
    /// Comma-separated styles applied (full, no_prefix, short_district, omit_suffix, group_cn, …).
    public var styles: String
    public var outside: String

    public static let tsvHeader = "input\tstatus\ttownship\tvillage_code\tvillage\tlevel\tstyles\toutside"
    public var tsvLine: String {
        [input, status.rawValue, township, villageCode, village, level?.rawValue ?? "", styles, outside].joined(separator: "\t")
    }
}

public struct IntakeGenerator {
    var rng: SplitMix64
    let g: Gazetteer
    let villageByCode: [String: VillageRow]
    let townshipByCode: [String: TownshipRow]
    let groupHouses: [HouseRow]
    let streetHouses: [HouseRow]
    /// Village short/full forms → how many villages use them (any township).
    let formCount: [String: Int]
    let allForms: [String]
    let uniqueStreets: Set<String>
    let sharedStreets: [String]
    /// Per shared street name, the numbers that exist in two towns or more (a number in only one
    /// town decides the town, so it is not ambiguous).
    let sharedStreetAmbiguousNumbers: [String: [Int]]
    /// Bare names of ours that are also a neighbouring county's township (绥山: 峨眉山市绥山镇).
    let townshipHomonyms: Set<String>
    let ambiguousShorts: [String]
    /// "town#street#number" used by houses of two villages (two stretches of one street name).
    let sharedStreetNumbers: Set<String>
    /// How callers name the district: 四川省 / 乐山市沙湾区 / 沙湾区 / 沙湾, 乐山沙湾 (from the gazetteer).
    let province: String
    let cityAndDistrict: String
    let shortDistricts: [String]
    /// The outside places that are not this district.
    let outsideTemplates: [(String, String)]

    static let s2t: [Character: Character] = {
        var m: [Character: Character] = [:]
        let s = Array(AddressText.traditionalPairs)
        var i = 0
        while i + 1 < s.count { if m[s[i + 1]] == nil && s[i] != s[i + 1] { m[s[i + 1]] = s[i] }; i += 2 }
        return m
    }()
    static let typoPool = Array("的是在不了有和人这大为上个我以要他来用们生到作地出就分成可主发动同也能下过说产种面而方多定行所得经之进着等部度电力里如化高自理起物现量两体制机当使点从业本去把性好应开它还因由其些然前外那义事形相全表间样与关各重线内数正反你明看原又么利比或但质气向道命此变只没结解问意建月公无系军很情者最立代想已通并提直题党程展果料象员革位入常文总次品式活设及管特件求老头基资边流级少图统接知较将见计别她手角期根论运指几九强放决被干做必战先回则任取据处府研")
    static let relations = ["旁", "对面", "附近", "后面", "旁边", "门口", "斜对面", "背后", ""]
    static let leshanAndBeyond: [(String, String)] = [
        ("乐山市市中区苏稽镇", "乐山市市中区"), ("市中区安谷镇", "乐山市市中区"), ("乐山市五通桥区牛华镇", "乐山市五通桥区"),
        ("五通桥竹根镇", "乐山市五通桥区"), ("峨眉山市绥山镇", "峨眉山市"), ("峨眉山市符溪镇", "峨眉山市"), ("金口河区永和镇", "乐山市金口河区"),
        ("犍为县玉津镇", "犍为县"), ("犍为罗城镇", "犍为县"), ("井研县研城镇", "井研县"), ("夹江县漹城镇", "夹江县"),
        ("沐川县沐溪镇", "沐川县"), ("峨边彝族自治县沙坪镇", "峨边彝族自治县"), ("马边县民建镇", "马边彝族自治县"),
        ("四川省成都市武侯区", "成都市"), ("成都市双流区", "成都市"), ("眉山市东坡区", "眉山市"), ("眉山洪雅县", "眉山市"),
        ("雅安市雨城区", "雅安市"), ("宜宾市翠屏区", "宜宾市"), ("重庆市渝中区", "重庆市"), ("自贡市自流井区", "自贡市"),
        ("乐山市沙湾区踏水镇", "乐山市沙湾区"),   // outside for every district but Shawan (filtered there)
    ]
    /// Real Sichuan counties and districts that OutsidePlaces does not list: they test the
    /// matcher's general rule (a name ending in 县/区/市 before anything of ours), not its tables.
    static let heldOutDivisions = ["仁寿县", "青神县", "丹棱县", "彭山区", "荣县", "富顺县", "名山区", "简阳市", "彭州市",
                                   "都江堰市", "邛崃市", "大邑县", "蒲江县", "长宁县", "高县", "屏山县", "汉源县", "石棉县",
                                   "荥经县", "天全县", "芦山县", "宝兴县", "乐至县", "安岳县"]
    static let outsideVillages = ["新桥村", "太平村", "红星村", "团结村", "新华村", "胜利村", "光明村", "石桥村", "草坝村", "和平社区"]

    public init(gazetteer: Gazetteer, seed: UInt64) {
        g = gazetteer
        rng = SplitMix64(seed: seed)
        let parents = gazetteer.parents, district = gazetteer.districtName
        let city = parents.last ?? ""
        let shortDistrict = GazetteerBuilder.districtShort(district)
        province = parents.count > 1 ? parents[0] : ""
        cityAndDistrict = city + district
        shortDistricts = [shortDistrict, GazetteerBuilder.shortName(city, suffixes: ["市", "州"]) + shortDistrict]
        outsideTemplates = Self.leshanAndBeyond.filter { $0.1 != city + district && !$0.0.contains(shortDistrict) }
        villageByCode = Dictionary(gazetteer.villages.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        townshipByCode = Dictionary(gazetteer.townships.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        groupHouses = gazetteer.houses.filter { $0.groupNumber != nil }
        streetHouses = gazetteer.houses.filter { $0.street != nil }
        var fc: [String: Int] = [:]
        for v in gazetteer.villages {
            fc[v.name, default: 0] += 1
            let s = GazetteerBuilder.villageShort(v.name)
            if s != v.name { fc[s, default: 0] += 1 }
        }
        for t in gazetteer.townships { fc[GazetteerBuilder.townshipShort(t.name), default: 0] += 1 }
        formCount = fc
        allForms = fc.keys.sorted()
        var towns: [String: Set<String>] = [:]
        for s in gazetteer.streets { towns[s.name, default: []].insert(s.townshipCode) }
        uniqueStreets = Set(towns.filter { $0.value.count == 1 }.keys)
        var firstVillage: [String: String] = [:], shared: Set<String> = []
        for h in gazetteer.houses { if let st = h.street {
            let k = "\(h.townshipCode)#\(st)#\(h.number)"
            if let v = firstVillage[k], v != h.villageCode { shared.insert(k) } else { firstVillage[k] = h.villageCode }
        } }
        sharedStreetNumbers = shared
        sharedStreets = towns.filter { $0.value.count > 1 }.keys.sorted()
        var numberTowns: [String: [Int: Set<String>]] = [:]
        for h in gazetteer.houses { if let st = h.street, (towns[st]?.count ?? 0) > 1 { numberTowns[st, default: [:]][h.number, default: []].insert(h.townshipCode) } }
        sharedStreetAmbiguousNumbers = numberTowns.mapValues { $0.filter { $0.value.count > 1 }.keys.sorted() }
        townshipHomonyms = Set(gazetteer.outsidePlaces.filter { $0.level == .township }.map { GazetteerBuilder.townshipShort($0.name) })
        // Bare short names that really are ambiguous: several villages, not all of them in a
        // township of that name (踏水 alone means 踏水镇; 草坝 is in two townships).
        var shorts: [String: [VillageRow]] = [:]
        for v in gazetteer.villages { shorts[GazetteerBuilder.villageShort(v.name), default: []].append(v) }
        var amb: [String] = []
        for (s, vs) in shorts where s.count >= 2 {
            let townshipNamed = gazetteer.townships.contains { GazetteerBuilder.townshipShort($0.name) == s }
            if vs.count > 1 && !(townshipNamed && Set(vs.map(\.townshipCode)).count == 1) { amb.append(s) }
            else if vs.count == 1 && townshipNamed && GazetteerBuilder.townshipShort(townshipByCode[vs[0].townshipCode]!.name) != s { amb.append(s) }
        }
        for h in townshipHomonyms where shorts[h] != nil { amb.append(h) }
        ambiguousShorts = Array(Set(amb)).sorted()
    }

    mutating func chance(_ p: Double) -> Bool { rng.nextDouble() < p }
    mutating func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }

    public mutating func samples(_ n: Int) -> [IntakeSample] { (0..<n).map { _ in next() } }

    public mutating func next() -> IntakeSample {
        let r = rng.nextDouble()
        if r < 0.05 { return outside() }
        if r < 0.12 { return ambiguous() }
        if r < 0.22 { return landmark() }
        return house()
    }

    static func cnNumber(_ n: Int) -> String {
        let d = Array("零一二三四五六七八九")
        if n < 10 { return String(d[n]) }
        if n < 20 { return "十" + (n % 10 == 0 ? "" : String(d[n % 10])) }
        if n < 100 { return String(d[n / 10]) + "十" + (n % 10 == 0 ? "" : String(d[n % 10])) }
        return String(n)
    }
    static func fullWidth(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value >= 0x30 && $0.value <= 0x39 ? Unicode.Scalar($0.value + 0xFEE0)! : $0 }))
    }

    func uniqueVillageForm(_ f: String, except code: String) -> Bool {
        // The form must name only this village, and be no closer than 2 edits to any other form.
        for v in g.villages where v.code != code {
            if v.name == f || GazetteerBuilder.villageShort(v.name) == f { return false }
        }
        return !townshipHomonyms.contains(f)
    }

    mutating func typo(_ name: String, code: String) -> String? {
        var chars = Array(name)
        let core = GazetteerBuilder.villageShort(name).count
        guard core >= 2 else { return nil }
        for _ in 0..<8 {
            let i = Int(rng.next() % UInt64(core))
            var c = chars
            if chance(0.6) {
                // A homophone.
                guard let grp = AddressText.homophoneGroups.first(where: { $0.contains(chars[i]) }) else { continue }
                let alts = Array(grp).filter { $0 != chars[i] }
                c[i] = pick(alts)
            } else {
                guard name.count >= 3 else { continue }
                c[i] = pick(Self.typoPool)
            }
            let t = String(c)
            // Must stay unique: no other name within one edit.
            let ok = g.villages.allSatisfy { v in
                v.code == code || (Self.edit(Array(v.name), c) > 1 && Self.edit(Array(GazetteerBuilder.villageShort(v.name)), c) > 1)
            } && g.townships.allSatisfy { Self.edit(Array($0.name), c) > 1 }
            if ok { chars = c; return t }
        }
        return nil
    }

    static func edit(_ a: [Character], _ b: [Character]) -> Int {
        if abs(a.count - b.count) > 1 { return 2 }
        var prev = Array(0...b.count)
        for i in 1...max(1, a.count) where a.count > 0 {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where b.count > 0 {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    mutating func prefix(_ styles: inout [String]) -> String {
        var p = ""
        let x = rng.nextDouble()
        if x < 0.3 { p = province + cityAndDistrict; styles.append("full") }
        else if x < 0.45 { p = cityAndDistrict; styles.append("no_province") }
        else if x < 0.6 { p = g.districtName; styles.append("district_only") }
        else if x < 0.75 { p = pick(shortDistricts); styles.append("short_district") }
        else { styles.append("no_prefix") }
        return p
    }

    mutating func messUp(_ s: String, _ styles: inout [String]) -> String {
        var s = s
        if chance(0.15) {
            s = String(s.map { Self.s2t[$0] ?? $0 }); styles.append("traditional")
        }
        if chance(0.15) {
            var out = ""
            let chars = Array(s)
            for (i, ch) in chars.enumerated() {
                out.append(ch)
                // Never between two digits: 2-10 would be another address, not noise.
                if i + 1 < chars.count && ch.isNumber && chars[i + 1].isNumber { continue }
                if chance(0.15) { out += pick([" ", "，", ",", "  ", "、", "-", "。"]) }
            }
            s = (chance(0.5) ? " " : "") + out + (chance(0.5) ? " " : "")
            styles.append("spaces_punct")
        }
        if chance(0.1) { s = Self.fullWidth(s); styles.append("fullwidth") }
        return s
    }

    mutating func house() -> IntakeSample {
        var styles: [String] = []
        let useStreet = chance(0.35)
        let h = useStreet ? pick(streetHouses) : pick(groupHouses)
        let v = villageByCode[h.villageCode]!
        let t = townshipByCode[v.townshipCode]!
        var s = prefix(&styles)
        var level = GeocodeResult.Level.house
        if useStreet, let st = h.street {
            styles.append("street")
            // Without a township only when the street name is unique in the district.
            let dropTownship = uniqueStreets.contains(st) && chance(0.3)
            if !dropTownship { s += chance(0.3) ? GazetteerBuilder.townshipShort(t.name) : t.name } else { styles.append("no_township") }
            s += st
            s += (chance(0.2) ? Self.fullWidth(String(h.number)) : String(h.number)) + "号"
        } else {
            let vShort = GazetteerBuilder.villageShort(v.name)
            let townshipForm: String
            let y = rng.nextDouble()
            var vForm = v.name
            let shortOK = vShort.count >= 2 && (formCount[vShort] ?? 0) == 1 && uniqueVillageForm(vShort, except: v.code)
                && g.townships.allSatisfy { GazetteerBuilder.townshipShort($0.name) != vShort }
            if y < 0.45 { townshipForm = t.name } else if y < 0.75 { townshipForm = GazetteerBuilder.townshipShort(t.name); styles.append("omit_suffix") }
            else { townshipForm = ""; styles.append("no_township") }
            if shortOK && chance(0.4) { vForm = vShort; if !styles.contains("omit_suffix") { styles.append("omit_suffix") } }
            if townshipForm.isEmpty && vForm == vShort && !shortOK { vForm = v.name }
            if chance(0.1), let ty = typo(vForm, code: v.code) { vForm = ty; styles.append("typo") }
            s += townshipForm + vForm
            let z = rng.nextDouble()
            let gn = h.groupNumber!
            var groupText: String
            if z < 0.4 { groupText = "\(gn)组" }
            else if z < 0.55 { groupText = Self.cnNumber(gn) + "组"; styles.append("group_cn") }
            else if z < 0.67 { groupText = "\(gn)社"; styles.append("group_she") }
            else if z < 0.77 { groupText = Self.fullWidth("\(gn)") + "组"; styles.append("group_fullwidth") }
            else if z < 0.87 { groupText = "第" + Self.cnNumber(gn) + "组"; styles.append("group_di") }
            else { groupText = "\(gn)组"; }
            let w = rng.nextDouble()
            if w < 0.7 { groupText += "\(h.number)号" }
            else if w < 0.78 { groupText += Self.cnNumber(h.number) + "号"; styles.append("number_cn") }
            else if w < 0.93 { level = .group }
            else { groupText = ""; level = .village; styles.append("no_group") }
            s += groupText
        }
        s = messUp(s, &styles)
        if useStreet, let st = h.street, sharedStreetNumbers.contains("\(h.townshipCode)#\(st)#\(h.number)") {
            // The same street and number exist in two villages: the truth is "ambiguous".
            return IntakeSample(input: s, status: .ambiguous, township: t.name, villageCode: "", village: "", level: nil,
                                styles: (styles + ["shared_street_number"]).joined(separator: ","), outside: "")
        }
        return IntakeSample(input: s, status: .matched, township: t.name, villageCode: v.code, village: v.name,
                            level: level, styles: styles.joined(separator: ","), outside: "")
    }

    mutating func landmark() -> IntakeSample {
        var styles = ["landmark"]
        let l = pick(g.landmarks)
        let v = villageByCode[l.villageCode]!
        let t = townshipByCode[v.townshipCode]!
        var name = l.name
        if l.kind == "village_committee" && chance(0.5) {
            let short = GazetteerBuilder.villageShort(v.name)
            name = v.kind == UnitKind.community.rawValue ? v.name + "居委会" : pick([v.name + "委会", v.name + "村委", short + "村委会"])
            if short.count < 2 { name = l.name }
            styles.append("committee_form")
        }
        var s = chance(0.4) ? prefix(&styles) : ""
        if chance(0.3) && !name.hasPrefix(t.name) && !name.hasPrefix(g.districtName) { s += t.name }
        s += name + pick(Self.relations)
        s = messUp(s, &styles)
        return IntakeSample(input: s, status: .matched, township: t.name, villageCode: v.code, village: v.name,
                            level: .house, styles: styles.joined(separator: ","), outside: "")
    }

    mutating func ambiguous() -> IntakeSample {
        var styles = ["ambiguous"]
        var s = ""
        if chance(0.5), !sharedStreets.isEmpty {
            if chance(0.3) { s += pick([g.districtName, cityAndDistrict]) }
            let street = pick(sharedStreets)
            let numbers = sharedStreetAmbiguousNumbers[street] ?? []
            s += street + (chance(0.7) && !numbers.isEmpty ? "\(pick(numbers))号" : "")
            styles.append("shared_street")
        } else {
            let n = pick(ambiguousShorts)
            let homonym = townshipHomonyms.contains(n)
            if !homonym && chance(0.3) { s += pick([g.districtName, cityAndDistrict, shortDistricts[0]]) }
            s += n + pick(["", "附近", "那边", "一带"])
            styles.append(homonym ? "homonym_elsewhere" : "shared_name")
        }
        s = messUp(s, &styles)
        return IntakeSample(input: s, status: .ambiguous, township: "", villageCode: "", village: "", level: nil,
                            styles: styles.joined(separator: ","), outside: "")
    }

    mutating func outside() -> IntakeSample {
        var styles = ["outside"]
        var (prefix, district) = pick(outsideTemplates)
        if chance(0.3) {
            let d = pick(Self.heldOutDivisions)
            prefix = (chance(0.5) ? province : "") + d
            district = d
            styles.append("outside_heldout")
        }
        var s = prefix + pick(Self.outsideVillages)
        if chance(0.7) { s += "\(1 + rng.next() % 12)组" }
        if chance(0.5) { s += "\(1 + rng.next() % 80)号" }
        s = messUp(s, &styles)
        return IntakeSample(input: s, status: .outside, township: "", villageCode: "", village: "", level: nil,
                            styles: styles.joined(separator: ","), outside: district)
    }
}

