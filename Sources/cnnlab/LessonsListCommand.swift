import ArgumentParser
import Lessons

/// `cnnlab lessons`: the lessons in order, with their titles and the student's progress.
struct LessonsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the lessons with their titles and your progress.",
        discussion: "Open one with `cnnlab lesson NUMBER` or `cnnlab lesson NAME`.")

    mutating func run() throws {
        let library = try LessonLocator.library()
        let store = ProgressStore.standard()
        let rows = library.entries.enumerated().map { index, entry -> (String, String, String) in
            let lesson = Lesson.load(path: entry.path)
            let progress = store.load(entry.name).progress
            return ("\(index + 1)", lesson.title + "  (\(entry.name))", progress.summary(for: lesson))
        }
        let titleWidth = rows.map(\.1.count).max() ?? 0
        for (number, title, progress) in rows {
            let padded = title + String(repeating: " ", count: titleWidth - title.count)
            print((number.count < 2 ? " " : "") + number + "  " + padded + "  " + progress)
        }
        print("\nLessons from \(library.directory). Open one with: cnnlab lesson NUMBER")
    }
}
