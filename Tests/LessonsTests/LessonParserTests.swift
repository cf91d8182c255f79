import Kernels
import Testing
@testable import Lessons

@Suite("Lesson parser")
struct LessonParserTests {
    let source = """
        # A title

        A summary line.

        ## First step

        Some text
        over two lines.

        ```explore
        op: conv
        stride: 1
        ```

        ```quiz
        question: How much?
        answer: 4
        hints: [one, two]
        explanation: Because.
        ```

        ## Second step

        ```
        plain 1 2
        ```

        ```quiz
        question: Which?
        choices: [a thing, b thing]
        answer: b thing
        ```
        """

    @Test func titleSummaryAndSteps() {
        let lesson = LessonParser.parse(source)
        #expect(lesson.problems == [])
        #expect(lesson.title == "A title")
        #expect(lesson.titleLine == 1)
        #expect(lesson.summary == ["A summary line."])
        #expect(lesson.steps.map(\.heading) == ["First step", "Second step"])
        #expect(lesson.steps.map(\.line) == [5, 22])
    }

    @Test func blocksCarryTheirLinesAndValues() throws {
        let lesson = LessonParser.parse(source)
        let first = lesson.steps[0]
        #expect(first.items.count == 3)
        #expect(first.items[0] == .text(["Some text", "over two lines."], line: 7))
        let explore = try #require(first.explore)
        #expect(explore.line == 10)
        #expect(explore.operation == .conv)
        #expect(explore.input == ExploreBlock.courseInput)
        let quiz = try #require(first.quizzes.first)
        #expect(quiz.line == 15)
        #expect(quiz.keyLines == ["question": 16, "answer": 17, "hints": 18, "explanation": 19])
        #expect(explore.keyLines == ["op": 11, "stride": 12])
        #expect(quiz.answer == .numeric(value: 4, tolerance: 0))
        #expect(quiz.hints == ["one", "two"])
        #expect(quiz.explanation == "Because.")
        #expect(quiz.key == "How much?")
        let choice = try #require(lesson.steps[1].quizzes.first)
        #expect(choice.answer == .choice(choices: ["a thing", "b thing"], correct: 1))
        #expect(choice.key == "Which?")
        #expect(lesson.steps[1].items[0] == .preformatted(["plain 1 2"], line: 24))
        #expect(lesson.quizzes.count == 2)
    }

    @Test func quizAnswerChecking() {
        let numeric = Quiz(question: "q", answer: .numeric(value: 2.3, tolerance: 0.01))
        #expect(numeric.isCorrect(typed: "2.30"))
        #expect(numeric.isCorrect(typed: " 2,305 "))
        #expect(!numeric.isCorrect(typed: "2.32"))
        #expect(!numeric.isCorrect(typed: "two"))
        let negative = Quiz(question: "q", answer: .numeric(value: -3, tolerance: 0))
        #expect(negative.isCorrect(typed: "−3"))
        #expect(!negative.isCorrect(typed: "3"))
        let choice = Quiz(question: "q", answer: .choice(choices: ["x", "y"], correct: 1))
        #expect(choice.isCorrect(choice: 1))
        #expect(!choice.isCorrect(choice: 0))
        #expect(choice.answerText == "b) y")
    }

    @Test func problemsAreGivenToTheirStep() {
        let lesson = LessonParser.parse("# T\n\n## One\n\ntext\n\n## Two\n\n```nope\n```\n")
        #expect(lesson.problems(forStep: 0) == [])
        #expect(lesson.problems(forStep: 1).map(\.line) == [9])
    }

    @Test func modelTableOfTheCourseCNN() throws {
        let rows = try ModelBlock.table(input: [3, 32, 32], layers: ModelBlock.courseModels["cnn"]!.layers).get()
        #expect(rows.map(\.outputShape) == [[8, 28, 28], [8, 28, 28], [8, 14, 14], [16, 10, 10], [16, 10, 10],
                                            [16, 5, 5], [400], [256], [256], [10]])
        #expect(rows.reduce(0) { $0 + $1.parameters } == 109_050)
        let mlp = try ModelBlock.table(input: [3, 32, 32], layers: ModelBlock.courseModels["mlp"]!.layers).get()
        #expect(mlp.reduce(0) { $0 + $1.parameters } == 813_398)
        let autoencoder = try ModelBlock.table(input: [3, 32, 32],
                                               layers: ModelBlock.courseModels["autoencoder"]!.layers).get()
        #expect(autoencoder.map(\.outputShape).filter { $0.count == 3 }.map { $0[1] }
                == [16, 16, 8, 8, 4, 8, 8, 16, 16, 32, 32])
        #expect(autoencoder.last?.outputShape == [3, 32, 32])
        #expect(autoencoder.reduce(0) { $0 + $1.parameters } == 21_331)
    }

    @Test func outputSizeFormula() {
        #expect(OutputSize.convolution(input: 4, kernel: 2, stride: 1, padding: 0, dilation: 1) == 3)
        #expect(OutputSize.convolution(input: 5, kernel: 2, stride: 2, padding: 0, dilation: 1) == 2)
        #expect(OutputSize.dropsRows(input: 5, kernel: 2, stride: 2, padding: 0, dilation: 1))
        #expect(!OutputSize.dropsRows(input: 4, kernel: 2, stride: 2, padding: 0, dilation: 1))
        #expect(OutputSize.convolution(input: 2, kernel: 3, stride: 1, padding: 0, dilation: 1) == 0)
        #expect(OutputSize.convolution(input: 1, kernel: 3, stride: 2, padding: 0, dilation: 1) == 0)
        #expect(OutputSize.transposedConvolution(input: 4, kernel: 4, stride: 2, padding: 1, dilation: 1, outputPadding: 0) == 8)
    }
}
