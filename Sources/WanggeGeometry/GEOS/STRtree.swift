import CGEOS

/// The exact test applied after an envelope query, read as `predicate(query, item)`.
public enum SpatialPredicate: Sendable, CaseIterable {
    case intersects, contains, containsProperly, covers, within, coveredBy, touches
}

/// A query-only GEOS STRtree over items numbered 0..<count.
///
/// GEOS 3.11 builds the tree on the first query and then silently ignores inserts, so this type
/// takes every item at `init` and offers no insert: change the data, build a new tree. Queries
/// return indices into the caller's own arrays (as Shapely's STRtree does), sorted ascending so
/// results never depend on tree layout. Not `Sendable` (bound to its context's thread).
public final class STRtree {
    public let context: GEOSContext
    private let tree: OpaquePointer
    /// The indexed geometries, kept alive for the tree's lifetime: GEOS stores only pointers to
    /// them (and the nearest-neighbour distance callback reads them).
    private let items: [GEOSGeometryHandle]

    public var count: Int { items.count }

    /// Indexes the bounding boxes; item `i` is `envelopes[i]`.
    public convenience init(context: GEOSContext, envelopes: [Envelope], nodeCapacity: Int = 10) throws {
        try self.init(context: context, geometries: try envelopes.map { try context.geometry(from: $0) }, nodeCapacity: nodeCapacity)
    }

    /// Indexes geometries by their envelopes; item `i` is `geometries[i]`. Nearest-neighbour
    /// queries measure exact distances to these geometries.
    public init(context: GEOSContext, geometries: [GEOSGeometryHandle], nodeCapacity: Int = 10) throws {
        self.context = context
        self.items = geometries
        // GEOSSTRtree_create_r: NULL on exception. Node capacity must be at least 2.
        self.tree = try context.rawPointer("GEOSSTRtree_create_r") { GEOSSTRtree_create_r($0, Swift.max(2, nodeCapacity)) }
        for (index, geometry) in geometries.enumerated() {
            precondition(geometry.context === context, "GEOS handle from another context")
            // Empty geometries have no envelope; GEOS would index them nowhere anyway.
            if try geometry.isEmpty() { continue }
            // GEOSSTRtree_insert_r returns nothing; errors only go to the handler. The item is
            // the index itself, offset by one so that item 0 is not a NULL pointer.
            GEOSSTRtree_insert_r(context.handle, tree, geometry.pointer, Self.item(for: index))
        }
    }

    deinit {
        // Frees the tree only; the inserted geometries are ours (in `items`).
        GEOSSTRtree_destroy_r(context.handle, tree)
    }

    private static func item(for index: Int) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: index + 1)
    }

    private static func index(of item: UnsafeRawPointer?) -> Int {
        Int(bitPattern: item) - 1
    }

    /// Indices of the items whose envelopes intersect `envelope`, ascending.
    public func query(_ envelope: Envelope) throws -> [Int] {
        try query(try context.geometry(from: envelope))
    }

    /// Indices of the items whose envelopes intersect `geometry`'s envelope, ascending.
    /// Apply an exact predicate afterwards when envelopes are not enough.
    public func query(_ geometry: GEOSGeometryHandle) throws -> [Int] {
        precondition(geometry.context === context, "GEOS handle from another context")
        var found: [Int] = []
        context.clearMessages()
        // The callback cannot capture, so the result array travels as userdata.
        withUnsafeMutablePointer(to: &found) { results in
            GEOSSTRtree_query_r(context.handle, tree, geometry.pointer, { item, userdata in
                userdata!.assumingMemoryBound(to: [Int].self).pointee.append(STRtree.index(of: item))
            }, results)
        }
        // GEOSSTRtree_query_r returns nothing; an exception shows only as a handler message.
        if let message = context.lastError { throw GEOSError.operationFailed(function: "GEOSSTRtree_query_r", message: message) }
        return found.sorted()
    }

    /// Indices of the items `i` for which `predicate(geometry, item i)` holds, ascending: the
    /// envelope query first, then the exact predicate (Shapely's `query(geom, predicate=...)`).
    /// E.g. `.within` finds the cells a point lies strictly inside; `.intersects` includes
    /// boundaries. Items built from envelopes are tested as rectangles.
    public func query(_ geometry: GEOSGeometryHandle, predicate: SpatialPredicate) throws -> [Int] {
        let candidates = try query(geometry)
        if candidates.isEmpty { return [] }
        // Predicates with the query geometry as subject use it prepared, built once per query.
        let prepared = try geometry.prepared()
        return try candidates.filter { i in
            let item = items[i]
            switch predicate {
            case .intersects: return try prepared.intersects(item)
            case .contains: return try prepared.contains(item)
            case .containsProperly: return try prepared.containsProperly(item)
            case .covers: return try prepared.covers(item)
            case .within: return try item.contains(geometry)
            case .coveredBy: return try item.covers(geometry)
            case .touches: return try geometry.touches(item)
            }
        }
    }

    /// State for the nearest-neighbour distance callback, passed as userdata.
    private struct NearestQuery {
        let context: GEOSContextHandle_t
        let items: [GEOSGeometryHandle]
        let target: OpaquePointer
    }

    /// Marks the query geometry among the items the distance callback receives.
    private static var targetItem: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: -1) }

    /// Index of the item nearest to `geometry` (exact geometry distance, not envelope distance),
    /// or nil for an empty tree. Ties go to whichever GEOS reaches first.
    public func nearest(to geometry: GEOSGeometryHandle) throws -> Int? {
        precondition(geometry.context === context, "GEOS handle from another context")
        guard !items.isEmpty else { return nil }
        var state = NearestQuery(context: context.handle, items: items, target: geometry.pointer)
        context.clearMessages()
        let found = withUnsafeMutablePointer(to: &state) { statePointer in
            // GEOSSTRtree_nearest_generic_r: NULL on exception (or empty tree).
            GEOSSTRtree_nearest_generic_r(context.handle, tree, STRtree.targetItem, geometry.pointer, { a, b, distance, userdata in
                let query = userdata!.assumingMemoryBound(to: NearestQuery.self).pointee
                func geometry(_ item: UnsafeRawPointer?) -> OpaquePointer {
                    item == STRtree.targetItem ? query.target : query.items[STRtree.index(of: item)].pointer
                }
                // GEOSDistance_r: 0 on exception. The header says the callback returns zero on
                // success, but GEOS 3.11 throws "Failed to compute distance" on zero: it
                // really wants non-zero for success, so pass GEOSDistance_r's result through.
                return GEOSDistance_r(query.context, geometry(a), geometry(b), distance)
            }, statePointer)
        }
        guard let found else {
            if let message = context.lastError { throw GEOSError.operationFailed(function: "GEOSSTRtree_nearest_generic_r", message: message) }
            return nil
        }
        return withExtendedLifetime(geometry) { Self.index(of: found) }
    }

    /// Nearest item to a coordinate.
    public func nearest(to c: Coordinate) throws -> Int? {
        try nearest(to: try context.point(c))
    }
}
