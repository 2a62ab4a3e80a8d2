import WanggeStore
/// One geocoded address.
public struct GeocodeResult: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case matched, ambiguous, outside, notFound = "not_found" }
    /// house: a house number or a landmark's point; group: a villager group; street; village; township.
    public enum Level: String, Sendable { case house, group, street, village, township }

    public var input = ""
    public var status: Status = .notFound
    public var township: String?
    public var townshipCode: String?
    public var village: String?
    public var villageCode: String?
    public var grid: String?
    /// The grid's worker (网格员) and phone, when the grid file names one (`wangge staff --grids-out`).
    public var gridWorker: String?
    public var gridWorkerPhone: String?
    public var level: Level?
    public var lon: Double?
    public var lat: Double?
    public var confidence = 0.0
    public var candidates: [Candidate] = []
    /// For `outside`: the division found (乐山市市中区, 峨眉山市, 成都市 …).
    public var outside: String?
    /// "landmark" when the point is a landmark's.
    public var via: String?
    public var landmark: String?
    public var fuzzy = false
    /// What the address says that the gazetteer contradicts (a villager group that does not exist).
    public var warnings: [String] = []

    public init() {}
}

public struct Candidate: Sendable, Equatable {
    public var township: String?
    public var village: String?
    public var villageCode: String?
    public var name: String
    public var kind: Kind
    /// Why it is a candidate (踏水 is the short name of 踏水社区; 锦江路 runs through it …).
    public var evidence: String?

    /// What a candidate is; written as its raw value.
    public enum Kind: String, Sendable, Equatable {
        case village, township, street
        /// A place outside the district of the same name.
        case elsewhere
    }

    public init(township: String?, village: String?, villageCode: String? = nil, name: String, kind: Kind, evidence: String? = nil) {
        self.township = township; self.village = village; self.villageCode = villageCode; self.name = name; self.kind = kind
        self.evidence = evidence
    }
}

public enum GeocodeFormat: String, Sendable, CaseIterable { case jsonl, csv }

extension GeocodeResult {
    static func json(_ s: String?) -> String {
        guard let s else { return "null" }
        var o = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\r": o += "\\r"
            case "\t": o += "\\t"
            default:
                if u.value < 0x20 {
                    let hex: String = String(u.value, radix: 16)
                    let pad: String = String(repeating: "0", count: 4 - hex.count)
                    o += "\\u" + pad + hex
                }
                else { o.unicodeScalars.append(u) }
            }
        }
        return o + "\""
    }
    static func coord(_ d: Double?) -> String {
        guard let d else { return "null" }
        let scaled = (d * 1e7).rounded()
        let neg = scaled < 0
        let a = Int(abs(scaled))
        let frac = String(a % 10_000_000)
        let pad: String = String(repeating: "0", count: 7 - frac.count)
        let sign: String = neg ? "-" : ""
        return sign + String(a / 10_000_000) + "." + pad + frac
    }
    static func conf(_ d: Double) -> String {
        let v = Int((max(0, min(1, d)) * 100).rounded())
        return v == 100 ? "1.00" : "0." + (v < 10 ? "0" : "") + "\(v)"
    }

    /// One JSON object on one line (keys in a fixed order).
    public var jsonLine: String {
        var o = "{\"input\":\(Self.json(input)),\"status\":\"\(status.rawValue)\",\"township\":\(Self.json(township)),"
        o += "\"village\":\(Self.json(village)),\"village_code\":\(Self.json(villageCode)),\"grid\":\(Self.json(grid)),"
        if let gridWorker { o += "\"grid_worker\":{\"name\":\(Self.json(gridWorker)),\"phone\":\(Self.json(gridWorkerPhone))}," }
        o += "\"level\":\(Self.json(level?.rawValue)),\"lon\":\(Self.coord(lon)),\"lat\":\(Self.coord(lat)),"
        o += "\"confidence\":\(Self.conf(confidence)),\"candidates\":["
        o += candidates.map { c in
            "{\"kind\":\"\(c.kind.rawValue)\",\"name\":\(Self.json(c.name)),\"township\":\(Self.json(c.township)),\"village\":\(Self.json(c.village)),\"village_code\":\(Self.json(c.villageCode))"
                + (c.evidence.map { ",\"evidence\":" + Self.json($0) } ?? "") + "}"
        }.joined(separator: ",")
        o += "]"
        if let outside { o += ",\"outside\":\(Self.json(outside))" }
        if let via { o += ",\"via\":\(Self.json(via))" }
        if let landmark { o += ",\"landmark\":\(Self.json(landmark))" }
        if fuzzy { o += ",\"fuzzy\":true" }
        if !warnings.isEmpty { o += ",\"warnings\":[" + warnings.map { Self.json($0) }.joined(separator: ",") + "]" }
        return o + "}"
    }

    public static let csvHeader = "input,status,township,village,village_code,grid,level,lon,lat,confidence,candidates,outside,grid_worker,grid_worker_phone"

    public var csvLine: String {
        func f(_ s: String?) -> String {
            guard let s, !s.isEmpty else { return "" }
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }
        let cands = candidates.map { c in c.kind == .village ? "\(c.township ?? "")\(c.village ?? "")" : c.name }.joined(separator: ";")
        return [f(input), status.rawValue, f(township), f(village), f(villageCode), f(grid), level?.rawValue ?? "",
                lon == nil ? "" : Self.coord(lon), lat == nil ? "" : Self.coord(lat), Self.conf(confidence), f(cands), f(outside), f(gridWorker), f(gridWorkerPhone)]
            .joined(separator: ",")
    }
}
