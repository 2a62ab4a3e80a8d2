// What the tool needs to know about a district beyond its geometry, read from the properties of
// district.geojson: its name, code and parents, the metric CRS every area and distance is
// measured in, and the plan's default grid count. Nothing in the library names a district;
// another district's planner writes these properties (or lets the CRS be derived).
import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry

public struct DistrictProfile: Sendable, Equatable {
    /// The 6-digit administrative code (adcode), e.g. 511111.
    public var code: String
    /// The district's name, e.g. 沙湾区.
    public var name: String
    /// Province first, then prefecture, e.g. [四川省, 乐山市] (empty when not given).
    public var parents: [String]
    /// Where areas and distances are measured: `metric_crs` (a PROJ string or EPSG:n), else a
    /// transverse Mercator on GRS80 centred on the district (see `derivedMetricCRS`).
    public var metricCRS: CRS
    /// True when `metricCRS` was derived from the outline rather than given.
    public var metricCRSDerived: Bool
    /// `grids`: the plan's grid count when a partition is asked for none.
    public var defaultGridCount: Int?

    /// From district.geojson's one feature.
    public static func read(_ feature: Feature, outline: Geometry, code: String, name: String, file: String) throws -> DistrictProfile {
        var parents: [String] = []
        for key in ["province", "parent"] { if let p = feature.string(key), !p.isEmpty { parents.append(p) } }
        var crs: CRS
        var derived = false
        if let text = feature.string("metric_crs") {
            do { crs = try CRS(parsing: text) } catch {
                throw BoundaryDataError(file: file, featureIndex: 0, message: "property \"metric_crs\": \(error)")
            }
            if (try? crs.isGeographic()) != false {
                throw BoundaryDataError(file: file, featureIndex: 0, message: "property \"metric_crs\" must be a projected CRS in metres, not \(text)")
            }
        } else {
            crs = try derivedMetricCRS(outline)
            derived = true
        }
        var gridCount: Int?
        if let v = feature.properties?["grids"] {
            guard case .number(let n) = v, let count = Int(n.text), count > 0 else {
                throw BoundaryDataError(file: file, featureIndex: 0, message: "property \"grids\" must be a whole number > 0")
            }
            gridCount = count
        }
        return DistrictProfile(code: code, name: name, parents: parents, metricCRS: crs,
                               metricCRSDerived: derived, defaultGridCount: gridCount)
    }

    /// `CRS.localTransverseMercator` around the outline.
    public static func derivedMetricCRS(_ outline: Geometry) throws -> CRS {
        guard let e = outline.envelope else {
            throw BoundaryDataError(file: "district.geojson", featureIndex: 0, message: "the outline is empty")
        }
        return .localTransverseMercator(around: e)
    }
}

extension CRS {
    /// `district-tm` → the metric CRS of the district in `boundaries` (its district.geojson's
    /// `metric_crs`, or the one derived from its outline); any other name as `CRS(parsing:)`.
    public static func parsing(_ text: String, districtIn boundaries: String) throws -> CRS {
        if text.trimmingCharacters(in: .whitespaces).lowercased() == districtMetricName {
            return try DistrictBoundaries.loadProfile(directory: boundaries).metricCRS
        }
        return try CRS(parsing: text)
    }
}
