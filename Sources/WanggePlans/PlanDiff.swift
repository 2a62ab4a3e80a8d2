// What changes between two plans, as a planner asks it: which grids appear, disappear or change
// shape, which blocks, addresses and incidents change grid, and what each village gains or loses
// in grids and hours. Grids are matched by code; addresses are placed by GridLocator's one rule.
import Foundation
import WanggeAssign
import WanggeDistrict
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggeWorkload

public struct PlanDiff: Sendable {
    public struct GridChange: Sendable, Equatable {
        public var code: String
        public var areaBefore: Double
        public var areaAfter: Double
        /// The coordinates differ (an area change of under 1 m² may still be a reshaping).
        public var geometryChanged: Bool
        public var areaChanged: Bool { abs(areaAfter - areaBefore) >= 1 }
    }

    public struct Move: Sendable, Equatable {
        public var id: String
        public var from: String
        public var to: String
    }

    /// What goes from one grid to another ("" for no grid): addresses with their households,
    /// and incidents.
    public struct Flow: Sendable, Equatable {
        public var from: String
        public var to: String
        public var addresses: Int
        public var households: Int
        public var incidents: Int

        public init(from: String, to: String, addresses: Int, households: Int, incidents: Int = 0) {
            self.from = from; self.to = to; self.addresses = addresses; self.households = households; self.incidents = incidents
        }
    }

    public struct VillageChange: Sendable, Equatable {
        public var code: String
        public var name: String
        public var gridsBefore: Int
        public var gridsAfter: Int
        public var hoursBefore: Double
        public var hoursAfter: Double
    }

    public var added: [String] = []
    public var removed: [String] = []
    /// Grids in both plans whose geometry or area changed, by code.
    public var changed: [GridChange] = []
    public var blocksMoved: [Move] = []
    /// Addresses whose grid differs, with (from, to) totals.
    public var addressesMoved: [Move] = []
    public var flows: [Flow] = []
    public var householdsMoved = 0
    /// Incidents whose grid differs (placed by the same rule as addresses).
    public var incidentsMoved: [Move] = []
    public var villages: [VillageChange] = []

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && changed.isEmpty && blocksMoved.isEmpty && addressesMoved.isEmpty && incidentsMoved.isEmpty
            && villages.isEmpty
    }

    /// Every grid code the diff names (added, removed or changed), sorted.
    public var gridsNamed: [String] { (added + removed + changed.map(\.code)).sorted() }

    /// Compares `a` (before) with `b` (after).
    /// - Parameter after: `b`'s grids as already indexed and measured from the same boundaries and
    ///   layers (`PlanImport.Outcome.measured`); used only where it serves `b.grids` and `model`.
    public static func compute(_ a: Plan, _ b: Plan, boundaries: DistrictBoundaries, layers: DistrictLayers,
                               model: WorkloadModel = .standard, after: PlanMeasure? = nil) throws -> PlanDiff {
        var d = PlanDiff()
        let crs = boundaries.profile.metricCRS
        let lb = try PlanMeasure.locator(after, for: b.grids, metricCRS: crs)
        // Most grids are the same in both: their metric shapes are taken from b's set.
        let la = try GridLocator(GridSet(collection: a.grids, metricCRS: crs, reusing: lb.gridSet))

        // Grids by code.
        let ga = Dictionary(a.grids.features.map { (Plan.gridCode($0), $0) }, uniquingKeysWith: { x, _ in x })
        let gb = Dictionary(b.grids.features.map { (Plan.gridCode($0), $0) }, uniquingKeysWith: { x, _ in x })
        func areas(_ l: GridLocator) -> [String: Double] {
            Dictionary(zip(l.grids.map(\.code), l.gridSet.metricPolygons.map { $0.reduce(0) { $0 + $1.planarArea } }), uniquingKeysWith: { x, _ in x })
        }
        let aa = areas(la), ab = areas(lb)
        d.added = gb.keys.filter { ga[$0] == nil }.sorted()
        d.removed = ga.keys.filter { gb[$0] == nil }.sorted()
        for code in ga.keys.filter({ gb[$0] != nil }).sorted() {
            let change = GridChange(code: code, areaBefore: aa[code] ?? 0, areaAfter: ab[code] ?? 0,
                                    geometryChanged: ga[code]!.geometry != gb[code]!.geometry)
            if change.geometryChanged || change.areaChanged { d.changed.append(change) }
        }

        // Blocks by id.
        let ba = Dictionary(a.blocks.features.map { (Plan.blockID($0), $0.string("grid_code") ?? "") }, uniquingKeysWith: { x, _ in x })
        for f in b.blocks.features {
            let id = Plan.blockID(f)
            if let from = ba[id], let to = f.string("grid_code"), from != to { d.blocksMoved.append(Move(id: id, from: from, to: to)) }
        }
        d.blocksMoved.sort { $0.id < $1.id }

        // Addresses and incidents: the grid each plan puts them in.
        var flows: [String: Flow] = [:]
        func move(at position: Coordinate, village: String) -> (from: String, to: String)? {
            let ka = la.grid(at: position, village: village), kb = lb.grid(at: position, village: village)
            let from = ka.map { la.grids[$0].code } ?? "", to = kb.map { lb.grids[$0].code } ?? ""
            return from == to ? nil : (from, to)
        }
        func flow(_ m: (from: String, to: String), _ change: (inout Flow) -> Void) {
            change(&flows["\(m.from)>\(m.to)", default: Flow(from: m.from, to: m.to, addresses: 0, households: 0)])
        }
        for r in layers.addresses {
            guard let m = move(at: r.position, village: r.villageCode) else { continue }
            d.addressesMoved.append(Move(id: r.id, from: m.from, to: m.to))
            d.householdsMoved += r.households
            flow(m) { $0.addresses += 1; $0.households += r.households }
        }
        for i in layers.incidents {
            guard let m = move(at: i.position, village: i.villageCode) else { continue }
            d.incidentsMoved.append(Move(id: i.id, from: m.from, to: m.to))
            flow(m) { $0.incidents += 1 }
        }
        d.addressesMoved.sort { $0.id < $1.id }
        d.incidentsMoved.sort { $0.id < $1.id }
        d.flows = flows.keys.sorted().map { flows[$0]! }

        // Villages: grid counts and hours, from the workload model on each plan.
        func hoursByVillage(_ l: GridLocator, measured: [GridFigures]? = nil) throws -> [String: (grids: Int, hours: Double)] {
            var out: [String: (grids: Int, hours: Double)] = [:]
            for f in try measured ?? WorkloadCalculator.figures(locator: l, boundaries: boundaries, layers: layers, model: model) {
                let h = WorkloadCalculator.hours(f, model: model).total
                let old = out[f.villageCode] ?? (0, 0)
                out[f.villageCode] = (old.grids + 1, old.hours + h)
            }
            return out
        }
        let va = try hoursByVillage(la), vb = try hoursByVillage(lb, measured: after?.figures(for: b.grids, metricCRS: crs, model: model))
        for v in boundaries.villages {
            let x = va[v.code] ?? (0, 0), y = vb[v.code] ?? (0, 0)
            // Hours compared at the precision they are printed with.
            if x.grids != y.grids || (x.hours * 100).rounded() != (y.hours * 100).rounded() {
                d.villages.append(VillageChange(code: v.code, name: v.name, gridsBefore: x.grids, gridsAfter: y.grids,
                                                hoursBefore: x.hours, hoursAfter: y.hours))
            }
        }
        return d
    }

    /// Text for the terminal; long lists are cut at `limit` lines each (the JSON has everything).
    public func text(before: String, after: String, limit: Int = 20) -> String {
        if isEmpty { return "\(before) → \(after): no change\n" }
        var s = "\(before) → \(after): \(added.count) grid(s) added, \(removed.count) removed, \(changed.count) changed; "
            + "\(blocksMoved.count) block(s), \(addressesMoved.count) address(es) (\(householdsMoved) households) and "
            + "\(incidentsMoved.count) incident(s) change grid\n"
        func list<T>(_ title: String, _ xs: [T], _ line: (T) -> String) {
            guard !xs.isEmpty else { return }
            s += title + ":\n"
            for x in xs.prefix(limit) { s += "  " + line(x) + "\n" }
            if xs.count > limit { s += "  … and \(xs.count - limit) more (--json lists all)\n" }
        }
        list("grids added", added) { $0 }
        list("grids removed", removed) { $0 }
        list("grids changed", changed) { c in
            String(format: "%@  area %.0f → %.0f m² (%+.0f)%@", c.code, c.areaBefore, c.areaAfter, c.areaAfter - c.areaBefore,
                   c.geometryChanged ? ", geometry changed" : "")
        }
        list("blocks moved", blocksMoved) { "\($0.id)  \($0.from) → \($0.to)" }
        list("addresses and incidents changing grid", flows) {
            "\($0.from.isEmpty ? "(none)" : $0.from) → \($0.to.isEmpty ? "(none)" : $0.to): \($0.addresses) addresses, \($0.households) households, \($0.incidents) incidents"
        }
        list("villages", villages) { v in
            String(format: "%@ %@  grids %d → %d, hours %.2f → %.2f (%+.2f)", v.code, v.name, v.gridsBefore, v.gridsAfter,
                   v.hoursBefore, v.hoursAfter, v.hoursAfter - v.hoursBefore)
        }
        return s
    }

    /// Everything, as JSON (keys in a fixed order, numbers rounded to 0.01).
    public func json(before: String, after: String) -> String {
        func q(_ s: String) -> String { JSONText.quoted(s) }
        func n(_ x: Double) -> String { JSONNumber((x * 100).rounded() / 100).text }
        func moves(_ xs: [Move]) -> String { "[" + xs.map { "{\"id\":\(q($0.id)),\"from\":\(q($0.from)),\"to\":\(q($0.to))}" }.joined(separator: ",") + "]" }
        var s = "{\"before\":\(q(before)),\"after\":\(q(after)),\"empty\":\(isEmpty)"
        s += ",\"grids_added\":[" + added.map(q).joined(separator: ",") + "]"
        s += ",\"grids_removed\":[" + removed.map(q).joined(separator: ",") + "]"
        s += ",\"grids_changed\":[" + changed.map { "{\"code\":\(q($0.code)),\"area_before_m2\":\(n($0.areaBefore)),\"area_after_m2\":\(n($0.areaAfter)),\"geometry_changed\":\($0.geometryChanged)}" }.joined(separator: ",") + "]"
        s += ",\"blocks_moved\":" + moves(blocksMoved)
        s += ",\"addresses_moved\":" + moves(addressesMoved)
        s += ",\"households_moved\":\(householdsMoved)"
        s += ",\"incidents_moved\":" + moves(incidentsMoved)
        s += ",\"flows\":[" + flows.map { "{\"from\":\(q($0.from)),\"to\":\(q($0.to)),\"addresses\":\($0.addresses),\"households\":\($0.households),\"incidents\":\($0.incidents)}" }.joined(separator: ",") + "]"
        s += ",\"villages\":[" + villages.map { "{\"code\":\(q($0.code)),\"name\":\(q($0.name)),\"grids_before\":\($0.gridsBefore),\"grids_after\":\($0.gridsAfter),\"hours_before\":\(n($0.hoursBefore)),\"hours_after\":\(n($0.hoursAfter))}" }.joined(separator: ",") + "]"
        return s + "}\n"
    }
}
