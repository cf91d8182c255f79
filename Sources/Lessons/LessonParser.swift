/// Turns a lesson file's text into a `Lesson`: `# ` title, `## ` steps, fenced blocks.
/// Every problem is recorded with its line; parsing itself never fails.
public enum LessonParser {
    /// The kinds of fenced block a lesson may hold, by the fence's info string.
    public enum BlockKind: String, CaseIterable, Sendable {
        case explore, quiz, model, train, inspect, pytorch, text
    }

    /// The info strings of fenced blocks the player understands.
    public static let blockKinds = BlockKind.allCases.map(\.rawValue)

    /// Parses `source`. `directory` is the lesson file's folder: `data:` folders of train
    /// blocks are resolved against it (nil: against the current folder).
    public static func parse(_ source: String, directory: String? = nil) -> Lesson {
        var builder = Builder()
        builder.directory = directory
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var fence: OpenFence?
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            let trimmed = line.trimmingSpaces
            if var open = fence {
                // Taken out of `fence`, so that `open.body` is the only reference to the block's
                // lines and appending one does not copy them all (a 1 MB plain block took 1.3 s).
                fence = nil
                if open.isClosed(by: trimmed) {
                    builder.addBlock(kind: open.kind, line: open.line, body: open.body)
                    fence = nil
                } else if let interruption = open.interruption(by: line, trimmed: trimmed) {
                    // A new block (or step) begins inside this one: its closing line is missing.
                    builder.problems.append(LessonProblem(line: open.line, message: "the \(open.opening) block opened here "
                        + "is never closed (\(interruption) at line \(number) comes first); end it with a \(open.closing) line"))
                    builder.addBroken(kind: open.kind, line: open.line)
                    fence = nil
                    if let opening = FenceMark(trimmed) {
                        fence = OpenFence(mark: opening, line: number)
                    } else {
                        builder.addLine(line, number: number)
                    }
                } else {
                    open.body.append(line)
                    fence = open
                }
            } else if let opening = FenceMark(trimmed) {
                fence = OpenFence(mark: opening, line: number)
            } else {
                builder.addLine(line, number: number)
            }
        }
        if let open = fence {
            builder.problems.append(LessonProblem(line: open.line, message: "the \(open.opening) block opened here is never "
                + "closed: the file ends inside it; end it with a \(open.closing) line"))
            builder.addBroken(kind: open.kind, line: open.line)
        }
        return builder.finish()
    }

    /// A fence line: three or more backticks (or tildes) and an optional info string.
    struct FenceMark {
        var character: Character
        var length: Int
        var info: String

        init?(_ trimmed: String) {
            guard let first = trimmed.first, first == "`" || first == "~" else { return nil }
            let run = trimmed.prefix { $0 == first }.count
            guard run >= 3 else { return nil }
            let rest = trimmed.dropFirst(run)
            // As in CommonMark, a backtick fence's info string has no backtick (```a``` is code).
            if first == "`" && rest.contains("`") { return nil }
            character = first
            length = run
            info = rest.split(separator: " ").first.map(String.init) ?? ""
        }
    }

    /// A fenced block being read.
    struct OpenFence {
        var mark: FenceMark
        var line: Int
        var body: [String] = []

        var kind: String { mark.info }
        /// How the author wrote the opening, for messages ("```pytorch", "``` (plain)").
        var opening: String {
            String(repeating: mark.character, count: mark.length) + (kind.isEmpty ? " (plain text)" : kind)
        }
        var closing: String { String(repeating: mark.character, count: mark.length) }

        func isClosed(by trimmed: String) -> Bool {
            !trimmed.isEmpty && trimmed.allSatisfy { $0 == mark.character } && trimmed.count >= mark.length
        }

        /// What shows that the closing line was forgotten: another fence with an info string
        /// (a closing fence never has one), or a step heading inside a YAML block. Nil when
        /// `line` is ordinary content.
        func interruption(by line: String, trimmed: String) -> String? {
            if let inner = FenceMark(trimmed), inner.character == mark.character, inner.length >= mark.length,
               !inner.info.isEmpty {
                return "the " + String(repeating: inner.character, count: inner.length) + inner.info + " block"
            }
            if LessonParser.yamlKinds.contains(kind) && line.hasPrefix("## ") {
                return "the step heading '\(line.trimmingSpaces)'"
            }
            return nil
        }
    }

    /// Block kinds whose body is YAML.
    static let yamlKinds: Set<String> = ["explore", "quiz", "model", "train", "inspect"]

    /// Accumulates steps and items while the lines go by.
    struct Builder {
        var title: String?
        var titleLine = 1
        var summary: [String] = []
        var steps: [Step] = []
        var problems: [LessonProblem] = []
        var warnings: [LessonProblem] = []
        var pendingText: [String] = []
        var pendingLine = 0
        var directory: String?
        /// Lines of blocks whose meaning is uncertain (unknown keys with no likely intent):
        /// quizzes about them are not checked, so no follow-up error calls a right answer wrong.
        var uncertainBlocks: Set<Int> = []
        /// The line of the first quiz with each identity, to report two quizzes sharing one.
        var quizIdentities: [String: Int] = [:]
        var trainBlockCount = 0
        /// The train blocks read so far, in order: what an inspect block may open.
        var trainBlocks: [TrainBlock] = []

        /// Text lines outside fenced blocks, for the Markdown warnings.
        var textLines: [(number: Int, text: String)] = []

        mutating func addLine(_ line: String, number: Int) {
            textLines.append((number, line))
            if line.hasPrefix("# ") {
                setTitle(String(line.dropFirst(2)).trimmingSpaces, line: number)
            } else if line.hasPrefix("## ") {
                startStep(String(line.dropFirst(3)).trimmingSpaces, line: number)
            } else {
                addText(line, line: number)
            }
        }

        mutating func setTitle(_ text: String, line: Int) {
            if title != nil {
                problems.append(LessonProblem(line: line, message: "a second '# ' title; a lesson has one, and each step starts with '## '"))
                return
            }
            if !steps.isEmpty {
                problems.append(LessonProblem(line: line, message: "the '# ' title must come before the first '## ' step"))
            }
            if text.isEmpty { problems.append(LessonProblem(line: line, message: "the '# ' title is empty")) }
            title = text
            titleLine = line
        }

        mutating func startStep(_ heading: String, line: Int) {
            flushText()
            if heading.isEmpty { problems.append(LessonProblem(line: line, message: "the '## ' step heading is empty")) }
            steps.append(Step(heading: heading, line: line, items: []))
        }

        mutating func addText(_ line: String, line number: Int) {
            if pendingText.isEmpty {
                if line.trimmingSpaces.isEmpty { return }
                pendingLine = number
            }
            pendingText.append(line)
        }

        mutating func flushText() {
            while pendingText.last?.trimmingSpaces.isEmpty == true { pendingText.removeLast() }
            defer { pendingText = [] }
            guard !pendingText.isEmpty else { return }
            if steps.isEmpty {
                summary += pendingText
            } else {
                steps[steps.count - 1].items.append(.text(pendingText, line: pendingLine))
            }
        }

        /// A block that cannot be read (its problem is already recorded).
        mutating func addBroken(kind: String, line: Int) {
            flushText()
            guard !steps.isEmpty else { return }
            steps[steps.count - 1].items.append(.broken(kind: kind, line: line))
        }

        mutating func addBlock(kind: String, line: Int, body: [String]) {
            flushText()
            guard !steps.isEmpty else {
                problems.append(LessonProblem(line: line, message: "the ```\(kind) block comes before the first step; add a '## ' heading above it"))
                return
            }
            let stepIndex = steps.count - 1
            let item: StepItem
            // No info string is a plain text block; an unknown one is named in the problem.
            guard let known = kind.isEmpty ? .text : LessonParser.BlockKind(rawValue: kind) else {
                let guess = BlockFields.likelyMeant(kind, among: LessonParser.blockKinds).map { ": did you mean '\($0)'?" } ?? ""
                problems.append(LessonProblem(line: line, message: "unknown block '\(kind)'\(guess) (expected "
                                              + Self.kindList + ")"))
                steps[stepIndex].items.append(.broken(kind: kind, line: line))
                return
            }
            switch known {
            case .text:
                item = .preformatted(body, line: line)
            case .pytorch:
                item = .pytorch(CodeBlock(code: body, line: line))
            case .explore, .quiz, .model, .train, .inspect:
                var fields = BlockFields(kind: kind, body: body, fenceLine: line)
                var parsed: StepItem?
                if fields.problems.isEmpty {
                    switch known {
                    case .explore: parsed = ExploreBlock.read(&fields).map(StepItem.explore)
                    case .quiz:
                        parsed = Quiz.read(&fields, context: quizContext(step: steps[stepIndex])).map(StepItem.quiz)
                    case .model: parsed = ModelBlock.read(&fields).map(StepItem.model)
                    case .train:
                        trainBlockCount += 1
                        let block = TrainBlock.read(&fields, directory: directory, ordinal: trainBlockCount)
                        if let block { trainBlocks.append(block) }
                        parsed = block.map(StepItem.train)
                    case .inspect: parsed = InspectBlock.read(&fields, trainBlocks: trainBlocks).map(StepItem.inspect)
                    case .text, .pytorch: parsed = nil   // handled above
                    }
                }
                if fields.hasUncertainKeys { uncertainBlocks.insert(line) }
                problems += fields.problems
                if case .quiz(let quiz)? = parsed {
                    if let first = quizIdentities[quiz.key] {
                        let what = quiz.id != nil ? "id '\(quiz.key)'" : "question"
                        problems.append(LessonProblem(line: line, message: "this quiz has the same \(what) as the quiz at line "
                            + "\(first); give one of them an 'id:' so that each keeps its own progress"))
                    } else {
                        quizIdentities[quiz.key] = line
                    }
                }
                item = parsed ?? .broken(kind: kind, line: line)
            }
            steps[stepIndex].items.append(item)
        }

        /// What a quiz in `step` may ask about: the explorer a `predict` stops (the step's
        /// first explore block) and the nearest explore or model block above (for `computed`).
        func quizContext(step: Step) -> Quiz.Context {
            var context = Quiz.Context()
            for item in step.items {
                switch item {
                case .explore(let block):
                    let target: Quiz.Target = uncertainBlocks.contains(block.line) ? .unchecked : .explore(block)
                    if case .none = context.predict { context.predict = target }
                    context.computed = target
                case .model(let block):
                    context.computed = uncertainBlocks.contains(block.line) ? .unchecked : .model(block)
                case .broken(let kind, _) where kind == "explore" || kind == "model":
                    if kind == "explore", case .none = context.predict { context.predict = .unchecked }
                    context.computed = .unchecked
                case .text, .preformatted, .quiz, .train, .inspect, .pytorch, .broken:
                    break
                }
            }
            return context
        }

        static var kindList: String { LessonParser.blockKinds.joined(separator: ", ") }

        mutating func finish() -> Lesson {
            flushText()
            if title == nil {
                problems.append(LessonProblem(line: 1, message: "missing title: the lesson must start with a '# Title' line"))
            }
            if steps.isEmpty {
                problems.append(LessonProblem(line: titleLine, message: "no steps: each '## ' heading starts a step"))
            }
            warnings += AnswerLeakWarnings.scan(steps: steps) + MarkdownWarnings.scan(textLines)
            func sorted(_ list: [LessonProblem]) -> [LessonProblem] {
                list.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
            }
            return Lesson(title: title ?? "Untitled lesson", titleLine: titleLine, summary: summary,
                          steps: steps, problems: sorted(problems), warnings: sorted(warnings), directory: directory)
        }
    }
}
