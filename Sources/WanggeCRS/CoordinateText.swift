import Foundation
import WanggeGeometry

/// The cs2cs-like text format of `wangge crs`: one `lon,lat` (or whitespace-separated) pair per
/// line, extra columns passed through. Lives here rather than in the CLI so it can be tested.
public enum CoordinateText {
    public enum Line: Equatable, Sendable {
        /// Blank or `#` comment: echo nothing.
        case skip
        case coordinate(Coordinate, rest: [String])
    }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Parses one input line. Comma-separated if it contains a comma, otherwise whitespace.
    public static func parse(_ line: String) throws(ParseError) -> Line {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return .skip }
        let fields: [String] = trimmed.contains(",")
            ? trimmed.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            : trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count >= 2 else {
            throw ParseError(message: "expected 'lon,lat' (two numbers), got '\(trimmed)'")
        }
        guard let x = Double(fields[0]), x.isFinite else {
            throw ParseError(message: "longitude/x '\(fields[0])' is not a finite number")
        }
        guard let y = Double(fields[1]), y.isFinite else {
            throw ParseError(message: "latitude/y '\(fields[1])' is not a finite number")
        }
        return .coordinate(Coordinate(x, y), rest: Array(fields.dropFirst(2)))
    }

    /// `x,y[,rest…]` with `decimals` digits after the point.
    public static func format(_ c: Coordinate, rest: [String] = [], decimals: Int) -> String {
        let f = "%.\(max(0, decimals))f"
        return ([String(format: f, c.x), String(format: f, c.y)] + rest).joined(separator: ",")
    }
}
