import Foundation
import Testing
@testable import cnnlab

/// `cnnlab eval` end to end: the built binary's stdout, stderr and exit status.
@Suite("cnnlab eval")
struct EvalCommandTests {
    static let good = """
        {"name": "slide", "op": "conv2d", "params": {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1]},
         "input": [[[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]],
         "weight": [[[[1, 0], [0, -1]]]], "bias": [0.5], "grad_output": [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]],
         "expected": {"output": "ignored"}}
        """
    static let badStride = """
        {"name": "bad-stride", "op": "max_pool2d", "params": {"kernel_size": [2, 2], "stride": [0, 1]},
         "input": [[[[1, 2], [3, 4]]]], "grad_output": [[[[1]]]]}
        """

    /// Runs the built `cnnlab` with `arguments`, feeding `stdin`; returns (status, stdout, stderr).
    static func runBinary(_ arguments: [String], stdin: String = "") throws -> (Int32, String, String) {
        let binary = Bundle.main.bundleURL.appendingPathComponent("cnnlab")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build cnnlab first: \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test("a good case prints outputs and gradients and exits 0; expected values are ignored")
    func goodCase() throws {
        let (status, out, err) = try Self.runBinary(["eval", "-"], stdin: Self.good)
        #expect(status == 0)
        #expect(err.isEmpty)
        #expect(out.contains("\"name\": \"slide\""))
        #expect(out.contains("\"output\": [[[[-2.5, -3.5, 14.5], [-0.5, 4.5, 6.5], [-4.5, 4.5, -2.5]]]]"))
        #expect(out.contains("\"grad_bias\": [9.0]"))
    }

    @Test("a bad case gets one stderr line naming case, field and reason; the rest still print; exit 2")
    func mixedCases() throws {
        let document = "{\"cases\": [\(Self.good), \(Self.badStride), \(Self.good)]}"
        for flags in [[], ["--reference"]] {
            let (status, out, err) = try Self.runBinary(["eval", "-"] + flags, stdin: document)
            #expect(status == 2)
            let lines = err.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains("case \"bad-stride\": params.stride: must be at least 1") == true)
            #expect(out.components(separatedBy: "\"name\": \"slide\"").count == 3)
        }
    }

    @Test("malformed JSON and a missing file: one line, exit 2, no trap")
    func unusableInput() throws {
        let (status, out, err) = try Self.runBinary(["eval", "-"], stdin: "{\"cases\": [")
        #expect(status == 2)
        #expect(out.isEmpty)
        #expect(err.contains("malformed"))
        let missing = try Self.runBinary(["eval", "/nonexistent/cases.json"])
        #expect(missing.0 == 2)
        #expect(missing.2.contains("cannot read"))
    }

    @Test("the runner used by the command evaluates the golden schema on both paths alike")
    func runnerPaths() {
        let fast = EvalRunner.run(data: Data(Self.good.utf8), source: "test", path: .fast)
        let reference = EvalRunner.run(data: Data(Self.good.utf8), source: "test", path: .reference)
        #expect(fast.errors.isEmpty)
        #expect(fast.json == reference.json)
    }
}
