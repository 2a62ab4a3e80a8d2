import WanggeIO
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeGrids
import WanggeMap

/// A place intake callers name ("XX小学对面", "王场村村委会旁").
struct Landmark {
    var id: String
    var name: String
    /// school, village_committee, clinic, market, government, hospital, heritage, park.
    var kind: String
    var position: Coordinate
    var township: String
    var village: String
    var villageCode: String
}

/// An industrial park or scenic area, or one of its enterprise / attraction sub-areas.
struct SpecialArea {
    var id: String
    var name: String
    /// industrial_park, scenic_area, enterprise, attraction.
    var kind: String
    var parent: String?
    var villageCode: String
    var polygon: Polygon
}

/// One case from the synthetic 12-month history.
struct Incident {
    var id: String
    /// problem, dispute, errand, department_matter.
    var type: String
    var category: String
    var reportedAt: Date
    var deadlineHours: Int
    var resolvedAt: Date
    /// grid, village, township, district, department: where it was finally handled.
    var level: String
    var addressID: String
    var address: String
    var position: Coordinate
    var villageCode: String
}

struct AmenityPlan {
    let seed: UInt64
    let spec: DistrictSpec
    let villages: [(unit: Division, code: String, township: TownshipInfo, polygon: Polygon)]
    let addresses: [AddressPoint]
    let seats: [(township: String, position: Coordinate)]
    let context: GEOSContext

    /// Village committees and clinics in every village (at its busiest courtyard), schools,
    /// health centres and markets at every township seat, district institutions in the core.
    func landmarks() -> [Landmark] {
        var rng = SeededGenerator.stream(seed, "landmarks")
        let index = VillageIndex(villages.map(\.polygon))
        var out: [Landmark] = []
        let byVillage = Dictionary(grouping: addresses, by: \.villageCode)
        for v in villages {
            let homes = byVillage[v.code] ?? []
            // The committee stands among houses: the address nearest the houses' mean position.
            let anchor: Coordinate
            if homes.isEmpty {
                anchor = FaceNetwork.interiorPoint(v.polygon)
            } else {
                let mx = homes.reduce(0) { $0 + $1.position.x } / Double(homes.count)
                let my = homes.reduce(0) { $0 + $1.position.y } / Double(homes.count)
                anchor = homes.min { hypot($0.position.x - mx, $0.position.y - my) < hypot($1.position.x - mx, $1.position.y - my) }!.position
            }
            let committee = v.unit.kind == "community" ? "居委会" : "村委会"
            out.append(Landmark(id: "", name: v.unit.village + committee, kind: "village_committee", position: anchor,
                                township: v.township.name, village: v.unit.village, villageCode: v.code))
            if v.unit.kind == "village" {
                let p = jitter(anchor, 60, in: v.polygon, rng: &rng)
                out.append(Landmark(id: "", name: v.unit.village + "卫生室", kind: "clinic", position: p,
                                    township: v.township.name, village: v.unit.village, villageCode: v.code))
                if rng.unit() < 0.35 {
                    let q = jitter(anchor, 250, in: v.polygon, rng: &rng)
                    out.append(Landmark(id: "", name: v.unit.village + "小学", kind: "school", position: q,
                                        township: v.township.name, village: v.unit.village, villageCode: v.code))
                }
            }
        }
        let townshipPlaces: [(String, String)] = [
            ("中心小学", "school"), ("中学", "school"), ("卫生院", "clinic"), ("农贸市场", "market"),
            ("人民政府", "government"), ("派出所", "government"), ("便民服务中心", "government"),
        ]
        let core = (spec.core?.places ?? []).map { ($0[0], $0[1]) }
        for (township, seat) in seats {
            var places = townshipPlaces.map { (township + $0.0, $0.1) }
            if township == spec.core?.township { places += core }
            for (name, kind) in places {
                for _ in 0..<50 {
                    let p = Coordinate(seat.x + rng.uniform(-600, 600), seat.y + rng.uniform(-600, 600))
                    if let v = index.village(containing: p), villages[v].township.name == township {
                        out.append(Landmark(id: "", name: name, kind: kind, position: p, township: township,
                                            village: villages[v].unit.village, villageCode: villages[v].code))
                        break
                    }
                }
            }
        }
        out.sort { ($0.villageCode, $0.kind, $0.name) < ($1.villageCode, $1.kind, $1.name) }
        for k in out.indices { out[k].id = String(format: "L%04d", k + 1) }
        return out
    }

    private func jitter(_ p: Coordinate, _ r: Double, in polygon: Polygon, rng: inout SeededGenerator) -> Coordinate {
        for _ in 0..<40 {
            let q = Coordinate(p.x + rng.uniform(-r, r), p.y + rng.uniform(-r, r))
            if FaceNetwork.contains(polygon, q) { return q }
        }
        return p
    }

    /// The layout's industrial parks and scenic areas, each inside one village and split into
    /// enterprise / attraction sub-areas that tile it.
    func areas() throws -> [SpecialArea] {
        var rng = SeededGenerator.stream(seed, "areas")
        let specs = spec.areas.map {
            (name: $0.name, kind: $0.kind, township: $0.township, offset: Coordinate($0.offset[0], $0.offset[1]),
             size: $0.size, parts: $0.parts)
        }
        let index = VillageIndex(villages.map(\.polygon))
        var out: [SpecialArea] = []
        for (k, spec) in specs.enumerated() {
            guard let seat = seats.first(where: { $0.township == spec.township })?.position else { continue }
            let centre = Coordinate(seat.x + spec.offset.x, seat.y + spec.offset.y)
            guard let v = index.village(containing: centre) else {
                throw GeneratorError.failed("\(spec.name): its centre falls outside every village")
            }
            // An irregular octagon, clipped to the village so the area nests in it.
            var ring: [Coordinate] = []
            for i in 0..<8 {
                let a = Double(i) / 8 * 2 * .pi + 0.2
                let r = spec.size / 2 * rng.uniform(0.75, 1.15)
                ring.append(Coordinate(centre.x + r * cos(a), centre.y + r * sin(a)))
            }
            ring.append(ring[0])
            let village = try context.geometry(from: .polygon(villages[v].polygon))
            let clipped = try context.geometry(from: .polygon(Polygon(exterior: ring))).intersection(village).value()
            guard let area = clipped.polygons.max(by: { abs(Ring.signedArea($0.exterior)) < abs(Ring.signedArea($1.exterior)) }) else {
                throw GeneratorError.failed("\(spec.name) does not overlap its village")
            }
            let areaID = String(format: "S%02d", k + 1)
            let parentIndex = out.count
            out.append(SpecialArea(id: areaID, name: spec.name, kind: spec.kind, parent: nil, villageCode: villages[v].code, polygon: area))
            // Sub-areas: the area cut by a jittered grid of straight lines, pieces named in order.
            let e = Geometry.polygon(area).envelope!
            let n = spec.parts.count
            let cols = Int(Double(n).squareRoot().rounded(.up)), rows = Int((Double(n) / Double(cols)).rounded(.up))
            var cuts: [[Coordinate]] = []
            for c in 1..<cols {
                let x = e.minX + e.width * (Double(c) + rng.uniform(-0.2, 0.2)) / Double(cols)
                cuts.append([Coordinate(x, e.minY - 10), Coordinate(x + rng.uniform(-0.1, 0.1) * e.width, e.maxY + 10)])
            }
            for r in 1..<max(rows, 1) {
                let y = e.minY + e.height * (Double(r) + rng.uniform(-0.2, 0.2)) / Double(rows)
                cuts.append([Coordinate(e.minX - 10, y), Coordinate(e.maxX + 10, y + rng.uniform(-0.1, 0.1) * e.height)])
            }
            let net = try FaceNetwork(lines: cuts, outline: area, context: context)
            // Where a cut leaves more pieces than names, the smallest piece joins the neighbour
            // it shares the longest edge with, until the counts agree.
            var groupOf = Array(net.faces.indices)
            func size(_ g: Int) -> Double { net.faces.indices.filter { groupOf[$0] == g }.reduce(0) { $0 + net.graph.area[$1] } }
            while Set(groupOf).count > n {
                let groups = Set(groupOf).sorted()
                let smallest = groups.min { (size($0), $0) < (size($1), $1) }!
                var shared: [Int: Double] = [:]
                for f in net.faces.indices where groupOf[f] == smallest {
                    for (nb, len) in net.graph.neighbours[f] where groupOf[nb] != smallest { shared[groupOf[nb], default: 0] += len }
                }
                guard let into = shared.keys.sorted().max(by: { shared[$0]! < shared[$1]! }) else { break }
                for f in groupOf.indices where groupOf[f] == smallest { groupOf[f] = into }
            }
            let merged = try Set(groupOf).sorted().map { g -> Polygon in
                let u = try context.union(of: net.faces.indices.filter { groupOf[$0] == g }.map { try context.geometry(from: .polygon(net.faces[$0])) }).value()
                guard let p = u.polygons.first, u.polygons.count == 1 else {
                    throw GeneratorError.failed("\(spec.name): a sub-area is not in one piece")
                }
                return p
            }
            // Name pieces west → east, north → south.
            // The area itself is written as the union of its parts, so the files share vertices
            // exactly and the parts still tile it after rounding.
            let whole = try context.union(of: merged.map { try context.geometry(from: .polygon($0)) }).value()
            guard case .polygon(let wholePolygon) = whole else {
                throw GeneratorError.failed("\(spec.name): its parts do not form one polygon")
            }
            out[parentIndex].polygon = wholePolygon
            let order = merged.indices.sorted {
                let a = FaceNetwork.centroid(merged[$0]), b = FaceNetwork.centroid(merged[$1])
                return (a.x, -a.y) < (b.x, -b.y)
            }
            for (i, m) in order.enumerated() {
                out.append(SpecialArea(id: areaID + String(format: "-%02d", i + 1), name: spec.parts[i],
                                       kind: spec.kind == "industrial_park" ? "enterprise" : "attraction",
                                       parent: spec.name, villageCode: villages[v].code, polygon: merged[m]))
            }
        }
        return out
    }

    /// Twelve months of cases in the proportions of the seed article's first months (3,800
    /// problems, 730 disputes, 1,300 errands, 780 department matters — Shawan's; another district
    /// scales them by its layout's `incident_scale`), at real addresses, weighted by households.
    func incidents(start: Date) -> [Incident] {
        var rng = SeededGenerator.stream(seed, "incidents")
        let scale = spec.incidentScale ?? 1
        let seedArticle: [(type: String, count: Int, categories: [String], hours: Int)] = [
            ("problem", 3800, ["环境卫生", "道路设施", "安全隐患", "治安问题", "违章建筑", "河道污染", "供水供电"], 72),
            ("dispute", 730, ["邻里纠纷", "土地纠纷", "婚姻家庭", "劳资纠纷", "山林权属", "债务纠纷"], 168),
            ("errand", 1300, ["证照代办", "社保医保", "低保申请", "残疾证办理", "养老认证", "户籍事务"], 120),
            ("department_matter", 780, ["国土", "水务", "林业", "住建", "卫健", "民政", "交通"], 240),
        ]
        let kinds = seedArticle.map { (type: $0.type, count: Int((Double($0.count) * scale).rounded()), categories: $0.categories, hours: $0.hours) }
        // Cumulative household weights so busy addresses report more.
        var cumulative: [Double] = []
        var total = 0.0
        for a in addresses { total += Double(a.households); cumulative.append(total) }
        var out: [Incident] = []
        let year = 365.0 * 86400
        for kind in kinds {
            for _ in 0..<kind.count {
                let x = rng.unit() * total
                var lo = 0, hi = cumulative.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < x { lo = mid + 1 } else { hi = mid } }
                let a = addresses[lo]
                // Reported in working hours more often than at night.
                var t = rng.unit() * year
                let hour = (t / 3600).truncatingRemainder(dividingBy: 24)
                if hour < 7 || hour > 21, rng.unit() < 0.7 { t -= 10 * 3600 * rng.unit() + 3600 }
                t = max(0, t)
                let reported = start.addingTimeInterval(t.rounded())
                let u = rng.unit()
                let level = u < 0.70 ? "grid" : u < 0.88 ? "village" : u < 0.96 ? "township" : u < 0.99 ? "district" : "department"
                let factor = ["grid": 0.3, "village": 0.6, "township": 0.9, "district": 1.2, "department": 1.5][level]!
                let late = rng.unit() < 0.06
                let took = Double(kind.hours) * 3600 * (late ? rng.uniform(1.05, 2.0) : rng.uniform(0.05, factor.clamped(to: 0.05...0.98)))
                out.append(Incident(id: "", type: kind.type,
                                    category: kind.categories[Int(rng.next() % UInt64(kind.categories.count))],
                                    reportedAt: reported, deadlineHours: kind.hours,
                                    resolvedAt: reported.addingTimeInterval(took.rounded()), level: level,
                                    addressID: a.id, address: a.full, position: a.position, villageCode: a.villageCode))
            }
        }
        out.sort { ($0.reportedAt, $0.addressID, $0.type) < ($1.reportedAt, $1.addressID, $1.type) }
        for k in out.indices { out[k].id = String(format: "C%05d", k + 1) }
        return out
    }
}

extension Comparable {
    func clamped(to r: ClosedRange<Self>) -> Self { min(max(self, r.lowerBound), r.upperBound) }
}
