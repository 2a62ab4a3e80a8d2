// The district's terrain: a north-up elevation raster read from an ESRI ASCII Grid (`.asc`, with
// its CRS in a `.prj` beside it, as GDAL and QGIS read it), bilinear elevation at any point, and
// walking time over the terrain by Tobler's hiking function.
import Foundation
import WanggeCRS
import WanggeGeometry
import WanggeIO

/// A north-up elevation raster in metres. Cell (column, row) covers
/// [minX + column·cellSize, minX + (column+1)·cellSize] × [maxY − (row+1)·cellSize, maxY − row·cellSize]:
/// row 0 is the northern edge, as in the file. Coordinates are x/y in the raster's CRS (`crs`,
/// from the `.prj`; the district's metric CRS, in metres).
///
/// See also `DistrictBoundaries.elevation` (the bundled `boundaries/elevation.asc`) and `Tobler`.
public struct ElevationModel: Sendable {
    public let columns: Int
    public let rows: Int
    /// West edge of the raster (x of the lower-left corner).
    public let minX: Double
    /// South edge of the raster (y of the lower-left corner).
    public let minY: Double
    public let cellSize: Double
    /// The NODATA value as the file states it (nil when the header has none).
    public let noData: Double?
    /// Row-major, northern row first; NODATA cells hold NaN.
    public let values: [Double]
    /// The CRS from the `.prj` (ESRI WKT as GDAL writes and reads it), nil without one.
    public let crs: CRS?

    /// How far from a cell centre, in cells, a position still counts as the centre: rounding
    /// error of the coordinates (16 units in the last place of the largest) over the cell size,
    /// at least 10⁻⁹ and at most 10⁻² of a cell.
    let centreTolerance: Double

    public var maxX: Double { minX + Double(columns) * cellSize }
    public var maxY: Double { minY + Double(rows) * cellSize }
    public var extent: Envelope { Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY) }

    /// `values` row-major from the north, NaN for NODATA. Throws when sizes disagree, the cell
    /// size is not positive, or the corner is so far from 0 that cells cannot be told apart.
    public init(columns: Int, rows: Int, minX: Double, minY: Double, cellSize: Double, noData: Double? = -9999,
                values: [Double], crs: CRS? = nil) throws(ElevationModelError) {
        guard columns > 0, rows > 0, values.count == columns * rows else {
            throw ElevationModelError(kind: .header, message: "\(values.count) values for \(columns) × \(rows) cells")
        }
        guard cellSize > 0, cellSize.isFinite, minX.isFinite, minY.isFinite else {
            throw ElevationModelError(kind: .header, message: "cell size \(cellSize) and corner (\(minX), \(minY)) must be finite, the cell size > 0")
        }
        // The far edges must be representable: a corner at 1e300 with 1 m cells has no room for them.
        let spanX = (minX + Double(columns) * cellSize - minX) / cellSize, spanY = (minY + Double(rows) * cellSize - minY) / cellSize
        guard abs(spanX - Double(columns)) < 0.5, abs(spanY - Double(rows)) < 0.5 else {
            throw ElevationModelError(kind: .header, message: "cells of \(cellSize) cannot be told apart at (\(minX), \(minY)): the corner is too far from 0 for this cell size")
        }
        self.columns = columns
        self.rows = rows
        self.minX = minX
        self.minY = minY
        self.cellSize = cellSize
        self.noData = noData
        self.values = values
        self.crs = crs
        let largest = max(abs(minX), abs(minY), abs(minX + Double(columns) * cellSize), abs(minY + Double(rows) * cellSize))
        centreTolerance = min(1e-2, max(1e-9, 16 * largest.ulp / cellSize))
    }

    // MARK: cells

    /// The centre of cell (column, row).
    public func centre(column: Int, row: Int) -> Coordinate {
        Coordinate(minX + (Double(column) + 0.5) * cellSize, maxY - (Double(row) + 0.5) * cellSize)
    }

    /// The cell's value, nil for NODATA or outside the raster.
    public func value(column: Int, row: Int) -> Double? {
        guard column >= 0, row >= 0, column < columns, row < rows else { return nil }
        let v = values[row * columns + column]
        return v.isNaN ? nil : v
    }

    /// The cell that contains `p` (a point on the shared edge of two cells belongs to the eastern
    /// / southern one, the last column and row keep their outer edges), nil outside.
    public func cell(containing p: Coordinate) -> (column: Int, row: Int)? {
        let fx = (p.x - minX) / cellSize, fy = (maxY - p.y) / cellSize
        // Written so that NaN is outside too.
        guard p.x >= minX, p.x <= maxX, p.y >= minY, p.y <= maxY, fx >= 0, fy >= 0,
              fx <= Double(columns), fy <= Double(rows) else { return nil }
        return (min(columns - 1, Int(fx)), min(rows - 1, Int(fy)))
    }

    // MARK: elevation

    /// Bilinear elevation between the four cell centres around `p`; exactly the cell's value at a
    /// cell centre. Within half a cell of the raster's edge the edge cells' values are extended
    /// outward. Nil outside the raster or when the cell containing `p` is NODATA; a NODATA
    /// neighbour is left out and the others' weights rescaled (as GDAL's bilinear resampling does).
    ///
    /// Example: with cells 100 and 200 side by side (100 m), the point 25 m east of the first
    /// centre gives 125.
    public func elevation(at p: Coordinate) -> Double? {
        guard let home = cell(containing: p), value(column: home.column, row: home.row) != nil else { return nil }
        // Within rounding error of a centre is the centre: with a cell size or corner that binary
        // fractions cannot hold (1.81 m cells, a corner at 0.4), `centre(column:row:)` lands a few
        // units in the last place of the coordinates off it, and the lerp would give
        // 199.99999999999997 for a cell of 200. (10⁻⁹ of a cell for the bundled raster.)
        func snapped(_ f: Double) -> Double { abs(f - f.rounded()) < centreTolerance ? f.rounded() : f }
        let fx = min(max(snapped((p.x - minX) / cellSize - 0.5), 0), Double(columns - 1))
        let fy = min(max(snapped((maxY - p.y) / cellSize - 0.5), 0), Double(rows - 1))
        let c0 = Int(fx.rounded(.down)), r0 = Int(fy.rounded(.down))
        let c1 = min(c0 + 1, columns - 1), r1 = min(r0 + 1, rows - 1)
        let tx = fx - Double(c0), ty = fy - Double(r0)
        let v00 = values[r0 * columns + c0], v10 = values[r0 * columns + c1]
        let v01 = values[r1 * columns + c0], v11 = values[r1 * columns + c1]
        if !(v00.isNaN || v10.isNaN || v01.isNaN || v11.isNaN) {
            // As two lerps: exact at cell centres and on constant ground (no weight sum to divide by).
            let north = v00 + tx * (v10 - v00), south = v01 + tx * (v11 - v01)
            return north + ty * (south - north)
        }
        var sum = 0.0, weight = 0.0
        for (c, r, w) in [(c0, r0, (1 - tx) * (1 - ty)), (c1, r0, tx * (1 - ty)), (c0, r1, (1 - tx) * ty), (c1, r1, tx * ty)] where w > 0 {
            let v = values[r * columns + c]
            if v.isNaN { continue }
            sum += w * v
            weight += w
        }
        return weight > 0 ? sum / weight : nil
    }

    /// Rise over run between two points: (elevation(b) − elevation(a)) / horizontal distance;
    /// positive uphill. Nil when either elevation is unknown or the points coincide.
    public func slope(from a: Coordinate, to b: Coordinate) -> Double? {
        let run = hypot(b.x - a.x, b.y - a.y)
        guard run > 0, let za = elevation(at: a), let zb = elevation(at: b) else { return nil }
        return (zb - za) / run
    }

    /// Walking along `line` (x/y in the raster's CRS, metres): the line is cut into pieces of at
    /// most `spacing` metres (each segment into equal pieces), the elevation taken at both ends of
    /// each piece, and each piece walked at Tobler's speed for its slope. A piece with an end off
    /// the raster or on NODATA is walked as flat and counted in `metresWithoutElevation`.
    public func walk(along line: [Coordinate], spacing: Double = 25) -> Walk {
        var w = Walk()
        guard line.count >= 2, spacing > 0 else { return w }
        var previous = (point: line[0], z: elevation(at: line[0]))
        for k in 1..<line.count {
            let a = line[k - 1], b = line[k]
            let length = hypot(b.x - a.x, b.y - a.y)
            guard length > 0, length.isFinite else { continue }
            // (At most a million pieces a segment: 25,000 km at 25 m.)
            let pieces = max(1, Int(min(1_000_000, (length / spacing).rounded(.up))))
            let step = length / Double(pieces)
            for i in 1...pieces {
                let t = Double(i) / Double(pieces)
                let p = i == pieces ? b : Coordinate(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
                let z = elevation(at: p)
                var slope = 0.0
                if let z0 = previous.z, let z {
                    slope = (z - z0) / step
                    if z > z0 { w.ascent += z - z0 } else { w.descent += z0 - z }
                } else {
                    w.metresWithoutElevation += step
                }
                w.metres += step
                w.seconds += step / (Tobler.speed(slope: slope) / 3.6)
                previous = (p, z)
            }
        }
        return w
    }

    /// A walk over the terrain: horizontal length, time, climb and descent.
    public struct Walk: Sendable, Equatable {
        /// Horizontal (map) length, metres.
        public var metres = 0.0
        /// Walking time by Tobler's hiking function, seconds.
        public var seconds = 0.0
        /// Metres climbed and descended, summed over the pieces.
        public var ascent = 0.0
        public var descent = 0.0
        /// Metres walked as flat because an end of the piece had no elevation.
        public var metresWithoutElevation = 0.0
        public init() {}
        /// Mean speed, km/h.
        public var kilometresPerHour: Double { seconds > 0 ? metres / seconds * 3.6 : 0 }
    }
}

/// Tobler's hiking function (Tobler 1993): walking speed on a slope,
/// v = 6·exp(−3.5·|dh/dx + 0.05|) km/h, fastest (6 km/h) on a gentle descent of 5 %, 5.04 km/h on
/// the flat, and slower uphill than downhill on the same steep slope.
public enum Tobler {
    /// Speed in km/h for a slope dh/dx (rise over horizontal run; negative downhill).
    public static func speed(slope: Double) -> Double {
        6 * exp(-3.5 * abs(slope + 0.05))
    }
}

// MARK: - ESRI ASCII Grid

extension ElevationModel {
    /// Reads an ESRI ASCII Grid and, when there is one, the `.prj` beside it (same name, `.prj`).
    /// Errors name the file, the line and the header field or cell.
    public static func load(path: String) throws(ElevationModelError) -> ElevationModel {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(path) } catch {
            throw ElevationModelError(kind: .io, file: path, message: error.description)
        }
        let prjPath = (path as NSString).deletingPathExtension + ".prj"
        var crs: CRS?
        if FileManager.default.fileExists(atPath: prjPath) {
            do {
                let text = String(decoding: try InputFile.read(prjPath, limit: 1 << 20), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { throw ElevationModelError(kind: .crs, file: prjPath, message: "the file is empty") }
                crs = .proj(text)
            } catch let e as ElevationModelError {
                throw e
            } catch {
                throw ElevationModelError(kind: .io, file: prjPath, message: "\(error)")
            }
        }
        return try ElevationModel(asciiGrid: bytes, file: path, crs: crs)
    }

    /// Parses an ESRI ASCII Grid: the header (`ncols`, `nrows`, `xllcorner`|`xllcenter`,
    /// `yllcorner`|`yllcenter`, `cellsize`, optional `NODATA_value`, in this order, keywords in any
    /// case) and then one line per row, northern row first, values separated by spaces or tabs.
    /// Blank lines after the last row are allowed; LF or CRLF.
    public init(asciiGrid bytes: [UInt8], file: String? = nil, crs: CRS? = nil) throws(ElevationModelError) {
        var parser = ASCIIGridParser(bytes: bytes, file: file)
        let header = try parser.header()
        let values = try parser.rows(header)
        do {
            self = try ElevationModel(columns: header.columns, rows: header.rows, minX: header.minX, minY: header.minY,
                                      cellSize: header.cellSize, noData: header.noData, values: values, crs: crs)
        } catch {
            // Only the header's numbers can be wrong by now (the corner and the cell size).
            throw ElevationModelError(kind: .header, file: file, field: "cellsize", message: error.message)
        }
    }

    /// The raster as an ESRI ASCII Grid: header with `xllcorner`/`yllcorner`, one line per row,
    /// values with `decimals` decimals (NODATA cells written as the header's NODATA value, −9999
    /// when there is none; no NODATA line when there is neither a value nor a NODATA cell).
    /// Deterministic: the same model gives the same bytes.
    public func asciiGrid(decimals: Int = 0) -> String {
        func number(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        }
        let nodata = noData ?? -9999
        var out = "ncols \(columns)\nnrows \(rows)\nxllcorner \(number(minX))\nyllcorner \(number(minY))\n"
        out += "cellsize \(number(cellSize))\n"
        // Without a NODATA value and without NODATA cells, no NODATA line (as it was read).
        if noData != nil || values.contains(where: \.isNaN) { out += "NODATA_value \(number(nodata))\n" }
        out.reserveCapacity(out.utf8.count + values.count * (decimals + 5))
        let format = "%.\(max(0, decimals))f"
        for r in 0..<rows {
            for c in 0..<columns {
                if c > 0 { out += " " }
                let v = values[r * columns + c]
                if v.isNaN {
                    out += number(nodata)
                } else if decimals <= 0 && abs(v) < 1e15 {
                    out += String(Int64(v.rounded()))
                } else {
                    out += String(format: format, v)
                }
            }
            out += "\n"
        }
        return out
    }
}

/// What is wrong with an elevation raster: the file, the 1-based line, the header field or cell,
/// and what was expected.
public struct ElevationModelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file could not be read.
        case io
        /// A missing, misplaced or malformed header field.
        case header
        /// A row with too few or too many values, a value that is not a number, rows missing.
        case data
        /// The `.prj` is empty, unreadable by PROJ, or not the district's CRS.
        case crs
    }

    public var kind: Kind
    public var file: String?
    public var line: Int?
    /// The header keyword (`ncols`, `cellsize` …) or the cell (`row 3, column 17`).
    public var field: String?
    public var message: String

    public init(kind: Kind, file: String? = nil, line: Int? = nil, field: String? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `boundaries/elevation.asc: line 9, row 3, column 17: "12a" is not a number`
    public var description: String {
        var where_ = [String]()
        if let line { where_.append("line \(line)") }
        if let field { where_.append(field) }
        let place = where_.isEmpty ? "" : where_.joined(separator: ", ") + ": "
        return "\(file ?? "elevation raster"): \(place)\(message)"
    }
}

/// The ESRI ASCII Grid reader behind `ElevationModel(asciiGrid:)`: a byte scanner that keeps the
/// line number for errors; whole numbers are read without going through strings (the bundled
/// grid is ~100,000 of them), anything else through `Double(String)` (correctly rounded).
private struct ASCIIGridParser {
    struct Header {
        var columns = 0, rows = 0
        var minX = 0.0, minY = 0.0, cellSize = 0.0
        var noData: Double?
    }

    let bytes: [UInt8]
    let file: String?
    var position = 0
    var line = 1

    init(bytes: [UInt8], file: String?) {
        self.bytes = bytes
        self.file = file
        // A UTF-8 byte-order mark (Windows editors) is skipped.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    func error(_ kind: ElevationModelError.Kind, line: Int? = nil, field: String? = nil, _ message: String) -> ElevationModelError {
        ElevationModelError(kind: kind, file: file, line: line ?? self.line, field: field, message: message)
    }

    /// The tokens of the next line (spaces, tabs and a trailing CR separate them), nil at the end.
    mutating func nextLine() -> [ArraySlice<UInt8>]? {
        guard position < bytes.count else { return nil }
        var tokens: [ArraySlice<UInt8>] = []
        var start = -1
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x0A { break }
            if b == 0x20 || b == 0x09 || b == 0x0D {
                if start >= 0 { tokens.append(bytes[start..<position]); start = -1 }
            } else if start < 0 {
                start = position
            }
            position += 1
        }
        if start >= 0 { tokens.append(bytes[start..<position]) }
        return tokens
    }

    /// Moves past the newline that ended the line just read.
    mutating func endLine() {
        if position < bytes.count { position += 1; line += 1 }
    }

    static func text(_ t: ArraySlice<UInt8>) -> String { String(decoding: t, as: UTF8.self) }

    /// A finite number, or nil. Whole numbers of up to 15 digits are exact without strtod.
    static func number(_ t: ArraySlice<UInt8>) -> Double? {
        var i = t.startIndex
        var negative = false
        if i < t.endIndex, t[i] == 0x2D || t[i] == 0x2B { negative = t[i] == 0x2D; i += 1 }
        if i < t.endIndex, t.endIndex - i <= 15 {
            var n: Int64 = 0
            var j = i
            while j < t.endIndex, t[j] >= 0x30, t[j] <= 0x39 { n = n * 10 + Int64(t[j] - 0x30); j += 1 }
            if j == t.endIndex { return Double(negative ? -n : n) }
        }
        // Anything else — decimals, exponents — through the correctly rounded conversion; "nan",
        // "inf" and hexadecimal floats are not numbers in a grid.
        guard t.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }),
              let v = Double(text(t)), v.isFinite
        else { return nil }
        return v
    }

    mutating func header() throws(ElevationModelError) -> Header {
        var h = Header()
        // (keyword, alternative, required)
        let fields: [(String, String?, Bool)] = [("ncols", nil, true), ("nrows", nil, true), ("xllcorner", "xllcenter", true),
                                                  ("yllcorner", "yllcenter", true), ("cellsize", nil, true), ("nodata_value", nil, false)]
        var xCentre = false, yCentre = false
        var k = 0
        while k < fields.count {
            let start = position, startLine = line
            guard let tokens = nextLine() else {
                throw error(.header, field: fields[k].0, "the file ends before the header's \(fields[k].0)")
            }
            if tokens.isEmpty { endLine(); continue }
            let keyword = Self.text(tokens[0]).lowercased()
            let (name, alternative, required) = fields[k]
            guard keyword == name || keyword == alternative else {
                if !required {
                    // No NODATA_value: this line is the first row; read it again as data.
                    position = start; line = startLine
                    break
                }
                if keyword == "dx" || keyword == "dy" {
                    throw error(.header, field: keyword, "cells must be square (one cellsize); dx/dy are not supported")
                }
                if fields.contains(where: { $0.0 == keyword || $0.1 == keyword }) {
                    throw error(.header, field: keyword, "expected \(name) here, found \(keyword): the header's order is ncols, nrows, xllcorner, yllcorner, cellsize, NODATA_value")
                }
                throw error(.header, field: name, "expected \(name)\(alternative.map { " or \($0)" } ?? ""), found \"\(Self.text(tokens[0]))\"")
            }
            guard tokens.count == 2 else {
                throw error(.header, field: keyword, tokens.count < 2 ? "\(keyword) has no value" : "\(keyword) takes one value, found \(tokens.count - 1)")
            }
            let raw = Self.text(tokens[1])
            guard let v = Self.number(tokens[1]) else { throw error(.header, field: keyword, "\"\(raw)\" is not a number") }
            switch k {
            case 0, 1:
                guard v == v.rounded(), v >= 1, v <= 1_000_000 else {
                    throw error(.header, field: keyword, "\"\(raw)\" is not a whole number of \(k == 0 ? "columns" : "rows") (1 to 1,000,000)")
                }
                if k == 0 { h.columns = Int(v) } else { h.rows = Int(v) }
            case 2: h.minX = v; xCentre = keyword == "xllcenter"
            case 3: h.minY = v; yCentre = keyword == "yllcenter"
            case 4:
                guard v > 0 else { throw error(.header, field: keyword, "the cell size must be > 0, not \(raw)") }
                h.cellSize = v
            default: h.noData = v
            }
            endLine()
            k += 1
        }
        guard h.columns * h.rows <= 50_000_000 else {
            throw error(.header, line: nil, field: "ncols", "\(h.columns) × \(h.rows) cells is more than this reader takes (50 million)")
        }
        // A centre-registered header names the centre of the lower-left cell.
        if xCentre { h.minX -= h.cellSize / 2 }
        if yCentre { h.minY -= h.cellSize / 2 }
        return h
    }

    mutating func rows(_ h: Header) throws(ElevationModelError) -> [Double] {
        var values = [Double]()
        // Never more than the bytes left could hold (two bytes a value): a header promising a
        // billion cells in a short file is answered at the line where the values run out.
        values.reserveCapacity(min(h.columns * h.rows, (bytes.count - position) / 2 + 1))
        var row = 0
        while row < h.rows {
            guard let tokens = nextLine() else {
                throw error(.data, field: "row \(row + 1)", "the file ends after \(row) of \(h.rows) rows")
            }
            if tokens.isEmpty {
                if position >= bytes.count { throw error(.data, field: "row \(row + 1)", "the file ends after \(row) of \(h.rows) rows") }
                throw error(.data, field: "row \(row + 1)", "blank line inside the grid (row \(row + 1) of \(h.rows) expected)")
            }
            guard tokens.count == h.columns else {
                throw error(.data, field: "row \(row + 1)",
                            "\(tokens.count) values, expected \(h.columns) (ncols): the reader takes one row per line")
            }
            for (c, t) in tokens.enumerated() {
                guard let v = Self.number(t) else {
                    throw error(.data, field: "row \(row + 1), column \(c + 1)", "\"\(Self.text(t))\" is not a number")
                }
                values.append(v == h.noData ? .nan : v)
            }
            endLine()
            row += 1
        }
        while let tokens = nextLine() {
            guard tokens.isEmpty else {
                throw error(.data, field: "row \(h.rows + 1)", "more rows than nrows (\(h.rows))")
            }
            endLine()
            if position >= bytes.count { break }
        }
        return values
    }
}
