import Foundation
import Lessons
import Terminal

/// The text column of a step, wrapped to a width: the step's problems, its text, its
/// quizzes with their state, and where each quiz sits (to keep the active one in view).
///
/// Laid out from the top only as far as asked (`needed` lines, or down to a quiz): a step of a
/// megabyte of text costs what the screen shows. `complete` says whether `lines` holds all of it.
struct LessonTextLayout {
    typealias Line = [WrappedText.Span]

    /// The lines from `firstLine` on (the parts above it are only counted).
    private(set) var lines: [Line] = []
    /// How many lines of the step come before `lines[0]`: parts wholly above the `from` asked
    /// for are counted (cached per width), not laid out, so End on a megabyte step costs
    /// a count and the last screenful.
    private(set) var firstLine = 0
    /// The lines of each quiz laid out, by `Quiz.key` (counted from the top of the step).
    private(set) var quizLines: [String: Range<Int>] = [:]
    /// Whether `lines` reaches the end of the step (else there is more below).
    private(set) var complete = true
    let width: Int
    let unicode: Bool
    /// Counting only (`lineCount`), for a part above the lines asked for.
    private var counting = false
    private(set) var lineCount = 0
    /// Where a quiz's fixed texts (question, choices, hints, explanation) are kept between frames.
    private var quizCache: (cache: LessonTextCache, step: Int, item: Int)?

    /// The step's total lines, when `complete`.
    var totalLines: Int { firstLine + lines.count }

    /// `from`: the first line wanted (the parts wholly above it are counted, not laid out);
    /// `needed`: lay out at least this many lines from the top (all by default); `untilQuiz`:
    /// or as far as that quiz's last line.
    init(player: LessonPlayer, width: Int, glyphs: Glyphs, from: Int = 0, needed: Int = .max, untilQuiz: String? = nil) {
        self.init(width: width, unicode: glyphs.unicode)
        guard let step = player.step else {
            for problem in player.lesson.problems {
                add("line \(problem.line): \(problem.message)", role: .error)
            }
            if player.lesson.problems.isEmpty { add("This lesson has no steps.", role: .error) }
            return
        }
        // The fixed parts come from the player's cache; only quizzes are laid out each time.
        let cache = player.textCache
        let stepIndex = player.stepIndex, width = self.width, unicode = self.unicode
        func key(_ unit: LessonTextCache.Unit) -> LessonTextCache.Key {
            LessonTextCache.Key(step: stepIndex, unit: unit, width: width, unicode: unicode)
        }
        func make(_ unit: LessonTextCache.Unit, counting: Bool) -> LessonTextLayout {
            var part = LessonTextLayout(width: width, unicode: unicode)
            part.counting = counting
            switch unit {
            case .top:
                part.addTop(player: player, step: step, glyphs: glyphs)
            case .item(let index):
                part.addFixed(step.items[index], step: step, glyphs: glyphs)
            case .textChunk(let index, let range):
                if case .text(let source, let line) = step.items[index] {
                    part.addFixed(.text(Array(source[range]), line: line + range.lowerBound), step: step, glyphs: glyphs)
                }
            case .quiz, .quizText:
                break   // laid out below, on every frame
            }
            return part
        }
        let quizzes = step.quizzes
        let units = cache.units(step: stepIndex, step)
        var top = 0     // lines of the step before the next part
        for (position, unit) in units.enumerated() {
            switch unit {
            case .top, .item, .textChunk:
                // A part wholly above `from` is counted only (once per width); others are laid out,
                // and so is the last part (End shows it: counting it first would be work twice).
                if top < from, lines.isEmpty, position + 1 < units.count {
                    let count = cache.count(key(unit)) { make(unit, counting: true).lineCount }
                    if top + count <= from {
                        top += count
                        firstLine = top
                        break
                    }
                }
                let part = cache.lines(key(unit)) { make(unit, counting: false).lines }
                lines += part
                top += part.count
            case .quiz(let index):
                guard case .quiz(let quiz) = step.items[index] else { continue }
                var part = LessonTextLayout(width: width, unicode: unicode)
                part.quizCache = (cache, stepIndex, index)
                part.addQuiz(quiz, number: (quizzes.firstIndex(of: quiz) ?? 0) + 1, of: quizzes.count, player: player, glyphs: glyphs)
                part.add("")
                quizLines[quiz.key] = top..<(top + part.lines.count - 1)
                if top < from, lines.isEmpty, top + part.lines.count <= from {
                    top += part.lines.count
                    firstLine = top
                } else {
                    lines += part.lines
                    top += part.lines.count
                }
            case .quizText:
                break   // only a key of the cache
            }
            // Enough for the screen (one line past it says there is more below) and down to
            // the quiz asked for: the rest waits until it is scrolled to.
            let reachedQuiz = untilQuiz.map { quizLines[$0] != nil } ?? true
            if position + 1 < units.count && top > needed && reachedQuiz {
                complete = false
                return
            }
        }
        // Trailing blank lines are dropped (when every part was counted, they are all in the count).
        while lines.last?.isEmpty == true || lines.last?.allSatisfy({ $0.text.isEmpty }) == true { lines.removeLast() }
        if lines.isEmpty && firstLine > 0 {
            // Every part lay above `from`, or what was laid out was blank: lay out from the line
            // before, so the step ends on its last written line as a full layout does.
            self = LessonTextLayout(player: player, width: width, glyphs: glyphs, from: firstLine - 1, needed: needed,
                                    untilQuiz: untilQuiz)
        }
    }

    private init(width: Int, unicode: Bool) {
        self.width = max(1, width)
        self.unicode = unicode
    }

    /// The heading, the step's problems and (on the first step) the lesson's summary.
    private mutating func addTop(player: LessonPlayer, step: Step, glyphs: Glyphs) {
        add(step.heading, role: .title, markup: false)
        add("")
        let problems = player.lesson.problems(forStep: player.stepIndex)
        for problem in problems {
            add("\(glyphs.unicode ? "⚠" : "!") line \(problem.line): \(problem.message)", role: .error, markup: false)
        }
        if !problems.isEmpty { add("") }
        if player.stepIndex == 0 && !player.lesson.summary.isEmpty {
            add(Self.paragraphs(player.lesson.summary), role: .dim)
            add("")
        }
    }

    /// An item other than a quiz: its lines depend on the lesson and the width only.
    private mutating func addFixed(_ item: StepItem, step: Step, glyphs: Glyphs) {
        switch item {
        case .text(let text, _):
            for part in LessonMarkdown.parts(text) {
                switch part {
                case .text(let paragraph):
                    let joined = Self.paragraphs(paragraph)
                    if joined.isEmpty { continue }
                    add(joined)
                case .heading(let heading): add(heading, role: .title)
                case .table(let rows):
                    let table = LessonMarkdown.tableLines(rows, width: self.width)
                    for (index, line) in table.lines.enumerated() {
                        if table.header {
                            // Aligned columns keep their spaces (wrapping would fold them).
                            let shown = unicode ? line : LessonASCII.transliterate(line)
                            append([WrappedText.Span(shown, role: index == 0 ? .title : .normal)])
                        } else {
                            add(line)
                        }
                    }
                }
                add("")
            }
        case .preformatted(let text, _):
            for line in text { addPreformatted(line, glyphs: glyphs) }
            add("")
        case .quiz:
            break   // laid out on every frame (its state changes with each key)
        case .broken(let kind, let line):
            add("\(glyphs.unicode ? "⚠" : "!") The \(kind) block at line \(line) cannot be shown (see the problem above).",
                role: .error, markup: false)
            add("")
        case .explore, .model, .train, .inspect, .pytorch:
            let index = step.paneBlocks.firstIndex(of: item) ?? 0
            add("[\(Self.paneTitle(item)) \(glyphs.unicode ? "→" : "->") in the pane\(step.paneBlocks.count > 1 ? " (\(index + 1) of \(step.paneBlocks.count))" : "")]",
                role: .dim, markup: false)
            add("")
        }
    }

    static func paneTitle(_ item: StepItem) -> String {
        switch item {
        case .explore(let block): return "explore: " + block.operation.rawValue + (block.pass == .backward ? " backward" : "")
        case .model(let block): return "model" + (block.title.map { ": " + $0 } ?? "")
        case .train(let block): return "train: " + (block.model == .own ? "your network" : block.model.rawValue)
        case .inspect(let block): return "inspect: " + (block.train.model == .own ? "your network" : block.train.model.rawValue)
        case .pytorch: return "PyTorch"
        case .text, .preformatted, .quiz, .broken: return ""
        }
    }

    /// Markdown lines to paragraphs: lines of a paragraph are joined; blank lines and list
    /// items start new ones.
    static func paragraphs(_ source: [String]) -> String {
        var result: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { result.append(current); current = "" } }
        for raw in source {
            let line = LessonMarkdown.trimmed(raw)
            if line.isEmpty {
                flush()
                if result.last != "" { result.append("") }
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") || line.first?.isNumber == true && LessonMarkdown.contains(line, ". ")
                        && line.prefix(while: \.isNumber).count == line.firstIndex(of: ".").map({ line.distance(from: line.startIndex, to: $0) }) {
                flush()
                current = line
            } else {
                // Appended in place: `current + " " + line` copied the paragraph for every line.
                if current.isEmpty {
                    current = line
                } else {
                    current += " "
                    current += line
                }
            }
        }
        flush()
        while result.last == "" { result.removeLast() }
        return result.joined(separator: "\n")
    }

    /// A line of a plain block, as written; a line wider than the column continues on the
    /// next, after a visible mark, rather than being cut.
    private mutating func addPreformatted(_ line: String, glyphs: Glyphs) {
        let shown = Array(unicode ? line : LessonASCII.transliterate(line))
        let room = max(1, width - 2)
        let mark = LessonTextLayout.continuationMark(glyphs)
        var start = 0
        repeat {
            let end = min(shown.count, start + (start == 0 ? room : max(1, room - 2)))
            let piece = String(shown[start..<end])
            if start == 0 {
                append([WrappedText.Span("  " + piece, role: .normal)])
            } else {
                append([WrappedText.Span("  " + mark + " ", role: .dim), WrappedText.Span(piece, role: .normal)])
            }
            start = end
        } while start < shown.count
    }

    /// The mark that starts the continuation of a line too wide to show in one.
    static func continuationMark(_ glyphs: Glyphs) -> String { glyphs.unicode ? "↪" : ">" }

    private mutating func add(_ text: String, role: Role = .normal, markup: Bool = true) {
        let wrapped = WrappedText(unicode ? text : LessonASCII.transliterate(text), role: role, markup: markup)
        if counting {
            lineCount += wrapped.lineCount(width: width)
        } else {
            lines += wrapped.lines(width: width)
        }
    }

    /// One line as it is (a table row, a piece of a plain block), or counted.
    private mutating func append(_ line: Line) {
        if counting { lineCount += 1 } else { lines.append(line) }
    }

    /// A quiz's fixed text (`piece` numbers it within the quiz), laid out once per width and role.
    private mutating func addQuizText(_ piece: Int, _ text: String, role: Role = .normal, markup: Bool = true) {
        guard let (cache, step, item) = quizCache else { return add(text, role: role, markup: markup) }
        let key = LessonTextCache.Key(step: step, unit: .quizText(item: item, piece: piece, role: role, markup: markup),
                                      width: width, unicode: unicode)
        let unicode = self.unicode, width = self.width
        lines += cache.lines(key) {
            WrappedText(unicode ? text : LessonASCII.transliterate(text), role: role, markup: markup).lines(width: width)
        }
    }

    private mutating func addQuiz(_ quiz: Quiz, number: Int, of count: Int, player: LessonPlayer, glyphs: Glyphs) {
        let record = player.record(quiz)
        let active = player.activeQuiz == quiz
        let rule = String(repeating: glyphs.horizontal, count: 2)
        add("\(rule) Quiz \(number) of \(count)\(quiz.predictStep != nil ? " · predict, then see" : "") \(rule)",
            role: .accent, markup: false)
        addQuizText(0, quiz.question)
        if case .choice(let choices, let correct) = quiz.answer {
            for (index, choice) in choices.enumerated() {
                let marked = record.solved && index == correct
                addQuizText(3 + index, "  \(Quiz.letter(index))) \(choice)", role: marked ? .success : .normal, markup: false)
            }
        }
        if let step = quiz.predictStep, !record.solved {
            add("The explorer waits at step \(step) (value hidden) until you answer.", role: .dim, markup: false)
        }
        for (index, hint) in quiz.hints.prefix(record.hintsShown).enumerated() {
            addQuizText(-1 - index, "Hint \(index + 1): \(hint)", role: .dim)
        }
        let check = String(glyphs.check)
        let cross = glyphs.unicode ? "✗" : "x"
        if record.solved {
            let attempts = record.attempts == 1 ? "1 attempt" : "\(record.attempts) attempts"
            if record.revealed {
                add("Answer: \(quiz.answerText) (shown after \(attempts))", role: .accent, markup: false)
            } else {
                add("\(check) Right: \(quiz.answerText) (\(attempts))", role: .success, markup: false)
            }
            if let explanation = quiz.explanation { addQuizText(1, explanation) }
            return
        }
        if let feedback = player.feedback[quiz.key] {
            add((feedback.correct ? check : cross) + " " + feedback.message, role: feedback.correct ? .success : .error,
                markup: false)
        }
        guard active else {
            add("(answer the quiz above first)", role: .dim, markup: false)
            return
        }
        var keys: [String] = []
        if case .choice(let choices, _) = quiz.answer {
            add("Your choice: press \(Quiz.letter(0))-\(Quiz.letter(choices.count - 1))", role: .accent, markup: false)
        } else {
            add("Your answer: \(player.typed)_", role: .accent, markup: false)
            keys.append("Enter: check")
        }
        let hintsLeft = quiz.hints.count - record.hintsShown
        if hintsLeft > 0 { keys.append("h: hint (\(hintsLeft) left)") }
        if record.attempts > 0 { keys.append("s: show the answer") }
        if record.attempts > 0 { keys.append("attempts: \(record.attempts)") }
        if !keys.isEmpty { add(keys.joined(separator: " · "), role: .dim, markup: false) }
    }
}
