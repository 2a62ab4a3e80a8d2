import WanggeIO

/// Cases and transitions as the CLI prints them: one JSON object a line (keys in a fixed order)
/// or rows of a terminal table.
extension CaseRecord {
    public func json(now: CaseTime, marginSeconds: Int64) -> String {
        func q(_ s: String?) -> String { s.map { JSONText.quoted($0) } ?? "null" }
        func n(_ d: Double?) -> String { d.map { String(format7($0)) } ?? "null" }
        return "{\"id\":\(q(id)),\"type\":\"\(type.rawValue)\",\"category\":\(q(category)),\"description\":\(q(description)),"
            + "\"address\":\(q(location.address)),\"lon\":\(n(location.lon)),\"lat\":\(n(location.lat)),\"given_crs\":\(q(location.givenCRS)),"
            + "\"township_code\":\(q(townshipCode)),\"village_code\":\(q(villageCode)),\"grid_code\":\(q(gridCode)),\"grid_worker\":\(q(gridWorker)),"
            + "\"level\":\"\(level.rawValue)\",\"status\":\"\(status.rawValue)\",\"light\":\"\(light(at: now, marginSeconds: marginSeconds).rawValue)\","
            + "\"deadline\":\"\(deadline)\",\"reported_at\":\"\(reportedAt)\",\"resolved_at\":\(q(resolvedAt?.iso8601)),"
            + "\"closed_at\":\(q(closedAt?.iso8601)),\"updated_at\":\"\(updatedAt)\",\"source\":\(q(source))}"
    }

    public static let tableHeader = ["id", "type", "category", "level", "status", "light", "grid", "deadline", "reported"]

    public func tableRow(now: CaseTime, marginSeconds: Int64) -> [String] {
        [id, type.rawValue, category, level.rawValue, status.rawValue, light(at: now, marginSeconds: marginSeconds).rawValue,
         gridCode ?? "-", deadline.iso8601, reportedAt.iso8601]
    }
}

extension CaseTransition {
    public var json: String {
        "{\"seq\":\(seq),\"action\":\"\(action.rawValue)\",\"from_status\":\(fromStatus.map { "\"\($0.rawValue)\"" } ?? "null"),"
            + "\"to_status\":\"\(toStatus.rawValue)\",\"from_level\":\(fromLevel.map { "\"\($0.rawValue)\"" } ?? "null"),"
            + "\"to_level\":\"\(toLevel.rawValue)\",\"time\":\"\(time)\",\"actor\":\(JSONText.quoted(actor)),\"note\":\(JSONText.quoted(note)),"
            + "\"deadline\":\"\(deadline)\"}"
    }

    public static let tableHeader = ["seq", "time", "action", "status", "level", "actor", "deadline", "note"]

    public var tableRow: [String] {
        [String(seq), time.iso8601, action.rawValue, (fromStatus.map { $0.rawValue + " → " } ?? "") + toStatus.rawValue,
         (fromLevel.map { $0 == toLevel ? "" : $0.rawValue + " → " } ?? "") + toLevel.rawValue, actor, deadline.iso8601, note]
    }
}

/// Seven decimals (≈ 1 cm), without Foundation's locale-dependent formatting.
func format7(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    let scaled = (d * 1e7).rounded()
    let neg = scaled < 0
    let a = Int64(abs(scaled))
    let frac = String(a % 10_000_000)
    return (neg ? "-" : "") + String(a / 10_000_000) + "." + String(repeating: "0", count: 7 - frac.count) + frac
}
