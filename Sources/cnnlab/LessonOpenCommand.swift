import ArgumentParser

/// `cnnlab lesson`: Open a lesson. (Placeholder: its owner replaces this file.)
struct LessonOpen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lesson", abstract: "Open a lesson.")
    mutating func run() throws { throw ValidationError("cnnlab lesson is not built yet") }
}
