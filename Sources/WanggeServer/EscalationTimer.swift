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
    /// Each escalation's audit line is written with it (the case store's outbox), then copied
    /// into the accounts file with any line still waiting; a failed copy is thrown after the
    /// escalations stand, for the loop to log.
    static func tick(_ cases: CaseService, audit: AuditDrain?, now: CaseTime) throws -> [(id: String, levels: [CaseLevel])] {
        let moved = try cases.store.tick(now: now, ladder: cases.ladder, audit: audit.map { _ in CaseAudit(at: now.seconds, address: "server") })
        try audit?.drain()
        return moved.map { ($0.0.id, $0.1.map(\.toLevel)) }
    }

    /// Ticks every `seconds` until cancelled (the server's stop cancels it).
    public static func run(_ api: API, every seconds: Int, logger: Logger) async {
        guard seconds > 0, let cases = api.state.cases else { return }
        while !Task.isCancelled {
            do {
                let moved = try tick(cases, audit: api.auditDrain, now: cases.now())
                if !moved.isEmpty {
                    logger.notice("escalated", metadata: ["cases": "\(moved.count)", "ids": "\(moved.prefix(10).map(\.id).joined(separator: ","))"])
                }
            } catch {
                logger.error("automatic escalation or the copy of its audit lines failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(seconds))
        }
    }
}
