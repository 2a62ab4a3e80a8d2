import WanggeCases

/// Copies a case store's waiting audit lines (`CaseAudit`) into the accounts file's log.
/// The accounts file keeps, per case store, the last outbox id it holds, moved in the same
/// transaction as the lines: a copy repeated after a kill, or two drains at once, add each line
/// once, and the copy costs one commit (the accounts file's) — the outbox is cleared of copied
/// lines only every thousand. A kill at any moment leaves every line in the outbox, the log or both.
public enum AuditOutbox {
    /// Lines copied per accounts transaction.
    static let batch = 1000
    /// The outbox is cleared of copied lines each time the mark passes a multiple of this.
    static let clearEvery: Int64 = 1000

    /// Drains what is waiting; returns the lines appended to the log and the mark after.
    /// `after`: the mark as the caller last saw it (a drainer that keeps it saves a read); it may
    /// be behind — lines at or below the true mark are skipped inside the copy's transaction.
    @discardableResult
    public static func drain(_ cases: any CaseStoring, into accounts: any AccountStoring, after known: Int64? = nil) throws -> (appended: Int, mark: Int64) {
        let store = cases.auditIdentity
        var mark = try known ?? accounts.auditCopied(from: store)
        var appended = 0
        while true {
            let lines = try cases.pendingAudit(after: mark, limit: batch)
            guard let last = lines.last else { return (appended, mark) }
            appended += try accounts.copyAudit(lines, from: store)
            if last.id / clearEvery > mark / clearEvery { try cases.removeAudit(through: last.id) }
            mark = last.id
            // What was waiting when this drain began is copied; lines arriving since belong to the
            // next drain.
            if lines.count < batch { return (appended, mark) }
        }
    }

    /// The log's line for an outbox line.
    public static func entry(_ line: PendingAuditLine, store: String) -> AuditEntry {
        AuditEntry(at: line.at, actor: line.actor, action: AuditAction(rawValue: line.action) ?? .caseTransition, target: line.target,
                   address: line.address, detail: line.detail, origin: "cases:\(store):\(line.id)")
    }
}
