// Group commit for new cases. Each commit of the case store waits for the disk (fsync: about
// 4 ms here, so at most ~270 commits a second); desks registering cases at once share one
// transaction instead. A case is answered only after the transaction holding it is on disk.
import Foundation
import WanggeCases
import WanggeStore

final class CaseBatcher: @unchecked Sendable {
    // `lock` guards `pending`, `writing` and every slot's result.
    private let lock = NSCondition()
    private var pending: [(CaseStore.NewCase, Slot)] = []
    private var writing = false
    let store: CaseStore
    let ladder: CaseLadder

    private final class Slot {
        var result: Result<(CaseRecord, CaseTransition), CaseError>?
    }

    init(store: CaseStore, ladder: CaseLadder) {
        self.store = store
        self.ladder = ladder
    }

    /// Adds the case with whatever others are waiting; returns when it is committed (or refused).
    /// No thread of its own: the first caller to find no write under way writes everything
    /// pending (leader and followers), the others wait for their slot.
    func add(_ item: CaseStore.NewCase) throws(CaseError) -> (CaseRecord, CaseTransition) {
        let slot = Slot()
        lock.lock()
        pending.append((item, slot))
        while slot.result == nil {
            if writing { lock.wait(); continue }
            writing = true
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            lock.unlock()
            let results: [Result<(CaseRecord, CaseTransition), CaseError>]
            do throws(CaseError) {
                results = try store.addAll(batch.map(\.0), ladder: ladder)
            } catch {
                results = batch.map { _ in .failure(error) }
            }
            lock.lock()
            for (k, entry) in batch.enumerated() { entry.1.result = results[k] }
            writing = false
            lock.broadcast()
        }
        let result = slot.result!
        lock.unlock()
        return try result.get()
    }
}
