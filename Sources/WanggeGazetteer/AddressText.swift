import WanggeStore
/// Character-level clean-up of a typed address, on Unicode scalars (fast, no Foundation).
public enum AddressText {
    /// Traditional → simplified for the characters of the gazetteer's names and of address words
    /// (省市区镇乡村组号 …). Generated once with jionlp 1.5.31's `sim2tra(c, mode='char')` over those
    /// characters (tools/.venv), inverted; variants such as 邨 → 村 included.
    static let traditionalPairs = "兒儿兩两劉刘務务勝胜區区咊和唸念喦岩園园團团坿附埳坎場场壩坝壽寿孫孙學学實实對对岡冈峩峨峯峰崗岗嵐岚帶带廠厂廣广張张後后恆恒悳德書书會会朢望東东栁柳棃梨楊杨業业樂乐樑梁橋桥機机橫横氹凼涼凉溝沟濱滨瀾澜灣湾營营琯管環环監监碼码礦矿祿禄禪禅範范紀纪紅红組组結结綏绥綠绿網网縣县羅罗脩修臨临興兴芲花荳豆華华萬万葉叶蘆芦號号衛卫觀观設设譚谭讌燕谿溪豐丰費费貿贸賓宾跴踩車车軋轧軫轸農农連连遊游達达邊边邨村鄉乡鄧邓醫医銀银銅铜錦锦鎮镇鐵铁長长門门陽阳雙双雲云鞌鞍順顺頭头風风養养餘余館馆馬马騎骑驗验魚鱼鳳凤鳴鸣鶴鹤鹽盐麥麦黃黄齊齐龍龙龔龚寨寨裏里裡里川川"

    /// Groups of characters that sound alike (same pinyin, tone aside) and are confused in names;
    /// the first of each group is its canonical form. Only used by the fuzzy pass.
    static let homophoneGroups = [
        "肖萧消销", "杨阳扬洋羊", "王汪旺", "张章彰", "刘留流柳", "黄皇凰煌", "龙隆笼", "峨娥鹅蛾俄", "坝霸", "湾弯塆", "沙砂纱莎鲨",
        "沟勾钩", "坪平苹评屏", "岗港钢冈", "林琳临霖", "桥乔侨", "凉梁粮良", "罗萝锣", "付傅富赋", "费废肺", "魏卫位未",
        "齐奇其旗棋骑", "燎辽疗", "范饭泛", "谭潭檀坛", "碧必毕壁", "铜同童桐", "茨慈磁瓷", "轸枕诊", "龚公宫工攻", "嘴咀",
        "禄路鹿陆录", "踏塌", "嘉佳家加", "农浓", "葫湖胡", "芦卢炉", "沫末茉", "绥随", "忠中钟终", "兴星", "新心欣",
        "华花", "园元圆源", "泉全", "都督", "安鞍", "河何和合", "山杉衫", "溪西希", "石时十", "坎砍", "堰燕雁宴", "井景警",
        "店电殿", "埂耿梗", "凼当荡", "坡泼", "寺四", "塘堂唐糖", "朝潮", "邓登灯", "喻玉裕遇", "槐怀", "符福服",
    ]

    static let t2s: [UInt32: UInt32] = {
        var m: [UInt32: UInt32] = [:]
        let s = Array(traditionalPairs.unicodeScalars)
        var i = 0
        while i + 1 < s.count { if s[i] != s[i + 1] { m[s[i].value] = s[i + 1].value }; i += 2 }
        return m
    }()

    static let homophone: [UInt32: UInt32] = {
        var m: [UInt32: UInt32] = [:]
        for g in homophoneGroups {
            let s = Array(g.unicodeScalars)
            for c in s.dropFirst() where m[c.value] == nil { m[c.value] = s[0].value }
        }
        return m
    }()

    /// Marks a '-' kept between two digits (3-15 = group 3, number 15, or 15-2号).
    static let dash: UInt32 = 0x2D

    /// Full-width → ASCII, traditional → simplified, spaces and punctuation dropped (a dash
    /// between digits is kept), ASCII letters upper-cased.
    public static func normalize(_ s: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(s.unicodeScalars.count)
        var pendingDash = false
        for sc in s.unicodeScalars {
            var c = sc.value
            if c >= 0xFF01 && c <= 0xFF5E { c -= 0xFEE0 }          // full-width ASCII
            if c == 0x3000 { c = 0x20 }
            if let m = t2s[c] { c = m }
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            if c == 0x2D || c == 0x2010 || c == 0x2013 || c == 0x2014 || c == 0x2212 || c == 0xFF0D || c == 0x2F || c == 0x7E {
                if let last = out.last, isDigit(last) { pendingDash = true }
                continue
            }
            if isDropped(c) { continue }
            if pendingDash {
                if isDigit(c) { out.append(dash) }
                pendingDash = false
            }
            out.append(c)
        }
        return out
    }

    @inline(__always) static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    static func isDropped(_ c: UInt32) -> Bool {
        if c <= 0x20 || c == 0x7F { return true }
        if c < 0x80 { return !(isDigit(c) || (c >= 0x41 && c <= 0x5A)) }   // ASCII punctuation
        switch c {
        case 0x00A0, 0x00B7, 0x2000...0x206F, 0x3000...0x303F, 0xFE30...0xFE4F, 0xFF00...0xFF0F, 0xFF1A...0xFF20,
             0xFF3B...0xFF40, 0xFF5B...0xFF65, 0x25A0...0x25FF, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// Value of a Chinese numeral scalar (零〇一二两三…九 → 0…9, 十 → 10, 百 → 100), else nil.
    static func chineseDigit(_ c: UInt32) -> Int? {
        switch c {
        case 0x96F6, 0x3007: return 0      // 零 〇
        case 0x4E00: return 1              // 一
        case 0x4E8C, 0x4E24: return 2      // 二 两
        case 0x4E09: return 3              // 三
        case 0x56DB: return 4              // 四
        case 0x4E94: return 5              // 五
        case 0x516D: return 6              // 六
        case 0x4E03: return 7              // 七
        case 0x516B: return 8              // 八
        case 0x4E5D: return 9              // 九
        case 0x5341: return 10             // 十
        case 0x767E: return 100            // 百
        default: return nil
        }
    }

    /// Reads a number at `i`: ASCII digits, or a Chinese numeral (三, 十二, 二十三, 一百零五, 一五).
    /// Returns the value and the index after it.
    static func readNumber(_ s: [UInt32], _ i: Int) -> (Int, Int)? {
        var j = i
        if j < s.count, isDigit(s[j]) {
            var v = 0
            while j < s.count, isDigit(s[j]), v < 1_000_000 { v = v * 10 + Int(s[j] - 0x30); j += 1 }
            return (v, j)
        }
        var total = 0, current = 0, digits: [Int] = [], sawUnit = false
        while j < s.count, let d = chineseDigit(s[j]) {
            if d == 10 || d == 100 {
                sawUnit = true
                total += (current == 0 ? 1 : current) * d
                current = 0
            } else {
                current = d
                digits.append(d)
            }
            j += 1
        }
        if j == i { return nil }
        // 一五 = 15. Capped like the ASCII digits above (no house or group number is that large):
        // 19 or more numerals would overflow Int.
        if !sawUnit && digits.count > 1 { return (digits.reduce(0) { min($0 * 10 + $1, 1_000_000) }, j) }
        return (total + current, j)
    }

    public static func canonicalHomophones(_ s: [UInt32]) -> [UInt32] { s.map { homophone[$0] ?? $0 } }

    public static func string(_ s: ArraySlice<UInt32>) -> String {
        var out = String.UnicodeScalarView()
        for c in s { if let u = Unicode.Scalar(c) { out.append(u) } }
        return String(out)
    }
    public static func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
}
