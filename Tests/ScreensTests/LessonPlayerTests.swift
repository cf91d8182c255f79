import Formatting
import Foundation
import Lessons
import Stepper
import Terminal
import TestSupport
import Testing
@testable import Screens

@Suite("Lesson player")
struct LessonPlayerTests {
    /// Signs that a frame shows a problem instead of the lesson.
    static let errorMarks = ["⚠", "cannot be shown", "terminal too small", "line 0:", "the explorer needs at least",
                             "refused"]

    func expectClean(_ frame: Buffer, _ where_: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for mark in Self.errorMarks {
            #expect(!frame.text.contains(mark), "\(where_): \(mark)\n\(frame.text)", sourceLocation: sourceLocation)
        }
    }

    /// The keys that answer `quiz` right or (with `right: false`) wrong.
    func answer(_ quiz: Quiz, right: Bool, in player: inout LessonPlayer) {
        switch quiz.answer {
        case .numeric(let value, let tolerance):
            player.type(right ? NumberText.plain(value) : NumberText.plain(value + 1000 + tolerance))
            player.press(.enter)
        case .choice(let choices, let correct):
            let index = right ? correct : (correct + 1) % choices.count
            player.type(Quiz.letter(index))
        }
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func everyStepOfEveryLessonWithEveryQuizWrongThenRight(size: (Int, Int)) throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let entries = LessonFiles.library.entries
        #expect(entries.count == 9)
        for entry in entries {
            let lesson = Lesson.load(path: entry.path)
            var player = LessonPlayer(lesson: lesson, name: entry.name, store: state.store, screenSize: size)
            player.send(.resize(width: size.0, height: size.1))
            for index in 0..<lesson.steps.count {
                #expect(player.stepIndex == index)
                let name = "\(entry.name) step \(index + 1) at \(size.0)x\(size.1)"
                let first = player.frame(size.0, size.1)
                expectClean(first, name)
                #expect(first.lines[0].hasSuffix("step \(index + 1) of \(lesson.steps.count)"), "\(name)")
                for quiz in lesson.steps[index].quizzes {
                    #expect(player.activeQuiz == quiz, "\(name)")
                    answer(quiz, right: false, in: &player)
                    #expect(player.progress.quizzes[quiz.key]?.attempts == 1, "\(name)")
                    #expect(player.progress.quizzes[quiz.key]?.solved == false, "\(name)")
                    let wrong = player.frame(size.0, size.1)
                    #expect(wrong.text.contains("is not right"), "\(name)\n\(wrong.text)")
                    answer(quiz, right: true, in: &player)
                    #expect(player.progress.quizzes[quiz.key]?.solved == true, "\(name) \(quiz.question)")
                    #expect(player.progress.quizzes[quiz.key]?.attempts == 2, "\(name)")
                    let right = player.frame(size.0, size.1)
                    #expect(right.text.contains("Right: "), "\(name)\n\(right.text)")
                    expectClean(right, name)
                }
                // Visit every pane block with Tab, then come back to the text.
                for _ in player.step!.paneBlocks {
                    player.press(.tab)
                    #expect(player.focus == .pane)
                    expectClean(player.frame(size.0, size.1), name + " pane")
                }
                if !player.step!.paneBlocks.isEmpty { player.press(.tab) }
                #expect(player.focus == .text)
                // Scroll to the end of the text and back without trouble.
                player.press(.end)
                expectClean(player.frame(size.0, size.1), name + " end")
                player.press(.home)
                player.press(.right)
            }
            #expect(player.progress.summary(for: lesson) == "done", "\(entry.name)")
            player.press(.character("q"))
            #expect(player.isClosed)
        }
    }

    @Test func progressIsSavedAndResumed() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        let lesson = Lesson.load(path: entry.path)
        var player = LessonPlayer(lesson: lesson, name: entry.name, store: state.store)
        player.press(.right)
        player.type("4")
        player.press(.enter)
        player.type("-3")
        player.press(.enter)
        player.press(.right)
        #expect(player.stepIndex == 2)
        let quits = player.send(.key(.character("q")))
        #expect(quits)

        let reopened = LessonPlayer(lesson: lesson, name: entry.name, store: state.store)
        #expect(reopened.stepIndex == 2)
        #expect(reopened.message?.contains("resuming at step 3") == true)
        let record = try #require(reopened.progress.quizzes[lesson.steps[1].quizzes[0].key])
        #expect(record.solved && record.attempts == 2)
        #expect(reopened.progress.visited == [0, 1, 2])
        #expect(reopened.progress.summary(for: lesson) == "3/5 steps · 1/5 quizzes")
        // The file is there, complete JSON.
        let data = try #require(FileManager.default.contents(atPath: state.store.path(for: entry.name)))
        let decoded = try JSONDecoder().decode(LessonProgress.self, from: data)
        #expect(decoded == reopened.progress)
    }

    @Test func corruptProgressStartsFreshWithANote() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let entry = try #require(LessonFiles.library.entry(named: "2"))
        try FileManager.default.createDirectory(atPath: state.store.directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: state.store.path(for: entry.name), contents: Data("not json".utf8))
        let player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: state.store)
        #expect(player.stepIndex == 0)
        #expect(player.frame(80, 24).lines[23].contains("damaged"))
    }

    /// The explorer of the shown step's first pane.
    func explorer(_ player: LessonPlayer) -> LessonExplorePane? {
        player.explorers[LessonPlayer.PaneKey(step: player.stepIndex, pane: 0)]
    }

    @Test func predictQuizHoldsTheRealExplorerUntilAnswered() throws {
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil,
                                  screenSize: (120, 40))
        player.press(.right, .tab)
        #expect(player.focus == .pane)
        var pane = try #require(explorer(player))
        #expect(pane.explorer?.stepIndex == 0)
        #expect(pane.explorer?.concealCurrentResult == true)
        #expect(pane.explorer?.currentValue == -3)
        var frame = player.frame(120, 40).text
        #expect(frame.contains("what is output[0,0]?"), "\(frame)")
        // Stepping on (or playing) is refused while the quiz waits.
        player.press(.right)
        #expect(player.message?.contains("answer the quiz first") == true)
        player.press(.character("p"))
        #expect(explorer(player)?.explorer?.stepIndex == 0)
        #expect(explorer(player)?.isPlaying == false)
        // Settings cannot change under the question either.
        player.press(.character("]"))
        #expect(player.message?.contains("settings unchanged") == true)
        #expect(explorer(player)?.explorer?.setup.conv.stride == Pair(1))
        player.press(.tab)
        player.type("5")
        player.press(.enter)
        frame = player.frame(120, 40).text
        #expect(frame.contains("5 is not right"))
        #expect(explorer(player)?.explorer?.concealCurrentResult == true)
        player.type("-3")
        player.press(.enter)
        pane = try #require(explorer(player))
        #expect(pane.explorer?.concealCurrentResult == false)
        #expect(pane.pinnedStep == nil)
        frame = player.frame(120, 40).text
        #expect(!frame.contains("what is output[0,0]?"), "\(frame)")
        #expect(frame.contains("Right: -3 (2 attempts)"))
        // Now the explorer steps freely, and q gives the focus back to the text.
        player.press(.tab, .right, .right)
        #expect(explorer(player)?.explorer?.stepIndex == 2)
        player.press(.character("q"))
        #expect(player.focus == .text)
    }

    @Test func compactExplorerUnderTheTextAt80x24() throws {
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil)
        player.press(.right)
        var frame = player.frame(80, 24).text
        #expect(frame.contains("2×1 + 3×0 + 1×0 + 5×(−1) = ?"), "\(frame)")
        #expect(frame.contains("waiting for your answer"))
        // Focused, the explorer takes the whole body and draws in full.
        player.press(.tab)
        frame = player.frame(80, 24).text
        #expect(frame.contains("what is output[0,0]?"), "\(frame)")
        player.press(.tab)
        player.type("-3")
        player.press(.enter)
        frame = player.frame(80, 24).text
        #expect(frame.contains("2×1 + 3×0 + 1×0 + 5×(−1) = −3"), "\(frame)")
        #expect(!frame.contains("waiting for your answer"))
    }

    /// Every predict quiz of the shipped lessons asks for the value the real explorer computes.
    @Test func predictAnswersAgreeWithTheExplorer() throws {
        var checked = 0
        for entry in LessonFiles.library.entries {
            let lesson = Lesson.load(path: entry.path)
            for step in lesson.steps {
                for quiz in step.quizzes {
                    guard let stop = quiz.predictStep, let block = step.explore else { continue }
                    var pane = LessonExplorePane(block: block)
                    pane.pin(beforeStep: stop)
                    let value = try #require(pane.explorer?.currentValue)
                    #expect(quiz.isCorrect(typed: String(value)), "\(entry.name): \(quiz.question)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 5)
    }

    /// Inside a lesson v switches the explorer's view and Tab or q go back to the text: its key
    /// help (?) must say so, not "Tab view" and "q quit" as on its own.
    @Test func explorerKeyHelpInALessonNamesTheLessonsKeys() throws {
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        let block = try #require(Lesson.load(path: entry.path).steps.compactMap(\.explore).first)
        let hosted = try #require(LessonExplorePane(block: block).explorer)
        #expect(hosted.helpLines.contains { $0 == ("Tab  q", "back to the lesson text") })
        #expect(hosted.helpLines.contains { $0.0 == "v" && $0.1.hasPrefix("next view") })
        #expect(!hosted.helpLines.contains { $0.1 == "quit" || $0.0 == "Tab" })
        var standalone = hosted
        standalone.hostedInLesson = false
        #expect(standalone.helpLines.contains { $0 == ("q", "quit") })
        #expect(standalone.helpLines.contains { $0.0 == "Tab" })
    }

    @Test func aTrainBlockOpensTheDashboardAndComesBack() throws {
        let entry = try #require(LessonFiles.library.entry(named: "6"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil,
                                  screenSize: (120, 40))
        #expect(player.frame(120, 40).text.contains("Tab here, then Enter opens the training dashboard"))
        player.press(.tab, .enter)
        // Without CIFAR-10 here, Enter asks first (TrainingDataChoice): s trains on the shapes.
        if player.isChoosingTrainingData { player.press(.character("s")) }
        #expect(player.isTraining)
        player.send(.tick)
        #expect(player.frame(120, 40).text.localizedCaseInsensitiveContains("loss"))
        player.press(.character("q"), .character("y"))
        for _ in 0..<400 where player.isTraining {
            player.send(.tick)
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(!player.isTraining)
        #expect(player.message == "training stopped: back to the lesson")
        #expect(player.stepIndex == 0)
    }

    @Test func hintsRevealAndInputChecks() throws {
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil)
        player.press(.character("s"))
        #expect(player.message == "try once before asking for the answer")
        player.press(.character("h"))
        #expect(player.frame(80, 24).text.contains("Hint 1: The kernel fits in 3 positions"))
        player.press(.character("h"))
        #expect(player.message == "no more hints")
        player.press(.enter)
        #expect(player.message?.contains("type your answer") == true)
        player.type("x")
        #expect(player.message?.contains("type a number") == true)
        player.type("8")
        player.press(.backspace)
        #expect(player.typed == "")
        player.type("7")
        player.press(.enter)
        player.press(.character("s"))
        let record = try #require(player.progress.quizzes[player.lesson.steps[0].quizzes[0].key])
        #expect(record.revealed && record.solved && record.attempts == 1 && record.hintsShown == 1)
        #expect(player.frame(80, 24).text.contains("Answer: 9 (shown after 1 attempt)"))
        // With nothing left to answer, Enter moves on.
        player.press(.enter)
        #expect(player.stepIndex == 1)
        player.press(.left, .left)
        #expect(player.stepIndex == 0)
        #expect(player.message == "this is the first step")
    }

    @Test func aBrokenLessonShowsEachProblemOnItsStep() {
        let source = "# Broken\n\n## Fine\n\nText.\n\n## Bad\n\n```quizz\nx: 1\n```\n\n```explore\nop: conv\nstride: 0\n```\n"
        var player = LessonPlayer(lesson: LessonParser.parse(source), name: "broken", store: nil)
        #expect(!player.frame(80, 24).text.contains("⚠"))
        player.press(.right)
        let frame = player.frame(80, 24).text
        #expect(frame.contains("⚠ line 9: unknown block 'quizz'"))
        #expect(frame.contains("⚠ line 15: stride must be at least 1 (got 0)"))
        #expect(frame.contains("The explore block at line 13 cannot be shown"))
        // A lesson with no steps at all still opens and closes.
        var empty = LessonPlayer(lesson: LessonParser.parse(""), name: "empty", store: nil)
        #expect(empty.frame(80, 24).text.contains("missing title"))
        empty.press(.right, .tab, .enter, .character("3"))
        let quits = empty.send(.key(.escape))
        #expect(quits)
    }

    @Test func tooSmallAndResize() throws {
        let entry = try #require(LessonFiles.library.entry(named: "3"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil)
        #expect(player.frame(40, 10).text.contains("terminal too small"))
        player.send(.resize(width: 200, height: 60))
        player.press(.right)
        expectClean(player.frame(200, 60), "200x60")
    }

    @Test func coloursAndASCII() throws {
        let entry = try #require(LessonFiles.library.entry(named: "2"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil)
        player.press(.right)
        let ascii = player.frame(80, 24, .plainASCII).text
        let allASCII = ascii.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII, "\(ascii)")
        let colour = player.frame(80, 24, .full)
        #expect(colour.cells.contains { $0.style.foreground != .none || $0.style.background != .none })
        // Without colour the explorer's window keeps its meaning through markers.
        let monochrome = player.frame(80, 24, .monochrome)
        #expect(monochrome.cells.allSatisfy { $0.style.foreground == .none && $0.style.background == .none })
        #expect(monochrome.text.contains("[ 0]") && !colour.text.contains("[ 0]"))
    }
}
