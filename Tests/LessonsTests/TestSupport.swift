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
}

/// A lesson with a title and one step holding `body`, so block lines are easy to count:
/// line 1 title, line 2 blank, line 3 step heading, line 4 blank, line 5 opening fence.
func lessonWithBlock(_ body: String) -> String {
    "# T\n\n## S\n\n" + body + "\n"
}
