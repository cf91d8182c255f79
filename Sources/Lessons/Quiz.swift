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
    /// The author's `id:` for this quiz, if any.
    public var id: String?
    /// What the answer is, as cnnlab computes it (`computed:`), if the author said.
    public var computed: ComputedValue?
    /// The opening line of the block `computed` is about (the player hides the value there).
    public var computedBlockLine: Int?
    /// The quiz's identity in the saved progress: its `id:`, else its question text. It does
    /// not depend on the quiz's position, so inserting a quiz keeps every solved mark.
    public var key: String

    public init(question: String, answer: Answer, hints: [String] = [], explanation: String? = nil,
                predictStep: Int? = nil, line: Int = 0, id: String? = nil, computed: ComputedValue? = nil) {
        self.question = question
        self.answer = answer
        self.hints = hints
        self.explanation = explanation
        self.predictStep = predictStep
        self.line = line
        self.id = id
        self.computed = computed
        self.key = id ?? question
    }

    /// Whether a typed numeric response is right. Accepts "−3" (typographic minus), "3,216"
    /// and "3216", and a decimal comma ("0,5"): a comma that could be either ("2,305") is
    /// right when either reading is.
    public func isCorrect(typed response: String) -> Bool {
        guard case .numeric(let value, let tolerance) = answer else { return false }
        return Self.readings(of: response).contains { abs($0 - value) <= tolerance + 1e-9 * max(1, abs(value)) }
    }

    /// Every number `text` can mean: with thousands separated by commas, and with a decimal comma.
    public static func readings(of text: String) -> [Double] {
        var values: [Double] = []
        if let number = number(from: text) { values.append(number) }
        let decimal = text.trimmingSpaces.replacingAll("−", with: "-").replacingAll(",", with: ".")
        if text.filter({ $0 == "," }).count == 1, let number = Double(decimal), number.isFinite, !values.contains(number) {
            values.append(number)
        }
        return values
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

    /// A number typed by a student, or nil. Accepts a typographic minus ("−3"), thousands
    /// separated by commas or thin spaces ("3,216", "3 216") and a decimal comma ("0,5").
    public static func number(from text: String) -> Double? {
        var cleaned = text.trimmingSpaces.replacingAll("−", with: "-").replacingAll("–", with: "-")
        cleaned = String(cleaned.filter { $0 != "_" && $0 != "'" }.map { $0 == "\u{2009}" || $0 == "\u{202F}" ? " " : $0 })
        // "3 216": spaces between groups of three digits separate thousands.
        if cleaned.contains(" ") {
            let grouped = cleaned.replacingAll(" ", with: ",")
            guard isGroupedThousands(grouped) else { return nil }
            cleaned = grouped
        }
        if isGroupedThousands(cleaned) {
            cleaned.removeAll { $0 == "," }
        } else {
            cleaned = cleaned.replacingAll(",", with: ".")
        }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }

    /// "3,216", "-1,000,000.5": a first group of 1 to 3 digits (not a lone 0), then groups of
    /// exactly three digits after each comma.
    static func isGroupedThousands(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("-") || body.hasPrefix("+") { body = body.dropFirst() }
        let whole = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count > 1, let first = groups.first, (1...3).contains(first.count), first != "0",
              first.allSatisfy(\.isASCIIDigit) else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 && $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
