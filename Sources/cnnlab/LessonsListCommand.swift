import ArgumentParser

/// `cnnlab lessons`: List the lessons. (Placeholder: its owner replaces this file.)
struct LessonsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "List the lessons.")
    mutating func run() throws { throw ValidationError("cnnlab lessons is not built yet") }
}
