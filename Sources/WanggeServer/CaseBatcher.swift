// Group commit. Each SQLite commit waits for the disk (fsync: about 4 ms here, so at most ~270
// commits a second per file); requests writing at once share one transaction instead — new cases
// in the case store, audit lines in the accounts file. Each request is answered only after the
// transaction holding its write is on disk.
import Foundation
import WanggeAccounts
import WanggeCases
import WanggeStore

final class GroupCommit<Item: Sendable, Output: Sendable, Failure: Error>: @unchecked Sendable {
    /// Writes a batch in one transaction; one result per item, in order.
    typealias Writer = @Sendable ([Item]) -> [Result<Output, Failure>]
    private let writeBatch: Writer
    // `lock` guards `pending`, `writing` and every slot's result.
    private let lock = NSCondition()
    private var pending: [(Item, Slot)] = []
    private var writing = false

    private final class Slot {
        var result: Result<Output, Failure>?
    }

    init(_ writeBatch: @escaping Writer) {
        self.writeBatch = writeBatch
    }

    /// Writes `item` with whatever else is waiting; returns once it is committed (or refused).
    /// No thread of its own: the first caller to find no write under way writes everything
    /// pending (leader and followers); the others wait for their slot.
    func submit(_ item: Item) -> Result<Output, Failure> {
        let slot = Slot()
        lock.lock()
        pending.append((item, slot))
        while slot.result == nil {
            if writing { lock.wait(); continue }
            writing = true
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            lock.unlock()
            let results = writeBatch(batch.map(\.0))
            lock.lock()
            for (k, entry) in batch.enumerated() { entry.1.result = results[k] }
            writing = false
            lock.broadcast()
        }
        let result = slot.result!
        lock.unlock()
        return result
    }
}

/// New cases, committed together.
final class CaseBatcher: Sendable {
    let store: any CaseStoring
    let ladder: CaseLadder
    private let commit: GroupCommit<NewCase, (CaseRecord, CaseTransition), CaseError>

    init(store: any CaseStoring, ladder: CaseLadder) {
        self.store = store
        self.ladder = ladder
        commit = GroupCommit { items in
            do throws(CaseError) { return try store.addAll(items, ladder: ladder) } catch { return items.map { _ in .failure(error) } }
        }
    }

    func add(_ item: NewCase) throws(CaseError) -> (CaseRecord, CaseTransition) {
        try commit.submit(item).get()
    }
}

/// Copies the case store's waiting audit lines (written with each case change, `CaseAudit`) into
/// the accounts file, on a queue of its own: a request is answered once its change and line are
/// committed in the case store (the line cannot be lost from there), and the copies of many
/// requests share one accounts transaction. Nudges coalesce; `drain()` copies everything waiting
/// before it returns (the audit log's reader, the timer, start-up).
final class AuditDrain: @unchecked Sendable {
    private let cases: any CaseStoring
    private let accounts: any AccountStoring
    private let queue = DispatchQueue(label: "wangge.audit-drain")
    // `lock` guards `scheduled`; `mark` is touched only on `queue`.
    private let lock = NSLock()
    private var scheduled = false
    private var mark: Int64?

    init(cases: any CaseStoring, accounts: any AccountStoring) {
        self.cases = cases; self.accounts = accounts
    }

    /// Copies soon, off the caller's path; a failure is left for the next copy (the timer's logs it).
    func nudge() {
        let schedule = lock.withLock { () -> Bool in
            if scheduled { return false }
            scheduled = true
            return true
        }
        guard schedule else { return }
        queue.async {
            self.lock.withLock { self.scheduled = false }
            try? self.copy()
        }
    }

    /// Copies everything waiting now.
    func drain() throws { try queue.sync { try copy() } }

    private func copy() throws {
        do { mark = try AuditOutbox.drain(cases, into: accounts, after: mark).mark } catch {
            mark = nil   // read it again next time
            throw error
        }
    }
}

/// Audit lines, committed together.
final class AuditBatcher: Sendable {
    private let commit: GroupCommit<AuditEntry, Void, AccountError>

    init(store: any AccountStoring) {
        commit = GroupCommit { entries in
            do throws(AccountError) { try store.record(entries); return entries.map { _ in .success(()) } } catch { return entries.map { _ in .failure(error) } }
        }
    }

    func record(_ entry: AuditEntry) throws(AccountError) {
        try commit.submit(entry).get()
    }
}
