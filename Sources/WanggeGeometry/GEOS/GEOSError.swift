/// A failure reported by GEOS itself, with the message its error handler collected.
public enum GEOSError: Error, Equatable, CustomStringConvertible {
    /// `function` is the GEOS C function that signalled failure (NULL, 0 or 2, per its contract).
    case operationFailed(function: String, message: String)

    public var description: String {
        switch self {
        case .operationFailed(let function, let message):
            "\(function) failed: \(message.isEmpty ? "(GEOS gave no message)" : message)"
        }
    }

    /// GEOS's own message, e.g. "ParseException: Expected word but encountered end of stream".
    public var message: String {
        switch self {
        case .operationFailed(_, let message): message
        }
    }
}

/// A problem found in Swift before a value reaches GEOS. GEOS would either throw a less useful
/// message or, for NaN and unclosed rings in some paths, produce nonsense; we refuse first.
public enum GeometryInputError: Error, Equatable, CustomStringConvertible {
    case ringNotClosed(first: Coordinate, last: Coordinate)
    case tooFewCoordinates(kind: String, required: Int, actual: Int)
    case nonFiniteCoordinate(Coordinate)
    /// A distance or tolerance that is NaN, infinite, or negative where that makes no sense.
    case invalidParameter(name: String, value: Double)
    /// A part index outside 0..<count (GEOS would read out of bounds).
    case indexOutOfRange(index: Int, count: Int)
    /// A GEOS type id this module does not map to a `Geometry` value (should not happen).
    case unsupportedGeometryType(Int32)

    public var description: String {
        switch self {
        case .ringNotClosed(let f, let l): "ring is not closed: first \(f) != last \(l)"
        case .tooFewCoordinates(let kind, let required, let actual):
            "\(kind) needs at least \(required) coordinates, got \(actual)"
        case .nonFiniteCoordinate(let c): "coordinate is not finite: \(c)"
        case .invalidParameter(let name, let value): "invalid \(name): \(value)"
        case .indexOutOfRange(let index, let count): "index \(index) out of range 0..<\(count)"
        case .unsupportedGeometryType(let id): "unsupported GEOS geometry type id \(id)"
        }
    }
}
