import Foundation
import Testing
@testable import Screens

/// LessonMarkdown's byte-wise trim and search answer as Foundation's `trimmingCharacters(in:
/// .whitespaces)` and `contains` do (they replaced them on every line of every layout).
@Suite("Lesson Markdown trimming")
struct LessonMarkdownTrimTests {
    static let pieces = [" ", "  ", "\t", "\u{A0}", "\u{2003}", "\u{301}", "a", "](", "]", "(", ". ", "1", "é", "e\u{301}", "👍🏽", "\r"]

    @Test("trimmed and contains match Foundation on random text")
    func matchesFoundation() {
        var state: UInt64 = 29
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<5000 {
            var text = ""
            for _ in 0..<next(8) { text += Self.pieces[next(Self.pieces.count)] }
            #expect(LessonMarkdown.trimmed(text) == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(LessonMarkdown.contains(text, "](") == text.contains("]("), "\(text.debugDescription)")
            #expect(LessonMarkdown.contains(text, ". ") == text.contains(". "), "\(text.debugDescription)")
        }
    }
}
