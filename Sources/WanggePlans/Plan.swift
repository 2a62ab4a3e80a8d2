// A plan: the grids and the blocks they are made of, as one value. Its canonical text (features
// sorted, the project's GeoJSON writer) is what the store keeps and what `plan export` writes,
// so the same plan always has the same bytes and the same content hash.
import Foundation
import WanggeGeoJSON
import WanggeGeometry
import WanggeIO
import WanggeStore

public struct Plan: Sendable, Equatable {
    /// Grid features (code, village_code, …), sorted by code.
    public var grids: FeatureCollection
    /// Block features (id, village_code, grid_code, …), sorted by id; empty for a plan made
    /// from a grid file alone.
    public var blocks: FeatureCollection

    /// The plan in canonical order: grids by code, blocks by id (ties keep file order), each
    /// collection named as `partition` names its files.
    public init(grids: FeatureCollection, blocks: FeatureCollection) {
        self.grids = Self.sorted(grids, name: "grids", key: Self.gridCode)
        self.blocks = Self.sorted(blocks, name: "blocks", key: Self.blockID)
    }

    public static func gridCode(_ f: Feature) -> String {
        f.string("code") ?? f.id?.text ?? ""
    }

    public static func blockID(_ f: Feature) -> String {
        f.id?.text ?? f.string("id") ?? ""
    }

    static func sorted(_ c: FeatureCollection, name: String, key: (Feature) -> String) -> FeatureCollection {
        let order = c.features.indices.sorted { a, b in
            let ka = key(c.features[a]), kb = key(c.features[b])
            return ka != kb ? ka < kb : a < b
        }
        var members = c.foreignMembers.filter { $0.key != "name" }
        members.insert(JSONMember("name", .string(name)), at: 0)
        return FeatureCollection(features: order.map { c.features[$0] }, foreignMembers: members)
    }

    /// The two files' bytes, as the store keeps them and `plan export` writes them.
    public func encoded() throws -> (grids: [UInt8], blocks: [UInt8]) {
        let writer = GeoJSONWriter()
        return (try writer.encode(grids), try writer.encode(blocks))
    }

    /// A hash of the two texts, lengths included (FNV-1a 64: the store still compares the bytes
    /// before it treats two contents as one).
    public static func contentHash(grids: [UInt8], blocks: [UInt8]) -> String {
        var h = FNV1a()
        h.mix(UInt64(grids.count))
        for b in grids { h.mix(UInt64(b)) }
        h.mix(UInt64(blocks.count))
        for b in blocks { h.mix(UInt64(b)) }
        return String(format: "fnv1a64-%016llx-%d-%d", h.value, grids.count, blocks.count)
    }

    /// The stored record of this plan.
    public func content() throws -> PlanContentRecord {
        let (g, b) = try encoded()
        return PlanContentRecord(hash: Self.contentHash(grids: g, blocks: b), grids: g, blocks: b)
    }

    /// A stored content back into a plan; the hash is checked first (a damaged store is named).
    public static func decode(_ content: PlanContentRecord, store: String) throws -> Plan {
        guard contentHash(grids: content.grids, blocks: content.blocks) == content.hash else {
            throw PlanError(kind: .corrupt, file: store, message: "stored content \(content.hash) does not match its hash (the file is damaged)")
        }
        let reader = GeoJSONReader()
        let g = try reader.read(content.grids, fileName: "\(store) (grids)").featureCollection
        let b = try reader.read(content.blocks, fileName: "\(store) (blocks)").featureCollection
        return Plan(grids: g, blocks: b)
    }

    /// The GeoPackage feature layers of the plan.
    public var layers: [GeoPackageLayer] {
        // Figures that happen to be whole numbers in one plan stay REAL, so the layer's schema
        // does not change from version to version.
        let real: [String: GeoPackageColumn.Kind] = ["workload": .real, "polsby_popper": .real, "area_m2": .real, "perimeter_m": .real]
        return [GeoPackageLayer(name: PlanStore.gridsLayer, description: "the current plan's grids (网格)", features: grids.features, columnKinds: real),
                GeoPackageLayer(name: PlanStore.blocksLayer, description: "the current plan's blocks, each with its grid_code", features: blocks.features, columnKinds: real)]
    }

    /// Villages (village_code) with their grid codes, sorted.
    public var gridsByVillage: [(village: String, grids: [String])] {
        var by: [String: [String]] = [:]
        for f in grids.features { by[f.string("village_code") ?? String(Self.gridCode(f).prefix(12)), default: []].append(Self.gridCode(f)) }
        return by.keys.sorted().map { ($0, by[$0]!.sorted()) }
    }
}

/// Errors of WanggePlans: what (kind), which file, and the words.
public struct PlanError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable { case badSource = "bad-source", corrupt, rejected, badArgument = "bad-argument" }
    public var kind: Kind
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }

    public init(kind: Kind, file: String, message: String) {
        self.kind = kind
        self.file = file
        self.message = message
    }
}
