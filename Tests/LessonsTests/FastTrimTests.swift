import TestSupport
import Testing
@testable import Lessons

/// The byte-wise trimming and table-cell split (a megabyte lesson trims every line and cell on
/// each layout) answer exactly as the Character-wise ones they replaced.
@Suite("Fast trimming")
struct FastTrimTests {
    static let pieces = [" ", "  ", "\t", "\r\n", "\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{2003}", "\u{301}", "a", "b c", "|",
                         "| x |", "é", "e\u{301}", "👍🏽", "-", ":", "x|\u{301}y"]

    static func referenceTrim(_ string: String) -> String {
        var text = Substring(string)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }

    static func referenceCells(_ row: String) -> [String] {
        var text = Substring(referenceTrim(row))
        if text.hasPrefix("|") { text = text.dropFirst() }
        if text.hasSuffix("|") { text = text.dropLast() }
        return text.split(separator: "|", omittingEmptySubsequences: false).map { referenceTrim(String($0)) }
    }

    @Test("trimmingSpaces and table cells match the Character-wise reference on random text")
    func matchesReference() {
        for text in seededTexts(from: Self.pieces, count: 5000, seed: 15) {
            #expect(text.trimmingSpaces == Self.referenceTrim(text), "\(text.debugDescription)")
            #expect(TableText.cells(of: text) == Self.referenceCells(text), "\(text.debugDescription)")
        }
    }

    @Test("a plain block of 100,000 lines parses in one pass (each line copied the block before)")
    func longPlainBlock() {
        let body = Array(repeating: "a line of a long plain block", count: 100_000).joined(separator: "\n")
        let clock = ContinuousClock()
        let start = clock.now
        let lesson = LessonParser.parse("# T\n\n## S\n\n```\n" + body + "\n```\n")
        guard case .preformatted(let lines, _)? = lesson.steps.first?.items.first else {
            Issue.record("no plain block: \(lesson.steps)")
            return
        }
        #expect(lines.count == 100_000)
        // Not a timing test: copying the block on every line is about 5 billion copies, minutes.
        #expect(start.duration(to: clock.now) < .seconds(30))
    }
}
