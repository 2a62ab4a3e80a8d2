import CGEOS

/// Owns one GEOS reentrant context (`GEOSContextHandle_t`) plus the reader/writer objects that
/// hang off it, so hot loops reuse them instead of creating a context per call.
///
/// Not thread-safe, and deliberately not `Sendable`: GEOS contexts carry mutable state (the
/// collected error message, reader/writer settings) and GEOS does not lock them. Use one context
/// per owner or per thread; every handle made from a context keeps it alive and must stay on the
/// same thread. Swift Testing runs tests in parallel, so each test makes its own context.
public final class GEOSContext {
    let handle: GEOSContextHandle_t

    /// The last message GEOS sent to the error handler since the most recent `clearMessages()`.
    public private(set) var lastError: String?
    /// The last notice (GEOS warnings, e.g. about invalid input to an operation).
    public private(set) var lastNotice: String?

    private var wktReader: OpaquePointer?
    private var wktWriter: OpaquePointer?
    private var wkbReader: OpaquePointer?
    private var wkbWriter: OpaquePointer?

    public init() {
        // GEOS_init_r only fails on out-of-memory; there is nothing sensible to do then.
        guard let handle = GEOS_init_r() else { fatalError("GEOS_init_r returned NULL (out of memory)") }
        self.handle = handle
        // The handlers cannot capture, so `self` travels as userdata. Unretained is safe: GEOS
        // only calls the handler during a call on this context, and `deinit` finishes the context.
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastError = message.map { String(cString: $0) }
        }, userdata)
        GEOSContext_setNoticeMessageHandler_r(handle, { message, userdata in
            guard let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastNotice = message.map { String(cString: $0) }
        }, userdata)
    }

    deinit {
        if let wktReader { GEOSWKTReader_destroy_r(handle, wktReader) }
        if let wktWriter { GEOSWKTWriter_destroy_r(handle, wktWriter) }
        if let wkbReader { GEOSWKBReader_destroy_r(handle, wkbReader) }
        if let wkbWriter { GEOSWKBWriter_destroy_r(handle, wkbWriter) }
        GEOS_finish_r(handle)
    }

    /// Forgets collected messages; every wrapped call does this first so a stale message is never
    /// attached to a later failure.
    public func clearMessages() {
        lastError = nil
        lastNotice = nil
    }

    func failure(_ function: String) -> GEOSError {
        .operationFailed(function: function, message: lastError ?? "")
    }

    // MARK: - Call helpers, one per GEOS error-sentinel convention

    /// For functions returning a new geometry, NULL on error. The result is owned by the caller.
    func makeGeometry(_ function: String, _ body: (GEOSContextHandle_t) -> OpaquePointer?) throws -> GEOSGeometryHandle {
        GEOSGeometryHandle(owning: try rawPointer(function, body), context: self)
    }

    /// For any function returning a new pointer, NULL on error: hands back the raw owned pointer
    /// (for callers that pass it on or wrap it themselves).
    func rawPointer(_ function: String, _ body: (GEOSContextHandle_t) -> OpaquePointer?) throws -> OpaquePointer {
        clearMessages()
        guard let pointer = body(handle) else { throw failure(function) }
        return pointer
    }

    /// For predicates returning `char`: 1 true, 0 false, 2 on exception.
    func predicate(_ function: String, _ body: (GEOSContextHandle_t) -> CChar) throws -> Bool {
        clearMessages()
        switch body(handle) {
        case 1: return true
        case 0: return false
        default: throw failure(function)
        }
    }

    /// For measures writing a double through a pointer and returning `int`: 0 on exception.
    func measure(_ function: String, _ body: (GEOSContextHandle_t, UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        clearMessages()
        var value = 0.0
        guard body(handle, &value) != 0 else { throw failure(function) }
        return value
    }

    /// For functions returning a `char*` that the caller frees with GEOSFree_r; NULL on error.
    func string(_ function: String, _ body: (GEOSContextHandle_t) -> UnsafeMutablePointer<CChar>?) throws -> String {
        clearMessages()
        guard let cString = body(handle) else { throw failure(function) }
        defer { GEOSFree_r(handle, cString) }
        return String(cString: cString)
    }

    // MARK: - WKT / WKB

    /// Parses WKT. Parse errors surface as `GEOSError` carrying GEOS's ParseException message.
    public func geometry(wkt: String) throws -> GEOSGeometryHandle {
        if wktReader == nil { wktReader = GEOSWKTReader_create_r(handle) }
        let reader = wktReader
        // GEOSWKTReader_read_r: NULL on error.
        return try makeGeometry("GEOSWKTReader_read_r") { GEOSWKTReader_read_r($0, reader, wkt) }
    }

    /// Parses WKB (either byte order; ISO or extended flavour).
    public func geometry(wkb: [UInt8]) throws -> GEOSGeometryHandle {
        if wkbReader == nil { wkbReader = GEOSWKBReader_create_r(handle) }
        let reader = wkbReader
        // GEOSWKBReader_read_r: NULL on error.
        return try wkb.withUnsafeBufferPointer { bytes in
            try makeGeometry("GEOSWKBReader_read_r") { GEOSWKBReader_read_r($0, reader, bytes.baseAddress, bytes.count) }
        }
    }

    /// WKT with trailing zeros trimmed; `precision` is the number of decimals, nil for full
    /// precision (shortest round-trip representation).
    func wkt(of geometry: OpaquePointer, precision: Int?) throws -> String {
        if wktWriter == nil {
            wktWriter = GEOSWKTWriter_create_r(handle)
            GEOSWKTWriter_setTrim_r(handle, wktWriter, 1)
            GEOSWKTWriter_setOutputDimension_r(handle, wktWriter, 2)
        }
        let writer = wktWriter
        GEOSWKTWriter_setRoundingPrecision_r(handle, writer, Int32(precision ?? -1))
        // GEOSWKTWriter_write_r: NULL on error; the string is freed with GEOSFree_r.
        return try string("GEOSWKTWriter_write_r") { GEOSWKTWriter_write_r($0, writer, geometry) }
    }

    /// 2-D little-endian ISO WKB.
    func wkb(of geometry: OpaquePointer) throws -> [UInt8] {
        if wkbWriter == nil {
            wkbWriter = GEOSWKBWriter_create_r(handle)
            GEOSWKBWriter_setOutputDimension_r(handle, wkbWriter, 2)
            GEOSWKBWriter_setByteOrder_r(handle, wkbWriter, Int32(GEOS_WKB_NDR.rawValue))
            GEOSWKBWriter_setFlavor_r(handle, wkbWriter, Int32(GEOS_WKB_ISO.rawValue))
        }
        let writer = wkbWriter
        clearMessages()
        var size = 0
        // GEOSWKBWriter_write_r: NULL on error; the buffer is freed with GEOSFree_r.
        guard let buffer = GEOSWKBWriter_write_r(handle, writer, geometry, &size) else {
            throw failure("GEOSWKBWriter_write_r")
        }
        defer { GEOSFree_r(handle, buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: size))
    }
}
