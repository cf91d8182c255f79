import ArgumentParser
import Foundation
import Kernels
import OpCases

/// `cnnlab eval FILE.json [--reference]`: runs conv2d / conv_transpose2d / max_pool2d (ops.json)
/// and avg_pool2d / batch_norm2d / leaky_relu / tanh (layers.json) cases given in the golden
/// files' schema and prints the outputs and gradients as JSON.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate layer cases from JSON (the golden ops.json schema).",
        discussion: """
            FILE holds one case or {"cases": [...]}; a case has "name", "op" (conv2d, \
            conv_transpose2d, max_pool2d, avg_pool2d, batch_norm2d, leaky_relu, tanh), "params", \
            "input" (N x C x H x W lists), "weight", "bias" (or null), batch_norm2d's "running_mean" \
            and "running_var", and "grad_output". Prints {"cases": [{"name", "output", "grad_input", \
            "grad_weight", "grad_bias"}]}, with batch_norm2d's "running_mean" and "running_var" after \
            the call. Expected values in the file are ignored. A case that \
            cannot be evaluated gets one line on stderr naming the case, the field and the reason; \
            the others are still evaluated, and the exit status is then 2. Use - to read stdin.
            """)

    @Argument(help: "The JSON file of cases (- for standard input).")
    var file: String

    @Flag(name: .long, help: "Use the plain reference kernels instead of the fast path.")
    var reference = false

    mutating func run() throws {
        let outcome = EvalRunner.run(file: file, path: reference ? .reference : .fast)
        if let json = outcome.json { print(json) }
        for line in outcome.errors {
            FileHandle.standardError.write(Data("cnnlab eval: \(line)\n".utf8))
        }
        if !outcome.errors.isEmpty { throw ExitCode(2) }
    }
}

/// The work of `cnnlab eval`, apart from printing, so tests can call it.
enum EvalRunner {
    struct Outcome {
        /// The results document; nil when the file itself was unusable.
        var json: String?
        /// One line per problem.
        var errors: [String]
    }

    static func run(file: String, path: KernelPath) -> Outcome {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                return Outcome(json: nil, errors: ["\(file): cannot read the file"])
            }
            data = contents
        }
        return run(data: data, source: file, path: path)
    }

    static func run(data: Data, source: String, path: KernelPath) -> Outcome {
        let parsed: [Result<OpCase, OpCaseError>]
        do throws(ShapeError) {
            parsed = try OpCase.parseDocument(try JSONValue.parse(data))
        } catch {
            return Outcome(json: nil, errors: ["\(source): \(error)"])
        }
        var results: [OpCaseResult] = []
        var errors: [String] = []
        for item in parsed {
            switch item {
            case .success(let opCase): results.append(opCase.evaluate(path))
            case .failure(let error): errors.append(error.description)
            }
        }
        return Outcome(json: OpCaseJSON.document(results), errors: errors)
    }
}
