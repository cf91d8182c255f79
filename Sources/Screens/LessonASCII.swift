/// Lesson text drawn on a terminal without Unicode: the symbols lessons use, in ASCII.
enum LessonASCII {
    static let replacements: [Character: String] = [
        "×": "x", "−": "-", "–": "-", "—": "-", "≈": "~", "→": "->", "←": "<-", "↑": "^", "↓": "v",
        "∂": "d", "·": ".", "…": "...", "≤": "<=", "≥": ">=", "²": "^2", "°": " deg", "⚠": "!",
        "✓": "ok", "✗": "x", "’": "'", "“": "\"", "”": "\"", "⌊": "floor(", "⌋": ")", "━": "=", "─": "-",
    ]

    /// `text` with each known symbol replaced and any other non-ASCII character shown as "?".
    static func transliterate(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy(\.isASCII) else { return text }
        var result = ""
        for character in text {
            if let replacement = replacements[character] {
                result += replacement
            } else if character.unicodeScalars.allSatisfy(\.isASCII) {
                result.append(character)
            } else {
                result += "?"
            }
        }
        return result
    }
}
