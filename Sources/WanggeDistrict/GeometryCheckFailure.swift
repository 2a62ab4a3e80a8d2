// GEOS sometimes cannot compute an overlay on broken input (a TopologyException). Its message
// names no unit and gives metres in the district's CRS; this says which unit was being checked
// and where, in lon/lat, and what to do.
import Foundation
import WanggeCRS
import WanggeGeometry

public struct GeometryCheckFailure: Error, CustomStringConvertible, Sendable {
    /// What was being checked, e.g. "village 511111001001 老矿社区 and its grids".
    public var unit: String
    /// GEOS's message with its coordinates given as lon, lat.
    public var message: String

    public var description: String {
        "cannot check \(unit): GEOS could not compute the overlay (\(message)); the geometry there is "
            + "broken beyond repair — fix it in QGIS (Vector › Geometry Tools › Check Validity) and run again"
    }

    /// Runs `body`; a GEOS failure comes back naming `unit`, its "at X Y" metres turned into lon/lat.
    static func naming<T>(_ unit: @autoclosure () -> String, toWGS84: CoordinateTransform, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as GEOSError {
            throw GeometryCheckFailure(unit: unit(), message: lonLat(error.message, toWGS84))
        }
    }

    /// "... at 512345.6 3254321.0" → "... at 103.55000, 29.40000".
    static func lonLat(_ message: String, _ toWGS84: CoordinateTransform) -> String {
        let parts = message.components(separatedBy: " at ")
        guard parts.count >= 2 else { return message }
        let numbers = parts[parts.count - 1].split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
        guard numbers.count >= 2, let c = try? toWGS84.transform(Coordinate(numbers[0], numbers[1])) else { return message }
        return parts.dropLast().joined(separator: " at ") + String(format: " at %.5f, %.5f", c.x, c.y)
    }
}
