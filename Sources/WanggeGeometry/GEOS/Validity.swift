import CGEOS

/// Why a geometry is invalid, and where (GEOS reports one problem, the first it finds).
public struct ValidityReport: Hashable, Sendable {
    public var isValid: Bool
    /// GEOS's reason, e.g. "Self-intersection"; nil when valid.
    public var reason: String?
    /// Where the problem is; nil when valid.
    public var location: Coordinate?
}

/// What `makeValid` changed. Nothing is repaired silently: callers log or show this.
public struct RepairReport: Hashable, Sendable {
    public var wasValid: Bool
    /// The validity problem of the input (nil when it was valid).
    public var invalidityReason: String?
    public var invalidityLocation: Coordinate?
    public var typeBefore: String
    public var typeAfter: String
    /// Planar area as GEOS computes it; for an invalid input (a bowtie, say) this can be wrong
    /// in exactly the way that made it invalid, which is why both are reported.
    public var areaBefore: Double
    public var areaAfter: Double
    public var partsBefore: Int
    public var partsAfter: Int

    /// True when the repair changed anything measurable.
    public var changedAnything: Bool {
        !wasValid || typeBefore != typeAfter || areaBefore != areaAfter || partsBefore != partsAfter
    }
}

public struct RepairResult {
    public var geometry: GEOSGeometryHandle
    public var report: RepairReport
}

extension GEOSGeometryHandle {
    public func isValid() throws -> Bool {
        // GEOSisValid_r: 2 on exception.
        try context.predicate("GEOSisValid_r") { GEOSisValid_r($0, pointer) }
    }

    /// GEOS's one-line verdict: "Valid Geometry", or e.g. "Self-intersection[1 1]".
    public func validityReason() throws -> String {
        // GEOSisValidReason_r: NULL on exception; freed with GEOSFree_r.
        try context.string("GEOSisValidReason_r") { GEOSisValidReason_r($0, pointer) }
    }

    /// Validity with GEOS's reason and the location of the problem.
    public func validity() throws -> ValidityReport {
        let ctx = context
        ctx.clearMessages()
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        // GEOSisValidDetail_r: 1 valid, 0 invalid, 2 on exception. `reason` is freed with
        // GEOSFree_r and `location` (a point) is owned by the caller.
        let result = GEOSisValidDetail_r(ctx.handle, pointer, 0, &reason, &location)
        defer {
            if let reason { GEOSFree_r(ctx.handle, reason) }
            if let location { GEOSGeom_destroy_r(ctx.handle, location) }
        }
        switch result {
        case 1: return ValidityReport(isValid: true)
        case 0:
            let where_ = try location.flatMap { try GEOSGeometryHandle.borrowedCoordinate(of: $0, context: ctx) }
            return ValidityReport(isValid: false, reason: reason.map { String(cString: $0) }, location: where_)
        default: throw ctx.failure("GEOSisValidDetail_r")
        }
    }

    /// Reads a point's coordinate without taking ownership of it.
    private static func borrowedCoordinate(of point: OpaquePointer, context: GEOSContext) throws -> Coordinate? {
        var x = 0.0, y = 0.0
        // GEOSGeomGetX_r / GEOSGeomGetY_r: 0 on exception (also for an empty point).
        guard GEOSGeomGetX_r(context.handle, point, &x) != 0, GEOSGeomGetY_r(context.handle, point, &y) != 0 else { return nil }
        return Coordinate(x, y)
    }

    /// Repairs the geometry with GEOS's "structure" method (keeps polygon areas, drops collapsed
    /// parts) and reports what changed. A valid input comes back as an unchanged copy.
    public func makeValid() throws -> RepairResult {
        let ctx = context
        let before = try validity()
        let repaired: GEOSGeometryHandle
        if before.isValid {
            repaired = try clone()
        } else {
            ctx.clearMessages()
            // GEOSMakeValidParams_create_r: NULL on error; setters return 0 on exception.
            guard let params = GEOSMakeValidParams_create_r(ctx.handle) else { throw ctx.failure("GEOSMakeValidParams_create_r") }
            defer { GEOSMakeValidParams_destroy_r(ctx.handle, params) }
            guard GEOSMakeValidParams_setMethod_r(ctx.handle, params, GEOS_MAKE_VALID_STRUCTURE) != 0,
                  GEOSMakeValidParams_setKeepCollapsed_r(ctx.handle, params, 0) != 0
            else { throw ctx.failure("GEOSMakeValidParams_set*_r") }
            // GEOSMakeValidWithParams_r: NULL on exception.
            repaired = try ctx.makeGeometry("GEOSMakeValidWithParams_r") { GEOSMakeValidWithParams_r($0, pointer, params) }
        }
        let report = RepairReport(
            wasValid: before.isValid, invalidityReason: before.reason, invalidityLocation: before.location,
            typeBefore: try geometryType(), typeAfter: try repaired.geometryType(),
            areaBefore: try area(), areaAfter: try repaired.area(),
            partsBefore: try numberOfGeometries(), partsAfter: try repaired.numberOfGeometries())
        return RepairResult(geometry: repaired, report: report)
    }
}

extension ValidityReport {
    init(isValid: Bool) { self.init(isValid: isValid, reason: nil, location: nil) }
}
