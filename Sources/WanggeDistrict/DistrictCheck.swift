import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO

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
    ///
    /// The tiling check costs ~1.7 s of CPU and its answer depends only on the geometry checked:
    /// a pass is remembered under a hash of every code and coordinate (`PassedChecks`), so
    /// running partition or validate again on unchanged boundaries skips it; any edit changes
    /// the hash.
    public func require(_ district: DistrictBoundaries, layers: DistrictLayers? = nil, directory: String) throws {
        var problems: [String] = []
        let key = PassedChecks.key(district, salt: "district-check v1 tolerance \(tolerance) \((metricCRS ?? district.profile.metricCRS).description)")
        if !PassedChecks.contains(key) {
            problems = try run(district).issues.map(\.description)
            if problems.isEmpty { PassedChecks.remember(key) }
        }
        if let layers { problems += layers.unknownVillages(in: district) }
        if !problems.isEmpty { throw DistrictRejected(directory: directory, problems: problems) }
    }
}

/// Checks that passed, remembered as empty files named by a 64-bit FNV-1a hash of the inputs'
/// bytes, in `$XDG_CACHE_HOME/wangge` (or `~/.cache/wangge`). Only passes are remembered; a
/// missing or unwritable cache just means checking again.
enum PassedChecks {
    static var directory: String? {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty { return FilePath.join(xdg, "wangge") }
        if let home = env["HOME"], !home.isEmpty { return FilePath.join(home, ".cache/wangge") }
        return nil
    }

    /// Every ring's length and coordinates' bits, after a separator.
    static func mix(_ g: Geometry, into h: inout FNV1a) {
        h.mix(0xFF)  // separates geometries and their parts
        for p in g.polygons {
            for ring in p.rings {
                h.mix(UInt64(ring.count))
                for c in ring { h.mix(c.x.bitPattern); h.mix(c.y.bitPattern) }
            }
        }
    }

    static func key(_ d: DistrictBoundaries, salt: String) -> String {
        var h = FNV1a()
        h.mix(salt); h.mix(d.code); mix(d.outline, into: &h)
        for t in d.townships { h.mix(t.code); mix(t.geometry, into: &h) }
        for v in d.villages { h.mix(v.code); h.mix(v.townshipCode); mix(v.geometry, into: &h) }
        return String(format: "passed-%016llx", h.value)
    }

    /// The district's key mixed with every grid feature: its properties and its coordinates.
    static func key(grids: FeatureCollection, district d: DistrictBoundaries, salt: String) -> String {
        var h = FNV1a()
        h.mix(key(d, salt: salt))
        for f in grids.features {
            h.mix(0xFE)
            for m in f.properties?.members ?? [] { h.mix(m.key); h.mix("\(m.value)") }
            if let g = f.geometry { mix(g, into: &h) }
        }
        return String(format: "grids-passed-%016llx", h.value)
    }

    static func contains(_ key: String) -> Bool {
        guard let d = directory else { return false }
        return FileManager.default.fileExists(atPath: FilePath.join(d, key))
    }

    static func remember(_ key: String) {
        guard let d = directory else { return }
        try? AtomicFileSet.makeDirectory(d)
        try? AtomicFile.write([], to: FilePath.join(d, key))
    }
}
