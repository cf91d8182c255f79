import ArgumentParser
import Foundation
import Lessons
import Training

/// `cnnlab lessons`: the lessons in order, with their titles and the student's progress;
/// `--export FILE.csv` writes the student's attempts per quiz for a teacher to collect.
struct LessonsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "List the lessons with their titles and your progress.",
        discussion: """
            Open one with `cnnlab lesson NUMBER` or `cnnlab lesson NAME`. The shipped lessons come \
            first, then those of each folder in CNNLAB_LESSONS (folders separated by ':').

            --export FILE.csv writes one row per quiz of every lesson: lesson, lesson_title, step, \
            quiz (its id), question, attempts, solved, revealed, hints_shown.
            """)

    @Option(name: .long, help: "Write your attempts per quiz as CSV to this file ('-' for standard output).")
    var export: String?

    mutating func run() throws {
        let library = try LessonLocator.library()
        for note in library.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        let store = ProgressStore.standard()
        let loaded = library.entries.map { entry -> (entry: LessonLibrary.Entry, lesson: Lesson, progress: LessonProgress) in
            let lesson = Lesson.load(path: entry.path)
            var progress = store.load(entry.progressName).progress
            progress.adoptPositionalKeys(for: lesson)
            return (entry, lesson, progress)
        }
        if let export {
            let text = ProgressExport.csv(loaded)
            if export == "-" {
                print(text, terminator: "")
                return
            }
            // Atomic, so a full disk leaves an earlier export whole and is reported; a device such
            // as /dev/full is refused rather than replaced by a file (FileManager.createFile renames over it).
            if let problem = AtomicFile.problemWriting(to: export) { throw LessonFailure("--export: \(problem)") }
            do { try AtomicFile.write(Array(text.utf8), to: export) } catch {
                throw LessonFailure("--export: \(error)")
            }
            let quizzes = loaded.reduce(0) { $0 + $1.lesson.quizzes.count }
            print("wrote \(export): \(quizzes) quizzes of \(loaded.count) lessons")
            return
        }
        let rows = loaded.enumerated().map { index, item -> (String, String, String) in
            ("\(index + 1)", item.lesson.title + "  (\(item.entry.name))", item.progress.summary(for: item.lesson))
        }
        let titleWidth = rows.map(\.1.count).max() ?? 0
        for (number, title, progress) in rows {
            let padded = title + String(repeating: " ", count: titleWidth - title.count)
            print((number.count < 2 ? " " : "") + number + "  " + padded + "  " + progress)
        }
        print("\nLessons from \(library.directories.joined(separator: ", ")). Open one with: cnnlab lesson NUMBER")
    }
}
