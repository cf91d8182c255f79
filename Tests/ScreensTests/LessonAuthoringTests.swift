import Foundation
import Lessons
import Terminal
import TestSupport
import Testing
@testable import Screens

/// What the player shows of a teacher's lesson: Markdown it renders, wide blocks it wraps
/// with a mark, numbers it hides until asked, the data it will train on, reloading.
@Suite("Lesson authoring in the player")
struct LessonAuthoringTests {
    func player(_ source: String) -> LessonPlayer {
        LessonPlayer(lesson: LessonParser.parse(source), name: "t", store: nil, screenSize: (80, 24))
    }

    @Test("### headings, tables and links render; wide plain lines wrap after a mark")
    func markdown() {
        let wide = String(repeating: "x", count: 120)
        let text = player("# T\n\n## S\n\n### A heading\n\nSee [the guide](https://example.org/g).\n\n"
            + "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n\(wide)END\n```\n").frame(80, 24).text
        #expect(text.contains("A heading") && !text.contains("### A heading"))
        #expect(text.contains("See the guide (https://example.org/g)."))
        #expect(text.contains("a  b") && text.contains("1  2") && !text.contains("|---|"))
        #expect(text.contains("↪") && text.contains("END"), "\(text)")
    }

    @Test("a model quiz's number is hidden in the pane until answered")
    func modelHidesAskedValue() {
        var lesson = player("# T\n\n## S\n\n```model\ninput: [1, 6, 6]\nlayers:\n  - Conv2d(1, 4, 3)\n```\n\n"
            + "```quiz\nquestion: How many parameters?\nanswer: 40\ncomputed: parameters\n```\n")
        var text = lesson.frame(80, 24).text
        #expect(text.contains("total parameters: ?") && !text.contains("40"), "\(text)")
        lesson.type("40")
        lesson.press(.enter)
        text = lesson.frame(80, 24).text
        #expect(text.contains("total parameters: 40"), "\(text)")
        // One layer's count asked: the total would give it away, so it waits too.
        let layer = player("# T\n\n## S\n\n```model\ninput: [1, 6, 6]\nlayers:\n  - Conv2d(1, 4, 3)\n  - Conv2d(4, 2, 1)\n```\n\n"
            + "```quiz\nquestion: Layer 1?\nanswer: 10\ncomputed: parameters[1]\n```\n").frame(80, 24).text
        #expect(layer.contains("total parameters: ?") && !layer.contains("50"), "\(layer)")
    }

    @Test("an explorer quiz on output_height hides the output's size; output[r][c] pins its step")
    func explorerHidesAskedValue() {
        let sizeQuiz = player("# T\n\n## S\n\n```explore\nop: conv\n```\n\n"
            + "```quiz\nquestion: rows?\nanswer: 3\ncomputed: output_height\n```\n")
        let text = sizeQuiz.frame(120, 40).text
        #expect(text.contains("hidden until you answer") && !text.contains("output 3x3"), "\(text)")
        var cell = player("# T\n\n## S\n\n```explore\nop: conv\n```\n\n"
            + "```quiz\nquestion: output[1][0]?\nanswer: -1\ncomputed: output[1][0]\n```\n")
        let pinned = cell.frame(120, 40).text
        #expect(pinned.contains("step 4"), "\(pinned)")
        cell.type("-1")
        cell.press(.enter)
        #expect(cell.progress.quizzes["output[1][0]?"]?.solved == true)
    }

    @Test("an asked feature count is hidden in every row that shows it: same-shape layers, Flatten, Linear's text")
    func featuresHiddenThroughSameShapeLayers() {
        var lesson = player("# T\n\n## S\n\n```model\ninput: [1, 6, 6]\nlayers:\n  - Conv2d(1, 4, 3)\n  - ReLU()\n"
            + "  - Flatten()\n  - Linear(64, 10)\n```\n\n"
            + "```quiz\nquestion: How many values does the ReLU give?\nanswer: 64\ncomputed: features[1]\n```\n")
        var text = lesson.frame(120, 40).text
        // The conv before it, the ReLU asked, the Flatten after it and Linear's in_features.
        #expect(!text.contains("4×4×4") && !text.contains("64"), "\(text)")
        #expect(text.contains("Linear(?, 10)") && text.contains("1×6×6") && text.contains("10"), "\(text)")
        lesson.type("64")
        lesson.press(.enter)
        text = lesson.frame(120, 40).text
        #expect(text.contains("4×4×4") && text.contains("Linear(64, 10)"), "\(text)")
        // Only Linear's feature counts are hidden in layer text: a conv's numbers are not counts.
        #expect(LessonPaneView.hidingCounts([16], in: "Conv2d(16, 16, 5)") == "Conv2d(16, 16, 5)")
        #expect(LessonPaneView.hidingCounts([400], in: "Linear(in_features=400, out_features=256)")
                == "Linear(in_features=?, out_features=256)")
    }

    @Test("each train block has its own checkpoint, named by lesson and block")
    func checkpoints() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let lesson = LessonParser.parse("# T\n\n## S\n\n```train\nmodel: cnn\ndata: synthetic\n```\n\n"
            + "```train\nid: second\nmodel: cnn\ndata: synthetic\n```\n")
        let player = LessonPlayer(lesson: lesson, name: "09-mine", store: state.store)
        let blocks = lesson.steps[0].items.compactMap { if case .train(let b) = $0 { return b } else { return nil } }
        let paths = blocks.compactMap { player.checkpointPath(for: $0) }
        #expect(paths.count == 2 && paths[0] != paths[1])
        #expect(paths[0].hasSuffix("/models/09-mine/train-1-cnn.safetensors"))
        #expect(paths[1].hasSuffix("/models/09-mine/second-cnn.safetensors"))
        // The pane says which data the run will use before Enter.
        var focused = player
        focused.press(.tab)
        #expect(focused.frame(120, 40).text.contains("data: the built-in synthetic shapes"))
    }

    @Test("CIFAR-10 missing: the pane says the run will use other data, and how to get it")
    func missingCIFAR() {
        let choice = LessonDataChoice.choose(.cifar10(directory: nil),
                                             catalog: .init(environment: ["CNNLAB_DATA": "/no/such"], homeDirectory: "/no/home"))
        #expect(choice.used == .synthetic() && choice.isSubstitute)
        #expect(choice.lines.joined().contains("NOT on this machine") && choice.lines.joined().contains("cnnlab data get cifar10"))
    }

    @Test("r reloads the file, keeping the step and the progress")
    func reload() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let file = state.path + "/l.md"
        try FileManager.default.createDirectory(atPath: state.path, withIntermediateDirectories: true)
        let quiz = "\n```quiz\nquestion: How many?\nanswer: 7\n```\n"
        try "# T\n\n## One\n\n## Two\n\nOld text.\n\(quiz)".write(toFile: file, atomically: true, encoding: .utf8)
        var lesson = LessonPlayer(lesson: Lesson.load(path: file), name: "l", store: nil, path: file)
        lesson.press(.right)
        lesson.type("5")
        lesson.press(.enter)
        try "# T\n\n## One\n\n## Two\n\nNew text.\n\(quiz)".write(toFile: file, atomically: true, encoding: .utf8)
        lesson.press(.character("r"))
        let text = lesson.frame(80, 24).text
        #expect(lesson.stepIndex == 1)
        #expect(text.contains("New text.") && text.contains("reloaded l.md"), "\(text)")
        // The student's wrong answer and its note are still there.
        #expect(text.contains("5 is not right") && text.contains("attempts: 1"), "\(text)")
    }
}
