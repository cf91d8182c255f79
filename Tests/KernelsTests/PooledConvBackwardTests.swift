import Testing
@testable import Kernels

/// The backward pass of Conv2d -> ReLU -> MaxPool2d(2) from the pooling's winners
/// (`conv2dBackwardThroughReLUAndPooling`) must equal the dense one (the pooling's scatter, then
/// the convolution's backward) and the plain loops up to the order of float sums, on every
/// direct form; the AVX2 form must give the AVX-512 form's bits.
@Suite("Convolution backward through ReLU and 2x2 max pooling, from the winners")
struct PooledConvBackwardTests {
    struct Case {
        let conv: Conv2dGeometry
        /// Input and weights drawn as small integers: many exact ties in the pooling windows.
        var tied = false
        /// Zero weights: every convolution output is its bias, every window a four-way tie.
        var zeroWeights = false
    }

    static func cases() throws -> [Case] {
        [
            // The course CNN's two blocks.
            Case(conv: try Conv2dGeometry(batch: 5, inChannels: 3, outChannels: 8, input: 32, kernel: 5)),
            Case(conv: try Conv2dGeometry(batch: 5, inChannels: 8, outChannels: 16, input: 14, kernel: 5)),
            // An odd output (11 x 13: the last row and column are in no window), an odd channel count, padding.
            Case(conv: try Conv2dGeometry(batch: 3, inChannels: 5, outChannels: 7, input: Size2D(11, 13), kernel: 3, padding: 1)),
            // Stride 2 with padding, a 4x4 kernel.
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 3, input: Size2D(17, 15), kernel: 4, stride: 2, padding: 2)),
            // Window rows of 80 floats (several register blocks per row), one output channel.
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 1, input: 12, kernel: 5)),
            // A kernel 9 rows tall (row blocks), a rectangular kernel.
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 3, input: Size2D(20, 12), kernel: Size2D(9, 3))),
            // Ties: the first maximum in row-major order must win, as the pooling chose.
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 4, input: 10, kernel: 3), tied: true),
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 2, outChannels: 5, input: 9, kernel: 2), zeroWeights: true),
        ]
    }

    struct Gradients {
        var input: [Float], weight: [Float], bias: [Float]
    }

    /// The forward pass (convolution, then ReLU and pooling in one pass) and the backward pass
    /// three ways: from the winners on `kernels`, dense on `kernels`, and the plain loops.
    static func run(_ c: Case, kernels: ConvolutionKernels, seed: UInt64) throws -> (winners: Gradients, dense: Gradients, reference: Gradients) {
        let g = c.conv
        let pool = try MaxPool2dGeometry(batch: g.batch, channels: g.outChannels, input: g.output, kernel: 2, stride: 2)
        var rng = TestRandom(seed: seed)
        let x = c.tied ? rng.tiedFloats(g.inputCount) : rng.floats(g.inputCount)
        let w = c.zeroWeights ? [Float](repeating: 0, count: g.weightCount)
            : c.tied ? rng.tiedFloats(g.weightCount) : rng.floats(g.weightCount)
        // Some biases negative (windows whose ReLU output is 0 send nothing), some positive.
        let b = (0..<g.outChannels).map { Float($0 % 3) * 0.5 - 0.25 }
        let ws = Conv2dWorkspace(g, keepsInputCopy: false, kernels: kernels)
        var y = [Float](repeating: 0, count: g.outputCount)
        conv2dForward(g, input: x, weight: w, bias: b, output: &y, workspace: ws)
        var pooled = [Float](repeating: 0, count: pool.outputCount), argmax = [Int32](repeating: 0, count: pool.outputCount)
        maxPool2dForward(pool, input: y, output: &pooled, argmax: &argmax, applyingReLU: true)
        let dy = rng.floats(pool.outputCount)
        // Gradients accumulate into what is there, as PyTorch's .grad.
        let start = Gradients(input: [Float](repeating: 9, count: g.inputCount), weight: rng.floats(g.weightCount),
                              bias: rng.floats(g.outChannels))

        var winners = start
        let ran = dy.withUnsafeBufferPointer { dyp in
            pooled.withUnsafeBufferPointer { yp in
                argmax.withUnsafeBufferPointer { ap in
                    conv2dBackwardThroughReLUAndPooling(
                        g, winners: PooledWinners(geometry: pool, gradient: dyp.baseAddress!, pooled: yp.baseAddress!, argmax: ap.baseAddress!),
                        input: x, weight: w, gradInput: &winners.input, gradWeight: &winners.weight, gradBias: &winners.bias, workspace: ws)
                }
            }
        }
        #expect(ran, "the winners' path runs for \(g) on \(kernels)")

        var dense = start, convGradient = [Float](repeating: 0, count: g.outputCount)
        maxPool2dBackward(pool, gradOutput: dy, argmax: argmax, gradInput: &convGradient, reluFused: true, output: pooled)
        conv2dBackward(g, gradOutput: convGradient, weight: w, gradInput: &dense.input, gradWeight: &dense.weight,
                       gradBias: &dense.bias, workspace: ws, input: x)

        var reference = start
        conv2dPooledBackwardReference(g, pool: pool, convOutput: y, gradPooled: dy, input: x, weight: w,
                                      gradInput: &reference.input, gradWeight: &reference.weight, gradBias: &reference.bias)
        return (winners, dense, reference)
    }

    static func expectClose(_ a: Gradients, _ b: Gradients, _ label: String) {
        for (name, actual, expected) in [("input", a.input, b.input), ("weight", a.weight, b.weight), ("bias", a.bias, b.bias)] {
            let mismatch = firstMismatch(actual, expected, abs: 2e-4, rel: 1e-4)
            #expect(mismatch == nil, "\(label) \(name) gradient at \(mismatch ?? 0): \(mismatch.map { "\(actual[$0]) vs \(expected[$0])" } ?? "")")
        }
    }

    static var directPaths: [ConvolutionKernels] { [.avx512, .avx2].filter { $0.runs(on: DirectConvolution.best) } }

    @Test("equals the dense backward and the plain loops on every direct form (course shapes, odd shapes, ties)",
          .enabled(if: DirectConvolution.best != .portable, "no direct kernels on this CPU"))
    func matchesDenseAndReference() throws {
        for kernels in Self.directPaths {
            for (i, c) in try Self.cases().enumerated() {
                let (winners, dense, reference) = try Self.run(c, kernels: kernels, seed: UInt64(10 + i))
                Self.expectClose(winners, dense, "\(kernels) case \(i) winners vs dense")
                Self.expectClose(winners, reference, "\(kernels) case \(i) winners vs reference")
            }
        }
    }

    @Test("the AVX2 form gives the AVX-512 form's bits", .enabled(if: DirectConvolution.best == .avx512, "no AVX-512 on this CPU"))
    func avx2MatchesAVX512() throws {
        for (i, c) in try Self.cases().enumerated() {
            let wide = try Self.run(c, kernels: .avx512, seed: UInt64(30 + i)).winners
            let narrow = try Self.run(c, kernels: .avx2, seed: UInt64(30 + i)).winners
            for (name, a, b) in [("input", wide.input, narrow.input), ("weight", wide.weight, narrow.weight), ("bias", wide.bias, narrow.bias)] {
                let differing = zip(a, b).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }.map(\.offset)
                #expect(differing.isEmpty, "case \(i) \(name) gradient: \(differing.count) values differ, first at \(differing.first ?? 0): \(differing.first.map { "\(a[$0]) vs \(b[$0])" } ?? "")")
            }
        }
    }

    @Test("runs only for 2x2 stride-2 windows inside the output, no dilation, direct kernels")
    func runsOnlyWhereItApplies() throws {
        let g = try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 4, input: 10, kernel: 3)
        let plain = try MaxPool2dGeometry(batch: 2, channels: 4, input: g.output, kernel: 2, stride: 2)
        #expect(g.runsPooledBackward(pool: plain, kernels: .avx2) == ConvolutionKernels.avx2.runs(on: DirectConvolution.best))
        #expect(!g.runsPooledBackward(pool: plain, kernels: .portable))
        let threeByThree = try MaxPool2dGeometry(batch: 2, channels: 4, input: g.output, kernel: 3, stride: 2)
        let strideOne = try MaxPool2dGeometry(batch: 2, channels: 4, input: g.output, kernel: 2, stride: 1)
        let ceil = try MaxPool2dGeometry(batch: 2, channels: 4, input: g.output, kernel: 2, stride: 2, ceilMode: true)
        let padded = try MaxPool2dGeometry(batch: 2, channels: 4, input: g.output, kernel: 2, stride: 2, padding: 1)
        for pool in [threeByThree, strideOne, padded] { #expect(!g.runsPooledBackward(pool: pool, kernels: .avx2)) }
        // 8 columns with ceil mode: the same windows as floor mode, so it runs on direct kernels.
        #expect(g.runsPooledBackward(pool: ceil, kernels: .avx2) == ConvolutionKernels.avx2.runs(on: DirectConvolution.best))
        let odd = try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 4, input: 11, kernel: 3)
        let oddCeil = try MaxPool2dGeometry(batch: 2, channels: 4, input: odd.output, kernel: 2, stride: 2, ceilMode: true)
        #expect(!odd.runsPooledBackward(pool: oddCeil, kernels: .avx2), "ceil mode on 9 columns: a window of one column")
        let dilated = try Conv2dGeometry(batch: 2, inChannels: 3, outChannels: 4, input: 12, kernel: 3, dilation: 2)
        let dilatedPool = try MaxPool2dGeometry(batch: 2, channels: 4, input: dilated.output, kernel: 2, stride: 2)
        #expect(!dilated.runsPooledBackward(pool: dilatedPool, kernels: .avx2))
    }
}
