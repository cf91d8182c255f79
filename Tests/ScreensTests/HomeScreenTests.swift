import Foundation
import Lessons
import Terminal
import TestSupport
import Testing
@testable import Screens

@Suite("Home screen")
struct HomeScreenTests {
    func home(_ state: TemporaryFolder) -> HomeScreen {
        HomeScreen(library: .success(LessonFiles.library), store: state.store)
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func listsTheLessonsThenExploreTrainHelp(size: (Int, Int)) {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let frame = renderFrame(home(state), width: size.0, height: size.1, capabilities: .monochrome).text
        let titles = ["Convolution by hand", "Padding, stride and dilation", "Max pooling",
                      "Backpropagation through max pooling", "Channels, filters and parameters",
                      "Training the course CNN on CIFAR-10", "Transposed convolution", "The convolutional autoencoder",
                      "Explore", "Train", "Help"]
        var last = frame.startIndex
        for title in titles {
            let found = frame.range(of: title, range: last..<frame.endIndex)
            #expect(found != nil, "\(title)\n\(frame)")
            if let found { last = found.upperBound }
        }
        #expect(frame.contains("not started"))
    }

    @Test func opensALessonAndShowsItsProgressAfterwards() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var screen = home(state)
        #expect(screen.selection == 0)
        screen.send(.key(.down))
        screen.send(.key(.enter))
        let player = try #require(screen.openLesson)
        #expect(player.name == "02-padding-stride-dilation")
        let inLesson = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome)
        #expect(inLesson.lines[0].contains("Padding, stride and dilation"))
        #expect(inLesson.lines[0].hasSuffix("step 1 of 6"))
        screen.send(.key(.right))
        screen.send(.key(.character("q")))
        #expect(screen.openLesson == nil)
        let back = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(back.contains("2/6 steps · 0/5 quizzes"), "\(back)")
        // A new home screen reads the same progress from disk.
        let reopened = renderFrame(home(state), width: 80, height: 24, capabilities: .monochrome).text
        #expect(reopened.contains("2/6 steps · 0/5 quizzes"))
        let quitsAtOnce = screen.send(.key(.character("q")))
        #expect(!quitsAtOnce)                      // asks first
        let quits = screen.send(.key(.character("y")))
        #expect(quits)
    }

    @Test func numbersHelpAndMenuItems() {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var screen = home(state)
        screen.send(.key(.character("8")))
        #expect(screen.openLesson?.name == "08-conv-autoencoder")
        screen.send(.key(.escape))
        screen.send(.key(.character("?")))
        #expect(renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text.contains("cnnlab lesson --check"))
        screen.send(.key(.character("x")))
        screen.send(.key(.up))
        #expect(screen.items[screen.selection] == .lesson(index: 6))
        screen.send(.key(.end))
        #expect(screen.items[screen.selection] == .help)
        screen.send(.key(.down))
        #expect(screen.selection == 0)
    }

    @Test func trainOpensTheDashboardAndQuitStopsTraining() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var screen = home(state)
        screen.send(.key(.character("t")))
        // Without CIFAR-10 on this machine Train asks first: s trains on the shapes.
        if screen.isChoosingTrainingData { screen.send(.key(.character("s"))) }
        #expect(screen.isTraining)
        #expect(screen.tickInterval != nil)
        screen.send(.tick)
        let frame = renderFrame(screen, width: 120, height: 40, capabilities: .monochrome).text
        #expect(frame.localizedCaseInsensitiveContains("loss"), "\(frame)")
        // q asks to confirm, y confirms; the screen returns home once training has stopped.
        screen.send(.key(.character("q")))
        screen.send(.key(.character("y")))
        for _ in 0..<400 where screen.isTraining {
            screen.send(.tick)
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(!screen.isTraining)
        // Stopping saved the weights where lesson 6 keeps them.
        let saved = state.path + "/models/cnn.safetensors"
        #expect(FileManager.default.fileExists(atPath: saved), "nothing saved at \(saved)")
        let home = renderFrame(screen, width: 200, height: 40, capabilities: .monochrome).text
        #expect(home.contains("training stopped; saved "), "\(home)")
    }

    /// The status line after Train names where the weights went, whole at 80 columns for the
    /// usual place (the home folder written ~).
    @Test func theSavedPathFitsTheStatusLine() {
        let path = HomeScreen.tildePath("/home/student/.local/state/cnnlab/models/cnn.safetensors", home: "/home/student")
        #expect(path == "~/.local/state/cnnlab/models/cnn.safetensors")
        #expect(HomeScreen.tildePath("/elsewhere/cnn.safetensors", home: "/home/student") == "/elsewhere/cnn.safetensors")
        #expect(HomeScreen.tildePath("/home/studentx/a", home: "/home/student") == "/home/studentx/a")
        var screen = HomeScreen(library: .success(LessonFiles.library), store: nil)
        _ = screen.receive(.trainingStopped(savedTo: path))
        let frame = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome)
        #expect(frame.lines.last?.contains("training stopped; saved ~/.local/state/cnnlab/models/cnn.safetensors") == true)
        #expect(frame.silentlyClipped.isEmpty)
    }

    @Test func quittingAsksOnceAndUnknownKeysDoNothing() {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var screen = home(state)
        let before = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        for key: Key in [.escape, .character("x"), .character("["), .character("~"), .function(5)] {
            let quit = screen.send(.key(key))
            #expect(!quit, "\(key)")
            #expect(screen.openLesson == nil && !screen.isExploring && !screen.isTraining)
        }
        #expect(renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text == before)
        let quitAtOnce = screen.send(.key(.character("q")))
        #expect(!quitAtOnce)
        let asking = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(asking.contains("Quit cnnlab?"), "\(asking)")
        #expect(asking.contains("y or q: quit"))
        let escapeQuits = screen.send(.key(.escape))
        #expect(!escapeQuits)                     // Esc stays
        #expect(!screen.confirmingQuit)
        _ = screen.send(.key(.character("q")))
        let secondQ = screen.send(.key(.character("q")))
        #expect(secondQ)
    }

    @Test func aLessonOpenedFromTheShellReturnsToTheListOnQ() {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var screen = home(state)
        let opened = screen.open(lessonNamed: "03-max-pooling")
        #expect(opened)
        #expect(screen.openLesson?.name == "03-max-pooling")
        let left = screen.send(.key(.character("q")))
        #expect(!left)                               // not to the shell
        #expect(screen.openLesson == nil)
        let list = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(list.contains("Max pooling") && list.contains("Explore"), "\(list)")
        let missing = screen.open(lessonNamed: "no-such-lesson")
        #expect(!missing)
    }

    @Test func noLessonsFolderIsAMessageNotACrash() {
        var screen = HomeScreen(library: .failure(LibraryError(message: "no lessons found (looked in ./lessons)")), store: nil)
        let frame = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(frame.contains("no lessons found"))
        #expect(frame.contains("Explore"))
        screen.send(.key(.character("1")))
        #expect(screen.openLesson == nil)
        // The first item is then Explore: its form, whose Enter opens the course example.
        screen.send(.key(.enter))
        #expect(screen.isChoosingExploreSettings)
        screen.send(.key(.enter))
        #expect(screen.isExploring)
        let explorer = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(explorer.contains("conv2d"), "\(explorer)")
        screen.send(.key(.character("q")))
        #expect(!screen.isExploring && screen.isChoosingExploreSettings)
        screen.send(.key(.character("q")))
        #expect(!screen.isChoosingExploreSettings)
        #expect(renderFrame(screen, width: 40, height: 10, capabilities: .monochrome).text.contains("terminal too small"))
    }

    /// The help names the digits that open a lesson (1-9 for nine lessons; one digit each) and
    /// every letter key of the menu, i included.
    @Test func helpNamesEveryLessonDigitAndEveryMenuKey() {
        var screen = HomeScreen(library: .success(LessonFiles.library), store: nil)
        let list = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text
        #expect(list.contains("1-9 lesson"))
        screen.send(.key(.character("?")))
        let help = renderFrame(screen, width: 80, height: 24, capabilities: .monochrome)
        #expect(help.text.contains("1-9") && help.text.contains("open that lesson") && !help.text.contains("1-8"), "\(help.text)")
        #expect(help.text.contains("e t i") && help.text.contains("explore, train, inspect"))
        #expect(help.silentlyClipped.isEmpty)
        #expect(HomeScreen.lessonDigits(12) == "1-9" && HomeScreen.lessonDigits(1) == "1" && HomeScreen.lessonDigits(4) == "1-4")
    }

    /// From Home, q in the explorer goes back to Explore's form: its key line and help say so.
    @Test func theExplorerFromHomeSaysQGoesBack() {
        var screen = HomeScreen(library: .success(LessonFiles.library), store: nil)
        screen.send(.key(.character("e")))
        screen.send(.key(.enter))
        #expect(screen.isExploring)
        for (width, height) in [(80, 24), (120, 40)] {
            let keys = renderFrame(screen, width: width, height: height, capabilities: .monochrome).lines.last ?? ""
            #expect(keys.contains("q back") && !keys.contains("q quit"), "\(keys)")
        }
        screen.send(.key(.character("?")))
        #expect(renderFrame(screen, width: 80, height: 24, capabilities: .monochrome).text.contains("back to the Explore form"))
        screen.send(.key(.character("?")))
        screen.send(.key(.character("q")))
        #expect(screen.isChoosingExploreSettings)
    }

    /// Every operation's line of Explore's form shows whole at 80 columns (convT's was cut).
    @Test func everyOperationFitsTheFormAt80Columns() {
        var screen = HomeScreen(library: .success(LessonFiles.library), store: nil)
        screen.send(.key(.character("e")))
        var seen: [String] = []
        for _ in 0..<3 {
            for capabilities in [TerminalCapabilities.full, .monochrome, TerminalCapabilities(colorMode: .none, unicode: false)] {
                let text = renderFrame(screen, width: 80, height: 24, capabilities: capabilities).text
                let line = text.split(separator: "\n").first { $0.contains("operation") }.map(String.init) ?? ""
                #expect(!line.contains("…") && !line.contains("~"), "\(line)")
                if capabilities == .full { seen.append(line) }
            }
            screen.send(.key(.right))
        }
        #expect(seen.contains { $0.contains("convT: transposed convolution (F.conv_transpose2d) →") }, "\(seen)")
    }
}
