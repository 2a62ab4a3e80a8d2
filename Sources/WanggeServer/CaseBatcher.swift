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
