import WanggeIO
import Foundation
import WanggeCRS
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeGrids
import WanggeMap

/// One address point (the seed article's 基础信息 record): a house on a street in a town, or a
/// house in a villager group (组) in the countryside.
struct AddressPoint {
    var id: String
    var position: Coordinate
    var township: String
    var townshipCode: String
    var village: String
    var villageCode: String
    /// "house" (门牌, on a street) or "group" (组, in a village).
    var kind: String
    var street: String?
    var number: Int
    var group: Int?
    var full: String
    var households: Int
    var residents: Int
    var elderlyAlone: Int
    var disabled: Int
    var lowIncome: Int
    var keyPersons: Int
}

/// Places addresses: numbered houses along town streets (odd numbers on the left, even on the
/// right), and villager groups as clusters of houses (natural courtyards, 院落) on the lower,
/// gentler ground of each village.
struct PopulationPlan {
    let seed: UInt64
    /// Village polygons (metric) with their unit and codes, as generated.
    let villages: [(unit: Division, code: String, township: TownshipInfo, polygon: Polygon)]
    let streets: [Street]
    let terrain: Terrain
    /// Town seats (metric), by township name.
    let seats: [String: (position: Coordinate, radius: Double)]
    /// What every full address starts with: province, city, district.
    let addressPrefix: String

    func generate(targetAddresses: Int) -> [AddressPoint] {
        var rng = SeededGenerator.stream(seed, "addresses")
        var out: [AddressPoint] = []
        let index = VillageIndex(villages.map(\.polygon))

        // Town houses along streets (not rural roads), numbered along each street.
        for street in streets where street.kind != "乡道" {
            guard let seat = seats[street.town] else { continue }
            let spacing = street.kind == "巷" ? 14.0 : 18.0
            let m = PolylineMeasure(street.line)
            var s = spacing / 2, number = 1
            while s < m.length {
                let c = m.point(atStation: s), b = m.bearing(atStation: s)
                for side in [1.0, -1.0] {
                    let p = Coordinate(c.x - sin(b) * 12 * side, c.y + cos(b) * 12 * side)
                    let n = side > 0 ? number : number + 1
                    guard let v = index.village(containing: p), clearOfBoundary(villages[v].polygon, p) else { continue }
                    let village = villages[v]
                    // Dense blocks near the seat: flats with several households per number.
                    let core = max(0, 1 - hypot(p.x - seat.position.x, p.y - seat.position.y) / max(seat.radius, 1))
                    let households = rng.unit() < 0.03 + 0.12 * core ? 2 + Int(rng.unit() * (2 + 6 * core)) : 1
                    out.append(address(at: p, village: village, kind: "house", street: street.name, number: n,
                                       group: nil, households: households, rng: &rng))
                }
                number += 2
                s += spacing * rng.uniform(0.8, 1.25)
            }
        }

        // Villager groups: each village has groups of houses clustered around courtyards.
        let townCount = out.count
        let ruralTarget = max(0, targetAddresses - townCount)
        let ruralVillages = villages.indices.filter { villages[$0].unit.kind == "village" }
        let ruralArea = ruralVillages.reduce(0.0) { $0 + villages[$1].polygon.planarArea }
        for v in ruralVillages {
            let village = villages[v]
            let share = village.polygon.planarArea / ruralArea
            let houses = max(40, Int((Double(ruralTarget) * share * rng.uniform(0.8, 1.2)).rounded()))
            let groups = min(15, max(4, houses / 45))
            let env = Geometry.polygon(village.polygon).envelope!
            // Courtyard centres: the lowest of a few random points, so groups sit in valleys.
            var centres: [Coordinate] = []
            var attempts = 0
            while centres.count < groups && attempts < 4000 {
                attempts += 1
                var best: (Coordinate, Double)? = nil
                for _ in 0..<6 {
                    let p = Coordinate(rng.uniform(env.minX, env.maxX), rng.uniform(env.minY, env.maxY))
                    guard FaceNetwork.contains(village.polygon, p), let cell = terrain.frame.cell(containing: p) else { continue }
                    let z = terrain.elevation[cell]
                    if best == nil || z < best!.1 { best = (p, z) }
                }
                if let b = best, !centres.contains(where: { hypot($0.x - b.0.x, $0.y - b.0.y) < 250 }) {
                    centres.append(b.0)
                }
            }
            // Group numbers follow the courtyards from north to south, as groups are often listed.
            centres.sort { ($0.y, $0.x) > ($1.y, $1.x) }
            var numberInGroup = [Int](repeating: 0, count: centres.count)
            var placed = 0, tries = 0
            while placed < houses && tries < houses * 30 && !centres.isEmpty {
                tries += 1
                let g = Int(rng.next() % UInt64(centres.count))
                let r = 25 + 90 * abs(rng.normal())
                let a = rng.uniform(0, 2 * .pi)
                let p = Coordinate(centres[g].x + r * cos(a), centres[g].y + r * sin(a))
                guard clearOfBoundary(village.polygon, p) else { continue }
                numberInGroup[g] += 1
                out.append(address(at: p, village: village, kind: "group", street: nil, number: numberInGroup[g],
                                   group: g + 1, households: rng.unit() < 0.06 ? 2 : 1, rng: &rng))
                placed += 1
            }
        }
        // Ids in a fixed order: by village code, then kind, street/group and number.
        out.sort { ($0.villageCode, $0.kind, $0.street ?? "", $0.group ?? 0, $0.number) < ($1.villageCode, $1.kind, $1.street ?? "", $1.group ?? 0, $1.number) }
        for k in out.indices { out[k].id = String(format: "A%06d", k + 1) }
        return out
    }

    /// Inside and at least 2 m from the edge, so containment survives rounding to 7 decimals
    /// and any reprojection.
    private func clearOfBoundary(_ polygon: Polygon, _ p: Coordinate) -> Bool {
        [(0.0, 0.0), (2, 0), (-2, 0), (0, 2), (0, -2)].allSatisfy {
            FaceNetwork.contains(polygon, Coordinate(p.x + $0.0, p.y + $0.1))
        }
    }


    private func address(at p: Coordinate, village: (unit: Division, code: String, township: TownshipInfo, polygon: Polygon),
                         kind: String, street: String?, number: Int, group: Int?, households: Int,
                         rng: inout SeededGenerator) -> AddressPoint {
        var residents = 0, elderly = 0, disabled = 0, low = 0, key = 0
        for _ in 0..<households {
            // Household sizes around 2.8 people (the district's ~170,000 in ~60,000 households).
            let size = rng.unit() < 0.1 ? 1 : 2 + Int(rng.unit() * 2.6)
            if size == 1 && rng.unit() < 0.45 { elderly += 1 }
            residents += size
            if rng.unit() < 0.04 { low += 1 }
            for _ in 0..<size {
                if rng.unit() < 0.055 { disabled += 1 }
                if rng.unit() < 0.0012 { key += 1 }
            }
        }
        let township = village.township.name
        let full: String
        if let street {
            full = addressPrefix + township + street + "\(number)号"
        } else {
            full = addressPrefix + township + village.unit.village + "\(group!)组\(number)号"
        }
        return AddressPoint(id: "", position: p, township: township, townshipCode: village.township.code,
                            village: village.unit.village, villageCode: village.code, kind: kind, street: street,
                            number: number, group: group, full: full, households: households, residents: residents,
                            elderlyAlone: elderly, disabled: disabled, lowIncome: low, keyPersons: key)
    }
}

/// Which village polygon contains a point: a coarse bucket grid over envelopes, then an exact
/// even–odd test.
struct VillageIndex {
    let polygons: [Polygon]
    let envelopes: [Envelope]
    let buckets: [Int: [Int]]
    let size = 1000.0

    init(_ polygons: [Polygon]) {
        self.polygons = polygons
        envelopes = polygons.map { Geometry.polygon($0).envelope! }
        var b: [Int: [Int]] = [:]
        for (k, e) in envelopes.enumerated() {
            for i in Int((e.minX / size).rounded(.down))...Int((e.maxX / size).rounded(.down)) {
                for j in Int((e.minY / size).rounded(.down))...Int((e.maxY / size).rounded(.down)) {
                    b[i &* 100_003 &+ j, default: []].append(k)
                }
            }
        }
        buckets = b
    }

    func village(containing p: Coordinate) -> Int? {
        let key = Int((p.x / size).rounded(.down)) &* 100_003 &+ Int((p.y / size).rounded(.down))
        return buckets[key]?.first { envelopes[$0].contains(p) && FaceNetwork.contains(polygons[$0], p) }
    }
}
