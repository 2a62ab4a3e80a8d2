import Foundation

/// The real township and village names (SOURCE/divisions.tsv) and the synthetic
/// statistical codes given to them.
struct Division {
    let township: String
    let village: String
    /// "village" (村) or "community" (社区).
    let kind: String
}

struct TownshipInfo {
    let name: String
    /// 9-digit code: the district's 6 + 3 digits (001–099 街道, 100–199 镇, 200–399 乡).
    let code: String
    let kind: String
    var units: [Division]
}

enum DivisionTable {
    static func load(_ url: URL) throws -> [Division] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var out: [Division] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if n == 0 || line.isEmpty { continue }
            let cols = line.split(separator: "\t").map(String.init)
            guard cols.count == 3, cols[2] == "village" || cols[2] == "community" else {
                throw GeneratorError.badInput("\(url.lastPathComponent): line \(n + 1): expected township, village, kind (village|community)")
            }
            out.append(Division(township: cols[0], village: cols[1], kind: cols[2]))
        }
        return out
    }

    /// Townships with codes: 街道 from 001, 镇 from 100, 乡 from 200, in the order of
    /// the layout's seats (the district seat first), so codes are stable.
    static func townships(_ divisions: [Division], spec: DistrictSpec) throws -> [TownshipInfo] {
        var counters = ["街道": 1, "镇": 100, "乡": 200]
        var out: [TownshipInfo] = []
        for seat in spec.seats {
            let kind = seat.township.hasSuffix("街道") ? "街道" : seat.township.hasSuffix("镇") ? "镇" : "乡"
            let n = counters[kind]!
            counters[kind] = n + 1
            let units = divisions.filter { $0.township == seat.township }
            guard !units.isEmpty else { throw GeneratorError.badInput("no villages listed for \(seat.township)") }
            out.append(TownshipInfo(name: seat.township, code: spec.code + String(format: "%03d", n), kind: kind, units: units))
        }
        let listed = Set(divisions.map(\.township)), placed = Set(out.map(\.name))
        guard listed == placed else {
            throw GeneratorError.badInput("townships without a seat in layout.json: \(listed.subtracting(placed).sorted())")
        }
        return out
    }
}

enum GeneratorError: Error, CustomStringConvertible {
    case badInput(String)
    case failed(String)

    var description: String {
        switch self {
        case .badInput(let m): "bad input: \(m)"
        case .failed(let m): m
        }
    }
}
