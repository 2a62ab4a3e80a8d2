import WanggeIO

/// How evenly a set of loads is spread.
public struct Spread: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var min: Double
    public var max: Double
    /// Coefficient of variation (population standard deviation ÷ mean).
    public var cv: Double
    public var gini: Double
    public var maxOverMean: Double { mean > 0 ? max / mean : 0 }
    public var minOverMean: Double { mean > 0 ? min / mean : 0 }

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = 0; min = 0; max = 0; cv = 0; gini = 0; return }
        let n = Double(values.count)
        let m = values.reduce(0, +) / n
        mean = m
        min = values.min()!
        max = values.max()!
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        cv = m > 0 ? variance.squareRoot() / m : 0
        // Gini from the sorted values: Σ (2i − n − 1) x_i ÷ (n Σ x).
        let sorted = values.sorted()
        let total = sorted.reduce(0, +)
        gini = total > 0 ? sorted.enumerated().reduce(0) { $0 + (2 * Double($1.offset + 1) - n - 1) * $1.element } / (n * total) : 0
    }
}

/// `wangge report`: every grid's hours and figures, recomputed, with their spread across the
/// district and within villages, per village, township and district.
public struct WorkloadReport: Sendable {
    public let model: WorkloadModel
    /// Grids in code order.
    public let grids: [GridHours]

    public init(figures: [GridFigures], model: WorkloadModel) {
        self.model = model
        grids = figures.map { WorkloadCalculator.hours($0, model: model) }
    }

    /// Hours of every grid across the district.
    public var districtSpread: Spread { Spread(grids.map(\.total)) }
    public var householdSpread: Spread { Spread(grids.map { Double($0.figures.households) }) }

    /// Within villages of several grids: each grid's hours over its village's mean (pooled), so a
    /// balanced village scores 1.0 whatever its size.
    public var withinVillageSpread: Spread {
        var ratios: [Double] = []
        for (_, members) in byVillage where members.count > 1 {
            let mean = members.reduce(0) { $0 + $1.total } / Double(members.count)
            if mean > 0 { ratios += members.map { $0.total / mean } }
        }
        return Spread(ratios)
    }

    /// Grids grouped by village code, in code order.
    public var byVillage: [(code: String, grids: [GridHours])] {
        Dictionary(grouping: grids, by: \.figures.villageCode).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    public var byTownship: [(code: String, grids: [GridHours])] {
        Dictionary(grouping: grids, by: { String($0.figures.villageCode.prefix(9)) }).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The `n` heaviest and lightest grids (ties by code).
    public func extremes(_ n: Int) -> (heaviest: [GridHours], lightest: [GridHours]) {
        let sorted = grids.sorted { $0.total != $1.total ? $0.total > $1.total : $0.figures.code < $1.figures.code }
        return (Array(sorted.prefix(n)), Array(sorted.suffix(n).reversed()))
    }

    // MARK: - Text, CSV, JSON, SVG

    static func f1(_ v: Double) -> String { let r = (v * 10).rounded() / 10; return r == r.rounded() ? String(Int(r)) + ".0" : String(r) }
    static func f3(_ v: Double) -> String { String(format3: v) }

    /// The headline: district-wide spread beside the within-village one, and the extremes.
    public var headline: String {
        let d = districtSpread, w = withinVillageSpread, h = householdSpread
        var rows: [[String]] = []
        rows.append(["hours, district-wide", "\(d.count)", Self.f1(d.mean), Self.f3(d.minOverMean), Self.f3(d.maxOverMean), Self.f3(d.cv), Self.f3(d.gini)])
        rows.append(["hours, within villages", "\(w.count)", "—", Self.f3(w.minOverMean), Self.f3(w.maxOverMean), Self.f3(w.cv), Self.f3(w.gini)])
        rows.append(["households, district-wide", "\(h.count)", Self.f1(h.mean), Self.f3(h.minOverMean), Self.f3(h.maxOverMean), Self.f3(h.cv), Self.f3(h.gini)])
        var out = TextTable(header: ["", "grids", "mean h/week", "min/mean", "max/mean", "CV", "Gini"], rows: rows).render() + "\n"
        let (heavy, light) = extremes(10)
        func line(_ g: GridHours) -> String {
            "  \(g.figures.code) \(g.figures.township)\(g.figures.village) \(Self.f1(g.total)) h: "
                + zip(GridHours.partNames, g.parts).map { "\($0.0) \(Self.f1($0.1))" }.joined(separator: ", ")
        }
        out += "heaviest:\n" + heavy.map(line).joined(separator: "\n") + "\nlightest:\n" + light.map(line).joined(separator: "\n") + "\n"
        return out
    }

    static let csvHeader = ["code", "name", "village_code", "village", "township", "hours"] + GridHours.partNames.map { "hours_\($0)" }
        + ["households", "residents", "records", "elderly_alone", "disabled", "low_income", "key_persons", "incidents",
           "incidents_department_matter", "incidents_dispute", "incidents_errand", "incidents_problem", "incidents_other", "area_km2", "patrol_km", "patrol_slowdown"]

    /// Per grid, with a UTF-8 byte-order mark (Excel).
    public var gridsCSV: String {
        var out = "\u{FEFF}" + CSV.record(Self.csvHeader) + "\n"
        for g in grids {
            let f = g.figures
            func incidents(_ t: String) -> Int {
                t == "other" ? f.incidents.filter { !["department_matter", "dispute", "errand", "problem"].contains($0.type) }.reduce(0) { $0 + $1.count }
                    : f.incidents.first { $0.type == t }?.count ?? 0
            }
            var row = [f.code, f.name, f.villageCode, f.village, f.township, Self.f1(g.total)] + g.parts.map(Self.f1)
            row += [f.households, f.residents, f.records, f.elderlyAlone, f.disabled, f.lowIncome, f.keyPersons, f.incidentCount].map(String.init)
            row += ["department_matter", "dispute", "errand", "problem", "other"].map { String(incidents($0)) }
            row += [Self.f3(f.areaKm2), Self.f3(f.patrolKm), Self.f3(f.patrolSlowdown)]
            out += CSV.record(row) + "\n"
        }
        return out
    }

    /// Everything, as one JSON document (keys in a fixed order).
    public var json: String {
        func spread(_ s: Spread) -> String {
            "{\"count\":\(s.count),\"mean\":\(Self.f3(s.mean)),\"min\":\(Self.f3(s.min)),\"max\":\(Self.f3(s.max)),\"min_over_mean\":\(Self.f3(s.minOverMean)),"
                + "\"max_over_mean\":\(Self.f3(s.maxOverMean)),\"cv\":\(Self.f3(s.cv)),\"gini\":\(Self.f3(s.gini))}"
        }
        func group(_ code: String, _ members: [GridHours]) -> String {
            let first = members[0].figures
            let name = code.count == 12 ? first.village : first.township
            let parts = GridHours.partNames.indices.map { i in members.reduce(0) { $0 + $1.parts[i] } }
            return "{\"code\":\(JSONText.quoted(code)),\"name\":\(JSONText.quoted(name)),\"grids\":\(members.count),"
                + "\"hours\":\(Self.f3(parts.reduce(0, +))),\"hours_by_part\":{" + zip(GridHours.partNames, parts).map { "\"\($0.0)\":\(Self.f3($0.1))" }.joined(separator: ",") + "},"
                + "\"households\":\(members.reduce(0) { $0 + $1.figures.households }),\"spread\":\(spread(Spread(members.map(\.total))))}"
        }
        var out = "{\"model\":{" + model.parameters.map { "\(JSONText.quoted($0.key)):\(WorkloadModel.number($0.value))" }.joined(separator: ",") + "},\n"
        out += "\"district\":{\"hours\":\(spread(districtSpread)),\"hours_within_villages\":\(spread(withinVillageSpread)),\"households\":\(spread(householdSpread))},\n"
        out += "\"townships\":[" + byTownship.map { group($0.code, $0.grids) }.joined(separator: ",\n") + "],\n"
        out += "\"villages\":[" + byVillage.map { group($0.code, $0.grids) }.joined(separator: ",\n") + "],\n"
        out += "\"grids\":[" + grids.map { g in
            let f = g.figures
            return "{\"code\":\(JSONText.quoted(f.code)),\"village_code\":\(JSONText.quoted(f.villageCode)),\"hours\":\(Self.f3(g.total)),\"hours_by_part\":{"
                + zip(GridHours.partNames, g.parts).map { "\"\($0.0)\":\(Self.f3($0.1))" }.joined(separator: ",") + "},"
                + "\"households\":\(f.households),\"residents\":\(f.residents),\"records\":\(f.records),\"elderly_alone\":\(f.elderlyAlone),"
                + "\"disabled\":\(f.disabled),\"low_income\":\(f.lowIncome),\"key_persons\":\(f.keyPersons),\"incidents\":{"
                + f.incidents.map { "\(JSONText.quoted($0.type)):\($0.count)" }.joined(separator: ",") + "},"
                + "\"area_km2\":\(Self.f3(f.areaKm2)),\"patrol_km\":\(Self.f3(f.patrolKm)),\"patrol_slowdown\":\(Self.f3(f.patrolSlowdown))}"
        }.joined(separator: ",\n") + "]}\n"
        return out
    }

    /// A histogram of hours per grid (5-hour bins), with the district mean marked.
    public var histogramSVG: String {
        let totals = grids.map(\.total)
        let top = ((totals.max() ?? 0) / 5).rounded(.up) * 5
        let bins = Swift.max(1, Int(top / 5))
        var counts = [Int](repeating: 0, count: bins)
        for t in totals { counts[Swift.min(bins - 1, Int(t / 5))] += 1 }
        let w = 640.0, h = 320.0, left = 50.0, bottom = 40.0, barW = (w - left - 20) / Double(bins)
        let maxCount = Double(counts.max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(Int(left))\" y=\"16\" font-size=\"13\">Hours of work a week per grid (\(grids.count) grids)</text>\n"
        for (i, c) in counts.enumerated() where c > 0 {
            let bh = (h - bottom - 30) * Double(c) / maxCount
            svg += "<rect x=\(q(left + Double(i) * barW + 1)) y=\(q(h - bottom - bh)) width=\(q(barW - 2)) height=\(q(bh)) fill=\"#4a7ab5\"><title>\(i * 5)–\(i * 5 + 5) h: \(c) grids</title></rect>\n"
        }
        for i in stride(from: 0, through: bins, by: Swift.max(1, bins / 8)) {
            svg += "<text x=\(q(left + Double(i) * barW)) y=\(q(h - bottom + 16)) text-anchor=\"middle\">\(i * 5)</text>\n"
        }
        let mean = districtSpread.mean
        let mx = left + mean / 5 * barW
        svg += "<line x1=\(q(mx)) y1=\"24\" x2=\(q(mx)) y2=\(q(h - bottom)) stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n"
        svg += "<text x=\(q(mx + 4)) y=\"34\" fill=\"#c0392b\">mean \(Self.f1(mean)) h</text>\n"
        svg += "<text x=\(q(w / 2)) y=\(q(h - 6)) text-anchor=\"middle\">hours a week</text>\n</svg>\n"
        return svg
    }

    func q(_ v: Double) -> String { "\"\(Self.f1(v))\"" }
}

extension String {
    /// Three decimals, trailing zeros kept (0.420), deterministic.
    init(format3 v: Double) {
        let scaled = (v * 1000).rounded()
        let neg = scaled < 0
        let a = Int(abs(scaled))
        let frac = String(a % 1000)
        self = (neg ? "-" : "") + String(a / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}
