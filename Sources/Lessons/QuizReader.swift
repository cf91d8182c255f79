import Formatting

extension Quiz {
    static let keys = ["question", "answer", "tolerance", "choices", "hints", "explanation", "predict", "computed", "id"]

    /// The block a quiz may ask about.
    public enum Target: Equatable, Sendable {
        /// None above the quiz in its step.
        case none
        /// One whose meaning is uncertain (broken, or with unknown keys): its problems are
        /// reported there, and answers about it are not checked.
        case unchecked
        case explore(ExploreBlock)
        case model(ModelBlock)
    }

    /// What a quiz may ask about: the explorer `predict` stops (the step's first explore
    /// block) and the nearest explore or model block above it (for `computed`).
    public struct Context: Equatable, Sendable {
        public var predict: Target = .none
        public var computed: Target = .none
        public init() {}
    }

    /// Reads a quiz block, recording every problem in `fields.problems`; nil when the quiz
    /// cannot be asked.
    static func read(_ fields: inout BlockFields, context: Context) -> Quiz? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        let question = fields.string("question")
        if question == nil && !fields.has("question") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the quiz has no 'question'"))
        }
        let hints = fields.strings("hints") ?? []
        let explanation = fields.string("explanation")
        let predict = fields.integer("predict")
        let id = fields.string("id").map(\.trimmingSpaces)
        if id?.isEmpty == true { fields.problem("id", "'id' is empty; leave it out to use the question as the quiz's identity") }

        var answer: Answer?
        if !fields.has("answer") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the quiz has no 'answer'"))
        } else if fields.has("choices") {
            if fields.has("tolerance") { fields.problem("tolerance", "'tolerance' applies to numeric answers, not to choices") }
            if let choices = fields.strings("choices") {
                if choices.count < 2 || choices.count > 6 {
                    fields.problem("choices", "a multiple-choice quiz needs 2 to 6 choices (keys a to f)")
                } else if let text = fields.string("answer") {
                    if let index = choices.firstIndex(of: text) {
                        answer = .choice(choices: choices, correct: index)
                    } else {
                        fields.problem("answer", "the answer '\(text)' is not among the choices; write it exactly as one of them")
                    }
                }
            }
        } else {
            let tolerance = fields.number("tolerance") ?? 0
            if tolerance < 0 || !tolerance.isFinite { fields.problem("tolerance", "'tolerance' must be a number of 0 or more") }
            if let node = fields.node("answer") {
                if case .scalar(let scalar) = node, let value = Quiz.number(from: scalar.string) {
                    answer = .numeric(value: value, tolerance: tolerance.isFinite ? max(0, tolerance) : 0)
                } else {
                    fields.problem("answer", "bad answer type: \(BlockFields.quote(node)) is not a number; "
                                   + "a quiz without 'choices' needs a numeric answer")
                }
            }
        }

        if let predict { checkPredict(predict, answer: answer, target: context.predict, fields: &fields) }
        var computed: ComputedValue?
        if let text = fields.string("computed") {
            computed = checkComputed(text, answer: answer, target: context.computed, fields: &fields)
        }

        guard fields.problems.count == before, let question, let answer else { return nil }
        var quiz = Quiz(question: question, answer: answer, hints: hints, explanation: explanation,
                        predictStep: predict, line: fields.fenceLine, id: id, computed: computed)
        quiz.keyLines = fields.keyLines
        switch context.computed {
        case .explore(let block): quiz.computedBlockLine = computed == nil ? nil : block.line
        case .model(let block): quiz.computedBlockLine = computed == nil ? nil : block.line
        case .none, .unchecked: break
        }
        return quiz
    }

    static func checkPredict(_ predict: Int, answer: Answer?, target: Target, fields: inout BlockFields) {
        switch target {
        case .none, .model:
            fields.problem("predict", "'predict' needs an explore block earlier in the same step")
        case .unchecked:
            break   // the explore block's own problem is reported; nothing to check against
        case .explore(let explore):
            if explore.operation == .convT || explore.pass == .backward {
                fields.problem("predict", "'predict' needs an explore block with op: conv or op: pool (forward)")
            } else if predict < 1 || predict > explore.stepCount {
                fields.problem("predict", "predict: \(predict) is outside the explorer's steps 1...\(explore.stepCount)")
            } else if case .choice = answer {
                fields.problem("predict", "a 'predict' quiz needs a numeric answer, not choices")
            } else if case .numeric(let value, let tolerance) = answer,
                      let expected = explore.predictedValue(atStep: predict),
                      // The explorer computes in Float: its output may sit a rounding away from a decimal.
                      abs(expected - value) > tolerance + 1e-6 * max(1, abs(expected)) {
                fields.problem("answer", "the answer \(NumberText.plain(value)) is not the explorer's output at step "
                               + "\(predict) (\(NumberText.plain(expected)))")
            }
        }
    }

    /// Reads `computed:` and compares the answer with cnnlab's value; nil when unreadable.
    static func checkComputed(_ text: String, answer: Answer?, target: Target,
                              fields: inout BlockFields) -> ComputedValue? {
        guard let computed = ComputedValue.parse(text) else {
            fields.problem("computed", "unknown computed value '\(text)' (expected one of \(ComputedValue.forms))")
            return nil
        }
        if case .choice = answer {
            fields.problem("computed", "'computed' needs a numeric answer, not choices")
            return computed
        }
        let result: Result<Double, ComputedProblem>
        switch target {
        case .none:
            fields.problem("computed", "'computed: \(text)' needs an explore or model block above the quiz in the same step")
            return computed
        case .unchecked:
            return computed
        case .explore(let block): result = computed.value(in: block)
        case .model(let block): result = computed.value(in: block)
        }
        switch result {
        case .failure(let problem):
            fields.problem("computed", problem.text)
        case .success(let expected):
            if case .numeric(let value, let tolerance) = answer, abs(expected - value) > tolerance + 1e-6 * max(1, abs(expected)) {
                fields.problem("answer", "the answer \(NumberText.plain(value)) is not \(computed.phrase) (\(NumberText.plain(expected)))")
            }
        }
        return computed
    }
}
