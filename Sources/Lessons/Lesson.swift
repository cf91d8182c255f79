/// A parsed lesson file: a title, an optional summary, and its steps (one per `## ` heading).
///
/// Parsing never fails: everything wrong with the file is collected in `problems`, each with
/// its line, so the validator can list them and the player can show each one on its step.
public struct Lesson: Equatable, Sendable {
    /// The `# ` title ("Untitled lesson" when missing; a problem says so).
    public var title: String
    /// The line of the title (1-based), or 1 when there is none.
    public var titleLine: Int
    /// The text between the title and the first step, shown on the first step.
    public var summary: [String]
    /// The steps in file order.
    public var steps: [Step]
    /// Every problem found in the file, in line order.
    public var problems: [LessonProblem]
    /// Things that work but will not look or teach as the author expects (Markdown the player
    /// shows as written, a quiz whose answer is printed just above it), in line order.
    /// `--check` prints them without failing; the player does not show them to students.
    public var warnings: [LessonProblem] = []
    /// The folder of the lesson file, against which `data:` folders are resolved (nil when
    /// the lesson was parsed from text alone).
    public var directory: String?

    public init(title: String, titleLine: Int, summary: [String], steps: [Step], problems: [LessonProblem],
                warnings: [LessonProblem] = [], directory: String? = nil) {
        self.title = title
        self.titleLine = titleLine
        self.summary = summary
        self.steps = steps
        self.problems = problems
        self.warnings = warnings
        self.directory = directory
    }

    /// All quizzes of the lesson with their step index, in reading order.
    public var quizzes: [(step: Int, quiz: Quiz)] {
        steps.enumerated().flatMap { index, step in step.quizzes.map { (index, $0) } }
    }

    /// The problems that belong to step `index` (by line), plus those before the first
    /// step for step 0, so the player can show each where it occurs.
    public func problems(forStep index: Int) -> [LessonProblem] {
        guard steps.indices.contains(index) else { return [] }
        let start = index == 0 ? 0 : steps[index].line
        let end = index + 1 < steps.count ? steps[index + 1].line : Int.max
        return problems.filter { $0.line >= start && $0.line < end }
    }
}

/// One page of a lesson: the `## ` heading and what follows it up to the next one.
public struct Step: Equatable, Sendable {
    public var heading: String
    /// The heading's line (1-based).
    public var line: Int
    public var items: [StepItem]

    public init(heading: String, line: Int, items: [StepItem]) {
        self.heading = heading
        self.line = line
        self.items = items
    }

    public var quizzes: [Quiz] {
        items.compactMap { if case .quiz(let quiz) = $0 { return quiz } else { return nil } }
    }

    /// The first explore block of the step, the one a "predict, then see" quiz stops.
    public var explore: ExploreBlock? {
        items.lazy.compactMap { if case .explore(let block) = $0 { return block } else { return nil } }.first
    }

    /// The blocks shown in the interactive pane (explore, model, train, inspect, pytorch), in order.
    public var paneBlocks: [StepItem] {
        items.filter(\.belongsInPane)
    }
}

/// A piece of a step, in file order.
public enum StepItem: Equatable, Sendable {
    /// Markdown text lines (unwrapped, as in the file), starting at `line`.
    case text([String], line: Int)
    /// A plain fenced block with no info string (or `text`): shown as it is.
    case preformatted([String], line: Int)
    case explore(ExploreBlock)
    case quiz(Quiz)
    case model(ModelBlock)
    case train(TrainBlock)
    /// The inspector over the lesson, on the weights a train block saved.
    case inspect(InspectBlock)
    case pytorch(CodeBlock)
    /// A block that could not be understood; its problems are in `Lesson.problems`.
    case broken(kind: String, line: Int)

    /// Whether the player shows this item in the interactive pane rather than the text.
    public var belongsInPane: Bool {
        switch self {
        case .explore, .model, .train, .inspect, .pytorch: return true
        case .text, .preformatted, .quiz, .broken: return false
        }
    }
}

/// A problem in a lesson file: its line (1-based) and a one-line message.
public struct LessonProblem: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "\(line): \(message)" }
}

/// A ```pytorch block: code shown beside the live view.
public struct CodeBlock: Equatable, Sendable {
    public var code: [String]
    /// The line of the opening fence.
    public var line: Int

    public init(code: [String], line: Int) {
        self.code = code
        self.line = line
    }
}
