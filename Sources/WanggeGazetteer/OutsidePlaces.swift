import WanggeStore
/// Places that are not 沙湾区: an address naming one of them is rejected as `outside`, naming it.
public enum OutsidePlaces {
    /// Leshan's other county-level divisions (the real 2024 list), with their short forms.
    public static let leshanDivisions: [(name: String, forms: [String])] = [
        ("乐山市市中区", ["市中区"]),
        ("乐山市五通桥区", ["五通桥区", "五通桥", "五通"]),
        ("乐山市金口河区", ["金口河区", "金口河"]),
        ("峨眉山市", ["峨眉山市", "峨眉山", "峨眉"]),
        ("犍为县", ["犍为县", "犍为"]),
        ("井研县", ["井研县", "井研"]),
        ("夹江县", ["夹江县", "夹江"]),
        ("沐川县", ["沐川县", "沐川"]),
        ("峨边彝族自治县", ["峨边彝族自治县", "峨边县", "峨边"]),
        ("马边彝族自治县", ["马边彝族自治县", "马边县", "马边"]),
    ]

    /// The forms callers write for a county-level division: its full name, without its city
    /// (乐山市市中区 → 市中区), and its stem when two characters or more remain (五通桥, 峨边县, 峨边).
    public static func forms(ofCounty name: String) -> [String] {
        var forms = [name]
        var local = name
        if let city = name.range(of: "市"), city.upperBound < name.endIndex, name[city.upperBound...].count >= 3 {
            local = String(name[city.upperBound...])
            forms.append(local)
        }
        for suffix in ["彝族自治县", "自治县", "区", "县", "市"] where local.hasSuffix(suffix) {
            let stem = String(local.dropLast(suffix.count))
            if stem.count >= 2 && !stem.hasPrefix("市") {   // 市中 would match 市中心
                forms.append(stem)
                if suffix.count > 1 { forms.append(stem + "县") }
            }
            break
        }
        return forms
    }

    /// Well-known townships and sights of those divisions (recalled, not checked against an
    /// official list; each needs only to be outside 沙湾区 for this purpose).
    public static let leshanTownships: [(name: String, district: String)] = [
        ("苏稽镇", "乐山市市中区"), ("苏稽", "乐山市市中区"), ("安谷镇", "乐山市市中区"), ("水口镇", "乐山市市中区"),
        ("九峰镇", "乐山市市中区"), ("茅桥镇", "乐山市市中区"), ("白马镇", "乐山市市中区"), ("乐山大佛", "乐山市市中区"),
        ("张公桥", "乐山市市中区"), ("牛华镇", "乐山市五通桥区"), ("牛华", "乐山市五通桥区"), ("竹根镇", "乐山市五通桥区"),
        ("金粟镇", "乐山市五通桥区"), ("永和镇", "乐山市金口河区"), ("绥山镇", "峨眉山市"), ("符溪镇", "峨眉山市"),
        ("黄湾镇", "峨眉山市"), ("九里镇", "峨眉山市"), ("罗目镇", "峨眉山市"), ("报国寺", "峨眉山市"), ("金顶", "峨眉山市"),
        ("玉津镇", "犍为县"), ("罗城镇", "犍为县"), ("清溪镇", "犍为县"), ("研城镇", "井研县"), ("漹城镇", "夹江县"),
        ("黄土镇", "夹江县"), ("甘江镇", "夹江县"), ("沐溪镇", "沐川县"), ("沙坪镇", "峨边彝族自治县"), ("民建镇", "马边彝族自治县"),
    ]

    /// Other cities and prefectures of Sichuan, Chongqing, and other provinces callers name.
    public static let elsewhere: [(name: String, forms: [String])] = [
        ("成都市", ["成都市", "成都"]), ("自贡市", ["自贡市", "自贡"]), ("攀枝花市", ["攀枝花市", "攀枝花"]),
        ("泸州市", ["泸州市", "泸州"]), ("德阳市", ["德阳市", "德阳"]), ("绵阳市", ["绵阳市", "绵阳"]),
        ("广元市", ["广元市", "广元"]), ("遂宁市", ["遂宁市", "遂宁"]), ("内江市", ["内江市", "内江"]),
        ("南充市", ["南充市", "南充"]), ("眉山市", ["眉山市", "眉山"]), ("宜宾市", ["宜宾市", "宜宾"]),
        ("广安市", ["广安市", "广安"]), ("达州市", ["达州市", "达州"]), ("雅安市", ["雅安市", "雅安"]),
        ("巴中市", ["巴中市", "巴中"]), ("资阳市", ["资阳市", "资阳"]), ("阿坝藏族羌族自治州", ["阿坝州", "阿坝"]),
        ("甘孜藏族自治州", ["甘孜州", "甘孜"]), ("凉山彝族自治州", ["凉山州", "凉山", "西昌"]),
        ("成都市武侯区", ["武侯区"]), ("成都市锦江区", ["锦江区"]), ("成都市青羊区", ["青羊区"]), ("成都市金牛区", ["金牛区"]),
        ("成都市成华区", ["成华区"]), ("成都市双流区", ["双流区", "双流"]), ("眉山市东坡区", ["东坡区"]),
        ("眉山市洪雅县", ["洪雅县", "洪雅"]), ("重庆市", ["重庆市", "重庆"]), ("北京市", ["北京市", "北京"]),
        ("上海市", ["上海市", "上海"]), ("广东省", ["广东省", "广东", "深圳", "广州"]), ("云南省", ["云南省", "云南", "昆明"]),
        ("贵州省", ["贵州省", "贵州", "贵阳"]),
    ]
}
