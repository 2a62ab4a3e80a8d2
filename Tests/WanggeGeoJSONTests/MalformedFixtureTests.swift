import Foundation
import Testing
import WanggeGeoJSON

/// Fixtures live next to this file; located via #filePath so no SwiftPM resources are needed.
private let malformedDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().appendingPathComponent("Fixtures/malformed").path

private struct ExpectedError: Sendable, CustomTestStringConvertible {
    let file: String
    let featureIndex: Int?
    let messageSubstring: String
    var testDescription: String { file }
}

private func loadManifest() -> [ExpectedError] {
    let text = (try? String(contentsOfFile: malformedDirectory + "/expected-errors.tsv", encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return ExpectedError(file: fields[0], featureIndex: Int(fields[1]), messageSubstring: fields[2])
    }
}

@Suite struct MalformedFixtureTests {
    @Test func everyFixtureIsInTheManifest() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: malformedDirectory)
            .filter { $0 != "expected-errors.tsv" }
        let listed = Set(loadManifest().map(\.file))
        #expect(Set(files) == listed)
        #expect(listed.count >= 15)
    }

    @Test(arguments: loadManifest())
    private func fixtureFailsWithExpectedError(_ expected: ExpectedError) {
        let path = malformedDirectory + "/" + expected.file
        do {
            let document = try GeoJSONReader().read(contentsOf: path)
            Issue.record("\(expected.file) was accepted: \(document)")
        } catch {
            #expect(error.file == path)
            #expect(error.featureIndex == expected.featureIndex, "\(error)")
            #expect(error.message.contains(expected.messageSubstring), "\(error)")
            #expect(error.description.hasPrefix(path + ": "))
            if expected.featureIndex == 1 {
                // Fixtures put the bad feature on line 3, after the header and a good feature.
                #expect(error.line == 3, "\(error)")
                #expect(error.description.contains("feature 1"))
            }
        }
    }
}
