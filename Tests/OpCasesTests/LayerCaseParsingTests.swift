import Foundation
import Testing
@testable import Kernels
@testable import OpCases

/// The layers.json ops through `cnnlab eval`'s parser: what each refuses, named by field.
@Suite("Layer case parsing")
struct LayerCaseParsingTests {
    static let input = "[[[[1, 2], [3, 4]], [[5, 6], [7, 9]]]]"

    static func error(_ text: String) throws -> OpCaseError? {
        let results = try OpCase.parseDocument(try JSONValue.parse(Data(text.utf8)))
        guard case .failure(let error) = try #require(results.first) else { return nil }
        return error
    }

    static func batchNorm(_ extra: String, params: String = #"{"eps": 1e-5, "momentum": 0.1, "training": true}"#) -> String {
        #"{"name": "bn", "op": "batch_norm2d", "params": \#(params), "input": \#(input), "grad_output": \#(input)\#(extra)}"#
    }

    @Test("batch_norm2d needs the running statistics, one value per channel, and both or neither of weight and bias")
    func batchNormRefusals() throws {
        let stats = #", "running_mean": [0, 0], "running_var": [1, 1]"#
        #expect(try Self.error(Self.batchNorm(stats)) == nil)
        #expect(try Self.error(Self.batchNorm(stats + #", "weight": [1, 1], "bias": [0, 0]"#)) == nil)
        #expect(try Self.error(Self.batchNorm(""))?.field == "running_mean")
        #expect(try Self.error(Self.batchNorm(#", "running_mean": [0], "running_var": [1, 1]"#))?.reason
                == "must hold 2 values (one per channel), got shape [1]")
        #expect(try Self.error(Self.batchNorm(stats + #", "weight": [1, 1]"#))?.field == "bias")
        #expect(try Self.error(Self.batchNorm(#", "running_mean": [0, 0], "running_var": [1, -1]"#))?.field == "running_var")
        #expect(try Self.error(Self.batchNorm(stats, params: #"{"eps": 0}"#))?.reason == "must be greater than 0, got 0.0")
        #expect(try Self.error(Self.batchNorm(stats, params: #"{"affine": true}"#))?.field == "params.affine")
    }

    @Test("avg_pool2d refuses divisor_override and weights; leaky_relu and tanh take any NCHW input")
    func otherRefusals() throws {
        let pool = #"{"name": "p", "op": "avg_pool2d", "params": {"kernel_size": [2, 2]}, "input": \#(Self.input), "grad_output": [[[[1]], [[1]]]]}"#
        #expect(try Self.error(pool) == nil)
        #expect(try Self.error(pool.replacingOccurrences(of: #""kernel_size": [2, 2]"#, with: #""kernel_size": 2, "divisor_override": 3"#))?
                .field == "params.divisor_override")
        #expect(try Self.error(pool.replacingOccurrences(of: #""params""#, with: #""weight": [1], "params""#))?.field == "weight")
        let tanh = #"{"name": "t", "op": "tanh", "params": {}, "input": \#(Self.input), "grad_output": \#(Self.input)}"#
        #expect(try Self.error(tanh) == nil)
        #expect(try Self.error(tanh.replacingOccurrences(of: "{}", with: #"{"negative_slope": 0.1}"#))?.field == "params.negative_slope")
        let leaky = tanh.replacingOccurrences(of: #""tanh""#, with: #""leaky_relu""#).replacingOccurrences(of: "{}", with: #"{"negative_slope": 0.2}"#)
        let results = try OpCase.parseDocument(try JSONValue.parse(Data(leaky.utf8)))
        let result = try results[0].get().evaluate(.fast)
        #expect(result.output == [1, 2, 3, 4, 5, 6, 7, 9])
        #expect(result.runningMean == nil)
    }
}
