import Foundation
import Lessons
import Terminal
@testable import Screens
import TestSupport

/// Paths of the repository, found from this file's location.
enum LessonFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static var library: LessonLibrary { LessonLibrary(directory: root + "/lessons") }
}

extension TemporaryFolder {
    /// A progress store in the folder (a state directory for the lesson screens).
    var store: ProgressStore { ProgressStore(directory: path + "/progress") }
}

extension TerminalProgram {
    /// Sends an event and runs the effects `update` returns, as the program loop does (files
    /// written, threads started); true when the program asked to quit.
    @discardableResult
    mutating func send(_ event: Event) -> Bool { run(update(event)) }
}

extension LessonPlayer {
    /// Feeds keys one by one, running their effects.
    mutating func press(_ keys: Key...) { for key in keys { send(.key(key)) } }
    mutating func type(_ text: String) { for character in text { send(.key(.character(character))) } }

    func frame(_ width: Int, _ height: Int, _ capabilities: TerminalCapabilities = .monochrome) -> Buffer {
        renderFrame(self, width: width, height: height, capabilities: capabilities)
    }
}
