import Testing
@testable import WanggeGeoJSON

@Suite struct JSONValueTests {
    @Test func keepsMemberOrderAndNumberText() throws {
        let value = try JSONValue.parse(#"{"z":1.50,"a":[true,false,null],"m":{"y":-0.0,"x":1E3}}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["z"]?.doubleValue == 1.5)
        #expect(value.jsonText == #"{"z":1.50,"a":[true,false,null],"m":{"y":-0.0,"x":1E3}}"#)
    }

    @Test func decodesEscapesSurrogatesAndRawChinese() throws {
        let value = try JSONValue.parse(#"["沙湾\u533a", "\ud83d\ude00", "a\"b\\c\/d\n\t\u0001"]"#)
        #expect(value == .array([.string("沙湾区"), .string("😀"), .string("a\"b\\c/d\n\t\u{1}")]))
        #expect(value.jsonText == #"["沙湾区","😀","a\"b\\c/d\n\t\u0001"]"#)
    }

    @Test func parsesNumbersExactly() throws {
        let texts = ["0", "-0", "103.1234567", "29.0000001", "1e-7", "123456789012345678901234", "2.2250738585072014e-308", "0.1"]
        for text in texts {
            let parsed = try JSONValue.parse(text).doubleValue
            #expect(parsed == Double(text), "\(text)")
        }
    }

    @Test(arguments: [
        ("[1,2", "unexpected end of file"), ("[NaN]", "NaN"), ("[Infinity]", "Infinity"), ("[1] x", "trailing garbage"),
        ("{\"a\" 1}", "expected ':'"), ("[01]", "leading zero"), ("[1.]", "digit after '.'"), ("[\"a\u{1}\"]", "control character"),
        ("[\"\\x\"]", "invalid escape"), ("[\"\\udc00\"]", "unpaired low surrogate"), ("[+1]", "expected a value"),
        ("{\"a\":1,}", "trailing comma"), ("", "unexpected end of file"),
    ])
    func rejectsInvalidJSON(_ text: String, _ expected: String) {
        #expect {
            _ = try JSONValue.parse(text)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(expected) == true
        }
    }

    @Test func reportsLineAndColumn() {
        do {
            _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
        }
    }

    @Test func rejectsDeepNestingWithoutCrashing() {
        let text = String(repeating: "[", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
    }
}
