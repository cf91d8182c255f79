import ArgumentParser

/// `cnnlab explore`: Explore an operation step by step. (Placeholder: its owner replaces this file.)
struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explore", abstract: "Explore an operation step by step.")
    mutating func run() throws { throw ValidationError("cnnlab explore is not built yet") }
}
