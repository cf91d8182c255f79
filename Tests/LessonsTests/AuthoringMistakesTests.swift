import Foundation
import TestSupport
import Testing
@testable import Lessons

/// The mistakes a teacher makes while writing a lesson: each gets one problem, at the line
/// where it was made, in words a teacher reads, and no follow-up problems.
@Suite("Authoring mistakes")
struct AuthoringMistakesTests {
    func problems(_ source: String, directory: String? = nil) -> [LessonProblem] {
        LessonParser.parse(source, directory: directory).problems
    }

    func expectOne(_ source: String, line: Int, containing text: String, directory: String? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        let found = problems(source, directory: directory)
        #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.line == line, "\(found)", sourceLocation: sourceLocation)
        #expect(found.first?.message.contains(text) == true, "\(found)", sourceLocation: sourceLocation)
    }

    // MARK: fences

    @Test("an unclosed fence of any kind is reported at its opening line, before the next block")
    func unclosedFences() {
        let quiz = "```quiz\nquestion: q\nanswer: 1\n```\n"
        for kind in ["pytorch", "", "text", "explore", "quiz", "model", "train"] {
            // Line 5 opens the block; the quiz that follows would be swallowed.
            let source = lessonWithBlock("```\(kind)\nsome: body\n\n" + quiz)
            let found = problems(source)
            #expect(found.count == 1, "\(kind): \(found)")
            #expect(found.first?.line == 5, "\(kind): \(found)")
            #expect(found.first?.message.contains("opened here is never closed") == true, "\(kind): \(found)")
            // The quiz after it is read, not swallowed.
            #expect(LessonParser.parse(source).steps[0].quizzes.count == 1, "\(kind)")
        }
        expectOne(lessonWithBlock("```pytorch\nx = 1\n"), line: 5, containing: "the file ends inside it")
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\n\n## Next step\n\nText."), line: 5,
                  containing: "the step heading '## Next step' at line 9 comes first")
        // Longer and tilde fences close with their own kind; a ``` line inside a ```` block is content.
        #expect(problems(lessonWithBlock("````text\n```quiz\nnot a quiz\n```\n````")).isEmpty)
        #expect(problems(lessonWithBlock("~~~\ncode\n~~~")).isEmpty)
    }

    // MARK: YAML in words

    @Test("a tab says it is a tab, at its line")
    func tabs() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nhints:\n\t- one\nanswer: 1\n```"), line: 8,
                  containing: "indented with a tab; YAML indents with spaces only")
    }

    @Test("a key indented under another says so and keeps the line")
    func keyIndentedUnderAnother() {
        expectOne(lessonWithBlock("```quiz\nquestion: How many?\n  answer: 4\n```"), line: 7,
                  containing: "'answer' is indented more than 'question'")
    }

    @Test("list items out of line, deeper (which YAML would silently join) or shallower")
    func listItemsOutOfLine() {
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\nhints:\n  - one\n    - two\n```"), line: 10,
                  containing: "this list item starts in column 5 but the item on line 4 of the block starts in column 3")
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\nhints:\n  - one\n - two\n```"), line: 10,
                  containing: "start every '- ' of a list in the same column")
        // Matrix rows written as a block list are fine.
        #expect(problems(lessonWithBlock("```explore\nop: conv\ninput:\n  - [1, 2, 3]\n  - [4, 5, 6]\n```")).isEmpty)
        // Text under '|' may hold anything.
        #expect(problems(lessonWithBlock("```quiz\nquestion: q\nanswer: 1\nexplanation: |\n  a: b\n    - c\n```")).isEmpty)
    }

    // MARK: typos

    @Test("a typo'd key is reported once and the rest is checked as meant: no right answer called wrong")
    func typoDoesNotCascade() {
        // 'kernal' is read as 'kernel' ([[1, 1], [1, 1]]), so the predict answer 11 is right.
        let source = lessonWithBlock("```explore\nop: conv\nkernal: [[1, 1], [1, 1]]\n```\n\n"
            + "```quiz\npredict: 1\nquestion: first output?\nanswer: 11\ncomputed: output[0][0]\n```")
        expectOne(source, line: 7, containing: "unknown key 'kernal' in the explore block: did you mean 'kernel'?")
        // A key whose intent cannot be guessed: the quiz about that explorer is not checked at all.
        let unknown = lessonWithBlock("```explore\nop: conv\nweights: [[1, 1], [1, 1]]\n```\n\n"
            + "```quiz\npredict: 1\nquestion: first output?\nanswer: 11\n```")
        expectOne(unknown, line: 7, containing: "unknown key 'weights' in the explore block")
        // A quiz key typo: the answer is still read, not "the quiz has no 'answer'".
        expectOne(lessonWithBlock("```quiz\nquestion: q\nanwser: 3\n```"), line: 7, containing: "did you mean 'answer'?")
        expectOne(lessonWithBlock("```quizz\nquestion: q\nanswer: 1\n```"), line: 5, containing: "did you mean 'quiz'?")
        // A broken explore block: no "'predict' needs an explore block" follow-up.
        expectOne(lessonWithBlock("```explore\nop: convolution\n```\n\n```quiz\npredict: 1\nquestion: q\nanswer: 1\n```"),
                  line: 6, containing: "unknown op 'convolution'")
    }

    // MARK: data

    @Test("data: names are checked, folders resolve against the lesson's folder and must exist")
    func trainData() throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path + "/class-data", withIntermediateDirectories: true)
        let block = { (data: String) in lessonWithBlock("```train\nmodel: cnn\ndata: \(data)\n```") }
        expectOne(block("cifar100"), line: 7, containing: "unknown data 'cifar100'", directory: folder.path)
        expectOne(block("./missing"), line: 7, containing: "the data folder './missing' does not exist", directory: folder.path)
        #expect(problems(block("./class-data"), directory: folder.path).isEmpty)
        #expect(problems(block("class-data"), directory: folder.path).isEmpty)
        let lesson = LessonParser.parse(block("class-data"), directory: folder.path)
        guard case .train(let train)? = lesson.steps.first?.items.first else { Issue.record("no train block"); return }
        #expect(train.dataSpec == .directory(folder.path + "/class-data"))
        for name in ["cifar10", "synthetic", "auto", "fashion-mnist", "synthetic:200"] {
            #expect(problems(block(name), directory: folder.path).isEmpty, "\(name)")
        }
    }

    // MARK: sizes

    @Test("sizes nobody means are errors naming the limit, never a trap", arguments: [
        ("```explore\nop: conv\npadding: 9223372036854775807\n```", "must be at most 64 (the explorer's largest setting)"),
        ("```explore\nop: pool\nkernel_size: 4294967296\n```", "must be at most 64 (the explorer's largest matrix side)"),
        ("```explore\nop: convT\ninput: [[1, 2]]\nkernel: [[1, 1], [1, 1]]\ndilation: 4000\n```", "must be at most 64"),
        ("```explore\nop: conv\ninput: [[1e39, 1], [2, 3]]\n```", "not a finite float32 number"),
        ("```explore\nop: conv\nbias: nan\n```", "not a finite float32 number"),
        ("```train\nmodel: cnn\nepochs: 9223372036854775807\n```", "from 1 to 1000"),
        ("```quiz\nquestion: q\nanswer: 1e400\n```", "is not a number"),
    ])
    func sizeLimits(block: String, text: String) {
        let found = problems(lessonWithBlock(block))
        #expect(found.count == 1 && found[0].message.contains(text), "\(found)")
    }

    // MARK: warnings

    @Test("warnings, not problems: images, TeX, wide tables, an answer stated just above its quiz")
    func warnings() {
        let source = "# T\n\n## S\n\n![a cat](cat.png)\n\nThe size is $\\frac{I - K}{S} + 1$.\n\n"
            + "| a very long column heading | another very long column heading |\n|---|---|\n| 1 | 2 |\n\n"
            + "So the output has 4 × 4 = 16 values.\n\n```quiz\nquestion: How many values?\nanswer: 16\n```\n"
        let lesson = LessonParser.parse(source)
        #expect(lesson.problems.isEmpty, "\(lesson.problems)")
        let lines = lesson.warnings.map(\.line)
        #expect(lines == [5, 7, 9, 13], "\(lesson.warnings)")
        #expect(lesson.warnings.allSatisfy { $0.message.hasPrefix("warning: ") })
        #expect(lesson.warnings[3].message.contains("states 16, the answer of the quiz at line 15"))
        // A number that is not the result does not warn.
        #expect(LessonParser.parse("# T\n\n## S\n\nA 4x4 input.\n\n```quiz\nquestion: q\nanswer: 16\n```\n").warnings.isEmpty)
    }

    @Test("the answer-leak warning: words, text below the quiz, an earlier explanation; settings and other counts pass")
    func answerLeakHeuristic() {
        func warnedLines(_ body: String) -> [Int] { LessonParser.parse("# T\n\n## S\n\n" + body).warnings.map(\.line) }
        let quiz9 = "```quiz\nquestion: How many values?\nanswer: 9\n```\n"
        // Leaks: a number word, a count before its noun, text under the quiz (the step shows it all).
        #expect(warnedLines("The output has nine values.\n\n" + quiz9) == [5])
        #expect(warnedLines("Flatten() lays out 9 values.\n\n" + quiz9) == [5])
        #expect(warnedLines(quiz9 + "\nSo the output is 9 values.\n") == [10])
        // An earlier quiz's explanation, seen before the next quiz is answered.
        #expect(warnedLines("```quiz\nquestion: a?\nanswer: 4\nexplanation: 4, and the next one is 9.\n```\n\n" + quiz9) == [5])
        // Not leaks: a setting stated as given, a count of something else in an explanation,
        // numbers that are not stated as a result.
        #expect(warnedLines("The stride is 9 and the padding is 1.\n\n" + quiz9).isEmpty)
        #expect(warnedLines("```quiz\nquestion: a?\nanswer: 4\nexplanation: The kernel has 9 weights.\n```\n\n" + quiz9).isEmpty)
        #expect(warnedLines("A 9x9 input and 9 filters.\n\n" + quiz9).isEmpty)
        // A later step is another page: its text does not count.
        #expect(warnedLines(quiz9 + "\n## Next\n\nIt has 9 values.\n").isEmpty)
    }

    @Test("--check takes folders, and warnings do not fail it")
    func folders() {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        _ = folder.write("01-a.md", lessonWithBlock("```quiz\nquestion: q\nanswer: 1\n```"))
        _ = folder.write("02-b.md", "# T\n\n## S\n\n![x](y.png)\n")
        _ = folder.write("README.md", "not a lesson")
        let report = LessonValidator.report(paths: [folder.path])
        #expect(report.files.count == 2)
        #expect(report.problems.isEmpty)
        #expect(report.warnings.count == 1 && report.warnings[0].hasPrefix(folder.path + "/02-b.md:5: warning:"))
    }

    @Test("two quizzes with the same question need ids")
    func sameQuestionTwice() {
        let quiz = "```quiz\nquestion: q\nanswer: 1\n```\n\n"
        expectOne(lessonWithBlock(quiz + quiz), line: 10, containing: "same question as the quiz at line 5")
        #expect(problems(lessonWithBlock(quiz + "```quiz\nid: again\nquestion: q\nanswer: 1\n```")).isEmpty)
    }

    @Test("answers accept 3,216 and 3216, a typographic minus and a decimal comma")
    func typedAnswers() {
        let big = Quiz(question: "q", answer: .numeric(value: 3216, tolerance: 0))
        for typed in ["3,216", "3216", " 3 216 ", "3\u{2009}216"] { #expect(big.isCorrect(typed: typed), "\(typed)") }
        #expect(!big.isCorrect(typed: "3.216"))
        #expect(Quiz(question: "q", answer: .numeric(value: -3, tolerance: 0)).isCorrect(typed: "−3"))
        #expect(Quiz(question: "q", answer: .numeric(value: 0.5, tolerance: 0)).isCorrect(typed: "0,5"))
        #expect(Quiz(question: "q", answer: .numeric(value: 2.305, tolerance: 0)).isCorrect(typed: "2,305"))
        #expect(Quiz.number(from: "1,000,000") == 1_000_000)
    }
}
