// The team's roster: who can be put on a grid, from which village, for how many hours a week.
// Rows are read as text fields here (decoding bytes is the caller's: WanggeTeam's RosterFile);
// a missing column is an error, a bad row a warning naming the line and the field, the row
// skipped and counted — never a crash.
import WanggeIO

/// What a member of the team is (the seed article: 204 grid workers, 网格管理员, and a team of
/// 2,200+ drawn from village cadres, group leaders, social workers and retired cadres).
public enum StaffRole: String, Sendable, CaseIterable, Codable, Comparable {
    /// 网格管理员: one on each grid, full time.
    case gridWorker = "grid_worker"
    /// 村/社区干部 (the two committees).
    case villageCadre = "village_cadre"
    /// 村民小组长 / 居民小组长.
    case groupLeader = "group_leader"
    /// 社工.
    case socialWorker = "social_worker"
    /// 退休干部.
    case retiredCadre = "retired_cadre"

    public static func < (a: StaffRole, b: StaffRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One row of a roster.
public struct RosterEntry: Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: StaffRole
    /// The 12-digit code of the village or community the person lives in.
    public var homeVillageCode: String
    public var phone: String
    /// Hours a week the person can give to grid work.
    public var hoursPerWeek: Double

    public init(id: String, name: String, role: StaffRole, homeVillageCode: String, phone: String, hoursPerWeek: Double) {
        self.id = id; self.name = name; self.role = role
        self.homeVillageCode = homeVillageCode; self.phone = phone; self.hoursPerWeek = hoursPerWeek
    }
}

/// A roster row that was not taken: where (file, line), which field, and why.
public struct RosterWarning: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column at fault (nil for the row as a whole: undecodable, too long, wrong field count).
    public var field: String?
    public var message: String

    public var description: String {
        "\(file) line \(line)\(field.map { ", \($0)" } ?? ""): \(message); row skipped"
    }
}

/// The roster as read: the entries kept (file order) and the rows skipped, with why.
public struct Roster: Sendable {
    public var file: String
    public var entries: [RosterEntry]
    public var warnings: [RosterWarning]
    /// The text encoding the file was read in ("UTF-8", "GB18030").
    public var encoding: String

    public init(file: String, entries: [RosterEntry], warnings: [RosterWarning] = [], encoding: String = "UTF-8") {
        self.file = file; self.entries = entries; self.warnings = warnings; self.encoding = encoding
    }

    /// Rows skipped (one warning each).
    public var skipped: Int { warnings.count }

    public func count(_ role: StaffRole) -> Int { entries.filter { $0.role == role }.count }
}

/// A roster that cannot be read at all: no header, a missing column, UTF-16.
public struct RosterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}

/// Turns a roster's decoded header and rows into entries, checking every field.
///
/// Columns (any order, matched without regard to case or surrounding spaces; other columns are
/// ignored): `id,name,role,home_village_code,phone,hours_per_week`. A row is skipped with a
/// warning when its id is blank or already used (the first one is kept), its name is blank, its
/// role is not one of `StaffRole`'s, its village is not one of `villageCodes`, its phone is blank
/// or not a phone number, or its hours are not a number in (0, 168].
public struct RosterParser {
    public static let columns = ["id", "name", "role", "home_village_code", "phone", "hours_per_week"]

    public let file: String
    public let villageCodes: Set<String>
    private var index: [Int] = []
    private var headerCount = 0
    private var firstLine: [String: Int] = [:]
    public private(set) var entries: [RosterEntry] = []
    public private(set) var warnings: [RosterWarning] = []

    /// `villageCodes`: the district's villages and communities (a row of another is skipped).
    public init(file: String, header: [String], villageCodes: Set<String>) throws(RosterError) {
        self.file = file
        self.villageCodes = villageCodes
        let names = header.map { $0.trimmingSpaces.lowercased() }
        var missing: [String] = []
        for c in Self.columns {
            if let i = names.firstIndex(of: c) { index.append(i) } else { missing.append(c) }
        }
        guard missing.isEmpty else {
            let plural = missing.count == 1 ? "no column" : "no columns"
            throw RosterError(file: file, "\(plural) \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); the header has "
                + (header.isEmpty ? "nothing" : header.joined(separator: ", "))
                + " (a roster needs \(Self.columns.joined(separator: ",")))")
        }
        headerCount = header.count
    }

    /// A row that could not even be split into fields (undecodable, too long): skipped.
    public mutating func skip(line: Int, _ message: String) {
        warnings.append(RosterWarning(file: file, line: line, field: nil, message: message))
    }

    /// One data row (blank rows are ignored silently).
    public mutating func add(line: Int, fields: [String]) {
        if fields.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return }
        func warn(_ field: String?, _ message: String) {
            warnings.append(RosterWarning(file: file, line: line, field: field, message: message))
        }
        if fields.count < index.max()! + 1 {
            warn(nil, "\(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(headerCount)"); return
        }
        let value = index.map { fields[$0].trimmingSpaces }
        let (id, name, roleText, village, phone, hoursText) = (value[0], value[1], value[2], value[3], value[4], value[5])
        if id.isEmpty { warn("id", "blank"); return }
        if let first = firstLine[id] { warn("id", "\"\(id)\" is already used on line \(first)"); return }
        if name.isEmpty { warn("name", "blank"); return }
        guard let role = StaffRole(rawValue: roleText.lowercased()) else {
            warn("role", "\"\(roleText)\" is not one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))"); return
        }
        if village.isEmpty { warn("home_village_code", "blank"); return }
        guard villageCodes.contains(village) else {
            warn("home_village_code", "\"\(village)\" is not a village or community of the district"); return
        }
        if phone.isEmpty { warn("phone", "blank"); return }
        let digits = phone.unicodeScalars.filter { !($0 == " " || $0 == "-" || $0 == "+") }
        guard digits.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }), (7...15).contains(digits.count) else {
            warn("phone", "\"\(phone)\" is not a phone number (7 to 15 digits)"); return
        }
        guard let hours = Self.number(hoursText) else {
            warn("hours_per_week", hoursText.isEmpty ? "blank" : "\"\(hoursText)\" is not a number"); return
        }
        guard hours > 0, hours <= 168 else {
            warn("hours_per_week", "\(hoursText) is not between 0 (excluded) and 168 (the hours of a week)"); return
        }
        firstLine[id] = line
        entries.append(RosterEntry(id: id, name: name, role: role, homeVillageCode: village, phone: phone, hoursPerWeek: hours))
    }

    public func roster(encoding: String = "UTF-8") -> Roster {
        Roster(file: file, entries: entries, warnings: warnings, encoding: encoding)
    }

    /// Plain decimal notation only: `Double("0x10")` is 16 and `Double("nan")` is NaN, neither an
    /// hour count.
    static func number(_ s: String) -> Double? {
        guard !s.isEmpty, s.unicodeScalars.allSatisfy({ ($0.value >= 0x30 && $0.value <= 0x39) || $0 == "." || $0 == "-" || $0 == "+" }),
              let v = Double(s), v.isFinite else { return nil }
        return v
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (no Foundation here).
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
