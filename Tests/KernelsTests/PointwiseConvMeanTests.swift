import Testing
@testable import Kernels

/// A 1x1 convolution and an average pool over its whole planes as one pass
/// (`conv2dPointwiseMeanForward` / `conv2dPointwiseMeanBackward`) must give the bits of the two
/// ops one after the other on the same direct kernels (both passes, every form), and agree with
/// the plain loops up to float rounding.
@Suite("1x1 convolution + whole-plane average pooling as one pass")
struct PointwiseConvMeanTests {
    struct Case {
        let conv: Conv2dGeometry
        var bias = true
    }

    static func cases() throws -> [Case] {
        [
            // Own network 1's head: Conv2d(32, 10, 1), AvgPool2d(8) on 8 x 8 (two vectors of channels on AVX2,
            // one masked on AVX-512; 5 images: uneven slices).
            Case(conv: try Conv2dGeometry(batch: 5, inChannels: 32, outChannels: 10, input: 8, kernel: 1)),
            // Full vectors (16 channels), 16 x 16 planes (weight-gradient groups of 2 rows), few input channels.
            Case(conv: try Conv2dGeometry(batch: 3, inChannels: 3, outChannels: 16, input: 16, kernel: 1)),
            // 40 channels (several channel blocks, a partial last one), rectangular planes (groups of one row).
            Case(conv: try Conv2dGeometry(batch: 2, inChannels: 7, outChannels: 40, input: Size2D(3, 24), kernel: 1)),
            // One channel, no bias, 4 x 8 (a position tail in the forward blocks), many input channels.
            Case(conv: try Conv2dGeometry(batch: 4, inChannels: 29, outChannels: 1, input: Size2D(4, 8), kernel: 1), bias: false),
            // Rows of 40 (>= 32: groups of one row), 9 channels.
            Case(conv: try Conv2dGeometry(batch: 1, inChannels: 13, outChannels: 9, input: Size2D(2, 40), kernel: 1)),
        ]
    }

    struct Result: Equatable {
        var pooled: [Float], input: [Float], weight: [Float], bias: [Float]

        func differing(_ other: Result) -> [String] {
            [("pooled", pooled, other.pooled), ("input", input, other.input), ("weight", weight, other.weight),
             ("bias", bias, other.bias)].compactMap { name, a, b in
                let first = a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
                return first.map { "\(name) at \($0): \(a[$0]) vs \(b[$0])" }
            }
        }
    }

    static func pool(for g: Conv2dGeometry) throws -> AvgPool2dGeometry {
        try AvgPool2dGeometry(batch: g.batch, channels: g.outChannels, input: g.output, kernel: g.output)
    }

    /// Forward and backward of the pair three ways: fused on `kernels`, the two ops on `kernels`,
    /// the plain loops. Parameter gradients start from random values (they accumulate).
    static func run(_ c: Case, kernels: ConvolutionKernels, seed: UInt64) throws -> (fused: Result, layers: Result, reference: Result) {
        let g = c.conv, pool = try pool(for: g)
        var rng = TestRandom(seed: seed)
        let x = rng.floats(g.inputCount), w = rng.floats(g.weightCount)
        let b: [Float]? = c.bias ? rng.floats(g.outChannels) : nil
        let dy = rng.floats(pool.outputCount)
        let start = Result(pooled: [Float](repeating: 7, count: pool.outputCount), input: [Float](repeating: 9, count: g.inputCount),
                           weight: rng.floats(g.weightCount), bias: rng.floats(g.outChannels))
        let ws = Conv2dWorkspace(g, keepsInputCopy: false, kernels: kernels)

        var fused = start
        #expect(conv2dPointwiseMeanRuns(g, pool: pool, workspace: ws), "runs for \(g) on \(kernels)")
        conv2dPointwiseMeanForward(g, pool: pool, input: x, weight: w, bias: b, pooled: &fused.pooled, workspace: ws)
        if c.bias {
            conv2dPointwiseMeanBackward(g, pool: pool, gradPooled: dy, input: x, weight: w, gradInput: &fused.input,
                                        gradWeight: &fused.weight, gradBias: &fused.bias, workspace: ws)
        } else {
            conv2dPointwiseMeanBackward(g, pool: pool, gradPooled: dy, input: x, weight: w, gradInput: &fused.input,
                                        gradWeight: &fused.weight, gradBias: nil, workspace: ws)
        }

        var layers = start, y = [Float](repeating: 0, count: g.outputCount), dyConv = y
        conv2dForward(g, input: x, weight: w, bias: b, output: &y, workspace: ws)
        avgPool2dForward(pool, input: y, output: &layers.pooled)
        avgPool2dBackward(pool, gradOutput: dy, gradInput: &dyConv)
        if c.bias {
            conv2dBackward(g, gradOutput: dyConv, weight: w, gradInput: &layers.input, gradWeight: &layers.weight,
                           gradBias: &layers.bias, workspace: ws, input: x)
        } else {
            conv2dBackward(g, gradOutput: dyConv, weight: w, gradInput: &layers.input, gradWeight: &layers.weight,
                           gradBias: nil, workspace: ws, input: x)
        }

        var reference = start, yRef = y, dyRef = y
        conv2dForwardReference(g, input: x, weight: w, bias: b, output: &yRef)
        avgPool2dForwardReference(pool, input: yRef, output: &reference.pooled)
        avgPool2dBackwardReference(pool, gradOutput: dy, gradInput: &dyRef)
        if c.bias {
            conv2dBackwardReference(g, input: x, weight: w, gradOutput: dyRef, gradInput: &reference.input,
                                    gradWeight: &reference.weight, gradBias: &reference.bias)
        } else {
            conv2dBackwardReference(g, input: x, weight: w, gradOutput: dyRef, gradInput: &reference.input,
                                    gradWeight: &reference.weight, gradBias: nil)
        }
        return (fused, layers, reference)
    }

    static var directPaths: [ConvolutionKernels] { [.avx512, .avx2].filter { $0.runs(on: DirectConvolution.best) } }

    @Test("gives the bits of the convolution and the pooling one after the other, and the plain loops' values",
          .enabled(if: DirectConvolution.best != .portable, "no direct kernels on this CPU"))
    func matchesLayersAndReference() throws {
        for kernels in Self.directPaths {
            for (i, c) in try Self.cases().enumerated() {
                let (fused, layers, reference) = try Self.run(c, kernels: kernels, seed: UInt64(40 + i))
                #expect(fused.differing(layers).isEmpty, "\(kernels) case \(i): \(fused.differing(layers))")
                for (name, a, e) in [("pooled", fused.pooled, reference.pooled), ("input", fused.input, reference.input),
                                     ("weight", fused.weight, reference.weight), ("bias", fused.bias, reference.bias)] {
                    let mismatch = firstMismatch(a, e, abs: 1e-5, rel: 1e-5)
                    #expect(mismatch == nil, "\(kernels) case \(i) \(name) vs reference at \(mismatch ?? 0): \(mismatch.map { "\(a[$0]) vs \(e[$0])" } ?? "")")
                }
            }
        }
    }

    @Test("the AVX2 form gives the AVX-512 form's bits", .enabled(if: DirectConvolution.best == .avx512, "no AVX-512 on this CPU"))
    func avx2MatchesAVX512() throws {
        for (i, c) in try Self.cases().enumerated() {
            let wide = try Self.run(c, kernels: .avx512, seed: UInt64(60 + i)).fused
            let narrow = try Self.run(c, kernels: .avx2, seed: UInt64(60 + i)).fused
            #expect(wide.differing(narrow).isEmpty, "case \(i): \(wide.differing(narrow))")
        }
    }

    @Test("runs only for 1x1 unpadded convolutions, whole-plane pooling, widths of 8k, direct kernels")
    func runsOnlyWhereItApplies() throws {
        let direct = ConvolutionKernels.avx2.runs(on: DirectConvolution.best)
        func runs(_ g: Conv2dGeometry, _ pool: AvgPool2dGeometry, _ kernels: ConvolutionKernels = .avx2) -> Bool {
            conv2dPointwiseMeanRuns(g, pool: pool, workspace: Conv2dWorkspace(g, keepsInputCopy: false, kernels: kernels))
        }
        let g = try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, input: 8, kernel: 1)
        #expect(runs(g, try Self.pool(for: g)) == direct)
        #expect(!runs(g, try Self.pool(for: g), .portable))
        let half = try AvgPool2dGeometry(batch: 2, channels: 3, input: 8, kernel: 4)
        let padded = try AvgPool2dGeometry(batch: 2, channels: 3, input: 8, kernel: 8, padding: 1)
        #expect(!runs(g, half))
        #expect(!runs(g, padded))
        let threeByThree = try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, input: 10, kernel: 3)
        let strided = try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, input: 15, kernel: 1, stride: 2)
        let paddedConv = try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, input: 6, kernel: 1, padding: 1)
        let narrow = try Conv2dGeometry(batch: 2, inChannels: 4, outChannels: 3, input: 6, kernel: 1)
        for conv in [threeByThree, strided, paddedConv, narrow] { #expect(!runs(conv, try Self.pool(for: conv))) }
    }
}
