import ArgumentParser

/// `cnnlab train`: Train a course network. (Placeholder: its owner replaces this file.)
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train a course network.")
    mutating func run() throws { throw ValidationError("cnnlab train is not built yet") }
}
