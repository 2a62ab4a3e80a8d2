import WanggeDistrict
import WanggeStore
/// Turns a typed address into township, village, grid and a point, using in-memory structures
/// built once from a `Gazetteer`: a trie of every name form, dictionaries of house numbers, and
/// a deletion index for one-character typos.
public final class AddressMatcher: @unchecked Sendable {
    public let gazetteer: Gazetteer

    /// What a name form can mean.
    enum Sense: Hashable {
        case province, city, district
        case township(Int)
        case village(Int)
        case street(Int)          // index into streetNames
        case landmark(Int)
        case outside(String)      // the division it names
    }

    // Trie: (node << 32 | scalar) → child; node → index into `senses`.
    private var children: [UInt64: Int32] = [:]
    private var nodeSense: [Int32] = [0]       // 0 = none, else 1 + index
    private var senses: [[Sense]] = []
    private var nodeCount: Int32 = 1

    private var townshipIndex: [String: Int] = [:]
    private var villageIndex: [String: Int] = [:]
    private(set) var streetNames: [String] = []
    private var streetsByName: [[Int]] = []                  // streetNames index → gazetteer.streets indices
    // Integer keys (see streetKey / groupKey): no string building per address.
    private var streetHouse: [Int: Int] = [:]                // (township, street name, number) → house index
    private var streetHouseVillages: [Int: [Int]] = [:]      // the same, when several villages share it
    private var groupIndex: [Int: Int] = [:]                 // (village, group) → groups index
    private var groupHouse: [Int: Int] = [:]                 // (village, group, number) → house index
    private var streetRowName: [Int] = []                    // gazetteer.streets index → streetNames index
    private var streetRowTownship: [Int] = []

    private func groupKey(_ v: Int, _ gn: Int) -> Int? { gn >= 0 && gn < 1000 ? v &* 1000 &+ gn : nil }
    private func houseKey(_ base: Int?, _ n: Int) -> Int? {
        guard let base, n >= 0, n < 1_000_000 else { return nil }
        return base &* 1_000_000 &+ n
    }
    private func streetKey(_ row: Int, _ n: Int) -> Int? {
        houseKey(streetRowTownship[row] &* 100_000 &+ streetRowName[row], n)
    }
    private var villagesWithGroups: Set<Int> = []
    private var townshipShort: [Int: String] = [:]
    private var homonyms: [String: String] = [:]

    // Fuzzy: canonical (homophone-folded) name → senses, and its one-deletion variants → names.
    private var fuzzyExact: [[UInt32]: Set<Sense>] = [:]
    private var fuzzyDeletes: [[UInt32]: Set<[UInt32]>] = [:]

    /// Builds every lookup structure once. The order of the phases is the order in which name forms
    /// enter the trie, and a form with several senses keeps them in that order, so it must not change.
    public init(gazetteer g: Gazetteer) {
        gazetteer = g
        indexCodes()
        addDivisionNames()
        addTownshipNames()
        addVillageNames()
        addAliases()
        indexStreets()
        indexHouses()
        indexGroups()
        addLandmarkNames()
        addOutsidePlaces()
    }

    // MARK: - Building (the phases of init)

    /// Township and village codes → their rows.
    private func indexCodes() {
        for (i, t) in gazetteer.townships.enumerated() { townshipIndex[t.code] = i }
        for (i, v) in gazetteer.villages.enumerated() { villageIndex[v.code] = i }
    }

    /// The province, the city and the district, each with and without its suffix.
    private func addDivisionNames() {
        add("四川省", .province); add("四川", .province)
        add("乐山市", .city); add("乐山", .city)
        add(gazetteer.districtName, .district)
        for a in gazetteer.aliases where a.targetKind == "district" { add(a.alias, .district) }
    }

    /// Township names and short forms (嘉农镇, 嘉农); one-letter short forms would match too much.
    private func addTownshipNames() {
        for (i, t) in gazetteer.townships.enumerated() {
            add(t.name, .township(i))
            let s = GazetteerBuilder.townshipShort(t.name)
            townshipShort[i] = s
            if s.count >= 2 { add(s, .township(i)); addFuzzy(s, .township(i)) }
            addFuzzy(t.name, .township(i))
        }
    }

    /// Village names, and the committee forms callers write (王场村委会, 王场村委, 绥山居委会), which
    /// mean the committee's landmark when there is one.
    private func addVillageNames() {
        let g = gazetteer
        for (i, v) in g.villages.enumerated() {
            add(v.name, .village(i))
            addFuzzy(v.name, .village(i))
            let s = GazetteerBuilder.villageShort(v.name)
            let committee = g.landmarks.firstIndex { $0.villageCode == v.code && $0.kind == "village_committee" }
            if let c = committee {
                let forms = v.kind == UnitKind.community.rawValue
                    ? [v.name + "居委会", v.name + "委会", s + "社区居委会", s + "居委会"]
                    : [v.name + "村委会", v.name + "委会", v.name + "村委", v.name + "村部", s + "村委会", s + "村委"]
                for form in forms where s.count >= 2 || form.hasPrefix(v.name) { add(form, .landmark(c)) }
            }
        }
    }

    /// The alias table's village and township names (short and former names).
    private func addAliases() {
        for a in gazetteer.aliases {
            switch a.targetKind {
            case "village":
                if let i = villageIndex[a.targetCode] { add(a.alias, .village(i)); if a.alias.count >= 2 { addFuzzy(a.alias, .village(i)) } }
            case "township":
                if let i = townshipIndex[a.targetCode] { add(a.alias, .township(i)) }
            default: break
            }
        }
    }

    /// Streets by name (one name may be a street of several towns), in name order, and each street
    /// row's name and township for the integer house keys.
    private func indexStreets() {
        let g = gazetteer
        var byName: [String: [Int]] = [:]
        for (i, s) in g.streets.enumerated() { byName[s.name, default: []].append(i) }
        for name in byName.keys.sorted() {
            streetNames.append(name)
            streetsByName.append(byName[name]!)
            add(name, .street(streetNames.count - 1))
            if name.count >= 3 { addFuzzy(name, .street(streetNames.count - 1)) }
        }
        streetRowName = Array(repeating: 0, count: g.streets.count)
        streetRowTownship = g.streets.map { townshipIndex[$0.townshipCode] ?? 0 }
        for (ni, rows) in streetsByName.enumerated() { for r in rows { streetRowName[r] = ni } }
    }

    /// House numbers by street (the first house wins; a number that several villages share on one
    /// street is remembered with all of them) and by villager group.
    private func indexHouses() {
        let g = gazetteer
        var rowOf: [String: Int] = [:]
        for (i, st) in g.streets.enumerated() { rowOf["\(st.townshipCode)#\(st.name)"] = i }
        for (i, h) in g.houses.enumerated() {
            if let s = h.street, let row = rowOf["\(h.townshipCode)#\(s)"], let key = streetKey(row, h.number) {
                if let j = streetHouse[key], g.houses[j].villageCode != h.villageCode {
                    let v = villageIndex[h.villageCode]!
                    if streetHouseVillages[key] == nil { streetHouseVillages[key] = [villageIndex[g.houses[j].villageCode]!] }
                    if !streetHouseVillages[key]!.contains(v) { streetHouseVillages[key]!.append(v) }
                } else if streetHouse[key] == nil {
                    streetHouse[key] = i
                }
            }
            if let n = h.groupNumber, let v = villageIndex[h.villageCode], let k = houseKey(groupKey(v, n), h.number) { groupHouse[k] = i }
        }
    }

    /// Villager groups by (village, number), and which villages have groups at all.
    private func indexGroups() {
        for (i, gr) in gazetteer.groups.enumerated() {
            if let v = villageIndex[gr.villageCode], let k = groupKey(v, gr.number) { groupIndex[k] = i }
            if let v = villageIndex[gr.villageCode] { villagesWithGroups.insert(v) }
        }
    }

    /// Landmarks, and the forms callers use: without 沙湾区, with a township's or village's short name.
    private func addLandmarkNames() {
        let g = gazetteer
        for (i, l) in g.landmarks.enumerated() {
            add(l.name, .landmark(i))
            var forms: [String] = []
            if l.name.hasPrefix(g.districtName) && l.name.count > g.districtName.count + 2 {
                forms.append(String(l.name.dropFirst(g.districtName.count)))
                forms.append("沙湾" + l.name.dropFirst(g.districtName.count))
            }
            for t in g.townships where l.name.hasPrefix(t.name) {
                forms.append(GazetteerBuilder.townshipShort(t.name) + l.name.dropFirst(t.name.count))
            }
            if let v = villageIndex[l.villageCode] {
                let vn = g.villages[v].name
                if l.name.hasPrefix(vn) {
                    let s = GazetteerBuilder.villageShort(vn)
                    if s.count >= 2 { forms.append(s + l.name.dropFirst(vn.count)) }
                }
            }
            for f in forms where f.count >= 3 { add(f, .landmark(i)) }
        }
    }

    /// Divisions outside the district (so they are recognised, not misread), and names shared with
    /// places elsewhere.
    private func addOutsidePlaces() {
        for d in OutsidePlaces.leshanDivisions { for f in d.forms { add(f, .outside(d.name)) } }
        for t in OutsidePlaces.leshanTownships { add(t.name, .outside(t.district)) }
        for d in OutsidePlaces.elsewhere { for f in d.forms { add(f, .outside(d.name)) } }
        for h in OutsidePlaces.externalHomonyms { homonyms[h.name] = h.place }
    }

    // MARK: - Trie and fuzzy index

    private func add(_ form: String, _ sense: Sense) {
        var node: Int32 = 0
        for c in AddressText.normalize(form) {
            let key = UInt64(UInt32(node)) << 32 | UInt64(c)
            if let n = children[key] { node = n } else {
                children[key] = nodeCount
                node = nodeCount
                nodeCount += 1
                nodeSense.append(0)
            }
        }
        if nodeSense[Int(node)] == 0 {
            senses.append([sense])
            nodeSense[Int(node)] = Int32(senses.count)
        } else if !senses[Int(nodeSense[Int(node)]) - 1].contains(sense) {
            senses[Int(nodeSense[Int(node)]) - 1].append(sense)
        }
    }

    private func addFuzzy(_ form: String, _ sense: Sense) {
        let k = AddressText.canonicalHomophones(AddressText.normalize(form))
        fuzzyExact[k, default: []].insert(sense)
        if k.count >= 3 {
            for i in k.indices {
                var d = k; d.remove(at: i)
                fuzzyDeletes[d, default: []].insert(k)
            }
        }
    }

    // MARK: - Tokens

    struct Token {
        var start: Int
        var end: Int
        var senses: [Sense]
        var fuzzy = false
    }

    struct Parse {
        var tokens: [Token] = []
        var group: Int?
        var number: Int?
        var extraNumber: Int?     // a dash pair's second number
        var residual: [Range<Int>] = []
    }

    private func longestMatch(_ s: [UInt32], _ i: Int) -> (Int, [Sense])? {
        var node: Int32 = 0
        var best: (Int, [Sense])?
        var j = i
        while j < s.count, let n = children[UInt64(UInt32(node)) << 32 | UInt64(s[j])] {
            node = n
            j += 1
            let si = nodeSense[Int(n)]
            if si != 0 { best = (j, senses[Int(si) - 1]) }
        }
        return best
    }

    func parse(_ s: [UInt32]) -> Parse {
        var p = Parse()
        var i = 0
        var residualStart: Int?
        func flush(_ at: Int) { if let r = residualStart { p.residual.append(r..<at); residualStart = nil } }
        while i < s.count {
            if let (end, senses) = longestMatch(s, i), end - i >= 2 || !isNumeral(s[i]) {
                flush(i)
                p.tokens.append(Token(start: i, end: end, senses: senses))
                i = end
                continue
            }
            // 第 before a number.
            if s[i] == 0x7B2C, i + 1 < s.count, isNumeral(s[i + 1]) { flush(i); i += 1; continue }
            if isNumeral(s[i]), let (v, j) = AddressText.readNumber(s, i) {
                let next: UInt32 = j < s.count ? s[j] : 0
                if next == 0x7EC4 || next == 0x793E || next == 0x961F {          // 组 社 队
                    if AddressText.isDigit(s[i]) || true { flush(i); if p.group == nil { p.group = v }; i = j + 1; continue }
                }
                if next == 0x53F7 {                                              // 号
                    flush(i); if p.number == nil { p.number = v }; i = j + 1; continue
                }
                if AddressText.isDigit(s[i]) {
                    flush(i)
                    if next == AddressText.dash, let (w, k) = AddressText.readNumber(s, j + 1) {
                        // 3-15: group-number after a village, number-subnumber after a street.
                        if p.group == nil && p.number == nil { p.group = v; p.number = w } else if p.number == nil { p.number = v; p.extraNumber = w }
                        i = k
                        if i < s.count && s[i] == 0x53F7 { i += 1 }
                        continue
                    }
                    if p.group != nil && p.number == nil { p.number = v }
                    else if p.number == nil { p.number = v }
                    i = j
                    continue
                }
            }
            if residualStart == nil { residualStart = i }
            i += 1
        }
        flush(s.count)
        return p
    }

    @inline(__always) private func isNumeral(_ c: UInt32) -> Bool { AddressText.isDigit(c) || AddressText.chineseDigit(c) != nil }

    // MARK: - Matching

    public func geocode(_ text: String) -> GeocodeResult {
        let s = AddressText.normalize(text)
        var p = parse(s)
        var r = resolve(p, s)
        if needsFuzzyPass(r, p, s), let t = fuzzyToken(s, p) {
            p.tokens.append(t)
            p.tokens.sort { $0.start < $1.start }
            var f = resolve(p, s)
            if f.status == .matched { f.fuzzy = true }
            // The fuzzy reading replaces the exact one only when it is at least as precise.
            if r.status == .notFound || (f.status == .matched && (r.status != .matched || rank(f.level) >= rank(r.level))) { r = f }
        }
        r.input = text
        return r
    }

    /// The exact reading left doubt worth a typo search: nothing found; unmatched text beside an
    /// ambiguous or township-only result; or an unmatched run of two or more characters that is not
    /// filler (对面, 附近 …). Never for an address outside the district.
    private func needsFuzzyPass(_ r: GeocodeResult, _ p: Parse, _ s: [UInt32]) -> Bool {
        let longResidual = p.residual.contains { $0.count >= 2 && !Self.filler.contains(AddressText.string(s[$0])) }
        return r.status != .outside
            && (r.status == .notFound || (!p.residual.isEmpty && (r.status == .ambiguous || r.level == .township)) || longResidual)
    }

    /// The first division-looking name in the unmatched run `r`: its text up to the first 省, 市, 县,
    /// 区 or 州 (2–7 characters; 仁寿县 in 仁寿县和平村), unless it is 小区/社区/园区/景区/城区 …; else nil.
    static func divisionName(_ s: [UInt32], _ r: Range<Int>) -> String? {
        let suffixes: Set<UInt32> = [0x7701, 0x5E02, 0x53BF, 0x533A, 0x5DDE]   // 省 市 县 区 州
        for i in r where i > r.lowerBound && suffixes.contains(s[i]) {
            let name = AddressText.string(s[max(r.lowerBound, i - 6)...i])
            // Never a division: …小区, …社区, …园区, …景区, …开发区, …片区. Alone: 城区, 市区, 山区 ….
            if ["小区", "社区", "园区", "景区", "开发区", "片区"].contains(where: { name.hasSuffix($0) }) { return nil }
            if ["城区", "街区", "辖区", "市区", "郊区", "山区", "新区", "老城区", "本市", "该市"].contains(name) { return nil }
            return name
        }
        return nil
    }

    /// Words around a landmark or a number that are not names: no fuzzy pass for them alone.
    static let filler: Set<String> = ["对面", "附近", "旁边", "门口", "后面", "背后", "斜对面", "那边", "一带", "前面", "周边",
                                      "左边", "右边", "里面", "隔壁", "楼下", "单元", "对门", "侧面", "东边", "西边", "南边", "北边"]

    private func rank(_ l: GeocodeResult.Level?) -> Int {
        switch l { case .house?: return 4; case .group?: return 3; case .street?: return 2; case .village?: return 2; case .township?: return 1; case nil: return 0 }
    }

    /// The tokens the matcher read (for `wangge geocode --explain`).
    public func explain(_ text: String) -> String {
        let s = AddressText.normalize(text)
        let p = parse(s)
        var parts = ["normalized: " + AddressText.string(s[...])]
        for t in p.tokens { parts.append("token \(AddressText.string(s[t.start..<t.end])): " + t.senses.map { name(of: $0) + "(\($0))" }.joined(separator: " | ")) }
        parts.append("group: \(p.group.map(String.init) ?? "-"), number: \(p.number.map(String.init) ?? "-")")
        parts.append("residual: " + p.residual.map { AddressText.string(s[$0]) }.joined(separator: " / "))
        if let t = fuzzyToken(s, p) { parts.append("fuzzy: \(AddressText.string(s[t.start..<t.end])) → " + t.senses.map { name(of: $0) }.joined(separator: " | ")) }
        return parts.joined(separator: "\n")
    }

    /// The fuzzy pass: the longest window around the unmatched text that names one place by a
    /// homophone or a one-character typo; nil when none does, or two different ones tie.
    private func fuzzyToken(_ s: [UInt32], _ p: Parse) -> Token? {
        var best: (len: Int, start: Int, end: Int, senses: Set<Sense>)?
        var bestAmbiguous = false
        let already = placesAlreadyRead(p)
        for range in p.residual {
            // Look at the residual span widened by a neighbouring token's characters (a typo can make
            // part of a name match something else).
            let lo = max(0, range.lowerBound - 2), hi = min(s.count, range.upperBound + 2)
            for a in lo..<hi {
                for len in stride(from: min(8, hi - a), through: 2, by: -1) {
                    let found = fuzzySenses(AddressText.canonicalHomophones(Array(s[a..<(a + len)])), length: len, excluding: already)
                    guard !found.isEmpty else { continue }
                    // Must cover at least two characters of the residual span (or all of a shorter one).
                    let overlap = min(a + len, range.upperBound) - max(a, range.lowerBound)
                    guard overlap >= min(2, range.count) else { continue }
                    if best == nil || len > best!.len {
                        best = (len, a, a + len, found); bestAmbiguous = false
                    } else if len == best!.len && found != best!.senses {
                        bestAmbiguous = true
                    }
                }
            }
        }
        guard let b = best, !bestAmbiguous else { return nil }
        let senses = narrowToNamedTownships(b.senses, p)
        // Only accept when the match names one place (several senses of one name resolve later).
        let distinctNames = Set(senses.map { name(of: $0) })
        guard distinctNames.count == 1 else { return nil }
        return Token(start: b.start, end: b.end, senses: Array(senses).sorted { "\($0)" < "\($1)" }, fuzzy: true)
    }

    /// Places the parse already read are not re-found by a window that overlaps them; a token
    /// that is both a township and a village (轸溪) keeps its villages open to the fuzzy pass.
    private func placesAlreadyRead(_ p: Parse) -> Set<Sense> {
        var already: Set<Sense> = []
        for t in p.tokens {
            let soft = t.senses.contains { if case .village = $0 { return true }; return false } && t.senses.contains { if case .township = $0 { return true }; return false }
            for sense in t.senses { if case .village = sense, soft { continue }; already.insert(sense) }
        }
        return already
    }

    /// What the canonical window `sub` (`len` characters) may mean, other than `already` and the
    /// province: its homophone spelling, else names one character away from it.
    private func fuzzySenses(_ sub: [UInt32], length len: Int, excluding already: Set<Sense>) -> Set<Sense> {
        var found: Set<Sense> = (fuzzyExact[sub] ?? []).filter { !already.contains($0) }
        if found.isEmpty && len >= 3 {   // a homophone spelling wins over one-edit neighbours
            for k in fuzzyDeletes[sub] ?? [] { found.formUnion(fuzzyExact[k] ?? []) }          // caller left one out
            for i in sub.indices {
                var d = sub; d.remove(at: i)
                if len >= 4 { found.formUnion(fuzzyExact[d] ?? []) }                          // caller added one
                for k in fuzzyDeletes[d] ?? [] where k.count == len && hamming(k, sub) <= 1 {  // caller changed one
                    found.formUnion(fuzzyExact[k] ?? [])
                }
            }
        }
        return found.filter { if case .province = $0 { return false }; return !already.contains($0) }
    }

    /// Townships the address names (by a token that means nothing else) narrow the candidates,
    /// unless none would be left.
    private func narrowToNamedTownships(_ senses: Set<Sense>, _ p: Parse) -> Set<Sense> {
        var towns: Set<String> = []
        for t in p.tokens where !t.senses.contains(where: { if case .village = $0 { return true }; return $0 == .district }) {
            for case .township(let i) in t.senses { towns.insert(gazetteer.townships[i].code) }
        }
        guard !towns.isEmpty else { return senses }
        let narrowed = senses.filter { sense in
            switch sense {
            case .village(let i): return towns.contains(gazetteer.villages[i].townshipCode)
            case .street(let i): return streetsByName[i].contains { towns.contains(gazetteer.streets[$0].townshipCode) }
            default: return true
            }
        }
        return narrowed.isEmpty ? senses : narrowed
    }

    private func hamming(_ a: [UInt32], _ b: [UInt32]) -> Int { zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) } }

    private func name(of s: Sense) -> String {
        switch s {
        case .township(let i): return gazetteer.townships[i].name
        case .village(let i): return gazetteer.villages[i].name
        case .street(let i): return streetNames[i]
        case .landmark(let i): return gazetteer.landmarks[i].name
        default: return "\(s)"
        }
    }

    // MARK: - Resolving one parse (outside? → what the tokens name → the most precise place)

    /// Reads one parse: outside the district, else the most precise place it names, trusting a
    /// landmark first, then a village, a street, and townships last.
    private func resolve(_ p: Parse, _ s: [UInt32]) -> GeocodeResult {
        if let outside = outsideDivision(p, s) { return outside }
        let named = readPlaces(p)
        var start = GeocodeResult()
        start.confidence = named.fuzzy ? ConfidencePolicy.fuzzyMatch : ConfidencePolicy.exactMatch
        if let l = named.landmark { return matchLandmark(l, named, start) }
        if let village = named.villageTokens.last { return matchVillage(village, named, p, s, start) }
        if let (_, si) = named.streetTokens.last { return matchStreet(si, named, p, start) }
        return matchTownships(named, start)
    }

    /// A division outside the district: one we list (乐山市市中区, 成都市 …), or one we do not
    /// (仁寿县, 彭山区, 简阳市) — unmatched text ending in 省/市/县/区/州 before anything of ours.
    private func outsideDivision(_ p: Parse, _ s: [UInt32]) -> GeocodeResult? {
        for t in p.tokens {
            for case .outside(let d) in t.senses { return outside(d, confidence: ConfidencePolicy.outsideListed) }
        }
        let firstOurs = p.tokens.first { t in t.senses.contains { if case .province = $0 { return false }; if case .city = $0 { return false }; return true } }?.start ?? s.count
        for r in p.residual where r.lowerBound < firstOurs {
            if let d = Self.divisionName(s, r.lowerBound..<min(r.upperBound, firstOurs)) {
                return outside(d, confidence: ConfidencePolicy.outsideUnlisted)
            }
        }
        return nil
    }

    /// The places a parse names, sorted by kind.
    private struct NamedPlaces {
        var districtSaid = false
        /// 沙湾 said once: the district, or perhaps 沙湾镇 (only breaks ties).
        var townHint: Int?
        /// Townships surely meant (by a token that is not also a village the address may mean).
        var townships: Set<Int> = []
        /// Tokens that name villages, with the townships the same token may also mean.
        var villageTokens: [(token: Token, villages: [Int], townships: [Int])] = []
        var streetTokens: [(token: Token, street: Int)] = []
        /// The last landmark named.
        var landmark: Int?
        /// A token came from the fuzzy pass.
        var fuzzy = false
        /// The address places itself in the district, so a name shared with a place elsewhere is ours.
        var anchored: Bool { districtSaid || !townships.isEmpty }
    }

    /// Sorts the tokens' senses into district, townships, villages, streets and landmarks, deciding
    /// for names that are both a township and a village (太平, 福禄) which one is meant.
    private func readPlaces(_ p: Parse) -> NamedPlaces {
        let g = gazetteer
        var named = NamedPlaces()
        for (k, t) in p.tokens.enumerated() {
            if t.fuzzy { named.fuzzy = true }
            var tw: [Int] = [], vi: [Int] = []
            let isDistrict = t.senses.contains(.district)
            if isDistrict, let ti = t.senses.lazy.compactMap({ if case .township(let i) = $0 { return i }; return nil }).first {
                // 沙湾 after 沙湾区/沙湾 already said is the town; otherwise a hint.
                if named.districtSaid { named.townships.insert(ti) } else { named.townHint = ti }
            }
            for sense in t.senses {
                switch sense {
                case .district: named.districtSaid = true
                case .township(let i): if !isDistrict { tw.append(i) }
                case .village(let i): vi.append(i)
                case .street(let i): named.streetTokens.append((t, i))
                case .landmark(let i): named.landmark = i
                default: break
                }
            }
            if vi.isEmpty {
                named.townships.formUnion(tw)
            } else if !tw.isEmpty {
                // Both a township and a village (太平, 福禄): a township when more follows, or when
                // its villages all lie in that township (福禄社区 in 福禄镇).
                let more = p.tokens[(k + 1)...].contains { $0.senses.contains { if case .village = $0 { return true }; if case .street = $0 { return true }; if case .landmark = $0 { return true }; return false } }
                let inside = vi.allSatisfy { v in tw.contains { g.townships[$0].code == g.villages[v].townshipCode } }
                if more || (inside && p.group == nil) { named.townships.formUnion(tw) } else { named.villageTokens.append((t, vi, tw)) }
            } else {
                named.villageTokens.append((t, vi, []))
            }
        }
        return named
    }

    /// True when no township is named, or `code` is one of those named.
    private func inNamedTownships(_ code: String, _ named: NamedPlaces) -> Bool {
        named.townships.isEmpty || named.townships.contains { gazetteer.townships[$0].code == code }
    }

    /// A landmark names its village and gives a point.
    private func matchLandmark(_ l: Int, _ named: NamedPlaces, _ start: GeocodeResult) -> GeocodeResult {
        var result = start
        let lm = gazetteer.landmarks[l]
        guard let v = villageIndex[lm.villageCode] else { return result }
        fill(&result, village: v)
        result.level = .house
        result.via = "landmark"
        result.landmark = lm.name
        result.lon = lm.lon; result.lat = lm.lat; result.grid = lm.grid ?? result.grid
        if !inNamedTownships(gazetteer.villages[v].townshipCode, named) { result.confidence -= ConfidencePolicy.landmarkOutsideNamedTownship }
        return result
    }

    /// The last village named: its candidates narrowed by the townships named, by a group number
    /// (villages with groups) and by 沙湾; a homonym elsewhere or several candidates are ambiguous;
    /// then the point inside the one village left.
    private func matchVillage(_ token: (token: Token, villages: [Int], townships: [Int]), _ named: NamedPlaces,
                              _ p: Parse, _ s: [UInt32], _ start: GeocodeResult) -> GeocodeResult {
        let g = gazetteer
        var result = start
        var cands = token.villages.filter { inNamedTownships(g.villages[$0].townshipCode, named) }
        // None in the townships named: believe the village, and say the address contradicts itself.
        let conflict = cands.isEmpty
        if conflict { cands = token.villages }
        var townshipCands = token.townships.filter { named.townships.isEmpty || named.townships.contains($0) }
        if p.group != nil {
            // A group number: only villages with villager groups (not communities, not townships).
            let withGroups = cands.filter { villagesWithGroups.contains($0) }
            if !withGroups.isEmpty { cands = withGroups; townshipCands = [] }
        }
        let surface = AddressText.string(s[token.token.start..<token.token.end])
        if !named.anchored, let elsewhere = homonyms[surface], !token.token.fuzzy {
            return ambiguous(cands.map { candidate(village: $0) } + townshipCands.map { candidate(township: $0) }
                + [Candidate(township: nil, village: nil, name: elsewhere, kind: "elsewhere")])
        }
        if cands.count > 1, townshipCands.isEmpty, let h = named.townHint,
           case let inTown = cands.filter({ g.villages[$0].townshipCode == g.townships[h].code }), inTown.count == 1 {
            cands = inTown
            result.confidence -= ConfidencePolicy.tieBrokenByShawan
        }
        if cands.count + townshipCands.count > 1 {
            return ambiguous(cands.map { candidate(village: $0) } + townshipCands.map { candidate(township: $0) })
        }
        if cands.isEmpty, let t = townshipCands.first {
            return townshipResult(t, confidence: result.confidence - ConfidencePolicy.townshipReadingOfVillageName)
        }
        fill(&result, village: cands[0])
        if conflict { result.confidence -= ConfidencePolicy.villageOutsideNamedTownship }
        pinpointInVillage(cands[0], named, p, &result)
        return result
    }

    /// Inside the village found, the most precise point the numbers give: the house of its villager
    /// group, else the group; a house on the street named (in the village's township); else the village.
    private func pinpointInVillage(_ v: Int, _ named: NamedPlaces, _ p: Parse, _ result: inout GeocodeResult) {
        let g = gazetteer
        if let gn = p.group, let gk = groupKey(v, gn), let gi = groupIndex[gk] {
            if let n = p.number, let hk = houseKey(gk, n), let h = groupHouse[hk] {
                setHouse(&result, h)
            } else {
                let gr = g.groups[gi]
                result.level = .group
                result.lon = gr.lon; result.lat = gr.lat; result.grid = gr.grid
                result.confidence -= ConfidencePolicy.groupWithoutHouse
            }
            return
        }
        if let n = p.number, let (_, si) = named.streetTokens.last {
            for row in streetsByName[si] where g.streets[row].townshipCode == g.villages[v].townshipCode {
                if let k = streetKey(row, n), let h = streetHouse[k] {
                    setHouse(&result, h)
                    if g.houses[h].villageCode != g.villages[v].code { result.confidence -= ConfidencePolicy.streetHouseInOtherVillage }
                    return
                }
            }
        }
        result.level = .village
        result.confidence -= ConfidencePolicy.villageOnly
    }

    /// A street, no village named: its rows narrowed by the townships named and by 沙湾; then the
    /// house by its number (ambiguous when two villages share that number), else the street's point.
    private func matchStreet(_ si: Int, _ named: NamedPlaces, _ p: Parse, _ start: GeocodeResult) -> GeocodeResult {
        let g = gazetteer
        var result = start
        var sts = streetsByName[si].filter { inNamedTownships(g.streets[$0].townshipCode, named) }
        if sts.isEmpty { sts = streetsByName[si] }
        if sts.count > 1, let h = named.townHint, sts.contains(where: { g.streets[$0].townshipCode == g.townships[h].code }) {
            sts = sts.filter { g.streets[$0].townshipCode == g.townships[h].code }
            result.confidence -= ConfidencePolicy.tieBrokenByShawan
        }
        if sts.count > 1 { return ambiguous(sts.map { candidate(street: $0) }) }
        let st = g.streets[sts[0]]
        if let n = p.number, let k = streetKey(sts[0], n) {
            // The same street and number in two villages (two stretches of one name): say so.
            if let vs = streetHouseVillages[k] { return ambiguous(vs.sorted().map { candidate(village: $0) }) }
            if let h = streetHouse[k] {
                if let v = villageIndex[g.houses[h].villageCode] { fill(&result, village: v) }
                setHouse(&result, h)
                return result
            }
        }
        if let vc = st.villageCode, let v = villageIndex[vc] { fill(&result, village: v) }
        else if let t = townshipIndex[st.townshipCode] { fillTownship(&result, t) }
        result.status = .matched
        result.level = .street
        result.lon = st.lon; result.lat = st.lat; result.grid = st.grid
        result.confidence -= ConfidencePolicy.streetOnly
        return result
    }

    /// Townships alone: one is a match at its point, several are ambiguous, none is not found.
    private func matchTownships(_ named: NamedPlaces, _ start: GeocodeResult) -> GeocodeResult {
        if named.townships.count == 1 {
            return townshipResult(named.townships.first!, confidence: start.confidence - ConfidencePolicy.townshipOnly)
        }
        if named.townships.count > 1 {
            return ambiguous(named.townships.sorted().map { candidate(township: $0) }, confidence: ConfidencePolicy.ambiguousTownships)
        }
        var none = GeocodeResult()
        none.confidence = ConfidencePolicy.notFound
        return none
    }

    // MARK: - Results

    private func outside(_ division: String, confidence: Double) -> GeocodeResult {
        var r = GeocodeResult()
        r.status = .outside
        r.outside = division
        r.confidence = confidence
        return r
    }

    private func ambiguous(_ candidates: [Candidate], confidence: Double = ConfidencePolicy.ambiguous) -> GeocodeResult {
        var r = GeocodeResult()
        r.status = .ambiguous
        r.candidates = candidates
        r.confidence = confidence
        return r
    }

    private func townshipResult(_ t: Int, confidence: Double) -> GeocodeResult {
        var r = GeocodeResult()
        fillTownship(&r, t)
        r.status = .matched
        r.level = .township
        let row = gazetteer.townships[t]
        r.lon = row.lon; r.lat = row.lat; r.grid = row.grid
        r.confidence = confidence
        return r
    }

    private func fillTownship(_ r: inout GeocodeResult, _ t: Int) {
        r.township = gazetteer.townships[t].name
        r.townshipCode = gazetteer.townships[t].code
    }

    private func fill(_ r: inout GeocodeResult, village v: Int) {
        let row = gazetteer.villages[v]
        r.status = .matched
        r.village = row.name
        r.villageCode = row.code
        if let t = townshipIndex[row.townshipCode] { fillTownship(&r, t) }
        r.lon = row.lon; r.lat = row.lat; r.grid = row.grid
    }

    private func setHouse(_ r: inout GeocodeResult, _ h: Int) {
        let house = gazetteer.houses[h]
        r.level = .house
        r.lon = house.lon; r.lat = house.lat; r.grid = house.grid
    }

    private func candidate(village v: Int) -> Candidate {
        let row = gazetteer.villages[v]
        return Candidate(township: gazetteer.townships[townshipIndex[row.townshipCode]!].name, village: row.name,
                         villageCode: row.code, name: row.name, kind: "village")
    }
    private func candidate(township t: Int) -> Candidate {
        Candidate(township: gazetteer.townships[t].name, village: nil, name: gazetteer.townships[t].name, kind: "township")
    }
    private func candidate(street i: Int) -> Candidate {
        let st = gazetteer.streets[i]
        let t = gazetteer.townships[townshipIndex[st.townshipCode]!].name
        let v = st.villageCode.flatMap { villageIndex[$0] }.map { gazetteer.villages[$0].name }
        return Candidate(township: t, village: v, villageCode: st.villageCode, name: t + st.name, kind: "street")
    }
}
