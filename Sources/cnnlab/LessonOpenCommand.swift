import ArgumentParser
import Foundation
import Lessons

/// `cnnlab lesson NAME|FILE` opens a lesson in the player; `cnnlab lesson --check FILE...`
/// validates lesson files for authors.
struct LessonOpen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Open a lesson, or check lesson files with --check.",
        discussion: """
            NAME is a lesson of `cnnlab lessons`: its number (1), its file name \
            (01-convolution-by-hand) or that name without the number (convolution-by-hand). \
            FILE is a path to a lesson file. The format is described in lessons/FORMAT.md.

            With --check, every problem of every FILE (or of every lesson in a FOLDER) is \
            printed as file:line: message, and the exit status is 1 if there is any. Warnings \
            (Markdown the player shows as written, a quiz whose answer the text above states) \
            are printed as file:line: warning: ... and do not change the exit status.

            With --watch, the player reloads the lesson whenever its file is saved (checked \
            twice a second); r reloads it by hand in any case.
            """)

    @Flag(name: .long, help: "Check lesson files or folders and print every problem as file:line: message.")
    var check = false

    @Flag(name: .long, help: "Reload the lesson whenever its file changes (for authors).")
    var watch = false

    @OptionGroup var display: DisplayOptions

    @Flag(name: .long, help: "Print each step's first frame as plain text instead of opening the player.")
    var print = false

    @Option(name: .long, help: "With --print or --bench: the frame size, WIDTHxHEIGHT.")
    var size = "80x24"

    @Flag(name: .long, help: "Time the player per key (scrolling, typing, each step) and print the figures.")
    var bench = false

    @Argument(help: "A lesson name or number, or a lesson file (with --check: one or more files).")
    var targets: [String] = []

    mutating func run() throws {
        if check {
            guard !targets.isEmpty else { throw ValidationError("--check needs at least one lesson file or folder") }
            let report = LessonValidator.report(paths: targets)
            for line in report.problems + report.warnings { Swift.print(line) }
            let files = "\(report.files.count) lesson file\(report.files.count == 1 ? "" : "s")"
            let warned = report.warnings.isEmpty ? "" : ", \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")"
            if !report.problems.isEmpty {
                Swift.print("\(files) checked: \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")\(warned)")
                throw ExitCode(1)
            }
            Swift.print("\(files) checked: no problems\(warned)")
            return
        }
        guard targets.count == 1 else {
            throw ValidationError(targets.isEmpty ? "name a lesson (see `cnnlab lessons`) or a lesson file"
                                                  : "open one lesson at a time")
        }
        let entry = try LessonLocator.entry(for: targets[0])
        if print || bench {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 20, parts[1] >= 5, parts[0] <= 1000, parts[1] <= 1000 else {
                throw ValidationError("--size must be WIDTHxHEIGHT, each from 20x5 to 1000x1000, e.g. 80x24")
            }
            if bench {
                Swift.print(LessonBenchmark.run(entry, width: parts[0], height: parts[1]))
            } else {
                HomeLauncher.printLesson(entry, width: parts[0], height: parts[1], ascii: display.ascii)
            }
            return
        }
        try HomeLauncher.openLesson(entry, display: display, watch: watch)
    }
}

/// Finds a lesson by name, number or path, with a one-line message when it cannot.
enum LessonLocator {
    static func entry(for target: String) throws -> LessonLibrary.Entry {
        let isPath = target.contains("/") || FileManager.default.fileExists(atPath: target)
        if isPath {
            guard FileManager.default.fileExists(atPath: target) else {
                throw LessonFailure("no lesson file at \(target)")
            }
            let name = ((target as NSString).lastPathComponent as NSString).deletingPathExtension
            let shipped = (try? library())?.shippedDirectory
            return LessonLibrary.Entry(name: name, path: target,
                                       progressName: LessonLibrary.progressName(name: name, path: target, shippedDirectory: shipped))
        }
        let library = try library()
        guard let entry = library.entry(named: target) else {
            let names = library.entries.map(\.name).joined(separator: ", ")
            throw LessonFailure("no lesson named '\(target)' in \(library.directory) (lessons: \(names))")
        }
        return entry
    }

    static func library() throws -> LessonLibrary {
        switch LessonLibrary.locate() {
        case .success(let library): return library
        case .failure(let error): throw LessonFailure(error.message)
        }
    }
}

/// A lesson command that cannot go on: printed as one line ("Error: ..."), without the usage.
struct LessonFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
