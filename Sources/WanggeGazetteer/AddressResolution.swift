import WanggeStore

/// How one address was read, step by step, for `wangge geocode --explain`. Only built when asked
/// for: every note is an autoclosure-free call guarded by `evidence?.`, so batch runs pay nothing.
final class Evidence {
    private(set) var lines: [String] = []
    func note(_ line: String) { lines.append(line) }
}

/// Reading an address by administrative level: what the caller stated explicitly constrains
/// everything below it. A stated township limits the villages, streets and landmarks that count; a
/// stated village limits the group, house, street number and landmark that may refine it; a street,
/// landmark or estate never moves a case out of the unit stated. Fuzzy matching applies to name
/// tokens only (never to generic words such as 小区, 附近, 服务中心) and only below what was stated.
extension AddressMatcher {
    public func geocode(_ text: String) -> GeocodeResult { geocode(text, evidence: nil) }

    /// The tokens, numbers and evidence behind `geocode(text)`, one step a line.
    public func explain(_ text: String) -> String {
        let evidence = Evidence()
        let s = AddressText.normalize(text)
        var p = parse(s)
        markDistrictTypos(&p, s)
        var parts = ["normalized: " + AddressText.string(s[...])]
        for t in p.tokens {
            parts.append("token \(AddressText.string(s[t.start..<t.end])): " + t.senses.map { describe($0) }.joined(separator: " | "))
        }
        parts.append("group: \(p.group.map(String.init) ?? "-"), number: \(p.number.map(String.init) ?? "-")")
        parts.append("residual: " + p.residual.map { AddressText.string(s[$0]) }.joined(separator: " / "))
        let r = geocode(text, evidence: evidence)
        parts += evidence.lines
        parts.append("answer: \(r.status.rawValue) \(r.township ?? "") \(r.village ?? "") level \(r.level?.rawValue ?? "-") confidence \(GeocodeResult.conf(r.confidence))")
        return parts.joined(separator: "\n")
    }

    func geocode(_ text: String, evidence: Evidence?) -> GeocodeResult {
        let s = AddressText.normalize(text)
        var p = parse(s)
        markDistrictTypos(&p, s)
        let named = readPlaces(p)
        var r = resolve(p, s, named, evidence)
        // Names read exactly but outside the unit stated (临江街 of another town after 沫江街道) are
        // typos as likely as unmatched text: the fuzzy pass looks at them too.
        let unused = unusedTokens(p, named)
        if !unused.isEmpty {
            // Merged with the unmatched text beside them: 寨 + 流村 is one typo'd name, 寨流村.
            var merged: [Range<Int>] = []
            for r in (p.residual + unused.map { p.tokens[$0].start..<p.tokens[$0].end }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = merged.last, last.upperBound >= r.lowerBound {
                    merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
                } else {
                    merged.append(r)
                }
            }
            p.residual = merged
            evidence?.note("names not used, open to the fuzzy pass: " + unused.map { AddressText.string(s[p.tokens[$0].start..<p.tokens[$0].end]) }.joined(separator: ", "))
        }
        if needsFuzzyPass(r, p, s), let t = fuzzyToken(s, p, evidence) {
            // The fuzzy token replaces the names it overlaps, except townships and the district.
            p.tokens.removeAll { o in
                o.start < t.end && t.start < o.end
                    && !o.senses.contains { if case .township = $0 { return true }; return $0 == .district }
            }
            p.tokens.append(t)
            p.tokens.sort { $0.start < $1.start }
            evidence?.note("— read again with the fuzzy token —")
            var f = resolve(p, s, readPlaces(p), evidence)
            if f.status == .matched { f.fuzzy = true }
            // The fuzzy reading replaces the exact one only when it is at least as precise.
            if r.status == .notFound || (f.status == .matched && (r.status != .matched || rank(f.level) >= rank(r.level))) {
                r = f
            } else {
                evidence?.note("fuzzy reading not kept: the exact one is as precise")
            }
        }
        r.input = text
        if let grid = r.grid, let w = gridWorkers[grid] {
            r.gridWorker = w.name
            r.gridWorkerPhone = w.phone.isEmpty ? nil : w.phone
        }
        // Penalties are tenths and twentieths: rounded so 0.95 − 0.05 is 0.90, not 0.8999….
        r.confidence = (r.confidence * 100).rounded() / 100
        return r
    }

    /// Tokens naming only streets, landmarks or villages that all lie outside the townships stated.
    /// Tokens naming only a neighbouring county's places (the address was not read as outside)
    /// are unused too.
    func unusedTokens(_ p: Parse, _ named: NamedPlaces) -> [Int] {
        let g = gazetteer
        let codes = Set(named.townships.map { g.townships[$0].code })
        return p.tokens.indices.filter { k in
            if named.skipped.contains(k) { return true }
            let t = p.tokens[k]
            return !t.senses.isEmpty && t.senses.allSatisfy { sense in
                if case .neighbour = sense { return true }
                guard !codes.isEmpty else { return false }
                switch sense {
                case .street(let i): return !streetsByName[i].contains { codes.contains(g.streets[$0].townshipCode) }
                case .landmark(let i): return !(villageIndex[g.landmarks[i].villageCode].map { codes.contains(g.villages[$0].townshipCode) } ?? false)
                case .village(let i): return !codes.contains(g.villages[i].townshipCode)
                default: return false
                }
            }
        }
    }

    // MARK: - The district's name with typos (沙弯区, 莎湾区)

    /// Unmatched text that is the district's name with one homophone or one wrong character is the
    /// district: 沙弯区福禄镇 is ours, not an unknown 沙弯区. One wrong character counts only right
    /// before a township or village of ours (莎湾区 alone could be anywhere).
    func markDistrictTypos(_ p: inout Parse, _ s: [UInt32]) {
        guard districtFolded.count >= 2 else { return }
        let forms = [districtFolded, Array(districtFolded.dropLast())]
        var found: [Token] = []
        var residual: [Range<Int>] = []
        let canonical = AddressText.canonicalHomophones(s)   // per character: each window's canonical form is its slice
        for r in p.residual {
            var lo = r.lowerBound
            var k = r.lowerBound
            while k < r.upperBound {
                var hit: Int?
                for f in forms where k + f.count <= r.upperBound {
                    let window = canonical[k..<(k + f.count)]
                    var distance = 0   // counted to 2: only 0 and 1 matter
                    for (a, b) in zip(window, f) where a != b {
                        distance += 1
                        if distance > 1 { break }
                    }
                    guard distance <= 1 else { continue }
                    let end = k + f.count
                    let oursNext = p.tokens.first { $0.start == end }.map { t in t.senses.contains { if case .township = $0 { return true }; if case .village = $0 { return true }; return false } } ?? false
                    // The full name needs its last character (区) right; the short name needs ours to follow.
                    if distance == 0 && (f.count == districtFolded.count || oursNext) { hit = end; break }
                    if distance == 1 && f.count == districtFolded.count && window.last == f.last && oursNext { hit = end; break }
                }
                if let end = hit {
                    if lo < k { residual.append(lo..<k) }
                    found.append(Token(start: k, end: end, senses: [.district], fuzzy: false))
                    k = end
                    lo = end
                } else {
                    k += 1
                }
            }
            if lo < r.upperBound { residual.append(lo..<r.upperBound) }
        }
        guard !found.isEmpty else { return }
        p.residual = residual
        p.tokens = (p.tokens + found).sorted { $0.start < $1.start }
    }

    // MARK: - The fuzzy pass

    /// The exact reading left doubt worth a typo search: nothing found; unmatched text beside an
    /// ambiguous or township-only result; or an unmatched run of two or more characters that is not
    /// generic words (对面, 小区 …). Never for an address outside the district.
    func needsFuzzyPass(_ r: GeocodeResult, _ p: Parse, _ s: [UInt32]) -> Bool {
        guard r.status != .outside else { return false }
        if r.status == .notFound || (!p.residual.isEmpty && (r.status == .ambiguous || r.level == .township)) { return true }
        guard p.residual.contains(where: { $0.count >= 2 }) else { return false }
        let mask = genericMask(s, p)
        return p.residual.contains { range in range.filter { !mask[$0] }.count >= 2 }
    }

    /// True at the characters of unmatched text that belong to generic words (小区, 附近, 服务中心,
    /// 花园 …): never read as a typo of a name.
    func genericMask(_ s: [UInt32], _ p: Parse) -> [Bool] {
        var mask = [Bool](repeating: false, count: s.count)
        for r in p.residual {
            var i = r.lowerBound
            while i < r.upperBound {
                var matched = 0
                // The longest generic word at i: those starting with s[i], longest first.
                for w in Self.genericWordsByFirst[s[i]] ?? [] where i + w.count <= r.upperBound && s[i..<(i + w.count)].elementsEqual(w) {
                    matched = w.count
                    break
                }
                if matched > 0 { for k in i..<(i + matched) { mask[k] = true }; i += matched } else { i += 1 }
            }
        }
        return mask
    }

    /// Words of landmark phrases, estates and directions that are not names (two characters or more:
    /// single ones such as 家, 厂, 住 occur in village names).
    static let genericWords: [String] = [
        "对面", "附近", "旁边", "门口", "后面", "背后", "斜对面", "那边", "那里", "这里", "这边", "那儿", "这儿", "一带", "前面", "周边", "左边", "右边", "里面", "隔壁", "楼下", "楼上", "单元",
        "对门", "侧面", "东边", "西边", "南边", "北边", "东侧", "西侧", "南侧", "北侧", "路口", "十字路口", "服务中心", "便民服务中心", "党群服务中心", "中心",
        "小学", "中学", "学校", "幼儿园", "医院", "卫生院", "卫生室", "诊所", "花园", "小区", "公寓", "大厦", "广场", "家园", "名苑", "新城", "雅居",
        "华庭", "公馆", "安置点", "市场", "菜市场", "农贸市场", "超市", "商店", "小卖部", "饭店", "餐馆", "酒店", "宾馆", "茶馆", "加油站", "车站", "银行",
        "公司", "工厂", "仓库", "停车场", "单元楼", "号楼", "门面", "铺面", "派出所", "政府", "办公室", "委会", "大队", "老街", "桥头", "桥下", "河边",
        "坡上", "山上", "沟里", "院子", "院坝", "反映", "投诉", "来电", "报称", "住户", "居民", "村民", "群众", "业主", "电话", "联系", "手机",
    ]
    static let genericWordScalars: [[UInt32]] = genericWords.map { AddressText.normalize($0) }.sorted { $0.count > $1.count }
    /// The same by first character, longest first (each position of the text looks at a few).
    static let genericWordsByFirst: [UInt32: [[UInt32]]] = Dictionary(grouping: genericWordScalars.filter { !$0.isEmpty }, by: { $0[0] })
        .mapValues { $0.sorted { $0.count > $1.count } }

    /// The fuzzy pass: the longest window around the unmatched text that names one place by a
    /// homophone or a one-character typo, within what the address states (a stated village leaves
    /// only its streets and landmarks; stated townships only their places); nil when none does, or
    /// two different ones tie. Windows never cover generic words.
    func fuzzyToken(_ s: [UInt32], _ p: Parse, _ evidence: Evidence?) -> Token? {
        var best: (len: Int, start: Int, end: Int, senses: Set<Sense>)?
        var bestAmbiguous = false
        let already = placesAlreadyRead(p)
        let mask = genericMask(s, p)
        let scope = fuzzyScope(p)
        let canonical = AddressText.canonicalHomophones(s)   // per character: each window's canonical form is its slice
        // Every name the lookups below can reach is within one character of the window, so a window
        // with two characters that occur in no name names nothing: counted by prefix sums.
        var foreign = [Int](repeating: 0, count: canonical.count + 1)
        for (i, c) in canonical.enumerated() { foreign[i + 1] = foreign[i] + (fuzzyScalars.contains(c) ? 0 : 1) }
        for range in p.residual {
            // The residual span widened by a neighbouring token's characters (a typo can make part of
            // a name match something else).
            let lo = max(0, range.lowerBound - 2), hi = min(s.count, range.upperBound + 2)
            for a in lo..<hi {
                for len in stride(from: min(8, hi - a), through: 2, by: -1) {
                    if foreign[a + len] - foreign[a] >= 2 || mask[a..<(a + len)].contains(true) { continue }
                    let window = canonical[a..<(a + len)]
                    guard mayNameAPlace(window) else { continue }
                    var found = fuzzySenses(Array(window), length: len, excluding: already)
                    guard !found.isEmpty else { continue }
                    found = found.filter { inScope($0, scope) }
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
        guard let b = best else { evidence?.note("fuzzy: no name within one typo of the unmatched text"); return nil }
        let window = AddressText.string(s[b.start..<b.end])
        guard !bestAmbiguous else { evidence?.note("fuzzy: \(window) is one typo from several places; none taken"); return nil }
        // Several places one folded typo away: the one fewest characters away as typed wins (汪三村:
        // 汪山村, not 王坝村, which needs 汪→王 as well).
        var senses = b.senses
        if Set(senses.map { name(of: $0) }).count > 1 {
            let typed = Array(s[b.start..<b.end])
            let distance = Dictionary(uniqueKeysWithValues: senses.map { ($0, typedDistance(typed, $0)) })
            let least = distance.values.min()!
            senses = senses.filter { distance[$0] == least }
        }
        // Only accept when the match names one place (several senses of one name resolve later).
        guard Set(senses.map { name(of: $0) }).count == 1 else {
            evidence?.note("fuzzy: \(window) → " + senses.map { describe($0) }.sorted().joined(separator: ", ") + ": several places; none taken")
            return nil
        }
        evidence?.note("fuzzy: \(window) read as " + senses.map { describe($0) }.sorted().joined(separator: " | "))
        return Token(start: b.start, end: b.end, senses: Array(senses).sorted { "\($0)" < "\($1)" }, fuzzy: true)
    }

    /// Characters that differ between the typed window and the nearest written form of a place
    /// (its name or short name): the Hamming distance at equal length, else 1 per character of
    /// length difference plus the differences of the better-aligned end.
    func typedDistance(_ typed: [UInt32], _ sense: Sense) -> Int {
        let full = name(of: sense)
        var forms = [full]
        switch sense {
        case .village: forms.append(GazetteerBuilder.villageShort(full))
        case .township: forms.append(GazetteerBuilder.townshipShort(full))
        default: break
        }
        return forms.map { form -> Int in
            let f = AddressText.normalize(form)
            if f.count == typed.count { return hamming(f, typed) }
            let n = min(f.count, typed.count), extra = abs(f.count - typed.count)
            return extra + min(hamming(Array(f.prefix(n)), Array(typed.prefix(n))), hamming(Array(f.suffix(n)), Array(typed.suffix(n))))
        }.min()!
    }

    /// What a fuzzy token may name, given what the address states exactly.
    struct FuzzyScope {
        /// Township codes stated (empty: any).
        var townships: Set<String> = []
        /// A village stated exactly: only streets and landmarks inside it (and its township) remain.
        var village: Int?
    }

    func fuzzyScope(_ p: Parse) -> FuzzyScope {
        var scope = FuzzyScope()
        let named = readPlaces(p)
        scope.townships = Set(named.townships.map { gazetteer.townships[$0].code })
        if let v = statedVillage(named), v.villages.count == 1,
           scope.townships.isEmpty || scope.townships.contains(gazetteer.villages[v.villages[0]].townshipCode) {
            scope.village = v.villages[0]
        }
        return scope
    }

    func inScope(_ sense: Sense, _ scope: FuzzyScope) -> Bool {
        let g = gazetteer
        if let v = scope.village {
            switch sense {
            case .street(let i): return streetsByName[i].contains { g.streets[$0].townshipCode == g.villages[v].townshipCode }
            case .landmark(let i): return g.landmarks[i].villageCode == g.villages[v].code
            default: return false
            }
        }
        guard !scope.townships.isEmpty else { return true }
        switch sense {
        case .township: return false
        case .village(let i): return scope.townships.contains(g.villages[i].townshipCode)
        case .street(let i): return streetsByName[i].contains { scope.townships.contains(g.streets[$0].townshipCode) }
        case .landmark(let i): return villageIndex[g.landmarks[i].villageCode].map { scope.townships.contains(g.villages[$0].townshipCode) } ?? false
        default: return false
        }
    }

    /// Places the parse already read are not re-found by a window that overlaps them; a token
    /// that is both a township and a village (轸溪) keeps its villages open to the fuzzy pass.
    func placesAlreadyRead(_ p: Parse) -> Set<Sense> {
        var already: Set<Sense> = []
        for t in p.tokens {
            let soft = t.senses.contains { if case .village = $0 { return true }; return false } && t.senses.contains { if case .township = $0 { return true }; return false }
            for sense in t.senses { if case .village = sense, soft { continue }; already.insert(sense) }
        }
        return already
    }

    /// False when no key that `fuzzySenses` looks up for this canonical window can exist: the
    /// window itself (as a name or a name less one character) and, from three characters, each of
    /// its one-character deletions (as a name or a name less one). True may still find nothing.
    func mayNameAPlace(_ sub: ArraySlice<UInt32>) -> Bool {
        let whole = FuzzyFilter.print(sub)
        if exactFilter.contains(whole) { return true }
        guard sub.count >= 3 else { return false }
        if deleteFilter.contains(whole) { return true }
        for i in sub.indices {
            let d = FuzzyFilter.print(sub, skipping: i)
            if (sub.count >= 4 && exactFilter.contains(d)) || deleteFilter.contains(d) { return true }
        }
        return false
    }

    /// What the canonical window `sub` (`len` characters) may mean, other than `already` and the
    /// province: its homophone spelling, else names one character away from it.
    func fuzzySenses(_ sub: [UInt32], length len: Int, excluding already: Set<Sense>) -> Set<Sense> {
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

    func hamming(_ a: [UInt32], _ b: [UInt32]) -> Int { zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) } }

    func rank(_ l: GeocodeResult.Level?) -> Int {
        switch l { case .house?: return 4; case .group?: return 3; case .street?: return 2; case .village?: return 2; case .township?: return 1; case nil: return 0 }
    }

    func name(of s: Sense) -> String {
        switch s {
        case .township(let i): return gazetteer.townships[i].name
        case .village(let i): return gazetteer.villages[i].name
        case .street(let i): return streetNames[i]
        case .landmark(let i): return gazetteer.landmarks[i].name
        case .outside(let d), .neighbour(let d): return d
        case .province: return "province"
        case .city: return "city"
        case .district: return gazetteer.districtName
        }
    }

    /// A sense in words, with where it is (for --explain).
    func describe(_ s: Sense) -> String {
        let g = gazetteer
        switch s {
        case .township(let i): return "township \(g.townships[i].name)"
        case .village(let i): return "village \(townshipName(ofVillage: i))\(g.villages[i].name)"
        case .street(let i):
            let towns = streetsByName[i].map { townshipIndex[g.streets[$0].townshipCode].map { g.townships[$0].name } ?? "?" }
            return "street \(streetNames[i]) (\(towns.joined(separator: ", ")))"
        case .landmark(let i):
            let l = g.landmarks[i]
            return "landmark \(l.name) (in \(villageIndex[l.villageCode].map { townshipName(ofVillage: $0) + g.villages[$0].name } ?? l.villageCode))"
        case .outside(let d): return "outside: \(d)"
        case .neighbour(let d): return "a place of \(d)"
        case .province: return "the province"
        case .city: return "the city"
        case .district: return "the district \(g.districtName)"
        }
    }

    func townshipName(ofVillage v: Int) -> String {
        townshipIndex[gazetteer.villages[v].townshipCode].map { gazetteer.townships[$0].name } ?? ""
    }

    // MARK: - Resolving one parse: outside? → the units stated → the most precise point inside them

    func resolve(_ p: Parse, _ s: [UInt32], _ named: NamedPlaces, _ evidence: Evidence?) -> GeocodeResult {
        if let outside = outsideDivision(p, s, named, evidence) { return outside }
        var start = GeocodeResult()
        start.confidence = named.fuzzy ? ConfidencePolicy.fuzzyMatch : ConfidencePolicy.exactMatch
        if !named.townships.isEmpty {
            evidence?.note("stated township: " + named.townships.sorted().map { gazetteer.townships[$0].name }.joined(separator: ", "))
        }
        if let village = statedVillage(named, evidence) { return matchVillage(village, named, p, s, start, evidence) }
        if let villageOutside = named.villageTokens.first {
            // Every village named lies outside the townships stated: the address contradicts itself.
            return contradiction(villageOutside, named, evidence)
        }
        if let l = named.landmark {
            if inNamedTownships(gazetteer.villages[villageIndex[gazetteer.landmarks[l].villageCode] ?? 0].townshipCode, named) {
                return matchLandmark(l, named, p, start, evidence)
            }
            evidence?.note("landmark \(gazetteer.landmarks[l].name) is outside the township stated: ignored")
        }
        if let (_, si) = named.streetTokens.last { return matchStreet(si, named, p, start, evidence) }
        return matchTownships(named, start, evidence)
    }

    /// Outside the district: a county or city elsewhere named before anything of ours; a
    /// neighbouring county's township with no township of ours, or its village with no township or
    /// village of ours; or an unlisted division (仁寿县, 彭山区) — unmatched text ending in
    /// 省/市/县/区/州 before anything of ours.
    func outsideDivision(_ p: Parse, _ s: [UInt32], _ named: NamedPlaces, _ evidence: Evidence?) -> GeocodeResult? {
        let firstOurs = p.tokens.first { t in t.senses.contains { sense in
            switch sense { case .township, .village, .street, .landmark: return true; default: return false }
        } }?.start ?? s.count
        for t in p.tokens where t.start < firstOurs {
            for case .outside(let d) in t.senses {
                evidence?.note("outside: \(AddressText.string(s[t.start..<t.end])) names \(d)")
                return outside(d, confidence: ConfidencePolicy.outsideListed)
            }
        }
        if let (d, isTownship) = named.neighbour, named.townships.isEmpty, isTownship || (named.villageTokens.isEmpty && !named.districtSaid) {
            evidence?.note("outside: a \(isTownship ? "township" : "village") of \(d), and no township\(isTownship ? "" : ", village or district") of ours named")
            return outside(d, confidence: ConfidencePolicy.outsideListed)
        }
        if named.neighbour != nil { evidence?.note("a neighbouring county's place is named, but so is ours: ignored") }
        for r in p.residual where r.lowerBound < firstOurs {
            if let d = Self.divisionName(s, r.lowerBound..<min(r.upperBound, firstOurs)) {
                evidence?.note("outside: \(d) looks like a division that is not ours")
                return outside(d, confidence: ConfidencePolicy.outsideUnlisted)
            }
        }
        return nil
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

    /// The places a parse names, sorted by kind.
    struct NamedPlaces {
        var districtSaid = false
        /// 沙湾 said once: the district, or perhaps 沙湾镇 (listed first among candidates only).
        var townHint: Int?
        /// Townships surely meant (by a token that is not also a village the address may mean).
        var townships: Set<Int> = []
        /// Tokens that name villages, with the townships the same token may also mean.
        var villageTokens: [(token: Token, villages: [Int], townships: [Int])] = []
        var streetTokens: [(token: Token, street: Int)] = []
        /// The first landmark named, the token naming it, and every landmark of that name.
        var landmark: Int?
        var landmarkToken: Int?
        var sameNameLandmarks: [Int] = []
        /// A neighbouring county's place: the county, and whether it is a township (else a village).
        var neighbour: (String, Bool)?
        /// A token came from the fuzzy pass.
        var fuzzy = false
        /// Tokens read as the beginning of a misspelt name, not as what they spell (indices).
        var skipped: [Int] = []
        /// The address places itself in the district, so a name shared with a place elsewhere is ours.
        var anchored: Bool { districtSaid || !townships.isEmpty }
    }

    /// Sorts the tokens' senses into district, townships, villages, streets and landmarks, deciding
    /// for names that are both a township and a village (太平, 福禄) which one is meant.
    func readPlaces(_ p: Parse) -> NamedPlaces {
        let g = gazetteer
        var named = NamedPlaces()
        // Only for a name of both a township and a village (rare): which characters are generic words.
        var maskCache: [Bool]?
        func mask(_ i: Int) -> Bool {
            if maskCache == nil { maskCache = genericMask(p.text, p) }
            return maskCache![i]
        }
        for (k, t) in p.tokens.enumerated() {
            if t.fuzzy { named.fuzzy = true }
            // A name handed to the fuzzy pass (inside the unmatched text now) no longer counts.
            if !t.fuzzy && p.residual.contains(where: { $0.lowerBound <= t.start && t.end <= $0.upperBound }) { continue }
            var tw: [Int] = [], vi: [Int] = []
            let isDistrict = t.senses.contains(.district)
            if isDistrict, let ti = t.senses.lazy.compactMap({ if case .township(let i) = $0 { return i }; return nil }).first {
                // 沙湾 after 沙湾区/沙湾 already said is the town; otherwise a hint.
                if named.districtSaid { named.townships.insert(ti) } else { named.townHint = ti }
            }
            let ours = t.senses.contains { if case .neighbour = $0 { return false }; if case .outside = $0 { return false }; return true }
            for sense in t.senses {
                switch sense {
                case .district: named.districtSaid = true
                case .township(let i): if !isDistrict { tw.append(i) }
                case .village(let i): vi.append(i)
                case .street(let i): named.streetTokens.append((t, i))
                case .landmark(let i):
                    if named.landmark == nil { named.landmark = i }
                    else if named.landmarkToken == k, !named.sameNameLandmarks.contains(i) { named.sameNameLandmarks.append(i) }
                    if named.landmark == i { named.landmarkToken = k; named.sameNameLandmarks = [i] }
                case .neighbour(let d):
                    if !ours, named.neighbour == nil || named.neighbour!.1 == false { named.neighbour = (d, t.townshipSuffix) }
                default: break
                }
            }
            if vi.isEmpty {
                named.townships.formUnion(tw)
            } else if !tw.isEmpty {
                // Both a township and a village (太平, 福禄): a township when more follows, or when
                // its villages all lie in that township (福禄社区 in 福禄镇).
                // Unmatched text of two characters or more after it counts too (喻霸村 after 牛石: a typo).
                let more = p.tokens[(k + 1)...].contains { $0.senses.contains { if case .village = $0 { return true }; if case .street = $0 { return true }; if case .landmark = $0 { return true }; return false } }
                    || p.residual.contains { r in r.lowerBound >= t.end && r.filter { !mask($0) }.count >= 2 }
                if tw.allSatisfy({ named.townships.contains($0) }) {
                    // The township was stated already (踏水镇踏水): now the name means its villages —
                    // unless unmatched text follows (葫芦镇葫芦霸村): then it begins a typo'd name.
                    if more && p.residual.contains(where: { $0.lowerBound == t.end }) { named.skipped.append(k) } else { named.villageTokens.append((t, vi, [])) }
                    continue
                }
                let inside = vi.allSatisfy { v in tw.contains { g.townships[$0].code == g.villages[v].townshipCode } }
                if more || (inside && p.group == nil) { named.townships.formUnion(tw) } else { named.villageTokens.append((t, vi, tw)) }
            } else {
                named.villageTokens.append((t, vi, []))
            }
        }
        return named
    }

    /// True when no township is named, or `code` is one of those named.
    func inNamedTownships(_ code: String, _ named: NamedPlaces) -> Bool {
        named.townships.isEmpty || named.townships.contains { gazetteer.townships[$0].code == code }
    }

    /// The village the caller states: the first token naming a village inside the townships stated
    /// (a full name — 村, 社区 — before a bare one); names of villages elsewhere that come after it
    /// are parts of street, estate or shop names.
    func statedVillage(_ named: NamedPlaces, _ evidence: Evidence? = nil) -> (token: Token, villages: [Int], townships: [Int])? {
        let inside = named.villageTokens.compactMap { v -> (token: Token, villages: [Int], townships: [Int])? in
            let vs = v.villages.filter { inNamedTownships(gazetteer.villages[$0].townshipCode, named) }
            if vs.isEmpty {
                evidence?.note("village " + v.villages.map { townshipName(ofVillage: $0) + gazetteer.villages[$0].name }.joined(separator: ", ")
                               + " is not in the township stated")
                return nil
            }
            return (v.token, vs, v.townships.filter { named.townships.isEmpty || named.townships.contains($0) })
        }
        return inside.first { $0.token.fullVillageName } ?? inside.first
    }

    /// A village named outside the township stated, and none inside it: both readings are offered.
    func contradiction(_ v: (token: Token, villages: [Int], townships: [Int]), _ named: NamedPlaces, _ evidence: Evidence?) -> GeocodeResult {
        evidence?.note("the village named is not in the township named: ambiguous between them")
        return ambiguous(v.villages.map { candidate(village: $0, "the village named") } + named.townships.sorted().map { candidate(township: $0, "the township named") })
    }

    /// A landmark (no village stated) names its village and gives a point.
    func matchLandmark(_ l: Int, _ named: NamedPlaces, _ p: Parse, _ start: GeocodeResult, _ evidence: Evidence?) -> GeocodeResult {
        var result = start
        let lm = gazetteer.landmarks[l]
        let villages = Set(named.sameNameLandmarks.compactMap { villageIndex[gazetteer.landmarks[$0].villageCode] }
            .filter { inNamedTownships(gazetteer.villages[$0].townshipCode, named) })
        if villages.count > 1 {
            evidence?.note("\(lm.name): landmarks of that name in " + villages.sorted().map { gazetteer.villages[$0].name }.joined(separator: ", ") + ": ambiguous")
            return ambiguous(villages.sorted().map { candidate(village: $0, "a landmark named \(lm.name) is in it") })
        }
        guard let v = villageIndex[lm.villageCode] else { return result }
        evidence?.note("landmark \(lm.name): in \(townshipName(ofVillage: v))\(gazetteer.villages[v].name)")
        fill(&result, village: v)
        result.level = .house
        result.via = "landmark"
        result.landmark = lm.name
        result.lon = lm.lon; result.lat = lm.lat; result.grid = lm.grid ?? result.grid
        // A street number elsewhere in the same address that lands in another village: one is wrong.
        if let n = p.number, let (_, si) = named.streetTokens.last,
           let h = streetsByName[si].lazy.compactMap({ row in self.streetKey(row, n).flatMap { self.streetHouse[$0] } }).first,
           gazetteer.houses[h].villageCode != lm.villageCode {
            evidence?.note("the street number is in another village than the landmark: less sure")
            result.confidence -= ConfidencePolicy.landmarkAndStreetDisagree
        }
        return result
    }

    /// The village stated: its candidates narrowed by a group number (villages with groups); a
    /// homonym in a neighbouring county or several candidates are said; then the point inside it.
    func matchVillage(_ token: (token: Token, villages: [Int], townships: [Int]), _ named: NamedPlaces,
                      _ p: Parse, _ s: [UInt32], _ start: GeocodeResult, _ evidence: Evidence?) -> GeocodeResult {
        let g = gazetteer
        var result = start
        var cands = token.villages
        var townshipCands = token.townships
        if p.group != nil {
            // A group number: only villages with villager groups (not communities, not townships).
            let withGroups = cands.filter { villagesWithGroups.contains($0) }
            if !withGroups.isEmpty && withGroups.count < cands.count + townshipCands.count {
                evidence?.note("a group number: only villages with villager groups remain")
            }
            if !withGroups.isEmpty { cands = withGroups; townshipCands = [] }
        }
        let surface = AddressText.string(s[token.token.start..<token.token.end])
        if !named.anchored && !token.token.fuzzy {
            if !token.token.fullVillageName, p.group == nil, let elsewhere = townshipElsewhere[surface] {   // a group: a village's
                evidence?.note("\(surface) is also \(elsewhere), and nothing places the address in \(g.districtName)")
                return ambiguous(cands.map { candidate(village: $0, "\(surface) is its name or short name") }
                    + townshipCands.map { candidate(township: $0, "\(surface) is its short name") }
                    + [Candidate(township: nil, village: nil, name: elsewhere, kind: .elsewhere, evidence: "a township of a neighbouring county")])
            }
            if cands.count == 1, townshipCands.isEmpty, let elsewhere = villageElsewhere[cands[0]] ?? (token.token.fullVillageName ? nil : stemElsewhere[surface]) {
                // A neighbouring county has a village of that name too. The desk serves this district,
                // so ours — below the confident range, with the other named for the clerk to ask about.
                evidence?.note("\(g.villages[cands[0]].name) is also \(elsewhere), and nothing places the address in \(g.districtName): ours, less sure")
                result.confidence -= ConfidencePolicy.homonymElsewhere
                result.candidates = [Candidate(township: nil, village: nil, name: elsewhere, kind: .elsewhere, evidence: "a village of that name in a neighbouring county")]
            }
        }
        if cands.count > 1, townshipCands.isEmpty, let gn = p.group {
            // Several villages of that name: the one that has this villager group (and house) decides.
            let withGroup = cands.filter { v in groupKey(v, gn).map { groupIndex[$0] != nil } ?? false }
            let withHouse = p.number.map { n in withGroup.filter { v in houseKey(groupKey(v, gn), n).map { groupHouse[$0] != nil } ?? false } } ?? []
            if let only = withHouse.count == 1 ? withHouse : (withGroup.count == 1 ? withGroup : nil) {
                evidence?.note("only \(townshipName(ofVillage: only[0]))\(g.villages[only[0]].name) has group \(gn)\(withHouse.count == 1 ? " and that house" : ""): it is meant")
                cands = only
                result.confidence -= ConfidencePolicy.numberDecides
            }
        }
        if cands.count > 1, townshipCands.isEmpty, let h = named.townHint,
           case let inTown = cands.filter({ g.villages[$0].townshipCode == g.townships[h].code }), inTown.count == 1 {
            // 沙湾 before the name: the district or the town; the town's village, less sure.
            evidence?.note("\(surface) fits several villages; \(g.townships[h].name) was said (as \(GazetteerBuilder.townshipShort(g.townships[h].name))): its village, less sure")
            cands = inTown
            result.confidence -= ConfidencePolicy.tieBrokenByTownName
        }
        if cands.count + townshipCands.count > 1 {
            evidence?.note("\(surface) fits " + (cands.map { townshipName(ofVillage: $0) + g.villages[$0].name } + townshipCands.map { g.townships[$0].name }).joined(separator: ", ") + ": ambiguous")
            var all = cands.map { candidate(village: $0, "\(surface) is its name or short name") } + townshipCands.map { candidate(township: $0, "\(surface) is its short name") }
            if let h = named.townHint {   // 沙湾: the town's candidates first (the caller may mean it)
                let code = g.townships[h].code
                all = all.filter { $0.villageCode.map { g.villages[villageIndex[$0]!].townshipCode == code } ?? false }
                    + all.filter { !($0.villageCode.map { g.villages[villageIndex[$0]!].townshipCode == code } ?? false) }
            }
            return ambiguous(all)
        }
        if cands.isEmpty, let t = townshipCands.first {
            return townshipResult(t, confidence: result.confidence - ConfidencePolicy.townshipReadingOfVillageName)
        }
        evidence?.note("village \(townshipName(ofVillage: cands[0]))\(g.villages[cands[0]].name)")
        fill(&result, village: cands[0])
        pinpointInVillage(cands[0], named, p, &result, evidence)
        return result
    }

    /// Inside the village found, the most precise point the rest gives: the house of its villager
    /// group, else the group; a house on the street named, in this village; a landmark in this
    /// village; else the village. Nothing of another village is used.
    func pinpointInVillage(_ v: Int, _ named: NamedPlaces, _ p: Parse, _ result: inout GeocodeResult, _ evidence: Evidence?) {
        let g = gazetteer
        if let gn = p.group {
            if let gk = groupKey(v, gn), let gi = groupIndex[gk] {
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
            let known = highestGroup[v].map { "groups 1–\($0)" } ?? "no villager groups"
            evidence?.note("\(g.villages[v].name) has \(known): group \(gn) does not exist")
            result.warnings.append("\(g.villages[v].name)\(gn)组 does not exist (\(known))")
            result.confidence -= ConfidencePolicy.unknownGroup
        }
        if let n = p.number, let (_, si) = named.streetTokens.last {
            for row in streetsByName[si] where g.streets[row].townshipCode == g.villages[v].townshipCode {
                if let k = streetKey(row, n), let h = streetHouse[k] {
                    if g.houses[h].villageCode == g.villages[v].code {
                        setHouse(&result, h)
                        return
                    }
                    evidence?.note("\(streetNames[si]) \(n)号 is in another village: not used (the village stated stands)")
                }
            }
        }
        if let l = named.landmark {
            if g.landmarks[l].villageCode == g.villages[v].code {
                let lm = g.landmarks[l]
                result.level = .house; result.via = "landmark"; result.landmark = lm.name
                result.lon = lm.lon; result.lat = lm.lat; result.grid = lm.grid ?? result.grid
                return
            }
            evidence?.note("landmark \(g.landmarks[l].name) is in another village: not used (the village stated stands)")
        }
        result.level = .village
        result.confidence -= ConfidencePolicy.villageOnly
    }

    /// A street, no village stated: its rows narrowed by the townships stated (a street of another
    /// town never moves the case there); then the house by its number (ambiguous when two villages
    /// share that number); else the street's village, or its villages as candidates.
    func matchStreet(_ si: Int, _ named: NamedPlaces, _ p: Parse, _ start: GeocodeResult, _ evidence: Evidence?) -> GeocodeResult {
        let g = gazetteer
        var result = start
        let sts = streetsByName[si].filter { inNamedTownships(g.streets[$0].townshipCode, named) }
        if sts.isEmpty {
            evidence?.note("street \(streetNames[si]) is not in the township stated: not used")
            return matchTownships(named, start, evidence)
        }
        if sts.count > 1, let n = p.number {
            // The same street name in several towns: the one that has this number decides.
            let withNumber = sts.filter { row in streetKey(row, n).map { streetHouse[$0] != nil || streetHouseVillages[$0] != nil } ?? false }
            if withNumber.count == 1 {
                evidence?.note("\(streetNames[si]) \(n)号 exists only in \(townshipIndex[g.streets[withNumber[0]].townshipCode].map { g.townships[$0].name } ?? "?"): it is meant")
                result.confidence -= ConfidencePolicy.numberDecides
                return matchStreetRow(withNumber[0], p, result, evidence)
            }
        }
        if sts.count > 1, let h = named.townHint, let inTown = sts.first(where: { g.streets[$0].townshipCode == g.townships[h].code }) {
            evidence?.note("\(streetNames[si]) is in several towns; \(g.townships[h].name) was said (as \(GazetteerBuilder.townshipShort(g.townships[h].name))): its street, less sure")
            result.confidence -= ConfidencePolicy.tieBrokenByTownName
            return matchStreetRow(inTown, p, result, evidence)
        }
        if sts.count > 1 {
            evidence?.note("street \(streetNames[si]) is in several towns: ambiguous")
            return ambiguous(sts.map { candidate(street: $0, "a street of that name") })
        }
        return matchStreetRow(sts[0], p, result, evidence)
    }

    /// One street row: the house by its number, else the village around the number, else the
    /// street's village (or its villages as candidates).
    func matchStreetRow(_ row: Int, _ p: Parse, _ start: GeocodeResult, _ evidence: Evidence?) -> GeocodeResult {
        let g = gazetteer
        var result = start
        let st = g.streets[row]
        if let n = p.number, let k = streetKey(row, n) {
            // The same street and number in two villages (two stretches of one name): say so.
            if let vs = streetHouseVillages[k] {
                evidence?.note("\(st.name) \(n)号 is in several villages: ambiguous")
                return ambiguous(vs.sorted().map { candidate(village: $0, "\(st.name) \(n)号 is in it") })
            }
            if let h = streetHouse[k] {
                if let v = villageIndex[g.houses[h].villageCode] { fill(&result, village: v) }
                evidence?.note("\(st.name) \(n)号: a house in \(result.village ?? "?")")
                setHouse(&result, h)
                return result
            }
            if let v = villageAround(row, n) {
                evidence?.note("\(st.name) has no number \(n); its neighbours on the street are in \(g.villages[v].name)")
                fill(&result, village: v)
                result.level = .street
                result.lon = st.lon; result.lat = st.lat
                result.confidence -= ConfidencePolicy.numberInterpolated
                return result
            }
            evidence?.note("\(st.name) has no number \(n), and its neighbours are not in one village")
        }
        let villages = streetRowVillages[row]
        if villages.count > 1 {
            evidence?.note("\(st.name) runs through " + villages.map { g.villages[$0].name }.joined(separator: ", ") + ": ambiguous without a house number")
            return ambiguous(villages.map { candidate(village: $0, "\(st.name) runs through it") })
        }
        if let v = villages.first { fill(&result, village: v) } else if let t = townshipIndex[st.townshipCode] { fillTownship(&result, t) }
        result.status = .matched
        result.level = .street
        result.lon = st.lon; result.lat = st.lat; result.grid = villages.isEmpty ? nil : st.grid
        result.confidence -= ConfidencePolicy.streetOnly
        return result
    }

    /// The village of the numbers next to `n` on a street row (n±2 and n±1, the same side first),
    /// when they all lie in one village; nil when there are none or they disagree.
    func villageAround(_ row: Int, _ n: Int) -> Int? {
        let numbers = streetNumbers[row]
        var villages: Set<Int> = []
        for d in [2, -2, 1, -1, 4, -4] {
            let target = n + d
            var lo = 0, hi = numbers.count
            while lo < hi { let mid = (lo + hi) / 2; if numbers[mid].number < target { lo = mid + 1 } else { hi = mid } }
            while lo < numbers.count && numbers[lo].number == target {
                if let v = villageIndex[gazetteer.houses[numbers[lo].house].villageCode] { villages.insert(v) }
                lo += 1
            }
            if !villages.isEmpty && (d == -2 || d == -1 || d == -4) { break }   // both sides of one distance looked at
        }
        return villages.count == 1 ? villages.first : nil
    }

    /// Townships alone: one is a match at its point (no grid: a township has many), several are
    /// ambiguous, none is not found.
    func matchTownships(_ named: NamedPlaces, _ start: GeocodeResult, _ evidence: Evidence?) -> GeocodeResult {
        if named.townships.count == 1 {
            evidence?.note("only a township: its point, no grid")
            return townshipResult(named.townships.first!, confidence: start.confidence - ConfidencePolicy.townshipOnly)
        }
        if named.townships.count > 1 {
            return ambiguous(named.townships.sorted().map { candidate(township: $0, "a township named") }, confidence: ConfidencePolicy.ambiguousTownships)
        }
        evidence?.note("nothing of ours recognised")
        var none = GeocodeResult()
        none.confidence = ConfidencePolicy.notFound
        return none
    }

    // MARK: - Results

    func outside(_ division: String, confidence: Double) -> GeocodeResult {
        var r = GeocodeResult()
        r.status = .outside
        r.outside = division
        r.confidence = confidence
        return r
    }

    func ambiguous(_ candidates: [Candidate], confidence: Double = ConfidencePolicy.ambiguous) -> GeocodeResult {
        var r = GeocodeResult()
        r.status = .ambiguous
        r.candidates = candidates
        r.confidence = confidence
        return r
    }

    func townshipResult(_ t: Int, confidence: Double) -> GeocodeResult {
        var r = GeocodeResult()
        fillTownship(&r, t)
        r.status = .matched
        r.level = .township
        let row = gazetteer.townships[t]
        r.lon = row.lon; r.lat = row.lat
        r.grid = nil
        r.confidence = confidence
        return r
    }

    func fillTownship(_ r: inout GeocodeResult, _ t: Int) {
        r.township = gazetteer.townships[t].name
        r.townshipCode = gazetteer.townships[t].code
    }

    func fill(_ r: inout GeocodeResult, village v: Int) {
        let row = gazetteer.villages[v]
        r.status = .matched
        r.village = row.name
        r.villageCode = row.code
        if let t = townshipIndex[row.townshipCode] { fillTownship(&r, t) }
        r.lon = row.lon; r.lat = row.lat; r.grid = row.grid
    }

    func setHouse(_ r: inout GeocodeResult, _ h: Int) {
        let house = gazetteer.houses[h]
        r.level = .house
        r.lon = house.lon; r.lat = house.lat; r.grid = house.grid
    }

    func candidate(village v: Int, _ why: String) -> Candidate {
        let row = gazetteer.villages[v]
        return Candidate(township: gazetteer.townships[townshipIndex[row.townshipCode]!].name, village: row.name,
                         villageCode: row.code, name: row.name, kind: .village, evidence: why)
    }
    func candidate(township t: Int, _ why: String) -> Candidate {
        Candidate(township: gazetteer.townships[t].name, village: nil, name: gazetteer.townships[t].name, kind: .township, evidence: why)
    }
    func candidate(street i: Int, _ why: String) -> Candidate {
        let st = gazetteer.streets[i]
        let t = gazetteer.townships[townshipIndex[st.townshipCode]!].name
        let v = st.villageCode.flatMap { villageIndex[$0] }.map { gazetteer.villages[$0].name }
        return Candidate(township: t, village: v, villageCode: st.villageCode, name: t + st.name, kind: .street, evidence: why)
    }
}
