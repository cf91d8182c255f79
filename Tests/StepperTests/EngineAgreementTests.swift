import Foundation
import Kernels
@testable import OpCases
import TestSupport
import Testing
@testable import Stepper

/// The numbers on screen must be the engine's numbers: every golden case's trace against the
/// Kernels module (fast and reference paths), and so against `cnnlab eval`.
@Suite("Traces agree with the engine")
struct EngineAgreementTests {
    static let engineCases: [String: OpCase] = {
        let url = URL(fileURLWithPath: SharedFiles.goldenOps)
        let document = try! JSONValue.parse(Data(contentsOf: url))
        var cases: [String: OpCase] = [:]
        for result in try! OpCase.parseDocument(document) {
            if case .success(let c) = result { cases[c.name] = c }
        }
        return cases
    }()

    @Test("every golden case parses for the engine")
    func parsed() { #expect(Self.engineCases.count == GoldenCase.all.count) }

    @Test("outputs and gradients equal the kernels'", arguments: GoldenCase.all)
    func agree(_ c: GoldenCase) throws {
        let engineCase = try #require(Self.engineCases[c.name])
        for path in KernelPath.allCases {
            let engine = engineCase.evaluate(path)
            switch c.op {
            case "conv2d":
                let trace = try ConvTrace(input: c.input, weight: try #require(c.weight), bias: c.bias, settings: c.convSettings)
                let backward = try ConvBackward(forward: trace, upstream: c.gradOutput)
                #expect(trace.output.shape == engine.outputShape)
                #expect(close(trace.output.values, engine.output))
                #expect(close(backward.gradInput.values, engine.gradInput))
                #expect(close(backward.gradWeight.values, try #require(engine.gradWeight)))
            case "max_pool2d":
                let trace = try PoolTrace(input: c.input, settings: c.poolSettings, upstream: c.gradOutput)
                #expect(trace.output.shape == engine.outputShape)
                #expect(close(trace.output.values, engine.output))
                // The routed gradient is the engine's grad_input.
                #expect(close(trace.gradInput.values, engine.gradInput))
            default:
                let trace = try ConvTransposeTrace(input: c.input, weight: try #require(c.weight), bias: c.bias,
                                                   settings: c.convSettings)
                #expect(trace.output.shape == engine.outputShape)
                #expect(close(trace.output.values, engine.output))
                #expect(close(try trace.directConvolution().trace.output.values, engine.output))
            }
        }
    }
}
