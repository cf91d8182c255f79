import Foundation
@testable import Lessons

/// Paths of the repository, found from this file's location.
enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static var lessons: String { root + "/lessons" }
    static var goldenOps: String { root + "/Tests/KernelsTests/Fixtures/ops.json" }
}

/// A fresh temporary folder, removed by the caller with `remove`.
struct TemporaryFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "cnnlab-lessons-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A lesson with a title and one step holding `body`, so block lines are easy to count:
/// line 1 title, line 2 blank, line 3 step heading, line 4 blank, line 5 opening fence.
func lessonWithBlock(_ body: String) -> String {
    "# T\n\n## S\n\n" + body + "\n"
}
