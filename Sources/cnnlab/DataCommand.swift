import ArgumentParser

/// `cnnlab data`: Manage datasets. (Placeholder: its owner replaces this file.)
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "data", abstract: "Manage datasets.")
    mutating func run() throws { throw ValidationError("cnnlab data is not built yet") }
}
