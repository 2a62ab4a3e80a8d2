import CGEOS

/// A GEOS geometry held across calls. Owned handles free their `GEOSGeometry` exactly once, in
/// `deinit`; borrowed handles (parts and rings, which GEOS owns inside their parent) keep the
/// parent alive instead and never free anything.
///
/// Not `Sendable`: it belongs to its context's thread (see `GEOSContext`).
public final class GEOSGeometryHandle {
    public let context: GEOSContext
    let pointer: OpaquePointer
    /// Set for borrowed children: keeps the owning geometry (and so `pointer`) alive.
    private let parent: GEOSGeometryHandle?

    /// Takes ownership of `pointer`, which must be a geometry created on `context`.
    init(owning pointer: OpaquePointer, context: GEOSContext) {
        self.pointer = pointer
        self.context = context
        self.parent = nil
    }

    private init(borrowing pointer: OpaquePointer, from parent: GEOSGeometryHandle) {
        self.pointer = pointer
        self.context = parent.context
        self.parent = parent
    }

    deinit {
        if parent == nil { GEOSGeom_destroy_r(context.handle, pointer) }
    }

    var isBorrowed: Bool { parent != nil }

    /// An owned deep copy (useful to outlive or hand over a borrowed child).
    public func clone() throws -> GEOSGeometryHandle {
        // GEOSGeom_clone_r: NULL on error.
        try context.makeGeometry("GEOSGeom_clone_r") { GEOSGeom_clone_r($0, pointer) }
    }

    /// Raw owned copy for constructors that consume their inputs.
    func rawClone() throws -> OpaquePointer {
        try context.rawPointer("GEOSGeom_clone_r") { GEOSGeom_clone_r($0, pointer) }
    }

    /// Checks that two handles share a context: mixing contexts means a handle crossed threads.
    func sameContext(_ other: GEOSGeometryHandle) {
        precondition(other.context === context, "GEOS handles from different contexts (threads?) mixed in one call")
    }

    // MARK: - Structure

    /// The `i`-th part of a collection (the geometry itself for a single geometry). Borrowed.
    public func geometry(at index: Int) throws -> GEOSGeometryHandle {
        // GEOS 3.11 does not bounds-check this index (it dereferences out of range and crashes).
        let count = try numberOfGeometries()
        guard (0..<count).contains(index) else { throw GeometryInputError.indexOutOfRange(index: index, count: count) }
        // GEOSGetGeometryN_r: NULL on error; the child is owned by `self`, never freed by us.
        let child = try context.rawPointer("GEOSGetGeometryN_r") { GEOSGetGeometryN_r($0, pointer, Int32(index)) }
        return GEOSGeometryHandle(borrowing: child, from: self)
    }

    /// All parts of a collection, borrowed.
    public func geometries() throws -> [GEOSGeometryHandle] {
        try (0..<numberOfGeometries()).map { i in
            let child = try context.rawPointer("GEOSGetGeometryN_r") { GEOSGetGeometryN_r($0, pointer, Int32(i)) }
            return GEOSGeometryHandle(borrowing: child, from: self)
        }
    }

    /// The exterior ring of a polygon, borrowed.
    public func exteriorRing() throws -> GEOSGeometryHandle {
        // GEOSGetExteriorRing_r: NULL on error; owned by the polygon.
        let ring = try context.rawPointer("GEOSGetExteriorRing_r") { GEOSGetExteriorRing_r($0, pointer) }
        return GEOSGeometryHandle(borrowing: ring, from: self)
    }

    /// The interior rings (holes) of a polygon, borrowed.
    public func interiorRings() throws -> [GEOSGeometryHandle] {
        context.clearMessages()
        // GEOSGetNumInteriorRings_r: -1 on exception.
        let count = GEOSGetNumInteriorRings_r(context.handle, pointer)
        guard count >= 0 else { throw context.failure("GEOSGetNumInteriorRings_r") }
        return try (0..<Int(count)).map { i in
            // GEOSGetInteriorRingN_r: NULL on error; owned by the polygon.
            let ring = try context.rawPointer("GEOSGetInteriorRingN_r") { GEOSGetInteriorRingN_r($0, pointer, Int32(i)) }
            return GEOSGeometryHandle(borrowing: ring, from: self)
        }
    }
}
