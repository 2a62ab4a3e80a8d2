// What the server and the CLI need of a case store, as one interface: the SQLite file of
// WanggeStore (`CaseStore`) is one backend; another (PostgreSQL for a prefecture, docs/SCALING.md)
// adds a type that conforms, without touching the handlers.

/// Which cases `list` returns (every field optional; all given must hold). Dates compare with
/// `reported_at`: from inclusive, to exclusive.
public struct CaseFilter: Sendable, Equatable {
    public var gridCode: String?
    public var villageCode: String?
    public var townshipCode: String?
    public var status: CaseStatus?
    public var level: CaseLevel?
    public var type: CaseType?
    public var light: CaseLight?
    public var reportedFrom: CaseTime?
    public var reportedBefore: CaseTime?
    public var limit: Int?
    /// Only cases not yet solved (`CaseStatus.isOpen`): a worker's or a station's to-do list.
    public var openOnly = false
    /// Only the cases this actor sees (`CaseRights.sees`); nil: every case.
    public var scope: CaseActor?
    public init() {}
}

/// A new case to add: what `add` takes.
public struct NewCase: Sendable {
    public var record: CaseRecord
    public var actor: String
    public var note: String
    /// Audit the registration (a line in the store's outbox, in the same transaction); nil: not audited.
    public var audit: CaseAudit?
    public init(record: CaseRecord, actor: String, note: String, audit: CaseAudit? = nil) {
        self.record = record; self.actor = actor; self.note = note; self.audit = audit
    }
}

/// Cases on the ladder and their transitions. Every command is one transaction (the case read,
/// the ladder applied, the case and its transition written), so two desks never interleave and a
/// failure leaves the store as it was.
public protocol CaseStoring: AnyObject, Sendable {
    /// Registers a new case; an empty id gets the next free one, chosen inside the transaction.
    @discardableResult
    func add(_ newCase: CaseRecord, actor: String, note: String, ladder: CaseLadder, audit: CaseAudit?) throws(CaseError) -> (CaseRecord, CaseTransition)
    /// Several new cases in one transaction, each refused on its own; answers in order.
    func addAll(_ items: [NewCase], ladder: CaseLadder) throws(CaseError) -> [Result<(CaseRecord, CaseTransition), CaseError>]
    /// One step on the ladder, judged (with `rights`) against the case as read inside the transaction.
    @discardableResult
    func perform(_ action: CaseAction, on id: String, at time: CaseTime, actor: String, note: String,
                 extendHours: Double?, ladder: CaseLadder, rights: CaseActor?, audit: CaseAudit?) throws(CaseError) -> (CaseRecord, CaseTransition)
    func importCases(_ items: [(CaseRecord, [CaseTransition])]) throws(CaseError) -> (added: Int, alreadyPresent: Int)
    /// Every case past its level's deadline one step up; idempotent at one `now`.
    /// With `audit`, each escalation's line goes to the outbox in the same transaction.
    func tick(now: CaseTime, ladder: CaseLadder, audit: CaseAudit?) throws(CaseError) -> [(CaseRecord, [CaseTransition])]
    /// The store's identity (random, made with the store): with an outbox line's id, the line's
    /// origin in the accounts file.
    var auditIdentity: String { get }
    /// The outbox's lines after `id`, oldest first, at most `limit`.
    func pendingAudit(after id: Int64, limit: Int) throws(CaseError) -> [PendingAuditLine]
    /// Removes the outbox's lines up to and including `id` (they are in the accounts file).
    func removeAudit(through id: Int64) throws(CaseError)
    func record(_ id: String) throws(CaseError) -> CaseRecord?
    func history(_ id: String) throws(CaseError) -> [CaseTransition]
    func count() throws(CaseError) -> Int
    func transitionCount() throws(CaseError) -> Int
    func list(_ filter: CaseFilter, now: CaseTime, marginSeconds: Int64) throws(CaseError) -> [CaseRecord]
    func report(now: CaseTime, marginSeconds: Int64, scope: CaseActor?, openOnly: Bool) throws(CaseError) -> CaseReport
}
