/// What a student has done in one lesson: where they are, which steps they have seen, and
/// each quiz's attempts. Saved as JSON by `ProgressStore`.
public struct LessonProgress: Codable, Equatable, Sendable {
    /// One quiz's record.
    public struct QuizRecord: Codable, Equatable, Sendable {
        public var attempts: Int = 0
        public var solved: Bool = false
        /// How many hints have been shown.
        public var hintsShown: Int = 0
        /// Whether the answer was revealed rather than found.
        public var revealed: Bool = false
        public init() {}
    }

    /// The step to resume at (0-based).
    public var step: Int = 0
    /// Steps seen so far (0-based).
    public var visited: Set<Int> = []
    /// Quiz records by `Quiz.key` (the quiz's `id:` or question text).
    public var quizzes: [String: QuizRecord] = [:]

    public init() {}

    /// Progress saved before quizzes had identities named them by position ("2.1": step 3's
    /// second quiz). Moves each such record to the quiz now at that position, once, so a
    /// student's solved marks survive the change of key.
    public mutating func adoptPositionalKeys(for lesson: Lesson) {
        for (stepIndex, step) in lesson.steps.enumerated() {
            for (quizIndex, quiz) in step.quizzes.enumerated() {
                let old = "\(stepIndex).\(quizIndex)"
                guard let record = quizzes[old], quiz.key != old else { continue }
                quizzes[old] = nil
                if quizzes[quiz.key] == nil { quizzes[quiz.key] = record }
            }
        }
    }

    /// "3/7 steps · 1/2 quizzes", or "done" when every step was seen and every quiz solved.
    public func summary(for lesson: Lesson) -> String {
        let stepCount = lesson.steps.count
        let seen = visited.filter { $0 < stepCount }.count
        let quizKeys = lesson.quizzes.map(\.quiz.key)
        let solved = quizKeys.filter { quizzes[$0]?.solved == true }.count
        if stepCount > 0 && seen == stepCount && solved == quizKeys.count { return "done" }
        if seen == 0 { return "not started" }
        return "\(seen)/\(stepCount) steps · \(solved)/\(quizKeys.count) quizzes"
    }
}
