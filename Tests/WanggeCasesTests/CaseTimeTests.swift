import Testing
import WanggeIO
@testable import WanggeCases

@Suite struct CaseTimeTests {
    // Expected seconds from Python's datetime.fromisoformat(...).timestamp(), an independent oracle.
    @Test(arguments: [("2025-11-01T00:00:00+08:00", Int64(1_761_926_400)), ("2000-02-29T23:59:59+08:00", 951_839_999),
                      ("1970-01-01T00:00:00Z", 0), ("2026-12-01T09:30:15-05:00", 1_796_135_415)])
    func parsesAgainstAnIndependentClock(_ text: String, _ seconds: Int64) throws {
        let t = try #require(CaseTime(iso8601: text))
        #expect(t.seconds == seconds)
        // Written back always at +08:00, and read back to the same moment.
        #expect(t.iso8601.hasSuffix("+08:00"))
        #expect(CaseTime(iso8601: t.iso8601) == t)
    }

    @Test func writesChinaStandardTime() {
        #expect(CaseTime(seconds: 1_761_926_400).iso8601 == "2025-11-01T00:00:00+08:00")
        #expect(CaseTime(seconds: 0).iso8601 == "1970-01-01T08:00:00+08:00")
        #expect(CaseTime(iso8601: "2026-12-01")?.iso8601 == "2026-12-01T00:00:00+08:00")
        #expect(CaseTime(iso8601: "2026-12-01T09:30:15.250+08:00")?.iso8601 == "2026-12-01T09:30:15+08:00")
    }

    @Test(arguments: ["", "2026-13-01", "2026-02-29", "2026-12-01T09:30:15", "2026-12-01T24:00:00+08:00", "2026-12-01T09:60+08:00",
                      "2026-12-01T09:30:15+08", "2026-12-01T09:30:15+08:00x", "12/01/2026", "２０２６-12-01"])
    func refusesWhatIsNotATimeWithItsOffset(_ text: String) {
        #expect(CaseTime(iso8601: text) == nil)
    }

    @Test func textSortsAsTheMomentsDo() {
        var g = SplitMix64(seed: 7)
        let times = (0..<2000).map { _ in CaseTime(seconds: Int64(g.next() % 4_000_000_000)) }
        let byText = times.sorted { $0.iso8601 < $1.iso8601 }
        #expect(byText == times.sorted())
    }
}

