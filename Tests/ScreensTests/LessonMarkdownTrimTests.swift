import Foundation
import TestSupport
import Testing
@testable import Screens

/// LessonMarkdown's byte-wise trim and search answer as Foundation's `trimmingCharacters(in:
/// .whitespaces)` and `contains` do (they replaced them on every line of every layout).
@Suite("Lesson Markdown trimming")
struct LessonMarkdownTrimTests {
    static let pieces = [" ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{301}", "a", "](", "]", "(", ". ", "1", "é", "e\u{301}", "👍🏽", "\r"]

    @Test("trimmed and contains match Foundation on random text")
    func matchesFoundation() {
        for text in seededTexts(from: Self.pieces, count: 5000, seed: 29) {
            #expect(LessonMarkdown.trimmed(text) == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(LessonMarkdown.contains(text, "](") == text.contains("]("), "\(text.debugDescription)")
            #expect(LessonMarkdown.contains(text, ". ") == text.contains(". "), "\(text.debugDescription)")
        }
    }
}
