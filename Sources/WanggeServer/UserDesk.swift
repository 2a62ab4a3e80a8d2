// `wangge user` as a library: the accounts file of a data directory, with units checked against
// the district (boundaries/) and the current grid file, and every change in the audit log.
import Foundation
import WanggeAccounts
import WanggeDistrict
import WanggeGeoJSON
import WanggeIO
import WanggeStore

public struct UserDesk: Sendable {
    public let store: any AccountStoring
    public let units: AccountUnits
    /// Who acts, as the audit log names it (`cli:USER`).
    public var operatorName: String
    public var clock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    public var rounds = PasswordHash.defaultRounds

    /// Opens DATA/accounts.sqlite; the units come from `boundaries` and DATA/grids.geojson (the
    /// plan the server serves; none yet — before the first `wangge serve` — means no grid units).
    public init(data: String, boundaries: String, operatorName: String) throws {
        let district = try DistrictBoundaries.load(directory: boundaries)
        let gridsFile = FilePath.join(data, ServerState.gridsName)
        var grids: [Feature] = []
        if FileManager.default.fileExists(atPath: gridsFile) {
            grids = try GridFile.load(gridsFile, boundaries: district, validate: false).features
        }
        store = try AccountStore(path: FilePath.join(data, ServerState.accountsName))
        units = ServerState.units(district: district, grids: grids)
        self.operatorName = operatorName
    }

    public init(store: any AccountStoring, units: AccountUnits, operatorName: String) {
        self.store = store; self.units = units; self.operatorName = operatorName
    }

    /// Adds an account; the password is hashed here and nowhere kept in clear.
    @discardableResult
    public func add(name: String, displayName: String?, role: AccountRole, unit: String?, password: String) throws -> Account {
        try AccountNames.checkName(name)
        try AccountNames.checkPassword(password)
        let checkedUnit = try units.check(role: role, unit: unit)
        let account = Account(name: name, displayName: displayName ?? name, role: role, unit: checkedUnit,
                              passwordHash: try PasswordHash.make(password, rounds: rounds), createdAt: clock())
        try store.add(account, audit: AuditEntry(at: clock(), actor: operatorName, action: .userAdded, target: name, address: "cli",
                                                 detail: "\(role.rawValue) \(checkedUnit ?? "-")"))
        return account
    }

    public func setDisabled(_ name: String, _ disabled: Bool) throws {
        try store.setDisabled(name, disabled, audit: AuditEntry(at: clock(), actor: operatorName, action: disabled ? .userDisabled : .userEnabled,
                                                                target: name, address: "cli"))
    }

    /// The accounts as a table (name, display name, role, unit, state), by name.
    public func table() throws -> String {
        let rows = try store.accounts().map { [$0.name, $0.displayName, $0.role.rawValue, $0.unit ?? "-", $0.disabled ? "disabled" : "active"] }
        return TextTable(header: ["name", "display name", "role", "unit", "state"], rows: rows).render()
    }
}
