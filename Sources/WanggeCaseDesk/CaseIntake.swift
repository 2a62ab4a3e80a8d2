import WanggeCases
import WanggeCRS
import WanggeGazetteer
import WanggeGeometry
import WanggeStore

/// A case's place at intake: where it is (as given, and in WGS-84) and the grid it goes to.
public struct PlacedCase: Hashable, Sendable {
    public var location: CaseLocation
    public var placement: CaseGrids.Placement
    /// How it was found, for the desk's message: "address matched (house)", "coordinates (gcj02)".
    public var how: String
}

/// `wangge case add`'s locating: an address through the gazetteer's `AddressMatcher`, or
/// coordinates in any CRS the CLI takes (GCJ-02 and BD-09 included), then the grid through
/// `CaseGrids` (GridLocator's rule). An ambiguous address is refused with its candidates unless
/// one is chosen (`pick`, 1-based, or `village`); an address outside the district, or one not
/// found, is refused.
public struct CaseIntake: Sendable {
    public let grids: CaseGrids
    public let matcher: AddressMatcher?

    public init(grids: CaseGrids, matcher: AddressMatcher?) {
        self.grids = grids
        self.matcher = matcher
    }

    public func locate(x: Double, y: Double, crs: CRS, address: String? = nil) throws(CaseError) -> PlacedCase {
        let wgs: Coordinate
        do { wgs = try CoordinateTransform(from: crs, to: .wgs84).transform(Coordinate(x: x, y: y)) } catch {
            throw CaseError(.location, "cannot read \(x), \(y) as \(crs): \(error)")
        }
        guard let p = grids.place(lon: wgs.x, lat: wgs.y, village: nil) else {
            let near = grids.nearest(lon: wgs.x, lat: wgs.y).map { String(format: " (nearest grid %@, %.0f m away)", $0.code, $0.metres) } ?? ""
            throw CaseError(.location, "the point \(x), \(y) (\(crs)) is outside the district's grids\(near) — is the CRS right?")
        }
        let location = CaseLocation(address: address, lon: wgs.x, lat: wgs.y, givenCRS: "\(crs)", givenX: x, givenY: y)
        return PlacedCase(location: location, placement: p, how: "coordinates (\(crs))")
    }

    public func locate(address: String, pick: Int? = nil, village: String? = nil) throws(CaseError) -> PlacedCase {
        guard let matcher else { throw CaseError(.location, "no gazetteer to read addresses with") }
        let r = matcher.geocode(address)
        switch r.status {
        case .matched:
            if let village, r.villageCode != village {
                throw CaseError(.location, "\"\(address)\" is in \(r.township ?? "")\(r.village ?? "") (\(r.villageCode ?? "?")), not in village \(village)")
            }
            return try placed(r, address: address, how: "address matched (\(r.level?.rawValue ?? "?"))")
        case .ambiguous:
            let villages = r.candidates.filter { $0.villageCode != nil }
            let chosen: Candidate?
            if let pick {
                guard pick >= 1, pick <= r.candidates.count else {
                    throw CaseError(.location, "--pick \(pick): \"\(address)\" has \(r.candidates.count) candidate(s): \(Self.list(r.candidates))")
                }
                chosen = r.candidates[pick - 1]
            } else if let village {
                chosen = villages.first { $0.villageCode == village }
                    ?? matcher.gazetteer.villages.first { $0.code == village }.map { Candidate(township: nil, village: $0.name, villageCode: $0.code, name: $0.name, kind: .village) }
            } else {
                chosen = nil
            }
            guard let chosen, let code = chosen.villageCode else {
                throw CaseError(.location, "\"\(address)\" is ambiguous; choose one with --pick N or --village CODE: \(Self.list(r.candidates))")
            }
            return try inVillage(code, address: address, how: "address ambiguous, \(chosen.name) chosen")
        case .outside:
            throw CaseError(.location, "\"\(address)\" is outside the district (\(r.outside ?? "elsewhere")); it belongs to that division's desk")
        case .notFound:
            if let village { return try inVillage(village, address: address, how: "address not found, placed in village \(village)") }
            throw CaseError(.location, "\"\(address)\" was not found in the gazetteer; give coordinates (--lon/--lat) or the village (--village CODE)")
        }
    }

    /// The address read again inside the chosen village (its township and village name put in
    /// front); if it still names no point there, the village's own point.
    private func inVillage(_ code: String, address: String, how: String) throws(CaseError) -> PlacedCase {
        guard let matcher, let v = matcher.gazetteer.villages.first(where: { $0.code == code }) else {
            throw CaseError(.location, "no village \(code) in the gazetteer")
        }
        let township = matcher.gazetteer.townships.first { $0.code == v.townshipCode }?.name ?? ""
        let again = matcher.geocode(township + v.name + address)
        if again.status == .matched, again.villageCode == code { return try placed(again, address: address, how: how) }
        var r = GeocodeResult()
        r.lon = v.lon; r.lat = v.lat; r.villageCode = code
        return try placed(r, address: address, how: how + " (the village's point)")
    }

    private func placed(_ r: GeocodeResult, address: String, how: String) throws(CaseError) -> PlacedCase {
        guard let lon = r.lon, let lat = r.lat else { throw CaseError(.location, "\"\(address)\" matched but has no point") }
        guard let p = grids.place(lon: lon, lat: lat, village: r.villageCode) else {
            throw CaseError(.location, "\"\(address)\" is at \(lon), \(lat), in no grid of \(grids.path)")
        }
        return PlacedCase(location: CaseLocation(address: address, lon: lon, lat: lat, givenCRS: nil), placement: p, how: how)
    }

    static func list(_ candidates: [Candidate]) -> String {
        candidates.enumerated().map { i, c in
            "\(i + 1). \(c.township ?? "")\(c.village ?? c.name)\(c.villageCode.map { " [\($0)]" } ?? "") (\(c.kind.rawValue))"
        }.joined(separator: "; ")
    }
}
