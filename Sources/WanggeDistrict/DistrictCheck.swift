import Foundation
import WanggeCRS
import WanggeGeometry

/// The result of checking a district's boundaries: sizes of each level and every coverage issue.
public struct DistrictCheckReport: Sendable {
    public struct Level: Sendable {
        public var name: String
        public var count: Int
        public var areaM2: Double
        public var smallestM2: Double
        public var largestM2: Double
    }

    public var levels: [Level] = []
    public var issues: [CoverageIssue] = []
    /// Villages per township, in township code order.
    public var villagesPerTownship: [(code: String, name: String, villages: Int, communities: Int)] = []

    public var passed: Bool { issues.isEmpty }
}

/// Checks that townships tile the district and villages tile their townships (no gap or overlap
/// above the tolerance, each valid and in one piece), measuring in the district's metric CRS.
public struct DistrictCheck {
    public var tolerance: Double
    /// nil: the district's own (`DistrictProfile.metricCRS`).
    public var metricCRS: CRS?

    public init(tolerance: Double = 1, metricCRS: CRS? = nil) {
        self.tolerance = tolerance
        self.metricCRS = metricCRS
    }

    public func run(_ b: DistrictBoundaries) throws -> DistrictCheckReport {
        let toMetric = try CoordinateTransform(from: .wgs84, to: metricCRS ?? b.profile.metricCRS)
        let toWGS84 = try CoordinateTransform(from: metricCRS ?? b.profile.metricCRS, to: .wgs84)
        let context = GEOSContext()
        let coverage = CoverageCheck(tolerance: tolerance, context: context)
        let outline = CoverageMember(id: b.code, geometry: try toMetric.transform(b.outline))
        let townships = try b.townships.map { CoverageMember(id: $0.code, geometry: try toMetric.transform($0.geometry)) }
        let villages = try b.villages.map { CoverageMember(id: $0.code, geometry: try toMetric.transform($0.geometry)) }

        var report = DistrictCheckReport()
        func level(_ name: String, _ members: [CoverageMember]) throws -> DistrictCheckReport.Level {
            let areas = try members.map { try context.geometry(from: $0.geometry).area() }
            return .init(name: name, count: members.count, areaM2: areas.reduce(0, +),
                         smallestM2: areas.min() ?? 0, largestM2: areas.max() ?? 0)
        }
        report.levels = [try level("district", [outline]), try level("townships", townships), try level("villages", villages)]
        report.issues += try coverage.checkMembers([outline])
        report.issues += try coverage.check(parent: outline, members: townships)
        for (t, township) in b.townships.enumerated() {
            let members = b.villages.indices.filter { b.villages[$0].townshipCode == township.code }.map { villages[$0] }
            report.issues += try GeometryCheckFailure.naming("township \(township.code) \(township.name) and its villages", toWGS84: toWGS84) {
                try coverage.check(parent: townships[t], members: members)
            }
            let own = b.villages.filter { $0.townshipCode == township.code }
            report.villagesPerTownship.append((township.code, township.name, own.filter { $0.kind == .village }.count,
                                               own.filter { $0.kind == .community }.count))
        }
        return report
    }
}

/// A boundaries directory that fails `wangge check`, or whose layers name villages it does not
/// have: refused before anything is planned or validated against it.
public struct DistrictRejected: Error, CustomStringConvertible, Sendable {
    public var directory: String
    public var problems: [String]

    public var description: String {
        ProblemListing.text("\(directory)/ is not a consistent district", problems)
            + "`wangge check --boundaries \(directory)` shows the boundary problems in full."
    }
}

extension DistrictCheck {
    /// Throws `DistrictRejected` unless the townships tile the district, the villages tile their
    /// townships and (when given) every address and incident names a known village.
    public func require(_ district: DistrictBoundaries, layers: DistrictLayers? = nil, directory: String) throws {
        var problems = try run(district).issues.map(\.description)
        if let layers { problems += layers.unknownVillages(in: district) }
        if !problems.isEmpty { throw DistrictRejected(directory: directory, problems: problems) }
    }
}
