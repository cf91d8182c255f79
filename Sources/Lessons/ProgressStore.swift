import Foundation

/// Saves and loads lesson progress under the user's state directory:
/// `$XDG_STATE_HOME/cnnlab/progress/<lesson>.json` (XDG_STATE_HOME defaults to
/// ~/.local/state). Writes are atomic (a temporary file, then rename); an unreadable or
/// corrupt file gives fresh progress and a note, never a crash.
public struct ProgressStore: Sendable {
    /// The folder holding one JSON file per lesson.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The store at the standard place for `environment`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ProgressStore {
        ProgressStore(directory: stateDirectory(environment: environment) + "/progress")
    }

    /// $XDG_STATE_HOME/cnnlab, or ~/.local/state/cnnlab (XDG says to ignore a relative value).
    public static func stateDirectory(environment: [String: String]) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/cnnlab" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/cnnlab"
    }

    public func path(for lesson: String) -> String {
        directory + "/" + lesson + ".json"
    }

    /// The saved progress of `lesson`, or fresh progress; `note` says why a file was ignored.
    public func load(_ lesson: String) -> (progress: LessonProgress, note: String?) {
        let file = path(for: lesson)
        guard FileManager.default.fileExists(atPath: file) else { return (LessonProgress(), nil) }
        guard let data = FileManager.default.contents(atPath: file) else {
            return (LessonProgress(), "could not read the saved progress (\(file)); starting fresh")
        }
        do {
            return (try JSONDecoder().decode(LessonProgress.self, from: data), nil)
        } catch {
            return (LessonProgress(), "the saved progress was damaged (\(file)); starting fresh")
        }
    }

    /// Writes `progress` atomically. Throws a message naming the file when it cannot.
    public func save(_ progress: LessonProgress, for lesson: String) throws {
        let file = path(for: lesson)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(progress)
            let temporary = directory + "/.\(lesson).json.\(ProcessInfo.processInfo.processIdentifier).tmp"
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw ProgressError(message: "cannot write \(temporary)")
            }
            if rename(temporary, file) != 0 {
                unlink(temporary)
                throw ProgressError(message: "cannot replace \(file)")
            }
        } catch let error as ProgressError {
            throw error
        } catch {
            throw ProgressError(message: "cannot save progress to \(file): \(error.localizedDescription)")
        }
    }
}

/// A progress file could not be written.
public struct ProgressError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
