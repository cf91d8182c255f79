import ArgumentParser

/// `cnnlab bench`: Benchmark training speed. (Placeholder: its owner replaces this file.)
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmark training speed.")
    mutating func run() throws { throw ValidationError("cnnlab bench is not built yet") }
}
