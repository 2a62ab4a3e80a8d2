/// How many regions (grids) each group (village/community) gets.
///
/// Divisor methods are run as a priority sequence: every group starts at `minimum` seats; each
/// further seat goes to the group with the highest priority `w / D(s)`, where `s` is the group's
/// current seat count and `D` the method's divisor. Ties go to the lower group index. A group
/// that has reached its cap takes no more seats.
public enum ApportionmentMethod: String, Sendable, CaseIterable {
    /// Huntington–Hill (US House since 1941): `D(s) = √(s(s+1))`, the geometric mean of `s` and
    /// `s+1`; `D(0) = 0`, so a positive-weight group with no seat has infinite priority.
    case huntingtonHill
    /// Webster / Sainte-Laguë: `D(s) = s + ½`, i.e. the arithmetic mean of `s` and `s+1`.
    case webster

    /// The divisor `D(s)` for a group currently holding `s` seats.
    public func divisor(seats s: Int) -> Double {
        switch self {
        case .huntingtonHill: (Double(s) * Double(s + 1)).squareRoot()
        case .webster: Double(s) + 0.5
        }
    }

    /// Priority of a group with weight `w` holding `s` seats: `w / D(s)`; when `D(s) = 0` it is
    /// `+∞` for `w > 0` and `0` for `w = 0`.
    public func priority(weight w: Double, seats s: Int) -> Double {
        let d = divisor(seats: s)
        if d == 0 { return w > 0 ? .infinity : 0 }
        return w / d
    }
}

public enum Apportionment {
    /// Apportions `total` seats among `weights.count` groups by a divisor method.
    ///
    /// - Parameters:
    ///   - minimum: seats every group gets first (default 1).
    ///   - caps: optional per-group upper bound (e.g. the group's node count: a graph cannot be
    ///     cut into more regions than it has nodes). `nil` means no cap.
    /// - Throws: `ApportionmentError` naming the bad group or the infeasible total.
    public static func divisor(
        _ method: ApportionmentMethod,
        weights: [Double],
        total: Int,
        minimum: Int = 1,
        caps: [Int]? = nil
    ) throws(ApportionmentError) -> [Int] {
        let g = weights.count
        guard g > 0 else { throw .noGroups }
        try validate(weights)
        guard minimum >= 0 else { throw .negativeMinimum(minimum) }
        guard total >= 0 else { throw .negativeTotal(total) }
        guard total >= g * minimum else {
            throw .totalBelowMinimum(total: total, groups: g, minimum: minimum)
        }
        if let caps {
            guard caps.count == g else { throw .capsCountMismatch(expected: g, actual: caps.count) }
            for (i, c) in caps.enumerated() where c < minimum {
                throw .capBelowMinimum(group: i, cap: c, minimum: minimum)
            }
            let capacity = caps.reduce(0, +)
            guard capacity >= total else { throw .capsBelowTotal(total: total, capacity: capacity) }
        }
        var seats = Array(repeating: minimum, count: g)
        var remaining = total - g * minimum
        while remaining > 0 {
            var best = -1
            var bestPriority = -Double.infinity
            for i in 0..<g {
                if let caps, seats[i] >= caps[i] { continue }
                let p = method.priority(weight: weights[i], seats: seats[i])
                if best < 0 || p > bestPriority {  // strict: the lower index wins ties
                    best = i
                    bestPriority = p
                }
            }
            // best ≥ 0: capacity ≥ total was checked above.
            seats[best] += 1
            remaining -= 1
        }
        return seats
    }

    /// Region counts from a target load `H` per region: `max(1, round(w / H))` per group, where
    /// `round` is round-half-away-from-zero (so 2.5 → 3, 1.5 → 2, 0.4 → 0 → 1). The total is
    /// whatever results; use `divisor(_:weights:total:)` when the total is fixed.
    /// With `caps`, each count is then limited to `caps[i]` (which must be ≥ 1).
    public static func fromTargetLoad(
        weights: [Double],
        loadPerRegion: Double,
        caps: [Int]? = nil
    ) throws(ApportionmentError) -> [Int] {
        try validate(weights)
        guard loadPerRegion.isFinite && loadPerRegion > 0 else {
            throw .invalidTargetLoad(loadPerRegion)
        }
        if let caps {
            guard caps.count == weights.count else {
                throw .capsCountMismatch(expected: weights.count, actual: caps.count)
            }
            for (i, c) in caps.enumerated() where c < 1 {
                throw .capBelowMinimum(group: i, cap: c, minimum: 1)
            }
        }
        return weights.enumerated().map { i, w in
            let count = max(1, Int((w / loadPerRegion).rounded(.toNearestOrAwayFromZero)))
            return caps.map { min(count, $0[i]) } ?? count
        }
    }

    private static func validate(_ weights: [Double]) throws(ApportionmentError) {
        for (i, w) in weights.enumerated() where !(w.isFinite && w >= 0) {
            throw .invalidWeight(group: i, value: w)
        }
    }
}

public enum ApportionmentError: Error, Sendable, Equatable, CustomStringConvertible {
    case noGroups
    case invalidWeight(group: Int, value: Double)
    case negativeMinimum(Int)
    case negativeTotal(Int)
    /// `total < groups × minimum`: not enough seats to give every group its minimum.
    case totalBelowMinimum(total: Int, groups: Int, minimum: Int)
    case capsCountMismatch(expected: Int, actual: Int)
    case capBelowMinimum(group: Int, cap: Int, minimum: Int)
    /// The caps add up to fewer seats than `total`.
    case capsBelowTotal(total: Int, capacity: Int)
    case invalidTargetLoad(Double)

    public var description: String {
        switch self {
        case .noGroups: "no groups to apportion among"
        case let .invalidWeight(group, value): "group \(group): weight \(value) is not a finite number ≥ 0"
        case let .negativeMinimum(m): "minimum \(m) is negative"
        case let .negativeTotal(t): "total \(t) is negative"
        case let .totalBelowMinimum(total, groups, minimum):
            "total \(total) < groups × minimum = \(groups) × \(minimum) = \(groups * minimum)"
        case let .capsCountMismatch(expected, actual): "caps has \(actual) entries, expected \(expected)"
        case let .capBelowMinimum(group, cap, minimum): "group \(group): cap \(cap) is below the minimum \(minimum)"
        case let .capsBelowTotal(total, capacity): "caps allow only \(capacity) seats, total is \(total)"
        case let .invalidTargetLoad(h): "load per region \(h) is not a finite number > 0"
        }
    }
}
