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
        case outside(String)      // a county or city elsewhere: always outside
        case neighbour(String)    // a neighbouring county's township or village: outside unless ours anchors
    }

    // Trie: (node << 32 | scalar) → child; node → index into `senses`.
    var children: [UInt64: Int32] = [:]
    var nodeSense: [Int32] = [0]       // 0 = none, else 1 + index
    var senses: [[Sense]] = []
    var nodeCount: Int32 = 1

    var townshipIndex: [String: Int] = [:]
    var villageIndex: [String: Int] = [:]
    private(set) var streetNames: [String] = []
    var streetsByName: [[Int]] = []                  // streetNames index → gazetteer.streets indices
    // Integer keys (see streetKey / groupKey): no string building per address.
    var streetHouse: [Int: Int] = [:]                // (township, street name, number) → house index
    var streetHouseVillages: [Int: [Int]] = [:]      // the same, when several villages share it
    var groupIndex: [Int: Int] = [:]                 // (village, group) → groups index
    var groupHouse: [Int: Int] = [:]                 // (village, group, number) → house index
    var streetRowName: [Int] = []                    // gazetteer.streets index → streetNames index
    var streetRowTownship: [Int] = []

    func groupKey(_ v: Int, _ gn: Int) -> Int? { gn >= 0 && gn < 1000 ? v &* 1000 &+ gn : nil }
    func houseKey(_ base: Int?, _ n: Int) -> Int? {
        guard let base, n >= 0, n < 1_000_000 else { return nil }
        return base &* 1_000_000 &+ n
    }
    func streetKey(_ row: Int, _ n: Int) -> Int? {
        houseKey(streetRowTownship[row] &* 100_000 &+ streetRowName[row], n)
    }
    private(set) var villagesWithGroups: Set<Int> = []
    /// The highest villager group number of each village (to say 平原村12组 does not exist).
    private(set) var highestGroup: [Int: Int] = [:]
    var townshipShort: [Int: String] = [:]
    /// A bare name (no 村/镇 …) of ours that is also a village of a neighbouring county (马边…两河口村).
    private(set) var stemElsewhere: [String: String] = [:]
    /// A bare name of ours that is also a township of a neighbouring county (绥山: 峨眉山市绥山镇).
    private(set) var townshipElsewhere: [String: String] = [:]
    /// Villages of ours whose full name a neighbouring county's village also has: village → county.
    private(set) var villageElsewhere: [Int: String] = [:]
    /// Each street row's house numbers, sorted, with their house (for a number the street lacks).
    private(set) var streetNumbers: [[(number: Int, house: Int)]] = []
    /// The villages each street row's houses are in (sorted; the row's own village when it has none).
    private(set) var streetRowVillages: [[Int]] = []
    /// The district's name folded by homophones, to accept 沙弯区 for 沙湾区.
    private(set) var districtFolded: [UInt32] = []

    // Fuzzy: canonical (homophone-folded) name → senses, and its one-deletion variants → names.
    var fuzzyExact: [[UInt32]: Set<Sense>] = [:]
    /// Grid code → the worker the grid file names.
    let gridWorkers: [String: GridWorkerRow]
    var fuzzyDeletes: [[UInt32]: Set<[UInt32]>] = [:]
    /// The keys of `fuzzyExact` and of `fuzzyDeletes` as bits of two filters (`FuzzyFilter`): the
    /// typo pass tries every window of the unmatched text and its one-character deletions, and
    /// almost none names anything; the filters say so without building the deletions as arrays
    /// and hashing them for the dictionaries.
    var exactFilter = FuzzyFilter()
    var deleteFilter = FuzzyFilter()
    /// Every character of a `fuzzyExact` key.
    var fuzzyScalars = ScalarSet()

    /// Builds every lookup structure once. The order of the phases is the order in which name forms
    /// enter the trie, and a form with several senses keeps them in that order, so it must not change.
    public init(gazetteer g: Gazetteer) {
        gazetteer = g
        gridWorkers = Dictionary(g.gridWorkers.map { ($0.grid, $0) }, uniquingKeysWith: { a, _ in a })
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
    func indexCodes() {
        for (i, t) in gazetteer.townships.enumerated() { townshipIndex[t.code] = i }
        for (i, v) in gazetteer.villages.enumerated() { villageIndex[v.code] = i }
    }

    /// The province, the city and the district, each with and without its suffix.
    func addDivisionNames() {
        // The district's parents (district.geojson's province and prefecture, kept in the
        // gazetteer's meta): the province, then the city, each also without its suffix.
        let parents = gazetteer.parents
        for (k, name) in parents.enumerated() {
            let sense: Sense = k == 0 && parents.count > 1 ? .province : .city
            add(name, sense)
            let stem = GazetteerBuilder.shortName(name, suffixes: ["维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "省", "市", "州", "地区", "盟"])
            if stem.count >= 2 && stem != name { add(stem, sense) }
        }
        add(gazetteer.districtName, .district)
        for a in gazetteer.aliases where a.targetKind == .district { add(a.alias, .district) }
    }

    /// Township names and short forms (嘉农镇, 嘉农); one-letter short forms would match too much.
    func addTownshipNames() {
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
    func addVillageNames() {
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
    func addAliases() {
        for a in gazetteer.aliases {
            switch a.targetKind {
            case .village:
                if let i = villageIndex[a.targetCode] { add(a.alias, .village(i)); if a.alias.count >= 2 { addFuzzy(a.alias, .village(i)) } }
            case .township:
                if let i = townshipIndex[a.targetCode] { add(a.alias, .township(i)) }
            case .district: break   // added with the division names
            }
        }
    }

    /// Streets by name (one name may be a street of several towns), in name order, and each street
    /// row's name and township for the integer house keys.
    func indexStreets() {
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
        var rowOf: [String: Int] = [:]
        for (i, st) in g.streets.enumerated() { rowOf["\(st.townshipCode)#\(st.name)"] = i }
        var villagesOfRow = [Set<Int>](repeating: [], count: g.streets.count)
        streetNumbers = Array(repeating: [], count: g.streets.count)
        for (i, h) in g.houses.enumerated() {
            if let st = h.street, let row = rowOf["\(h.townshipCode)#\(st)"], let v = villageIndex[h.villageCode] {
                villagesOfRow[row].insert(v)
                streetNumbers[row].append((h.number, i))
            }
        }
        for row in streetNumbers.indices { streetNumbers[row].sort { ($0.number, $0.house) < ($1.number, $1.house) } }
        streetRowVillages = villagesOfRow.enumerated().map { row, vs in
            vs.isEmpty ? (g.streets[row].villageCode.flatMap { villageIndex[$0] }.map { [$0] } ?? []) : vs.sorted()
        }
    }

    /// House numbers by street (the first house wins; a number that several villages share on one
    /// street is remembered with all of them) and by villager group.
    func indexHouses() {
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
    func indexGroups() {
        for (i, gr) in gazetteer.groups.enumerated() {
            if let v = villageIndex[gr.villageCode], let k = groupKey(v, gr.number) { groupIndex[k] = i }
            if let v = villageIndex[gr.villageCode] { villagesWithGroups.insert(v); highestGroup[v] = max(highestGroup[v] ?? 0, gr.number) }
        }
    }

    /// Landmarks, and the forms callers use: without 沙湾区, with a township's or village's short name.
    func addLandmarkNames() {
        let g = gazetteer
        for (i, l) in g.landmarks.enumerated() {
            add(l.name, .landmark(i))
            var forms: [String] = []
            if l.name.hasPrefix(g.districtName) && l.name.count > g.districtName.count + 2 {
                forms.append(String(l.name.dropFirst(g.districtName.count)))
                forms.append(GazetteerBuilder.shortName(g.districtName, suffixes: ["区", "县", "市"]) + l.name.dropFirst(g.districtName.count))
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

    /// Divisions outside the district (so they are recognised, not misread): counties and cities
    /// always mean outside; a neighbouring county's township or village (from the gazetteer's
    /// outside places) means outside only when nothing of ours places the address. A neighbour's
    /// name that is also ours is not added: it is remembered as a homonym instead.
    func addOutsidePlaces() {
        let g = gazetteer
        districtFolded = AddressText.canonicalHomophones(AddressText.normalize(g.districtName))
        // The table lists every Leshan division; the one this gazetteer is of is not outside.
        let own = [g.districtName, (g.parents.last ?? "") + g.districtName]
        for d in OutsidePlaces.leshanDivisions where !own.contains(d.name) { for f in d.forms { add(f, .outside(d.name)) } }
        for d in OutsidePlaces.elsewhere { for f in d.forms { add(f, .outside(d.name)) } }
        var ours: Set<String> = Set(g.townships.map(\.name)).union(g.villages.map(\.name)).union(streetNames)
        ours.formUnion(g.townships.map { GazetteerBuilder.townshipShort($0.name) })
        var villageByName: [String: [Int]] = [:]
        var villageByStem: [String: [Int]] = [:]
        for (i, v) in g.villages.enumerated() {
            villageByName[v.name, default: []].append(i)
            villageByStem[GazetteerBuilder.villageShort(v.name), default: []].append(i)
        }
        func place(_ row: OutsidePlaceRow) -> String { row.division == row.name ? row.name : row.division + row.name }
        for row in g.outsidePlaces {
            switch row.level {
            case .county:
                for form in OutsidePlaces.forms(ofCounty: row.name) where !ours.contains(form) { add(form, .outside(row.division)) }
            case .township:
                let stem = GazetteerBuilder.townshipShort(row.name)
                if villageByStem[stem] != nil, townshipElsewhere[stem] == nil { townshipElsewhere[stem] = place(row) }
                if !ours.contains(row.name) { add(row.name, .neighbour(row.division)) }
            case .village:
                if let mine = villageByName[row.name] {
                    for v in mine where villageElsewhere[v] == nil { villageElsewhere[v] = place(row) }
                    let stem = GazetteerBuilder.villageShort(row.name)
                    if stemElsewhere[stem] == nil { stemElsewhere[stem] = place(row) }
                } else if !ours.contains(row.name) && row.name.count >= 3 {   // 新村, 流村: too short to tell
                    add(row.name, .neighbour(row.division))
                }
            }
        }
        for t in OutsidePlaces.leshanTownships where !ours.contains(t.name) { add(t.name, .neighbour(t.district)) }
    }

    // MARK: - Trie and fuzzy index

    func add(_ form: String, _ sense: Sense) {
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

    func addFuzzy(_ form: String, _ sense: Sense) {
        let k = AddressText.canonicalHomophones(AddressText.normalize(form))
        fuzzyExact[k, default: []].insert(sense)
        exactFilter.insert(FuzzyFilter.print(k[...]))
        for c in k { fuzzyScalars.insert(c) }
        if k.count >= 3 {
            for i in k.indices {
                var d = k; d.remove(at: i)
                fuzzyDeletes[d, default: []].insert(k)
                deleteFilter.insert(FuzzyFilter.print(d[...]))
            }
        }
    }

    // MARK: - Tokens

    struct Token {
        var start: Int
        var end: Int
        var senses: [Sense]
        var fuzzy = false
        /// Written with 村 or 社区 (a village stated in full, not a bare stem).
        var fullVillageName = false
        /// Written with 镇, 乡 or 街道.
        var townshipSuffix = false
    }

    struct Parse {
        var tokens: [Token] = []
        var group: Int?
        var number: Int?
        var extraNumber: Int?     // a dash pair's second number
        var residual: [Range<Int>] = []
        /// The normalized text the ranges index.
        var text: [UInt32] = []
    }

    func longestMatch(_ s: [UInt32], _ i: Int) -> (Int, [Sense])? {
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
        p.text = s
        var i = 0
        var residualStart: Int?
        func flush(_ at: Int) { if let r = residualStart { p.residual.append(r..<at); residualStart = nil } }
        while i < s.count {
            if let (end, senses) = longestMatch(s, i), end - i >= 2 || !isNumeral(s[i]) {
                flush(i)
                let last = s[end - 1]
                p.tokens.append(Token(start: i, end: end, senses: senses,
                                      fullVillageName: last == 0x6751 || (last == 0x533A && end - i >= 3 && s[end - 2] == 0x793E),  // 村, 社区
                                      townshipSuffix: last == 0x9547 || last == 0x4E61 || (last == 0x9053 && end - i >= 3 && s[end - 2] == 0x8857)))  // 镇 乡 街道
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
}

/// A set of name keys as bits (a Bloom filter with one hash): `contains` false means the key is
/// certainly absent; true means it may be present, and the dictionary decides. 2^20 bits (128 KiB)
/// for a district's few thousand keys and their deletions: about 1 % false positives.
struct FuzzyFilter {
    private static let bits = 20
    private var words = [UInt64](repeating: 0, count: 1 << (bits - 6))

    /// 64-bit FNV-1a of the scalars, leaving out the one at `skipping` (a deletion, unbuilt).
    @inline(__always) static func print(_ s: ArraySlice<UInt32>, skipping: Int = -1) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var i = s.startIndex
        while i < s.endIndex {
            if i != skipping { h = (h ^ UInt64(s[i])) &* 0x100_0000_01B3 }
            i += 1
        }
        return h
    }

    @inline(__always) private static func slot(_ print: UInt64) -> (Int, UInt64) {
        let bit = Int(truncatingIfNeeded: (print ^ (print >> 29)) & ((1 << UInt64(bits)) - 1))
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    mutating func insert(_ print: UInt64) {
        let (w, m) = Self.slot(print)
        words[w] |= m
    }

    @inline(__always) func contains(_ print: UInt64) -> Bool {
        let (w, m) = Self.slot(print)
        return words[w] & m != 0
    }
}

/// A set of Unicode scalar values as one bit each (136 KiB for all of Unicode).
struct ScalarSet {
    private var words = [UInt64](repeating: 0, count: (0x11_0000 + 63) / 64)

    mutating func insert(_ c: UInt32) {
        guard c < 0x11_0000 else { return }
        words[Int(c >> 6)] |= 1 << UInt64(c & 63)
    }

    @inline(__always) func contains(_ c: UInt32) -> Bool {
        c < 0x11_0000 && words[Int(c >> 6)] & (1 << UInt64(c & 63)) != 0
    }
}
