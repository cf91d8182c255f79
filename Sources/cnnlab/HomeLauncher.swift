import ArgumentParser
import Foundation
import Lessons
import Screens
import Terminal

/// Opens the home screen (`cnnlab` alone) and the lesson player (`cnnlab lesson NAME`) on
/// the terminal, and prints lesson frames headless (`cnnlab lesson NAME --print`).
enum HomeLauncher {
    static func open(display: DisplayOptions) throws {
        var home = HomeScreen(library: LessonLibrary.locate(), store: .standard(), screenSize: terminalSize() ?? (80, 24))
        home.asciiNotation = !display.capabilities.unicode
        let outcome = try run(&home, display: display)
        if let note = home.stopBackgroundWork() { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        if case .interrupted(let signal) = outcome { throw ExitCode(128 + signal) }
    }

    /// Opens the lesson on top of the home screen, so q returns to the lessons list as the
    /// lesson's status line says; also a lesson file outside the library, and `--watch`.
    static func openLesson(_ entry: LessonLibrary.Entry, display: DisplayOptions, watch: Bool = false) throws {
        let size = terminalSize() ?? (80, 24)
        var home = HomeScreen(library: LessonLibrary.locate(), store: .standard(), screenSize: size)
        home.asciiNotation = !display.capabilities.unicode
        if watch || !home.open(lessonNamed: entry.progressName) {
            home.show(LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.progressName, store: .standard(),
                                   screenSize: size, asciiNotation: !display.capabilities.unicode,
                                   path: entry.path, watch: watch))
        }
        let outcome = try run(&home, display: display)
        if let note = home.stopBackgroundWork() { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        if case .interrupted(let signal) = outcome { throw ExitCode(128 + signal) }
    }

    /// Every step's first frame as plain text, for authors and documents.
    static func printLesson(_ entry: LessonLibrary.Entry, width: Int, height: Int, ascii: Bool) {
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.progressName, store: nil,
                                  screenSize: (width, height), asciiNotation: ascii)
        let capabilities = TerminalCapabilities(colorMode: .none, unicode: !ascii)
        for index in 0..<max(1, player.stepCount) {
            if index > 0 { _ = player.update(.key(.right)) }
            print(renderFrame(player, width: width, height: height, capabilities: capabilities).text)
            print(String(repeating: "=", count: width))
        }
    }

    /// What the home screen and the lesson player offer without a full screen: flags they have.
    static let plainTextHint = "without a full screen: cnnlab lessons, cnnlab lesson NAME --print, cnnlab lesson --check FILE"

    /// Runs a program full screen with the detected capabilities; a terminal error becomes
    /// a one-line message.
    static func run<P: TerminalProgram>(_ program: inout P, display: DisplayOptions) throws -> RunOutcome {
        do {
            return try runProgram(&program, capabilities: display.capabilities)
        } catch let error as TerminalError {
            throw LessonFailure(error.suggesting(plainTextHint).description)
        }
    }

    /// The terminal's size from the kernel, or nil when standard output is not a terminal.
    static func terminalSize() -> (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
