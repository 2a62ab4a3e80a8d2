import Foundation
import WanggeCRS
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO

/// Reprojects whole GeoJSON files, like `ogr2ogr -s_srs … -t_srs …`: every geometry of every
/// feature goes through a `CoordinateTransform`; properties, ids and foreign members are kept,
/// except what the move makes wrong (`bbox`, and an old-style `crs` member, which is replaced).
///
/// RFC 7946 GeoJSON is WGS-84 only. Output in another CRS is for GIS tools: it carries a GeoJSON
/// 2008 `"crs"` member (which GDAL, and so QGIS, read) when the target has an EPSG code or a PROJ
/// string, and a `"crs_note"` for GCJ-02 / BD-09, which no standard names.
public struct GeoJSONTransform {
    public let source: CRS
    public let target: CRS
    /// Whether the source / target are longitude-latitude (asked of PROJ once, here).
    public let sourceIsGeographic: Bool
    public let targetIsGeographic: Bool
    private let transform: CoordinateTransform

    public init(from source: CRS, to target: CRS) throws(CRSError) {
        self.source = source
        self.target = target
        transform = try CoordinateTransform(from: source, to: target)
        sourceIsGeographic = try source.isGeographic()
        targetIsGeographic = try target.isGeographic()
    }

    /// Reader options for the source: no longitude/latitude range check when it is projected.
    public var readerOptions: GeoJSONReader.Options {
        GeoJSONReader.Options(checkCoordinateRange: sourceIsGeographic)
    }

    /// Writer options for the target: 7 decimals of a degree (~1 cm) or 3 of a metre (1 mm).
    public func writerOptions(decimals: Int? = nil) -> GeoJSONWriter.Options {
        GeoJSONWriter.Options(decimals: decimals ?? (targetIsGeographic ? 7 : 3))
    }

    /// The foreign member that names the target CRS, or nil for WGS-84 (RFC 7946's own CRS).
    public var crsMember: JSONMember? {
        switch target {
        case .epsg(4326): return nil
        case .epsg(let code):
            return JSONMember("crs", .object(["type": .string("name"),
                                              "properties": .object(["name": .string("urn:ogc:def:crs:EPSG::\(code)")])]))
        case .proj(let definition):
            return JSONMember("crs", .object(["type": .string("name"), "properties": .object(["name": .string(definition)])]))
        case .gcj02, .bd09:
            return JSONMember("crs_note", .string("\(target) longitude/latitude, not WGS-84"))
        }
    }

    /// Every geometry transformed. A coordinate that cannot be transformed throws a
    /// `GeoJSONError` naming `fileName`, the feature's index and id.
    public func transform(_ collection: FeatureCollection, fileName: String? = nil) throws(GeoJSONError) -> FeatureCollection {
        var out = collection
        out.foreignMembers.removeAll { $0.key == "crs" || $0.key == "crs_note" || $0.key == "bbox" }
        if let crsMember { out.foreignMembers.insert(crsMember, at: 0) }
        for i in out.features.indices {
            out.features[i].foreignMembers.removeAll { $0.key == "bbox" }
            guard let g = out.features[i].geometry else { continue }
            do {
                out.features[i].geometry = try transform.transform(g)
            } catch {
                throw GeoJSONError(kind: .geometry, file: fileName, featureIndex: i, featureID: out.features[i].id,
                                   message: "cannot transform \(source) → \(target): \(error)")
            }
        }
        return out
    }

    /// Reads `input`, transforms it and returns the encoded output (ending in a newline).
    public func transformFile(_ input: String, decimals: Int? = nil) throws(GeoJSONError) -> [UInt8] {
        let collection = try GeoJSONReader(options: readerOptions).readFeatureCollection(contentsOf: input)
        return try GeoJSONWriter(options: writerOptions(decimals: decimals)).encode(transform(collection, fileName: input))
    }

    /// Reads `input` and writes the transformed collection to `output` atomically.
    public func transformFile(_ input: String, to output: String, decimals: Int? = nil) throws {
        try AtomicFile.write(try transformFile(input, decimals: decimals), to: output)
    }
}
