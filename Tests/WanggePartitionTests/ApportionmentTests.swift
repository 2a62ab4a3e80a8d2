import Testing
import WanggePartition
import WanggeIO

@Suite struct ApportionmentTests {
    @Test func huntingtonHillAndWebsterDifferOnACraftedCase() throws {
        // weights [7, 12], 4 seats, minimum 1 → start [1, 1], 2 seats to hand out.
        // Huntington–Hill, D(s) = √(s(s+1)):
        //   seat 3: 7/√2 = 4.950, 12/√2 = 8.485 → group 1 → [1, 2]
        //   seat 4: 7/√2 = 4.950, 12/√6 = 4.899 → group 0 → [2, 2]
        // Webster, D(s) = s + ½:
        //   seat 3: 7/1.5 = 4.667, 12/1.5 = 8.000 → group 1 → [1, 2]
        //   seat 4: 7/1.5 = 4.667, 12/2.5 = 4.800 → group 1 → [1, 3]
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [7, 12], total: 4) == [2, 2])
        #expect(try Apportionment.divisor(.webster, weights: [7, 12], total: 4) == [1, 3])
    }

    @Test func threeGroupsHandChecked() throws {
        // weights [100, 90, 10], 6 seats, minimum 1 → [1, 1, 1], 3 more.
        // HH: 100/√2 = 70.71 → g0 [2,1,1]; 100/√6 = 40.82, 90/√2 = 63.64 → g1 [2,2,1];
        //     100/√6 = 40.82, 90/√6 = 36.74, 10/√2 = 7.07 → g0 [3,2,1]
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [100, 90, 10], total: 6) == [3, 2, 1])
        // Webster: 100/1.5 = 66.67 → g0; 100/2.5 = 40, 90/1.5 = 60 → g1; 40 vs 90/2.5 = 36 → g0.
        #expect(try Apportionment.divisor(.webster, weights: [100, 90, 10], total: 6) == [3, 2, 1])
    }

    @Test func minimumOneGivesTinyGroupsASeat() throws {
        // Proportionally group 0 deserves 0.04 of 4 seats, but minimum 1 gives it one;
        // the other 2 go to group 1 (the only competitor with finite priority left: 1/√2 < 48/√2 …).
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [1, 99], total: 4) == [1, 3])
        #expect(try Apportionment.divisor(.webster, weights: [1, 99], total: 4) == [1, 3])
        // minimum 0: Huntington–Hill still gives every positive group a first seat (D(0) = 0 →
        // priority ∞; ties between infinities → lower index), Webster does not (1/0.5 = 2 < 99/1.5).
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [1, 99], total: 2, minimum: 0) == [1, 1])
        #expect(try Apportionment.divisor(.webster, weights: [1, 99], total: 2, minimum: 0) == [0, 2])
        // A zero-weight group gets exactly its minimum.
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [0, 5, 5], total: 5) == [1, 2, 2])
    }

    @Test func tiesGoToTheLowerIndex() throws {
        // [50, 50], 3 seats: start [1, 1]; 50/1.5 = 50/1.5 → group 0.
        #expect(try Apportionment.divisor(.webster, weights: [50, 50], total: 3) == [2, 1])
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [50, 50, 50], total: 5) == [2, 2, 1])
    }

    @Test func capsAreHonoured() throws {
        // Uncapped [3, 2, 1] (above); group 0 capped at 2 (it has 2 nodes): the 6th seat goes to
        // the next priority. HH: after [2,2,1], g0 is full → 90/√6 = 36.74 > 10/√2 → g1 → [2,3,1].
        #expect(try Apportionment.divisor(.huntingtonHill, weights: [100, 90, 10], total: 6, caps: [2, 10, 10]) == [2, 3, 1])
        #expect(try Apportionment.divisor(.webster, weights: [100, 90, 10], total: 6, caps: [2, 10, 10]) == [2, 3, 1])
        // Caps force seats onto a light group: [1000, 1], 5 seats, caps [2, 5] → [2, 3].
        #expect(try Apportionment.divisor(.webster, weights: [1000, 1], total: 5, caps: [2, 5]) == [2, 3])
        // Totals and caps always respected.
        let weights: [Double] = [120, 3400, 560, 80, 2210, 975]
        let caps = [1, 4, 2, 1, 9, 3]
        for total in 6...20 {
            for method in ApportionmentMethod.allCases {
                let seats = try Apportionment.divisor(method, weights: weights, total: total, caps: caps)
                #expect(seats.reduce(0, +) == total)
                #expect(zip(seats, caps).allSatisfy { $0 >= 1 && $0 <= $1 })
            }
        }
    }

    @Test func targetLoadRule() throws {
        // H = 100: 40 → 0.4 → 0 → max 1 = 1; 150 → 1.5 → 2 (half away from zero);
        // 249 → 2.49 → 2; 250 → 2.5 → 3; 0 → 1; 1000 → 10, capped at 4.
        #expect(try Apportionment.fromTargetLoad(weights: [40, 150, 249, 250, 0], loadPerRegion: 100) == [1, 2, 2, 3, 1])
        #expect(try Apportionment.fromTargetLoad(weights: [1000, 1000], loadPerRegion: 100, caps: [4, 20]) == [4, 10])
        #expect(throws: ApportionmentError.invalidTargetLoad(0)) {
            try Apportionment.fromTargetLoad(weights: [1], loadPerRegion: 0)
        }
    }

    @Test func validationErrors() {
        #expect(throws: ApportionmentError.totalBelowMinimum(total: 2, groups: 3, minimum: 1)) {
            try Apportionment.divisor(.webster, weights: [1, 2, 3], total: 2)
        }
        #expect(throws: ApportionmentError.totalBelowMinimum(total: 5, groups: 3, minimum: 2)) {
            try Apportionment.divisor(.huntingtonHill, weights: [1, 2, 3], total: 5, minimum: 2)
        }
        #expect(throws: ApportionmentError.invalidWeight(group: 1, value: -4)) {
            try Apportionment.divisor(.webster, weights: [1, -4], total: 2)
        }
        #expect(throws: ApportionmentError.self) {
            try Apportionment.divisor(.webster, weights: [1, .nan], total: 2)
        }
        #expect(throws: ApportionmentError.noGroups) {
            try Apportionment.divisor(.webster, weights: [], total: 2)
        }
        #expect(throws: ApportionmentError.capsBelowTotal(total: 5, capacity: 4)) {
            try Apportionment.divisor(.webster, weights: [1, 2], total: 5, caps: [2, 2])
        }
        #expect(throws: ApportionmentError.capBelowMinimum(group: 1, cap: 0, minimum: 1)) {
            try Apportionment.divisor(.webster, weights: [1, 2], total: 2, caps: [2, 0])
        }
        #expect(throws: ApportionmentError.capsCountMismatch(expected: 2, actual: 1)) {
            try Apportionment.divisor(.webster, weights: [1, 2], total: 2, caps: [2])
        }
        #expect(ApportionmentError.totalBelowMinimum(total: 2, groups: 3, minimum: 1).description.contains("3 × 1"))
    }

    @Test func divisorSequences() {
        #expect(ApportionmentMethod.webster.divisor(seats: 0) == 0.5)
        #expect(ApportionmentMethod.webster.divisor(seats: 3) == 3.5)
        #expect(ApportionmentMethod.huntingtonHill.divisor(seats: 0) == 0)
        #expect(ApportionmentMethod.huntingtonHill.divisor(seats: 3) == 12.0.squareRoot())
        #expect(ApportionmentMethod.huntingtonHill.priority(weight: 5, seats: 0) == .infinity)
        #expect(ApportionmentMethod.huntingtonHill.priority(weight: 0, seats: 0) == 0)
    }
}

/// Divisor methods by their definition, not their algorithm: an allocation s is a divisor-method
/// apportionment exactly when no seat could move from one group to another and raise the
/// receiving group's priority above the giver's, i.e. min over groups with a seat above the
/// minimum of w/D(s−1) ≥ max over groups below their cap of w/D(s). Checked on random cases
/// against every allocation the function returns.
@Suite struct ApportionmentDefinitionTests {
    static func divisor(_ method: ApportionmentMethod, _ s: Int) -> Double {
        switch method {
        case .huntingtonHill: (Double(s) * Double(s + 1)).squareRoot()
        case .webster: Double(s) + 0.5
        }
    }

    @Test(arguments: [ApportionmentMethod.huntingtonHill, .webster])
    func everyResultSatisfiesTheDivisorCondition(method: ApportionmentMethod) throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<500 {
            let groups = 2 + rng.nextIndex(below: 9)
            let weights = (0..<groups).map { _ in Double(1 + rng.nextIndex(below: 1000)) }
            let total = groups + rng.nextIndex(below: 40)
            let s = try Apportionment.divisor(method, weights: weights, total: total, minimum: 1)
            #expect(s.reduce(0, +) == total)
            #expect(s.allSatisfy { $0 >= 1 })
            let giveUp = weights.indices.filter { s[$0] > 1 }.map { weights[$0] / Self.divisor(method, s[$0] - 1) }.min() ?? .infinity
            let gain = weights.indices.map { weights[$0] / Self.divisor(method, s[$0]) }.max()!
            #expect(giveUp >= gain * (1 - 1e-12), "\(weights) → \(s)")
        }
    }
}
