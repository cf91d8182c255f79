import Foundation
import Testing
@testable import Kernels
@testable import OpCases

@Suite("JSON parser")
struct JSONParserTests {
    static func parse(_ text: String) throws(ShapeError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8))
    }

    @Test("values of every kind, numbers as written, strings with escapes")
    func values() throws {
        let value = try Self.parse("""
            {"a": [1, -2.5, 3e2, 0.125E-1, -0, 1E+2], "b": true, "c": false, "d": null,
             "e": "q\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00", "f": {}, "g": []}
            """)
        #expect(value == .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .number(0.0125), .number(0), .number(100)]),
            "b": .bool(true), "c": .bool(false), "d": .null,
            "e": .string("q\"\\/\u{8}\u{C}\n\r\té😀"), "f": .object([:]), "g": .array([])]))
        #expect(try Self.parse(" \n 7 \t") == .number(7))
        #expect(try Self.parse("\"päivää\"") == .string("päivää"))
    }

    @Test("malformed text is refused with its line and column", arguments: [
        ("{\"a\": [1, 2", "line 1, column 12"),
        ("{\"a\": 1,\n \"b\" 2}", "line 2, column 6"),
        ("[01]", "line 1, column 3"),
        ("[1.]", "digits after '.'"),
        ("[1e]", "exponent"),
        ("[-]", "needs digits"),
        ("[1e999]", "out of range"),
        ("[tru]", "expected true"),
        ("[NaN]", "unexpected character 'N'"),
        ("{a: 1}", "quoted key"),
        ("\"tab\there\"", "control character"),
        ("\"\\x\"", "unknown escape"),
        ("[1] [2]", "after the JSON value"),
        ("", "empty"),
        ("[1,]", "unexpected character ']'"),
    ])
    func malformed(text: String, reason: String) {
        do {
            _ = try Self.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.field == "JSON")
            #expect(error.reason.hasPrefix("malformed at line"))
            #expect(error.reason.contains(reason), "\(text): \(error.reason)")
        }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: ShapeError.self) { try Self.parse(text) }
        let fine = String(repeating: "[", count: 100) + "1" + String(repeating: "]", count: 100)
        #expect((try? Self.parse(fine)) != nil)
    }
}
