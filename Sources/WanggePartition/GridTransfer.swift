/// Moving one region (a grid, i.e. a worker) from a group to a neighbouring group of the same
/// cluster (villages of one township), the total unchanged: the cross-village step of
/// `plan rebalance --across-villages`. Regions never span two groups (a grid lies in one village),
/// so load cannot move between groups by node moves; the number of regions each group has can.
///
/// **Definition.** For a cluster T with groups v (load `L_v`, `k_v` regions), the cluster's mean
/// region load is `m_T = Σ L_v / Σ k_v` — unchanged by any transfer inside T. A group's mean
/// region load `μ_v = L_v / k_v`, its deviation `d_v = μ_v / m_T − 1`; it is *heavy* when
/// `d_v > τ`, *light* when `d_v < −τ`. The imbalance is `Φ = Σ_v k_v · max(0, |d_v| − τ)²` (each
/// region of a group weighs its group's excess beyond the band). A transfer u → v (u gives one
/// region to v) is allowed when u and v are neighbours in one cluster, neither is fixed (a group
/// with a locked region is never redrawn), u keeps at least one region and v gets at most its
/// maximum (its node count). It is proposed when
///   (a) v is heavy, u is light, and the transfer lowers Φ; or
///   (b) one of them is *stuck* (its regions cannot be brought within tolerance of its own mean
///       with its present count — the caller's finding) and the transfer moves that group's count
///       towards its load (a stuck group above `m_T` takes a region, one below gives one), without
///       pushing the partner out of the band (|d_partner| after ≤ τ, or no worse than before).
/// Proposals are ordered by the change of Φ (most negative first; ties → lower u, then lower v).
/// Deterministic: indices only, no randomness, no hashing.
public enum GridTransfer {
    public struct Group: Sendable, Equatable {
        public var load: Double
        public var regions: Int
        /// The cluster (township) index; transfers stay inside one.
        public var cluster: Int
        /// Neighbouring groups (sharing a boundary), ascending.
        public var neighbours: [Int]
        /// Never redrawn (it holds a locked region).
        public var fixed: Bool
        /// The most regions it can have (its node count).
        public var maxRegions: Int
        /// Its regions cannot be brought within tolerance with its present count.
        public var stuck: Bool

        public init(load: Double, regions: Int, cluster: Int, neighbours: [Int], fixed: Bool = false, maxRegions: Int, stuck: Bool = false) {
            self.load = load
            self.regions = regions
            self.cluster = cluster
            self.neighbours = neighbours
            self.fixed = fixed
            self.maxRegions = maxRegions
            self.stuck = stuck
        }
    }

    public struct Transfer: Sendable, Equatable, CustomStringConvertible {
        /// The group that gives a region, and the one that takes it.
        public var from: Int
        public var to: Int
        /// Change of Φ (negative: better).
        public var delta: Double

        public var description: String { "\(from) → \(to) (ΔΦ \(delta))" }
    }

    /// Mean region load of each cluster, by cluster index (0 where it has no region).
    public static func clusterMeans(_ groups: [Group]) -> [Int: Double] {
        var load: [Int: Double] = [:], regions: [Int: Int] = [:]
        for g in groups {
            load[g.cluster, default: 0] += g.load
            regions[g.cluster, default: 0] += g.regions
        }
        var out: [Int: Double] = [:]
        for (c, l) in load { out[c] = (regions[c] ?? 0) > 0 ? l / Double(regions[c]!) : 0 }
        return out
    }

    /// A group's deviation from its cluster's mean region load with `k` regions.
    static func deviation(_ load: Double, _ k: Int, mean: Double) -> Double {
        guard mean > 0, k > 0 else { return 0 }
        return load / (Double(k) * mean) - 1
    }

    /// A group's share of Φ with `k` regions.
    static func excess(_ load: Double, _ k: Int, mean: Double, tolerance: Double) -> Double {
        let e = max(0, abs(deviation(load, k, mean: mean)) - tolerance - 1e-9)
        return Double(k) * e * e
    }

    /// Φ over every group.
    public static func imbalance(_ groups: [Group], tolerance: Double) -> Double {
        let means = clusterMeans(groups)
        return groups.reduce(0) { $0 + excess($1.load, $1.regions, mean: means[$1.cluster] ?? 0, tolerance: tolerance) }
    }

    /// The proposed transfers, best first (see the type's definition).
    public static func proposals(_ groups: [Group], tolerance: Double) -> [Transfer] {
        let means = clusterMeans(groups)
        var out: [Transfer] = []
        for u in groups.indices {
            let gu = groups[u]
            guard !gu.fixed, gu.regions >= 2 else { continue }
            for v in gu.neighbours where v != u && v < groups.count {
                let gv = groups[v]
                guard !gv.fixed, gv.cluster == gu.cluster, gv.regions + 1 <= gv.maxRegions, gv.regions >= 1 else { continue }
                let m = means[gu.cluster] ?? 0
                guard m > 0 else { continue }
                let du = deviation(gu.load, gu.regions, mean: m), dv = deviation(gv.load, gv.regions, mean: m)
                let delta = excess(gu.load, gu.regions - 1, mean: m, tolerance: tolerance) + excess(gv.load, gv.regions + 1, mean: m, tolerance: tolerance)
                    - excess(gu.load, gu.regions, mean: m, tolerance: tolerance) - excess(gv.load, gv.regions, mean: m, tolerance: tolerance)
                let heavyLight = dv > tolerance && du < -tolerance && delta < -1e-12
                let duAfter = deviation(gu.load, gu.regions - 1, mean: m), dvAfter = deviation(gv.load, gv.regions + 1, mean: m)
                let stuckTaker = gv.stuck && dv > 0 && (abs(duAfter) <= tolerance || abs(duAfter) <= abs(du))
                let stuckGiver = gu.stuck && du < 0 && (abs(dvAfter) <= tolerance || abs(dvAfter) <= abs(dv))
                if heavyLight || stuckTaker || stuckGiver { out.append(Transfer(from: u, to: v, delta: delta)) }
            }
        }
        return out.sorted { ($0.delta, $0.from, $0.to) < ($1.delta, $1.from, $1.to) }
    }
}
