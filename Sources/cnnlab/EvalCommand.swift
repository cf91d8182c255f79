import ArgumentParser

/// `cnnlab eval`: Evaluate a layer case from JSON (golden schema). (Placeholder: its owner replaces this file.)
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a layer case from JSON (golden schema).")
    mutating func run() throws { throw ValidationError("cnnlab eval is not built yet") }
}
