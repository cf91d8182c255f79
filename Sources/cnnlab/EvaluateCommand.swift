import ArgumentParser

/// `cnnlab evaluate`: Evaluate a checkpoint. (Placeholder: its owner replaces this file.)
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Evaluate a checkpoint.")
    mutating func run() throws { throw ValidationError("cnnlab evaluate is not built yet") }
}
