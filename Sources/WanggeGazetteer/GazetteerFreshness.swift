import WanggeIO
import WanggeStore

/// Whether a gazetteer still follows the plan: its points carry the grids of the grid file it
/// was built from (`grids_stamp` in its meta table: size and FNV-1a of the file's bytes), and
/// after the grids are redrawn those answers name grids that no longer exist.
public enum GazetteerFreshness: Equatable, Sendable {
    case current
    /// Built from other grids than `grids` holds now; `reason` says how, in words.
    case stale(reason: String)

    /// Compares the gazetteer's record with the grid file `grids` (nil: no grid file to follow,
    /// so any gazetteer is current).
    public static func check(_ gazetteer: Gazetteer, grids: String?) throws(IOError) -> GazetteerFreshness {
        func meta(_ key: String) -> String? { gazetteer.meta.first { $0.key == key }?.value }
        // What the matcher reads from it changed (the district's parents): rebuild whatever the grids.
        if meta("schema") != GazetteerBuilder.schemaVersion {
            return .stale(reason: "an older version built it (schema \(meta("schema") ?? "?"), now \(GazetteerBuilder.schemaVersion))")
        }
        guard let grids else { return .current }
        let stamp = try FNV1a.stamp(ofFile: grids)
        if let built = meta("grids_stamp") {
            if built == stamp { return .current }
            let path = meta("grids_path")
            if path == nil || FileIdentity.same(path!, grids) {
                return .stale(reason: "\(grids) has changed since it was built (were the grids redrawn?)")
            }
            return .stale(reason: "it was built from \(path!), whose grids differ from \(grids)'s")
        }
        if meta("grids") == "none" { return .stale(reason: "it was built without grids, and \(grids) has them") }
        return .stale(reason: "it does not record which grid file it was built from (an older version built it)")
    }
}
