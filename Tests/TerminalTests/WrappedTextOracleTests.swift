import Foundation
import Testing
@testable import Terminal

/// The fast wrapper (bytes for ASCII paragraphs, one pass for markup) gives exactly the lines of
/// the first, Character-by-Character one, and `lineCount` counts them.
@Suite("Wrapped text against the reference wrapper")
struct WrappedTextOracleTests {
    /// Pieces that exercise every rule: markup, list marks, indentation, long words, non-ASCII
    /// Characters (combining marks, emoji, "\r\n"), and paragraph breaks.
    static let pieces = ["a", "bb", "word", "averyveryverylongword", " ", "  ", "   ", "**", "*", "`", "- ", "* ", "• ",
                         "\n", "\n\n", "é", "e\u{301}", "👍🏽", "×", "\r\n", "\t", "x**y", "`code`", "**bold**", "1.", "—"]

    @Test("random texts at widths 1 to 30, with and without markup, in every role")
    func randomTexts() {
        var generator = SplitMix(seed: 15)
        for round in 0..<4000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...24, using: &generator) {
                text += Self.pieces.randomElement(using: &generator)!
            }
            if round % 3 == 0 { text = text.replacingOccurrences(of: "\r\n", with: "") }     // most text has no "\r"
            let width = Int.random(in: 0...30, using: &generator)
            let markup = round % 5 != 0
            let role: Role = round % 2 == 0 ? .normal : .dim
            let fast = WrappedText(text, role: role, markup: markup)
            let reference = ReferenceWrappedText(text: text, role: role, markup: markup)
            let expected = reference.lines(width: width)
            #expect(fast.lines(width: width) == expected, "text \(text.debugDescription) at width \(width), markup \(markup)")
            #expect(fast.lineCount(width: width) == expected.count, "count of \(text.debugDescription) at width \(width)")
        }
    }

    @Test("a paragraph of a megabyte with markup wraps in one pass")
    func longParagraph() {
        let text = String(repeating: "**bold** and `code` over the **input ", count: 30_000)
        let clock = ContinuousClock()
        let start = clock.now
        let count = WrappedText(text).lineCount(width: 76)
        // Lines hold at most 76 columns and words are 3-6 columns: well over 10,000 lines.
        #expect(count > 10_000)
        #expect(WrappedText(text).lines(width: 76).count == count)
        // Not a timing test (machines differ), only a bound a quadratic look-ahead would miss by far.
        #expect(start.duration(to: clock.now) < .seconds(20))
    }
}
