// The only file that talks to PROJ. Each object owns its own PJ_CONTEXT: PROJ contexts are not
// thread-safe, and Swift Testing (like any caller) may run work in parallel.
import CPROJ
import Synchronization
import WanggeGeometry

/// Owns one PROJ context. Not Sendable on purpose: a PJ_CONTEXT must be used by one thread at a
/// time, so each owner (a transformer, a task) makes its own.
final class PROJContext {
    let handle: OpaquePointer
    /// Messages PROJ logged since the last `takeMessages()`; PROJ's errno strings are generic
    /// ("Unknown error"), its log lines say *what* was wrong ("crs not found: EPSG:999999").
    private let log = LogBuffer()

    init() {
        // proj_context_create returns NULL only when out of memory.
        handle = proj_context_create()!
        // Route PROJ's error log to us instead of stderr; the text ends up in CRSError.
        proj_log_level(handle, PJ_LOG_ERROR)
        proj_log_func(handle, Unmanaged.passUnretained(log).toOpaque()) { data, _, message in
            guard let data, let message else { return }
            Unmanaged<LogBuffer>.fromOpaque(data).takeUnretainedValue().lines.append(String(cString: message))
        }
    }

    deinit { proj_context_destroy(handle) }

    /// PROJ's errno text for `code`, plus anything it logged, then clears both.
    func errorMessage(code: Int32) -> String {
        var parts: [String] = []
        if !log.lines.isEmpty { parts.append(log.lines.joined(separator: "; ")) }
        if code != 0, let s = proj_context_errno_string(handle, code) {
            let text = String(cString: s)
            if !parts.contains(where: { $0.contains(text) }) { parts.append(text) }
        }
        log.lines.removeAll()
        return parts.isEmpty ? "unknown PROJ error" : parts.joined(separator: " — ")
    }

    /// X, Y, Z from the earth's centre (EPSG:4978 and the like): no 2-D coordinate stands for it.
    func isGeocentric(_ crs: CRS) throws(CRSError) -> Bool {
        guard crs.projDefinition != nil else { return false }
        return try withCRS(crs) { pj in proj_get_type(pj) == PJ_TYPE_GEOCENTRIC_CRS }
    }

    /// PROJ's object for `crs` (one with a PROJ definition), alive for the duration of `body`.
    private func withCRS<T>(_ crs: CRS, _ body: (OpaquePointer) throws(CRSError) -> T) throws(CRSError) -> T {
        guard let def = crs.projDefinition, let pj = proj_create(handle, def) else {
            throw .projCreationFailed(source: crs.description, target: crs.description,
                                      message: errorMessage(code: proj_context_errno(handle)))
        }
        defer { proj_destroy(pj) }
        return try body(pj)
    }

    /// `crs` as ESRI WKT1, the dialect of the `.prj` files GDAL reads beside rasters and shapefiles;
    /// `name` replaces PROJ's "unknown" for a CRS given as a PROJ string.
    func esriWKT(_ crs: CRS, name: String?) throws(CRSError) -> String {
        let text: String? = try withCRS(crs) { pj in
            var renamed: OpaquePointer?
            if let name { renamed = proj_alter_name(handle, pj, name) }
            defer { if let renamed { proj_destroy(renamed) } }
            // proj_as_wkt returns NULL when the object cannot be expressed in the dialect.
            return proj_as_wkt(handle, renamed ?? pj, PJ_WKT1_ESRI, nil).map { String(cString: $0) }
        }
        guard let text else {
            throw .projCreationFailed(source: crs.description, target: "ESRI WKT",
                                      message: errorMessage(code: proj_context_errno(handle)))
        }
        return text
    }

    /// True when PROJ finds the two CRSs equivalent, or when both come out as the same PROJ
    /// string. Why both: PROJ compares datum *names*, and a CRS read back from ESRI WKT has
    /// "D_Unknown_based_on_GRS80_ellipsoid" where the PROJ string's has "Unknown based on GRS80
    /// ellipsoid" — the same ellipsoid, no datum shift, but not "equivalent". The PROJ string
    /// keeps what positions depend on (ellipsoid, datum shift, projection, parameters, units) and
    /// drops the names.
    func isEquivalent(_ a: CRS, _ b: CRS) throws(CRSError) -> Bool {
        try withCRS(a) { (pa: OpaquePointer) throws(CRSError) -> Bool in
            try withCRS(b) { (pb: OpaquePointer) -> Bool in
                if proj_is_equivalent_to_with_ctx(handle, pa, pb, PJ_COMP_EQUIVALENT) != 0 { return true }
                // proj_as_proj_string returns NULL for what has no PROJ string (some datums).
                guard let sa = proj_as_proj_string(handle, pa, PJ_PROJ_5, nil).map({ String(cString: $0) }),
                      let sb = proj_as_proj_string(handle, pb, PJ_PROJ_5, nil).map({ String(cString: $0) })
                else { return false }
                return sa == sb
            }
        }
    }

    func isGeographic(_ crs: CRS) throws(CRSError) -> Bool {
        guard crs.projDefinition != nil else { return true }
        return try withCRS(crs) { pj in geographic(pj) }
    }

    private func geographic(_ pj: OpaquePointer) -> Bool {
        switch proj_get_type(pj) {
        case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS, PJ_TYPE_GEOGRAPHIC_CRS: return true
        case PJ_TYPE_COMPOUND_CRS, PJ_TYPE_BOUND_CRS:
            // Look at the horizontal part.
            guard let sub = proj_crs_get_sub_crs(handle, pj, 0) ?? proj_get_source_crs(handle, pj) else { return false }
            defer { proj_destroy(sub) }
            let t = proj_get_type(sub)
            return t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS || t == PJ_TYPE_GEOGRAPHIC_CRS
        default: return false
        }
    }
}

private final class LogBuffer { var lines: [String] = [] }

/// The operation PROJ chose for each (source, target) pair already set up in this process, as the
/// PROJ string of the normalised pipeline. Why: `proj_create_crs_to_crs` looks both CRSs and the
/// candidate operations up in proj.db on a fresh context every time (7–10 ms; an edit of the plan
/// made five of them); creating the chosen pipeline from its string takes about 0.1 ms, and it is
/// the same operation — PROJ instantiates every operation from its PROJ string. Only a single
/// operation is kept: a set of alternatives (chosen point by point by area of use) has no PROJ
/// string and is looked up afresh each time. Strings only, so the cache is shared by threads;
/// every transformer still owns its context.
enum PROJOperations {
    private static let pipelines = Mutex<[String: String]>([:])

    private static func key(_ source: String, _ target: String) -> String { source + "\u{1}" + target }

    static func pipeline(from source: String, to target: String) -> String? {
        pipelines.withLock { $0[key(source, target)] }
    }

    static func remember(_ pj: OpaquePointer, from source: String, to target: String, context: PROJContext) {
        // proj_as_proj_string returns NULL for what has no PROJ string (a set of alternatives);
        // the message it logs is not an error of the caller's.
        guard let text = proj_as_proj_string(context.handle, pj, PJ_PROJ_5, nil) else {
            _ = context.errorMessage(code: 0)
            proj_errno_reset(pj)
            return
        }
        let pipeline = String(cString: text)
        pipelines.withLock { $0[key(source, target)] = pipeline }
    }

    /// Forgets every pipeline (tests: the first set-up of a pair again).
    static func reset() { pipelines.withLock { $0.removeAll() } }
}

/// A PROJ transformation between two PROJ-known CRSs, with lon/lat (x/y) axis order on both
/// sides. Not Sendable: it owns a PJ_CONTEXT; make one per thread or task.
///
/// WGS-84 ↔ CGCS2000: EPSG has no transformation between them, so PROJ uses its no-shift
/// "ballpark" step. The two datums agree to within about a metre in China, which is well below
/// what GCJ-02 source data or district outlines can resolve.
public final class PROJTransformer {
    public let source: CRS
    public let target: CRS
    private let context: PROJContext
    private let pj: OpaquePointer

    /// Throws `CRSError.projCreationFailed` with PROJ's message if either CRS is unknown or no
    /// transformation exists; GCJ-02 / BD-09 are rejected (use `CoordinateTransform`).
    public init(from source: CRS, to target: CRS) throws(CRSError) {
        self.source = source
        self.target = target
        let context = PROJContext()
        self.context = context
        guard let s = source.projDefinition, let t = target.projDefinition else {
            throw .projCreationFailed(source: source.description, target: target.description,
                                      message: "GCJ-02 and BD-09 are not PROJ CRSs; use CoordinateTransform")
        }
        if let pipeline = PROJOperations.pipeline(from: s, to: t), let pj = proj_create(context.handle, pipeline) {
            self.pj = pj
            return
        }
        guard let raw = proj_create_crs_to_crs(context.handle, s, t, nil) else {
            throw .projCreationFailed(source: source.description, target: target.description,
                                      message: context.errorMessage(code: proj_context_errno(context.handle)))
        }
        // EPSG:4326 is lat/lon and EPSG:4544 northing/easting; normalising makes both x-first.
        let normalized = proj_normalize_for_visualization(context.handle, raw)
        proj_destroy(raw)
        guard let normalized else {
            throw .projCreationFailed(source: source.description, target: target.description,
                                      message: context.errorMessage(code: proj_context_errno(context.handle)))
        }
        pj = normalized
        PROJOperations.remember(normalized, from: s, to: t, context: context)
    }

    deinit { proj_destroy(pj) }

    /// Transforms one coordinate; throws with PROJ's message when PROJ returns infinity.
    public func transform(_ c: Coordinate) throws(CRSError) -> Coordinate {
        guard c.x.isFinite, c.y.isFinite else { throw .nonFiniteCoordinate(c) }
        proj_errno_reset(pj)
        let out = proj_trans(pj, PJ_FWD, proj_coord(c.x, c.y, 0, 0))
        let r = Coordinate(out.xy.x, out.xy.y)
        guard r.x.isFinite, r.y.isFinite else {
            throw .transformFailed(input: c, message: context.errorMessage(code: proj_errno(pj)))
        }
        return r
    }

    /// Transforms many coordinates in one `proj_trans_generic` call. Any failure throws,
    /// naming the first input coordinate PROJ could not transform.
    public func transform(_ cs: [Coordinate]) throws(CRSError) -> [Coordinate] {
        if let bad = cs.first(where: { !$0.x.isFinite || !$0.y.isFinite }) { throw .nonFiniteCoordinate(bad) }
        let n = cs.count
        if n == 0 { return [] }
        var xs = cs.map(\.x), ys = cs.map(\.y)
        let stride = MemoryLayout<Double>.stride
        proj_errno_reset(pj)
        xs.withUnsafeMutableBufferPointer { xp in
            ys.withUnsafeMutableBufferPointer { yp in
                _ = proj_trans_generic(pj, PJ_FWD, xp.baseAddress, stride, n,
                                       yp.baseAddress, stride, n, nil, 0, 0, nil, 0, 0)
            }
        }
        var result: [Coordinate] = []
        result.reserveCapacity(n)
        for i in 0..<n {
            guard xs[i].isFinite, ys[i].isFinite else {
                throw .transformFailed(input: cs[i], message: context.errorMessage(code: proj_errno(pj)))
            }
            result.append(Coordinate(xs[i], ys[i]))
        }
        return result
    }

    /// Transforms every coordinate of a geometry, keeping its structure. Each ring or line goes through the batch
    /// transform at once.
    public func transform(_ g: Geometry) throws(CRSError) -> Geometry {
        try g.mapSequences { (cs: [Coordinate]) throws(CRSError) -> [Coordinate] in try transform(cs) }
    }
}
