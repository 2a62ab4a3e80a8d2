// Automatic escalation inside the server: every so often, the open cases whose level's deadline
// has passed move up the ladder (`CaseStoring.tick`, the same idempotent step `wangge case tick`
// runs from cron), each escalation audited under the ladder's system actor.
import Foundation
import Logging
import WanggeAccounts
import WanggeCases
import WanggeStore

public enum EscalationTimer {
    /// One tick at `now`: the cases escalated (id and the levels it went through).
    @discardableResult
    static func tick(_ cases: CaseService, audit: AuditBatcher?, now: CaseTime) throws(CaseError) -> [(id: String, levels: [CaseLevel])] {
        let moved = try cases.store.tick(now: now, ladder: cases.ladder)
        var out: [(id: String, levels: [CaseLevel])] = []
        for (record, transitions) in moved {
            out.append((record.id, transitions.map(\.toLevel)))
            for t in transitions {
                // A failed audit line is logged by the caller's loop; the escalation itself stands.
                try? audit?.record(AuditEntry(at: now.seconds, actor: AutoEscalation.actor, action: .caseTransition, target: record.id,
                                              address: "server", detail: "escalate \(t.fromLevel?.rawValue ?? "-")→\(t.toLevel.rawValue) (deadline passed)"))
            }
        }
        return out
    }

    /// Ticks every `seconds` until cancelled (the server's stop cancels it).
    public static func run(_ api: API, every seconds: Int, logger: Logger) async {
        guard seconds > 0, let cases = api.state.cases else { return }
        while !Task.isCancelled {
            do {
                let moved = try tick(cases, audit: api.auditBatcher, now: cases.now())
                if !moved.isEmpty {
                    logger.notice("escalated", metadata: ["cases": "\(moved.count)", "ids": "\(moved.prefix(10).map(\.id).joined(separator: ","))"])
                }
            } catch {
                logger.error("automatic escalation failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(seconds))
        }
    }
}
