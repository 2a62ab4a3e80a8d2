// Every command that reads a grid file checks it the way `wangge validate` does before using
// it: a bow-tie, a duplicate code, a feature without geometry or a Point posing as a grid would
// otherwise flow silently into assignments, maps and exports.
import Foundation
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO

public enum GridFile {
    /// Reads `path` and validates it against `boundaries` (all of `wangge validate`'s checks).
    /// `validate: false` reads without checking — for a user who insists (`--no-validate`).
    public static func load(_ path: String, boundaries: DistrictBoundaries?, validate: Bool = true,
                            tolerance: Double = 1) throws -> FeatureCollection {
        let collection = try GeoJSONReader().readFeatureCollection(contentsOf: path)
        if validate { try requireValid(collection, path: path, boundaries: boundaries, tolerance: tolerance) }
        return collection
    }

    /// The check alone, for a caller that runs it beside other work (before it commits).
    public static func requireValid(_ collection: FeatureCollection, path: String, boundaries: DistrictBoundaries?,
                                    tolerance: Double = 1) throws {
        let problems: [String]
        if let boundaries {
            // A pass is remembered (~/.cache/wangge) under a hash of the grids and the district, so
            // report, export, map and staff on an unchanged plan skip the second of checking.
            let key = PassedChecks.key(grids: collection, district: boundaries, salt: "grid-check v1 tolerance \(tolerance)")
            if PassedChecks.contains(key) { return }
            problems = try GridValidation(tolerance: tolerance).run(collection, boundaries: boundaries).problems.map(\.description)
            // Its GEOS pieces are freed; their pages go back before the caller builds on the grids.
            FreedMemory.giveBack()
            if problems.isEmpty { PassedChecks.remember(key) }
        } else {
            problems = structuralProblems(collection)
        }
        if !problems.isEmpty { throw GridFileRejected(path: path, problems: problems) }
    }

    /// Without the district's villages: each feature a polygon with a code of its own. Features
    /// count from 0, as in the GeoJSON reader's messages and ogrinfo's FID.
    public static func structuralProblems(_ grids: FeatureCollection) -> [String] {
        let context = GEOSContext()
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (i, f) in grids.features.enumerated() {
            let code = f.string("code") ?? f.id.map { if case .string(let s) = $0 { s } else { "" } } ?? ""
            let label = code.isEmpty ? "feature \(i)" : "\(code) (feature \(i))"
            if code.isEmpty { problems.append("\(label): no code") }
            else if let first = seen[code] { problems.append("\(label): duplicate code (also feature \(first))") }
            else { seen[code] = i }
            guard let g = f.geometry else { problems.append("\(label): no geometry"); continue }
            if g.polygons.isEmpty { problems.append("\(label): a \(g.typeName) is not a grid (Polygon or MultiPolygon)"); continue }
            if let report = try? context.geometry(from: g).validity(), !report.isValid {
                let at = report.location.map { String(format: " at %.5f, %.5f", $0.x, $0.y) } ?? ""
                problems.append("\(label): invalid geometry: \(report.reason ?? "unknown reason")\(at)")
            }
        }
        return problems
    }
}

public struct GridFileRejected: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problems: [String]

    public var description: String {
        ProblemListing.text("\(path) is not a valid grid file", problems, more: " (`wangge validate \(path)` lists them all)")
            + "Fix it (wangge validate shows where), or pass --no-validate to use it as it is."
    }
}

/// A refusal with its problems: a headline with the count, the first ten as FAIL lines, how
/// many more there are.
enum ProblemListing {
    static func text(_ headline: String, _ problems: [String], more: String = "") -> String {
        let shown = problems.prefix(10).map { "  FAIL \($0)" }.joined(separator: "\n")
        let rest = problems.count > 10 ? "\n  … and \(problems.count - 10) more\(more)" : ""
        return "\(headline) (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n\(shown)\(rest)\n"
    }
}
