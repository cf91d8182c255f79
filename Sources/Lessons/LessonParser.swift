/// Turns a lesson file's text into a `Lesson`: `# ` title, `## ` steps, fenced blocks.
/// Every problem is recorded with its line; parsing itself never fails.
public enum LessonParser {
    /// The info strings of fenced blocks the player understands.
    /// The kinds of fenced block a lesson may hold, by the fence's info string.
    public enum BlockKind: String, CaseIterable, Sendable {
        case explore, quiz, model, train, pytorch, text
    }

    public static let blockKinds = BlockKind.allCases.map(\.rawValue)

    public static func parse(_ source: String) -> Lesson {
        var builder = Builder()
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        var fence: (kind: String, line: Int, body: [String])?
        for (offset, line) in lines.enumerated() {
            let number = offset + 1
            let trimmed = line.trimmingSpaces
            if var open = fence {
                if trimmed == "```" {
                    builder.addBlock(kind: open.kind, line: open.line, body: open.body)
                    fence = nil
                } else {
                    open.body.append(line)
                    fence = open
                }
            } else if trimmed.hasPrefix("```") {
                let info = trimmed.dropFirst(3).split(separator: " ").first.map(String.init) ?? ""
                fence = (info, number, [])
            } else if line.hasPrefix("# ") {
                builder.setTitle(String(line.dropFirst(2)).trimmingSpaces, line: number)
            } else if line.hasPrefix("## ") {
                builder.startStep(String(line.dropFirst(3)).trimmingSpaces, line: number)
            } else {
                builder.addText(line, line: number)
            }
        }
        if let open = fence {
            builder.problems.append(LessonProblem(line: open.line, message: "the ```\(open.kind) block opened here is never closed"))
            builder.addBlock(kind: open.kind, line: open.line, body: open.body)
        }
        return builder.finish()
    }

    /// Accumulates steps and items while the lines go by.
    struct Builder {
        var title: String?
        var titleLine = 1
        var summary: [String] = []
        var steps: [Step] = []
        var problems: [LessonProblem] = []
        var pendingText: [String] = []
        var pendingLine = 0
        var quizCount = 0

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
            quizCount = 0
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
                problems.append(LessonProblem(line: line, message: "unknown block '\(kind)' (expected "
                                              + Self.kindList + ")"))
                steps[stepIndex].items.append(.broken(kind: kind, line: line))
                return
            }
            switch known {
            case .text:
                item = .preformatted(body, line: line)
            case .pytorch:
                item = .pytorch(CodeBlock(code: body, line: line))
            case .explore, .quiz, .model, .train:
                var fields = BlockFields(kind: kind, body: body, fenceLine: line)
                var parsed: StepItem?
                if fields.problems.isEmpty {
                    switch known {
                    case .explore: parsed = ExploreBlock.read(&fields).map(StepItem.explore)
                    case .quiz:
                        parsed = Quiz.read(&fields, explore: steps[stepIndex].explore,
                                           key: "\(stepIndex).\(quizCount)").map(StepItem.quiz)
                    case .model: parsed = ModelBlock.read(&fields).map(StepItem.model)
                    case .train: parsed = TrainBlock.read(&fields).map(StepItem.train)
                    case .text, .pytorch: parsed = nil   // handled above
                    }
                }
                if known == .quiz { quizCount += 1 }
                problems += fields.problems
                item = parsed ?? .broken(kind: kind, line: line)
            }
            steps[stepIndex].items.append(item)
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
            let sorted = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
            return Lesson(title: title ?? "Untitled lesson", titleLine: titleLine, summary: summary,
                          steps: steps, problems: sorted)
        }
    }
}
