import Foundation
import Testing
@testable import Kernels
@testable import OpCases
import Formatting

/// What `cnnlab eval` accepts and refuses: every refusal names the case, the field and the
/// reason, and never stops the other cases.
@Suite("Eval case parsing and errors")
struct EvalCaseParsingTests {
    static let goodConv = """
        {"name": "good", "op": "conv2d", "params": {"stride": [1, 1], "padding": [0, 0], "dilation": [1, 1]},
         "input": [[[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]],
         "weight": [[[[1, 0], [0, -1]]]], "bias": null,
         "grad_output": [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]}
        """

    /// The good case with `change` applied to its text.
    static func variant(_ name: String, _ replacements: [(String, String)]) -> String {
        var text = goodConv.replacingOccurrences(of: "\"good\"", with: "\"\(name)\"")
        for (old, new) in replacements {
            precondition(text.contains(old), "test fixture: \(old) not found")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    static func parse(_ text: String) throws -> [Result<OpCase, OpCaseError>] {
        try OpCase.parseDocument(try JSONValue.parse(Data(text.utf8)))
    }

    /// The error of a single-case document, or nil when it parsed.
    static func error(_ text: String) throws -> OpCaseError? {
        let results = try parse(text)
        guard case .failure(let error) = try #require(results.first) else { return nil }
        return error
    }

    @Test("a single case object is accepted and evaluated")
    func singleCase() throws {
        let results = try Self.parse(Self.goodConv)
        #expect(results.count == 1)
        let opCase = try results[0].get()
        #expect(opCase.name == "good")
        #expect(opCase.evaluate(.fast).output == [-3, -4, 14, -1, 4, 6, -5, 4, -3])
    }

    @Test("malformed JSON and a wrong top level are reported as such")
    func malformedDocuments() throws {
        #expect(throws: ShapeError.self) { try JSONValue.parse(Data("{\"cases\": [".utf8)) }
        do {
            _ = try JSONValue.parse(Data("{\"op\": conv2d}".utf8))
            Issue.record("malformed JSON was accepted")
        } catch {
            #expect(error.field == "JSON")
            #expect(error.reason.hasPrefix("malformed"))
        }
        #expect(throws: ShapeError.self) { try Self.parse("[1, 2]") }
        #expect(throws: ShapeError.self) { try Self.parse("{\"cases\": 3}") }
        #expect(throws: ShapeError.self) { try Self.parse("{\"cases\": []}") }
    }

    @Test("each bad case is named with its field and reason; the good ones still parse", arguments: [
        ("stride-zero", [("\"stride\": [1, 1]", "\"stride\": [0, 1]")], "params.stride", "at least 1"),
        ("negative-padding", [("\"padding\": [0, 0]", "\"padding\": [0, -2]")], "params.padding", "negative"),
        ("kernel-too-large", [("\"weight\": [[[[1, 0], [0, -1]]]]", "\"weight\": [[[[1, 0, 0, 0, 0]]]]")], "weight", "larger than the padded input"),
        ("missing-input", [("\"input\"", "\"inputs\"")], "input", "missing"),
        ("missing-grad-output", [("\"grad_output\"", "\"grad_out\"")], "grad_output", "missing"),
        ("missing-op", [("\"op\": \"conv2d\",", "")], "op", "missing"),
        ("unknown-op", [("\"conv2d\"", "\"conv3d\"")], "op", "conv3d"),
        ("grad-output-shape", [("[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]", "[[[[1, 1], [1, 1]]]]")], "grad_output", "[1, 1, 3, 3]"),
        ("ragged-input", [("[1, 5, 7, -9]", "[1, 5, 7]")], "input[0][0][1]", "not rectangular"),
        ("string-in-input", [("[1, 5, 7, -9]", "[1, \"5\", 7, -9]")], "input[0][0][1][1]", "number"),
        ("input-rank", [("\"input\": [[[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]]", "\"input\": [[2, 3, 5, 0], [1, 5, 7, -9]]")], "input", "rank 4"),
        ("bias-length", [("\"bias\": null", "\"bias\": [1, 2]")], "bias", "1 values"),
        ("channels", [("\"weight\": [[[[1, 0], [0, -1]]]]", "\"weight\": [[[[1, 0], [0, -1]], [[1, 0], [0, -1]]]]")], "weight", "input channels"),
        ("unknown-param", [("\"dilation\"", "\"dilations\"")], "params.dilations", "not a parameter"),
        ("groups", [("\"dilation\": [1, 1]", "\"dilation\": [1, 1], \"groups\": 2")], "params.groups", "only groups = 1"),
        ("padding-mode", [("\"dilation\": [1, 1]", "\"dilation\": [1, 1], \"padding_mode\": \"reflect\"")], "params.padding_mode", "zeros"),
        ("fractional-stride", [("\"stride\": [1, 1]", "\"stride\": [1.5, 1]")], "params.stride", "whole number"),
        ("params-type", [("{\"stride\": [1, 1], \"padding\": [0, 0], \"dilation\": [1, 1]}", "[1, 1]")], "params", "object"),
        ("huge-dilation", [("\"dilation\": [1, 1]", "\"dilation\": [1e12, 1e12]")], "params.dilation", "at most"),
        ("huge-padding", [("\"padding\": [0, 0]", "\"padding\": [10000, 10000]")], "output", "too large"),
        ("big-padding", [("\"padding\": [0, 0]", "\"padding\": [3000, 3000]")], "output", "at most"),
        ("float-overflow", [("[1, 5, 7, -9]", "[1, 5, 7, 1e39]")], "input[0][0][1][3]", "32-bit float"),
    ] as [(String, [(String, String)], String, String)])
    func refusals(name: String, replacements: [(String, String)], field: String, reason: String) throws {
        let document = "{\"cases\": [\(Self.goodConv), \(Self.variant(name, replacements)), \(Self.goodConv)]}"
        let results = try Self.parse(document)
        #expect(results.count == 3)
        #expect((try? results[0].get()) != nil)
        #expect((try? results[2].get()) != nil)
        guard case .failure(let error) = results[1] else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(error.caseName == name)
        #expect(error.field == field)
        #expect(error.reason.contains(reason), "reason was: \(error.reason)")
        #expect(error.description.hasPrefix("case \"\(name)\": \(field): "))
        #expect(!error.description.contains("\n"))
    }

    @Test("PyTorch options at their defaults are accepted: groups 1, padding_mode zeros, return_indices")
    func defaultOptions() throws {
        let conv = Self.variant("defaults", [("\"dilation\": [1, 1]", "\"dilation\": [1, 1], \"groups\": 1, \"padding_mode\": \"zeros\"")])
        #expect(try Self.error(conv) == nil)
        let pool = """
            {"op": "max_pool2d", "params": {"kernel_size": 2, "return_indices": false}, "input": [[[[1, 2], [3, 4]]]],
             "grad_output": [[[[1]]]]}
            """
        #expect(try Self.error(pool) == nil)
    }

    @Test("conv_transpose2d: output_padding must be smaller than stride or dilation")
    func outputPadding() throws {
        func convT(_ params: String) -> String {
            """
            {"name": "t", "op": "conv_transpose2d", "params": \(params),
             "input": [[[[1, 2], [3, 4]]]], "weight": [[[[1, 1], [1, 1]]]], "bias": [0.5],
             "grad_output": [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]}
            """
        }
        #expect(try Self.error(convT("{\"stride\": 1, \"padding\": 0, \"output_padding\": 0, \"dilation\": 1}")) == nil)
        let error = try #require(try Self.error(convT("{\"stride\": [1, 1], \"output_padding\": [1, 0], \"dilation\": [1, 1]}")))
        #expect(error.field == "params.output_padding")
        #expect(error.reason.contains("smaller than either stride or dilation"))
    }

    @Test("max_pool2d: weight refused, kernel_size required, stride defaults to the kernel size")
    func maxPoolFields() throws {
        func pool(_ params: String, extra: String = "") -> String {
            """
            {"name": "p", "op": "max_pool2d", "params": \(params), \(extra)
             "input": [[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]],
             "grad_output": [[[[1, 1], [1, 1]]]]}
            """
        }
        let ok = try Self.parse(pool("{\"kernel_size\": [2, 2]}"))[0].get()
        #expect(ok.evaluate(.fast).output == [6, 8, 14, 16])
        #expect(ok.evaluate(.fast).gradWeight == nil)
        #expect(try Self.error(pool("{\"stride\": [2, 2]}"))?.field == "params.kernel_size")
        let defaultStride = try Self.parse(pool("{\"kernel_size\": 2, \"stride\": []}"))[0].get()
        #expect(defaultStride.evaluate(.reference).output == [6, 8, 14, 16])
        #expect(try Self.error(pool("{\"kernel_size\": 2}", extra: "\"weight\": [[[[1]]]],"))?.field == "weight")
        #expect(try Self.error(pool("{\"kernel_size\": 2, \"weight\": null}"))?.field == "params.weight")
        #expect(try Self.error(pool("{\"kernel_size\": 2, \"ceil_mode\": 1}"))?.field == "params.ceil_mode")
        #expect(try Self.error(pool("{\"kernel_size\": 2, \"padding\": 2}"))?.field == "params.padding")
        #expect(try Self.error(pool("{\"kernel_size\": 2, \"stride\": 0}"))?.field == "params.stride")
    }

    @Test("an unbatched C x H x W case runs as a batch of one and prints without the batch dimension")
    func unbatched() throws {
        let text = Self.variant("unbatched", [
            ("\"input\": [[[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]]",
             "\"input\": [[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]"),
            ("[[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]", "[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]")])
        let opCase = try Self.parse(text)[0].get()
        #expect(opCase.unbatched)
        let result = opCase.evaluate(.fast)
        let batched = try Self.parse(Self.goodConv)[0].get().evaluate(.fast)
        #expect(result.output == batched.output && result.gradInput == batched.gradInput && result.gradWeight == batched.gradWeight)
        #expect(result.outputShape == [1, 3, 3] && result.inputShape == [1, 4, 4])
        #expect(OpCaseJSON.object(result).contains("\"output\": [[[-3.0, -4.0, 14.0], [-1.0, 4.0, 6.0], [-5.0, 4.0, -3.0]]]"))
        // grad_output must follow the input's layout.
        let mixed = Self.variant("mixed", [
            ("\"input\": [[[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]]",
             "\"input\": [[[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]]")])
        #expect(try Self.error(mixed)?.field == "grad_output")
    }

    @Test("a case without a name is named by its position")
    func unnamed() throws {
        let text = "{\"cases\": [\(Self.goodConv), {\"op\": \"conv2d\"}]}"
        guard case .failure(let error) = try Self.parse(text)[1] else {
            Issue.record("an empty case was accepted")
            return
        }
        #expect(error.caseName == "#2")
        #expect(error.field == "input")
    }

    @Test("the printed JSON parses back to the computed values, with null where there is no tensor")
    func outputDocument() throws {
        let conv = try Self.parse(Self.goodConv)[0].get().evaluate(.fast)
        let text = OpCaseJSON.document([conv])
        let parsed = try JSONValue.parse(Data(text.utf8))
        guard case .object(let top) = parsed, case .array(let cases)? = top["cases"], case .object(let first)? = cases.first else {
            Issue.record("unexpected document \(text)")
            return
        }
        #expect(first["name"] == .string("good"))
        #expect(first["grad_bias"] == .null)
        let expectedOutput: JSONValue = .array([.array([.array([-3, -4, 14].map { .number($0) }),
                                                        .array([-1, 4, 6].map { .number($0) }),
                                                        .array([-5, 4, -3].map { .number($0) })])])
        #expect(first["output"] == .array([expectedOutput]))
        // The gradient of sum(output) w.r.t. the kernel is the sum of each tap's inputs.
        #expect(first["grad_weight"] == .array([.array([.array([.array([.number(21), .number(15)]),
                                                                 .array([.number(11), .number(9)])])])]))
        #expect(OpCaseJSON.number(.infinity) == "Infinity")
        #expect(OpCaseJSON.number(0.1) == "0.1")
        #expect(JSONText.quoted("a\"b\n") == "\"a\\\"b\\n\"")
    }
}
