/// A moment, to the second, as the case desk records it: seconds since 1970-01-01T00:00:00Z.
/// Written as ISO 8601 in China Standard Time (`2025-11-01T08:30:00+08:00`) — one fixed offset,
/// so the text sorts as the moments do (SQLite compares the stored text directly).
/// No Foundation `Date` here: parsing and printing are exact integer arithmetic, the same on
/// every platform and locale.
public struct CaseTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// The offset every stored time is written in (China has one time zone and no summer time).
    public static let offsetSeconds: Int64 = 8 * 3600

    public static func < (a: CaseTime, b: CaseTime) -> Bool { a.seconds < b.seconds }

    public func adding(hours: Double) -> CaseTime {
        CaseTime(seconds: seconds + Int64((hours * 3600).rounded()))
    }

    public func adding(seconds s: Int64) -> CaseTime { CaseTime(seconds: seconds + s) }

    /// `2025-11-01T08:30:00+08:00`
    public var description: String { iso8601 }

    public var iso8601: String {
        let local = seconds + Self.offsetSeconds
        let days = floorDiv(local, 86_400), secs = local - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):\(pad(secs % 60, 2))+08:00"
    }

    /// `2025-11-01T00:30:00.000Z`: UTC with milliseconds, the form a GeoPackage DATETIME column holds.
    public var utcTimestamp: String {
        let days = floorDiv(seconds, 86_400), secs = seconds - days * 86_400
        let (y, m, d) = Self.civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):\(pad(secs % 60, 2)).000Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)` or a plain date `YYYY-MM-DD` (midnight,
    /// +08:00). A time without an offset is refused: it would be ambiguous.
    public init?(iso8601 text: String) {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 10, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), d >= 1, d <= Self.daysIn(month: mo, year: y) else { return nil }
        var secs: Int64 = 0, offset = Self.offsetSeconds, i = 10
        if b.count > 10 {
            guard b[10] == 84 || b[10] == 32, let h = num(11, 2), b.count > 13, b[13] == 58, let mi = num(14, 2),
                  h < 24, mi < 60 else { return nil }
            secs = h * 3600 + mi * 60
            i = 16
            if i < b.count, b[i] == 58 {
                guard let s = num(i + 1, 2), s < 60 else { return nil }
                secs += s
                i += 3
                if i < b.count, b[i] == 46 {  // fractions of a second are dropped (records are to the second)
                    i += 1
                    let start = i
                    while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                    guard i > start else { return nil }
                }
            }
            guard i < b.count else { return nil }
            if b[i] == 90 || b[i] == 122 { offset = 0; i += 1 } else {
                guard b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2),
                      oh <= 14, om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
                i += 6
            }
            guard i == b.count else { return nil }
        }
        seconds = Self.days(fromCivil: y, mo, d) * 86_400 + secs - offset
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, exact for any year).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
