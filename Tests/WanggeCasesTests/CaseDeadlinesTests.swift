import Foundation
import Testing
@testable import WanggeCases

private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct CaseDeadlinesTests {
    @Test func theDocumentedFileIsTheBuiltInTable() throws {
        let path = repository.appendingPathComponent("docs/case-deadlines.json").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == CaseDeadlines.standard.json)
        #expect(try CaseDeadlines.load(path) == CaseDeadlines.standard)
        #expect(CaseDeadlines.standard.entries.allSatisfy { !$0.note.isEmpty })
        #expect(CaseDeadlines.standard.entries.count == 1 + CaseType.allCases.count * CaseLevel.allCases.count)
    }

    @Test func aSubsetOverridesAndKeepsTheRest() throws {
        let t = try CaseDeadlines.parse(Array(#"{"dispute.grid": 72, "yellow_margin_hours": {"value": 6, "note": "half a day"}}"#.utf8), file: "d.json")
        #expect(t.hours(.dispute, .grid) == 72 && t.yellowMarginHours == 6 && t.yellowMarginSeconds == 21_600)
        #expect(t.hours(.problem, .grid) == 72 && t.hours(.errand, .grid) == 120)
        #expect(t.entries.first { $0.key == "yellow_margin_hours" }?.note == "half a day")
    }

    @Test(arguments: [
        (#"{"dispute.street": 3}"#, "dispute.street", "unknown key"),
        (#"{"dispute.grid": -1}"#, "dispute.grid", "negative"),
        (#"{"dispute.grid": 0}"#, "dispute.grid", "more than 0"),
        (#"{"dispute.grid": "72"}"#, "dispute.grid", "not a number"),
        (#"{"dispute.grid": true}"#, "dispute.grid", "not a number"),
        (#"{"dispute.grid": null}"#, "dispute.grid", "not a number"),
        (#"{"dispute.grid": {"value": 5, "unit": "h"}}"#, "dispute.grid", "unknown field"),
        (#"{"dispute.grid": {"note": "x"}}"#, "dispute.grid", "not a number"),
    ])
    func badValuesNameFileAndKey(_ json: String, _ key: String, _ words: String) {
        do { _ = try CaseDeadlines.parse(Array(json.utf8), file: "docs/bad.json"); Issue.record("accepted \(json)") } catch {
            #expect(error.kind == .badConfig && error.file == "docs/bad.json" && error.key == key)
            #expect(error.description.contains("docs/bad.json") && error.description.contains(key) && error.description.contains(words), "\(error)")
        }
    }

    @Test func notJSONOrMissing() {
        for text in ["", "[1,2]", "{"] {
            #expect(throws: CaseError.self) { try CaseDeadlines.parse(Array(text.utf8), file: "x.json") }
        }
        do { _ = try CaseDeadlines.load("/nonexistent/deadlines.json"); Issue.record("read a missing file") } catch {
            #expect(error.description.contains("/nonexistent/deadlines.json"))
        }
    }
}
