/// Where a case happened: the address as given and/or a point — WGS-84 lon/lat as stored, and
/// the coordinates and CRS as they were given (GCJ-02 from a phone map, say).
public struct CaseLocation: Hashable, Sendable {
    public var address: String?
    public var lon: Double?
    public var lat: Double?
    /// The CRS the coordinates came in ("wgs84", "gcj02", "EPSG:4490"); nil without coordinates.
    public var givenCRS: String?
    public var givenX: Double?
    public var givenY: Double?

    public init(address: String? = nil, lon: Double? = nil, lat: Double? = nil, givenCRS: String? = nil, givenX: Double? = nil, givenY: Double? = nil) {
        self.address = address; self.lon = lon; self.lat = lat; self.givenCRS = givenCRS; self.givenX = givenX; self.givenY = givenY
    }
}

/// One case as it stands now. Its history is the list of `CaseTransition`s; `lastSeq` and
/// `updatedAt` are those of the last one (a new transition may not be dated before it).
public struct CaseRecord: Hashable, Sendable {
    public var id: String
    public var type: CaseType
    /// The finer kind within the type (劳资纠纷, 养老认证, …); for department matters, the department.
    public var category: String
    public var description: String
    public var location: CaseLocation
    public var townshipCode: String?
    public var villageCode: String?
    public var gridCode: String?
    public var gridWorker: String?
    public var level: CaseLevel
    public var status: CaseStatus
    /// The last moment the case is on time at its level.
    public var deadline: CaseTime
    public var reportedAt: CaseTime
    public var resolvedAt: CaseTime?
    public var closedAt: CaseTime?
    public var updatedAt: CaseTime
    public var lastSeq: Int
    /// Where the case came from: "desk" (case add) or the import file's name and record id.
    public var source: String

    public init(id: String, type: CaseType, category: String = "", description: String = "", location: CaseLocation = CaseLocation(),
                townshipCode: String? = nil, villageCode: String? = nil, gridCode: String? = nil, gridWorker: String? = nil,
                level: CaseLevel = .grid, status: CaseStatus = .reported, deadline: CaseTime, reportedAt: CaseTime,
                resolvedAt: CaseTime? = nil, closedAt: CaseTime? = nil, updatedAt: CaseTime? = nil, lastSeq: Int = 0, source: String = "desk") {
        self.id = id; self.type = type; self.category = category; self.description = description; self.location = location
        self.townshipCode = townshipCode; self.villageCode = villageCode; self.gridCode = gridCode; self.gridWorker = gridWorker
        self.level = level; self.status = status; self.deadline = deadline; self.reportedAt = reportedAt
        self.resolvedAt = resolvedAt; self.closedAt = closedAt; self.updatedAt = updatedAt ?? reportedAt; self.lastSeq = lastSeq
        self.source = source
    }

    /// The light at `now` with `margin` seconds of warning (see `CaseLight`).
    public func light(at now: CaseTime, marginSeconds margin: Int64) -> CaseLight {
        if status == .parked { return .parked }
        if let resolvedAt { return resolvedAt <= deadline ? .green : .red }
        if now > deadline { return .red }
        return now.seconds >= deadline.seconds - margin ? .yellow : .green
    }
}

/// One step of a case's history: what was done, by whom, when, and why.
public struct CaseTransition: Hashable, Sendable {
    public var caseID: String
    /// 1, 2, 3 … within the case.
    public var seq: Int
    public var action: CaseAction
    /// nil for the first transition (`report`).
    public var fromStatus: CaseStatus?
    public var toStatus: CaseStatus
    public var fromLevel: CaseLevel?
    public var toLevel: CaseLevel
    public var time: CaseTime
    public var actor: String
    public var note: String
    /// The deadline the case had after this step.
    public var deadline: CaseTime

    public init(caseID: String, seq: Int, action: CaseAction, fromStatus: CaseStatus?, toStatus: CaseStatus, fromLevel: CaseLevel?,
                toLevel: CaseLevel, time: CaseTime, actor: String, note: String, deadline: CaseTime) {
        self.caseID = caseID; self.seq = seq; self.action = action; self.fromStatus = fromStatus; self.toStatus = toStatus
        self.fromLevel = fromLevel; self.toLevel = toLevel; self.time = time; self.actor = actor; self.note = note; self.deadline = deadline
    }
}
