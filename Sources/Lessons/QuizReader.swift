import Formatting

extension Quiz {
    static let keys = ["question", "answer", "tolerance", "choices", "hints", "explanation", "predict"]

    /// Reads a quiz block, recording every problem in `fields.problems`; nil when the quiz
    /// cannot be asked. `explore` is the step's explore block, for `predict`.
    static func read(_ fields: inout BlockFields, explore: ExploreBlock?, key: String) -> Quiz? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        let question = fields.string("question")
        if question == nil && !fields.has("question") {
            fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the quiz has no 'question'"))
        }
        let hints = fields.strings("hints") ?? []
        let explanation = fields.string("explanation")
        let predict = fields.integer("predict")

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
            if tolerance < 0 { fields.problem("tolerance", "'tolerance' cannot be negative") }
            if let node = fields.node("answer") {
                if case .scalar(let scalar) = node, let value = Quiz.number(from: scalar.string) {
                    answer = .numeric(value: value, tolerance: max(0, tolerance))
                } else {
                    fields.problem("answer", "bad answer type: \(BlockFields.quote(node)) is not a number; "
                                   + "a quiz without 'choices' needs a numeric answer")
                }
            }
        }

        if let predict {
            if let explore {
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
            } else {
                fields.problem("predict", "'predict' needs an explore block earlier in the same step")
            }
        }

        guard fields.problems.count == before, let question, let answer else { return nil }
        var quiz = Quiz(question: question, answer: answer, hints: hints, explanation: explanation,
                        predictStep: predict, line: fields.fenceLine, key: key)
        quiz.keyLines = fields.keyLines
        return quiz
    }
}
