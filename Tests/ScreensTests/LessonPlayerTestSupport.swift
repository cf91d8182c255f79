import Foundation
import Lessons
import Terminal
@testable import Screens

/// Paths of the repository, found from this file's location.
enum LessonFiles {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static var library: LessonLibrary { LessonLibrary(directory: root + "/lessons") }
}

/// A temporary state directory for progress files.
struct TemporaryState {
    let path = NSTemporaryDirectory() + "cnnlab-screens-\(UUID().uuidString)"
    var store: ProgressStore { ProgressStore(directory: path + "/progress") }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

extension LessonPlayer {
    /// Feeds keys one by one.
    mutating func press(_ keys: Key...) { for key in keys { _ = update(.key(key)) } }
    mutating func type(_ text: String) { for character in text { _ = update(.key(.character(character))) } }

    func frame(_ width: Int, _ height: Int, _ capabilities: TerminalCapabilities = .monochrome) -> Buffer {
        renderFrame(self, width: width, height: height, capabilities: capabilities)
    }
}
