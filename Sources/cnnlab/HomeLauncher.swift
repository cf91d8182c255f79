import ArgumentParser
import Lessons

/// Opens the home screen (`cnnlab` alone) and the lesson player (`cnnlab lesson NAME`).
enum HomeLauncher {
    static func open() throws { throw ValidationError("the home screen is not built yet; see cnnlab --help") }

    static func openLesson(_ entry: LessonLibrary.Entry, ascii: Bool, noColor: Bool) throws {
        throw ValidationError("the lesson player is not built yet")
    }
}
