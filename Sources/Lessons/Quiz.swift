import Formatting

/// A ```quiz block: a question with a numeric or multiple-choice answer, hints, and an
/// explanation shown once answered. With `predict: k` it is a "predict, then see" quiz: the
/// step's explorer stops before its step k and the student predicts the value it computes.
public struct Quiz: Equatable, Sendable {
    /// What kind of answer the quiz takes.
    public enum Answer: Equatable, Sendable {
        /// A number, right when within `tolerance` of `value`.
        case numeric(value: Double, tolerance: Double)
        /// One of `choices`; `correct` is its index.
        case choice(choices: [String], correct: Int)
    }

    public var question: String
    public var answer: Answer
    public var hints: [String]
    public var explanation: String?
    /// For a "predict, then see" quiz: the explorer step (1-based) whose output is asked.
    public var predictStep: Int?
    /// The line of the opening fence.
    public var line: Int
    /// The file line of each key written in the block (1-based), e.g. keyLines["answer"].
    public var keyLines: [String: Int] = [:]
    /// A key that names this quiz in the saved progress ("2.1": second quiz of step 3 is "2.1").
    public var key: String

    public init(question: String, answer: Answer, hints: [String] = [], explanation: String? = nil,
                predictStep: Int? = nil, line: Int = 0, key: String = "") {
        self.question = question
        self.answer = answer
        self.hints = hints
        self.explanation = explanation
        self.predictStep = predictStep
        self.line = line
        self.key = key
    }

    /// Whether a typed numeric response is right. Accepts "−3" (Unicode minus) and "0,5".
    public func isCorrect(typed response: String) -> Bool {
        guard case .numeric(let value, let tolerance) = answer, let number = Self.number(from: response) else { return false }
        return abs(number - value) <= tolerance + 1e-9 * max(1, abs(value))
    }

    /// Whether choice `index` (0-based) is right.
    public func isCorrect(choice index: Int) -> Bool {
        guard case .choice(_, let correct) = answer else { return false }
        return index == correct
    }

    /// The answer as the player reveals it.
    public var answerText: String {
        switch answer {
        case .numeric(let value, _): return NumberText.plain(value)
        case .choice(let choices, let correct): return "\(Self.letter(correct))) \(choices[correct])"
        }
    }

    /// "a", "b", ... for choice index 0, 1, ...
    public static func letter(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(97 + min(index, 25))))
    }

    /// A number typed by a student, or nil.
    public static func number(from text: String) -> Double? {
        let cleaned = text.trimmingSpaces.replacingAll("−", with: "-").replacingAll(",", with: ".")
        return Double(cleaned)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
