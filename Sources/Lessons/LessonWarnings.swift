import Formatting
/// Warnings for Markdown the player shows as written rather than as the author expects:
/// images, TeX, and tables too wide for the text column. They do not fail `--check`.
enum MarkdownWarnings {
    /// The text column's width beside a pane at 120 columns (tables wider than this wrap).
    static let narrowColumn = 44

    /// `lines` are the lesson's text lines outside fenced blocks, with their file lines.
    static func scan(_ lines: [(number: Int, text: String)]) -> [LessonProblem] {
        var warnings: [LessonProblem] = []
        var table: (start: Int, width: Int)?
        func closeTable() {
            if let open = table, open.width > narrowColumn {
                warnings.append(LessonProblem(line: open.start, message: "warning: this table is \(open.width) characters "
                    + "wide; the player draws tables as aligned text, and beside a pane the text column holds about "
                    + "\(narrowColumn), so its rows will wrap: use fewer or shorter columns, or a list"))
            }
            table = nil
        }
        for (number, text) in lines {
            let trimmed = text.trimmingSpaces
            if trimmed.hasPrefix("|") {
                let cells = TableText.cells(of: trimmed)
                let width = cells.reduce(0) { $0 + $1.count + 3 }
                if var open = table { open.width = max(open.width, width); table = open } else { table = (number, width) }
            } else {
                closeTable()
            }
            // Most lines hold none of the characters the checks below look for: skip them
            // cheaply (a 10 MB lesson spent seconds in these searches when it was read).
            guard trimmed.utf8.contains(where: { $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "\\") })
            else { continue }
            if trimmed.contains("![") && trimmed.contains("](") {
                warnings.append(LessonProblem(line: number, message: "warning: the player cannot show images; it shows "
                    + "the image's text in brackets instead: describe what matters in words"))
            }
            if looksLikeTeX(trimmed) {
                warnings.append(LessonProblem(line: number, message: "warning: TeX is shown as written in the terminal "
                    + "(the player does not typeset it): write the formula in plain text, e.g. O = (I + 2P − K)/S + 1"))
            }
        }
        closeTable()
        return warnings
    }

    /// `$$`, `\(`, `\frac{`, or `$...$` holding a backslash, `^{` or `_{`.
    static func looksLikeTeX(_ text: String) -> Bool {
        if text.contains("$$") || text.contains("\\(") || text.contains("\\[") { return true }
        for command in ["\\frac", "\\sum", "\\cdot", "\\times", "\\lfloor", "\\left", "\\sqrt", "\\mathbf", "\\text{"]
            where text.contains(command) { return true }
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return false }
        return stride(from: 1, to: parts.count - 1, by: 2).contains { index in
            let inside = parts[index]
            return inside.contains("\\") || inside.contains("^{") || inside.contains("_{")
        }
    }
}

/// Markdown table rows: "| a | b |" to ["a", "b"]; the rule row "|---|:--:|" is a rule.
public enum TableText {
    public static func cells(of row: String) -> [String] {
        var text = Substring(row.trimmingSpaces)
        if text.hasPrefix("|") { text = text.dropFirst() }
        if text.hasSuffix("|") { text = text.dropLast() }
        // Split at each "|" byte, unless one is followed by a non-ASCII byte (which may be a
        // combining mark making "|" part of another Character): then Character by Character.
        let bytes = Array(text.utf8)
        for index in bytes.indices where bytes[index] == UInt8(ascii: "|") && index + 1 < bytes.count && bytes[index + 1] >= 0x80 {
            return text.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        }
        return bytes.split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self).trimmingSpaces
        }
    }

    /// Whether a row is the header rule (only '-', ':' and spaces in its cells).
    public static func isRule(_ row: String) -> Bool {
        let cells = cells(of: row)
        return !cells.isEmpty && cells.allSatisfy { !$0.isEmpty && $0.allSatisfy { "-: ".contains($0) } }
    }
}

/// Warnings for a quiz whose answer the step's text already states ("... = 400"), so a student
/// reads it before answering. The player shows the whole step at once, so text below the quiz
/// counts too, and so does an earlier quiz's explanation (shown once that quiz is answered,
/// before this one is).
enum AnswerLeakWarnings {
    /// Words after which a number is a statement of a result.
    static let statingWords: Set<String> = ["=", "→", "->", "is", "gives", "give", "are", "makes", "equals", "(",
                                            "has", "have", "holds", "hold", "outputs", "returns", "produces", "becomes"]
    /// Nouns after which a number is a count a quiz may ask ("400 values", "608 parameters").
    static let countedWords: Set<String> = ["values", "outputs", "parameters", "weights", "features", "numbers"]
    /// Settings a lesson states as givens ("the stride is 2"): not a result, even when the
    /// number happens to be some quiz's answer.
    static let settingWords: Set<String> = ["stride", "padding", "dilation", "kernel", "kernel_size", "lr", "epochs",
                                            "seed", "batch_size", "momentum"]
    /// Numbers written as words ("has nine values").
    static let numberWords: [String: Double] = {
        let small = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                     "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
        var words: [String: Double] = [:]
        // Not "zero" and "one": "is one of", "has one bias per filter" are rarely a result.
        for (value, word) in small.enumerated() where value >= 2 { words[word] = Double(value) }
        for (index, word) in ["thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"].enumerated() {
            words[word] = Double(30 + 10 * index)
        }
        words["hundred"] = 100
        return words
    }()

    static func scan(steps: [Step]) -> [LessonProblem] {
        var warnings: [LessonProblem] = []
        for step in steps {
            let numericQuizzes = step.quizzes.filter { if case .numeric = $0.answer { return true } else { return false } }
            if numericQuizzes.isEmpty { continue }
            // Each line is read once for the values it states, however many quizzes the step has:
            // reading it again per quiz made a step of a megabyte and many quizzes take minutes.
            var stated: [(line: Int, values: Set<Double>)] = []
            var gridNumbers: [(block: Int, line: Int, values: Set<Double>, stated: Set<Double>)] = []
            for (block, item) in step.items.enumerated() {
                switch item {
                case .text(let lines, let start):
                    for (offset, line) in lines.enumerated() {
                        let values = statedValues(in: line)
                        if !values.isEmpty { stated.append((start + offset, values)) }
                    }
                case .preformatted(let lines, let start):
                    for (offset, line) in lines.enumerated() {
                        let words = tokens(line)
                        let all = Set(words.compactMap(number(of:)))
                        if !all.isEmpty { gridNumbers.append((block, start + 1 + offset, all, statedValues(words))) }
                    }
                case .explore, .quiz, .model, .train, .inspect, .pytorch, .broken:
                    break
                }
            }
            var earlierQuizzes: [(quiz: Quiz, stated: Set<Double>)] = []
            for item in step.items {
                guard case .quiz(let quiz) = item else { continue }
                defer {
                    // Only "= 4", "is 4", ...: an explanation names many counts of other things ("4 weights").
                    let explained = quiz.explanation.map { statedValues(in: $0, countedNouns: false) } ?? []
                    earlierQuizzes.append((quiz, explained))
                }
                guard case .numeric(let value, _) = quiz.answer else { continue }
                let asksOutput = quiz.predictStep != nil
                    || { if case .output? = quiz.computed { return true } else { return false } }()
                var warned: Set<Int> = []
                func warn(_ line: Int, _ problem: LessonProblem) {
                    if warned.insert(line).inserted { warnings.append(problem) }
                }
                var lines = stated.filter { $0.values.contains(value) }.map(\.line)
                // A plain block of numbers (a grid) gives an asked cell away wherever it sits: its first such line.
                var blocksWarned: Set<Int> = []
                for entry in gridNumbers where (asksOutput ? entry.values : entry.stated).contains(value) {
                    if blocksWarned.insert(entry.block).inserted { lines.append(entry.line) }
                }
                for line in lines.sorted() { warn(line, leak(quiz, value: value, line: line)) }
                for earlier in earlierQuizzes where earlier.stated.contains(value) {
                    warn(earlier.quiz.line, LessonProblem(line: earlier.quiz.line, message: "warning: the explanation of this quiz "
                        + "states \(NumberText.plain(value)), the answer of the quiz at line \(quiz.line), which the student "
                        + "reads first: move it into that quiz's explanation"))
                }
            }
        }
        return warnings
    }

    static func leak(_ quiz: Quiz, value: Double, line: Int) -> LessonProblem {
        LessonProblem(line: line, message: "warning: this line states \(NumberText.plain(value)), the answer of the quiz at "
            + "line \(quiz.line), before the student answers it: move it into the quiz's explanation")
    }

    /// Whether `line` states `value` as a result: the number right after "=", "is", "(", ...,
    /// unless it is a setting ("the stride is 2").
    static func states(_ value: Double, in line: String, countedNouns: Bool = true) -> Bool {
        statedValues(in: line, countedNouns: countedNouns).contains(value)
    }

    /// The values `line` states as results (see `states`).
    static func statedValues(in line: String, countedNouns: Bool = true) -> Set<Double> {
        statedValues(tokens(line), countedNouns: countedNouns)
    }

    static func statedValues(_ words: [String], countedNouns: Bool = true) -> Set<Double> {
        var values: Set<Double> = []
        for (index, word) in words.enumerated() {
            guard let value = number(of: word) else { continue }
            // "... lays out 400 values": a count of what a quiz asks about.
            if countedNouns && index + 1 < words.count && countedWords.contains(words[index + 1].lowercased()) {
                values.insert(value)
                continue
            }
            guard index > 0, statingWords.contains(words[index - 1].lowercased()) else { continue }
            if index >= 2 && words[index - 1] != "(" && settingWords.contains(words[index - 2].lowercased()) { continue }
            values.insert(value)
        }
        return values
    }

    /// Words and signs of a line; "(4)" gives "(", "4"; "−3" gives "-3". Read byte by byte (the
    /// signs are ASCII): the scan reads every line of every lesson once.
    static func tokens(_ line: String) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        // Trimmed of ".,;:!?*`" at both ends, byte by byte (a mark followed by a non-ASCII
        // byte may be a combining sequence, and stays).
        func trimmable(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"),
                 UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "`"): return true
            default: return false
            }
        }
        func flush() {
            guard !word.isEmpty else { return }
            var start = 0, end = word.count
            while start < end, trimmable(word[start]), start + 1 == end || word[start + 1] < 0x80 { start += 1 }
            while end > start, trimmable(word[end - 1]) { end -= 1 }
            if start < end { words.append(String(decoding: word[start..<end], as: UTF8.self)) }
            word.removeAll(keepingCapacity: true)
        }
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: ":"):
                flush()     // ";" and ":" alone would be trimmed away
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "="):
                flush()
                words.append(String(UnicodeScalar(byte)))
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x88 && bytes[index + 2] == 0x92:
                word.append(UInt8(ascii: "-"))     // "−", U+2212
                index += 2
            default:
                word.append(byte)
            }
            index += 1
        }
        flush()
        return words
    }

    /// The number `word` writes ("400", "-3", "nine"), if any.
    static func number(of word: String) -> Double? {
        guard let first = word.utf8.first else { return nil }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if isDigit(first) || (first == UInt8(ascii: "-") && word.utf8.dropFirst().first.map(isDigit) == true) {
            return Quiz.number(from: word)
        }
        // Number words are short lowercase-able ASCII letters.
        guard word.utf8.count <= 9, (first | 0x20) >= UInt8(ascii: "a"), (first | 0x20) <= UInt8(ascii: "z") else { return nil }
        return numberWords[word.lowercased()]
    }

    static func matches(_ word: String, _ value: Double) -> Bool {
        number(of: word) == value
    }
}
