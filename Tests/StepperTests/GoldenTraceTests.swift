import Testing
@testable import Stepper

/// Every golden case stepped through: the traces' results must equal PyTorch's.
@Suite("Traces agree with PyTorch on ops.json")
struct GoldenTraceTests {
    @Test("conv2d forward and backward", arguments: GoldenCase.all.filter { $0.op == "conv2d" })
    func conv(_ c: GoldenCase) throws {
        let trace = try ConvTrace(input: c.input, weight: try #require(c.weight), bias: c.bias, settings: c.convSettings)
        #expect(close(trace.output, c.output))
        // Each step's value is the sum of its products plus the bias.
        for step in trace.steps {
            let sum = step.taps.reduce(Float(0)) { $0 + $1.product } + (step.bias ?? 0)
            #expect(abs(sum - step.value) <= 1e-4 * max(1, abs(sum)))
            #expect(step.taps.filter(\.isPadding).allSatisfy { $0.inputValue == 0 })
        }
        let backward = try ConvBackward(forward: trace, upstream: c.gradOutput)
        #expect(close(backward.gradInput, c.gradInput))
        #expect(close(backward.gradWeight, try #require(c.gradWeight)))
        if let expectedBias = c.gradBias { #expect(close(try #require(backward.gradBias), expectedBias)) }
        #expect(close(backward.gradInput(afterSteps: trace.steps.count), c.gradInput))
        // A chosen weight's terms sum to its gradient (over every sample).
        let f = trace.weight.batch - 1, ch = trace.weight.channels - 1
        let total = (0..<trace.input.batch).flatMap {
            backward.weightTerms(filter: f, channel: ch, row: 0, column: 0, sample: $0)
        }.reduce(Float(0)) { $0 + $1.product }
        #expect(close([total], [c.gradWeight![f, ch, 0, 0]]))
    }

    @Test("max_pool2d forward and gradient routing", arguments: GoldenCase.all.filter { $0.op == "max_pool2d" })
    func pool(_ c: GoldenCase) throws {
        let trace = try PoolTrace(input: c.input, settings: c.poolSettings, upstream: c.gradOutput)
        #expect(close(trace.output, c.output))
        #expect(close(trace.gradInput, c.gradInput))
        #expect(close(trace.gradInput(afterSteps: trace.steps.count), c.gradInput))
        for step in trace.steps {
            // The winner is the first maximum in row-major order.
            let firstMax = step.taps.firstIndex { $0.value == step.taps.map(\.value).max()! }
            #expect(step.winner == firstMax)
            #expect(step.tiedTaps.allSatisfy { step.taps[$0].value == step.value && $0 > step.winner })
        }
    }

    @Test("conv_transpose2d scatter and zero-insertion views", arguments: GoldenCase.all.filter { $0.op == "conv_transpose2d" })
    func convTranspose(_ c: GoldenCase) throws {
        let trace = try ConvTransposeTrace(input: c.input, weight: try #require(c.weight), bias: c.bias, settings: c.convSettings)
        #expect(close(trace.output, c.output))
        #expect(close(trace.output(afterSteps: trace.steps.count), c.output))
        let direct = try trace.directConvolution()
        #expect(close(direct.trace.output, c.output))
    }

    @Test("every operation of ops.json is covered")
    func coverage() {
        let ops = Set(GoldenCase.all.map(\.op))
        #expect(ops == ["conv2d", "max_pool2d", "conv_transpose2d"])
        #expect(GoldenCase.all.count == 60)
    }
}
