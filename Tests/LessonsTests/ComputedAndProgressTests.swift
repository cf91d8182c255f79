import Foundation
import TestSupport
import Testing
@testable import Lessons

/// `computed:` answers checked against cnnlab's own arithmetic; progress keyed by identity;
/// lesson folders; the CSV export; the teacher's example lessons.
@Suite("Computed answers, progress identity, library")
struct ComputedAndProgressTests {
    let model = "```model\ninput: [1, 6, 6]\nlayers:\n  - Conv2d(1, 4, 3)\n  - Flatten()\n```\n\n"
    let explore = "```explore\nop: conv\npadding: 1\nstride: 2\n```\n\n"

    func quiz(_ answer: String, _ computed: String) -> String {
        "```quiz\nquestion: q \(computed)\nanswer: \(answer)\ncomputed: \(computed)\n```\n"
    }

    func problems(_ body: String) -> [LessonProblem] { LessonParser.parse(lessonWithBlock(body)).problems }

    @Test("right answers pass", arguments: [
        ("40", "parameters"), ("40", "parameters[0]"), ("0", "parameters[1]"), ("64", "features[0]"), ("64", "features[1]"),
    ])
    func modelRight(answer: String, computed: String) {
        #expect(problems(model + quiz(answer, computed)).isEmpty, "\(computed)")
    }

    @Test("a wrong answer names the value cnnlab computes, at the answer's line")
    func modelWrong() {
        let found = problems(model + quiz("41", "parameters"))
        #expect(found.map(\.message) == ["the answer 41 is not the model's parameters (40)"])
        #expect(found.first?.line == 14)
    }

    @Test("explore values: sizes and cells, rows and columns from 0")
    func exploreValues() {
        // Course input, 2x2 kernel, padding 1, stride 2: a 3x3 output; output[0][0] = 0×1 + ... + 2×(−1) = −2.
        for (answer, computed) in [("3", "output_height"), ("3", "output_width"), ("9", "output_count"), ("-2", "output[0][0]")] {
            #expect(problems(explore + quiz(answer, computed)).isEmpty, "\(computed)")
        }
        #expect(problems(explore + quiz("4", "output_height")).map(\.message)
                == ["the answer 4 is not the explorer's output_height (3)"])
        #expect(problems(explore + quiz("1", "output[3][0]")).first?.message.contains("rows 0 to 2") == true)
    }

    @Test("computed needs the right kind of block above it in the same step")
    func wrongBlock() {
        #expect(problems(quiz("1", "parameters")).first?.message.contains("needs an explore or model block above") == true)
        #expect(problems(explore + quiz("1", "parameters")).first?.message.contains("about a model block") == true)
        #expect(problems(model + quiz("1", "output_height")).first?.message.contains("about an explore block") == true)
        #expect(problems(model + quiz("1", "parameter")).first?.message.contains("unknown computed value 'parameter'") == true)
        #expect(problems(model + quiz("1", "parameters[9]")).first?.message.contains("numbered 0 to 1") == true)
    }

    @Test("the nearest block above is the one asked about")
    func nearest() throws {
        let lesson = LessonParser.parse(lessonWithBlock(model + explore + quiz("9", "output_count")))
        #expect(lesson.problems.isEmpty)
        let asked = try #require(lesson.steps[0].quizzes.first)
        #expect(asked.computed == .outputCount)
        #expect(asked.computedBlockLine == 12)
    }

    @Test("progress follows a quiz's identity: inserting a quiz keeps the marks")
    func progressSurvivesInsertion() {
        let before = LessonParser.parse(lessonWithBlock("```quiz\nquestion: First?\nanswer: 1\n```\n\n```quiz\nid: second\nquestion: Second?\nanswer: 2\n```"))
        let after = LessonParser.parse(lessonWithBlock("```quiz\nquestion: New?\nanswer: 0\n```\n\n```quiz\nquestion: First?\nanswer: 1\n```\n\n```quiz\nid: second\nquestion: Second, reworded?\nanswer: 2\n```"))
        var progress = LessonProgress()
        progress.visited = [0]
        for (_, quiz) in before.quizzes { progress.quizzes[quiz.key] = { var r = LessonProgress.QuizRecord(); r.solved = true; return r }() }
        let solvedAfter = after.quizzes.filter { progress.quizzes[$0.quiz.key]?.solved == true }.map(\.quiz.question)
        #expect(solvedAfter == ["First?", "Second, reworded?"])
    }

    @Test("progress saved by position before identities is adopted once")
    func positionalKeys() {
        let lesson = LessonParser.parse(lessonWithBlock("```quiz\nquestion: First?\nanswer: 1\n```") + "\n## Two\n\n```quiz\nquestion: Second?\nanswer: 2\n```\n")
        var progress = LessonProgress()
        progress.quizzes["1.0"] = { var r = LessonProgress.QuizRecord(); r.attempts = 3; r.solved = true; return r }()
        progress.adoptPositionalKeys(for: lesson)
        #expect(progress.quizzes.keys.sorted() == ["Second?"])
        #expect(progress.quizzes["Second?"]?.attempts == 3)
    }

    @Test("lessons of the same name in different folders keep separate progress; shipped names stay")
    func progressNames() {
        let a = LessonLibrary.progressName(name: "01-x", path: "/a/01-x.md", shippedDirectory: "/shipped")
        let b = LessonLibrary.progressName(name: "01-x", path: "/b/01-x.md", shippedDirectory: "/shipped")
        #expect(a != b && a.hasPrefix("01-x-") && b.hasPrefix("01-x-"))
        #expect(LessonLibrary.progressName(name: "01-x", path: "/shipped/01-x.md", shippedDirectory: "/shipped") == "01-x")
    }

    @Test("CNNLAB_LESSONS adds folders after the shipped lessons")
    func addedFolders() throws {
        let shipped = TemporaryFolder(), extra = TemporaryFolder(), more = TemporaryFolder()
        defer { shipped.remove(); extra.remove(); more.remove() }
        try FileManager.default.createDirectory(atPath: shipped.path + "/lessons", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: shipped.path + "/lessons/01-a.md", contents: Data("# A\n\n## S\n".utf8))
        _ = extra.write("01-a.md", "# Also A\n\n## S\n")
        _ = more.write("05-c.md", "# C\n\n## S\n")
        let found = try LessonLibrary.locate(environment: ["CNNLAB_LESSONS": extra.path + ":" + more.path + ":/no/such"],
                                             currentDirectory: shipped.path, executablePath: nil).get()
        #expect(found.entries.map(\.name) == ["01-a", "01-a", "05-c"])
        #expect(found.entries[0].progressName == "01-a")
        #expect(found.entries[1].progressName != "01-a")
        #expect(found.notes == ["CNNLAB_LESSONS names /no/such, which is not a folder"])
    }

    @Test("the CSV export has one row per quiz, fields quoted")
    func export() {
        let lesson = LessonParser.parse("# Title, with comma\n\n## S\n\n```quiz\nid: q1\nquestion: \"Say \\\"hi\\\", then?\"\nanswer: 1\n```\n")
        var progress = LessonProgress()
        progress.quizzes["q1"] = { var r = LessonProgress.QuizRecord(); r.attempts = 2; r.solved = true; return r }()
        let csv = ProgressExport.csv([(LessonLibrary.Entry(name: "01-t", path: "/x/01-t.md"), lesson, progress)])
        #expect(csv == "lesson,lesson_title,step,quiz,question,attempts,solved,revealed,hints_shown\n"
                + "01-t,\"Title, with comma\",1,q1,\"Say \"\"hi\"\", then?\",2,yes,no,0\n")
    }

    @Test("the teacher's example lessons pass --check without warnings")
    func examples() {
        let report = LessonValidator.report(paths: [Repository.root + "/examples/lessons"])
        #expect(report.files.count == 4)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
    }

    @Test("every shipped quiz that asks a number a block above shows says so with computed:")
    func shippedLessonsUseComputed() {
        let library = LessonLibrary(directory: Repository.lessons)
        var computed = 0
        for entry in library.entries {
            let lesson = Lesson.load(path: entry.path)
            #expect(lesson.warnings.isEmpty, "\(entry.name): \(lesson.warnings)")
            computed += lesson.quizzes.filter { $0.quiz.computed != nil }.count
        }
        #expect(computed >= 8)
    }
}
