import CKernels
import Testing
@testable import Kernels

/// Batch norm's loops are C (CKernels/BatchNorm.c), built for AVX2 + FMA and for any CPU; both
/// builds must give the same bits, so every kernel path (and an arm64 machine) trains alike.
@Suite("Batch norm C loops")
struct BatchNormKernelTests {
    struct Run: Equatable {
        var output: [UInt32], mean: [UInt32], invStd: [UInt32], variance: [UInt32]
        var gradInput: [UInt32], gradWeight: [UInt32], gradBias: [UInt32]
    }

    /// Forward (training or eval, with an activation) and backward on one shape, with one build.
    static func run(isa: ck_isa, batch: Int, channels: Int, spatial: Int, training: Bool, activation: Int32) -> Run {
        var rng = SplitMix64(seed: UInt64(batch * 1000 + channels * 10 + spatial))
        let count = batch * channels * spatial
        // An offset per channel, so the mean matters to the variance's digits.
        let x = (0..<count).map { i in (rng.unit() - 0.5) * 6 + Float((i / spatial) % channels) }
        let dy = (0..<count).map { _ in rng.unit() - 0.5 }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let runningMean = (0..<channels).map { Float($0) }, runningVar = (0..<channels).map { _ in rng.unit() + 0.5 }
        var y = [Float](repeating: 9, count: count), dx = y
        var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
        var dw = [Float](repeating: 0.25, count: channels), db = dw
        ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, w, b, 1e-5,
                              training ? nil : runningMean, training ? nil : runningVar, activation, 0.1, &y,
                              &mean, &invStd, &variance)
        ck_batch_norm_backward(isa, x, dy, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                               activation, 0.1, y, &dx, &dw, &db)
        return Run(output: y.map(\.bitPattern), mean: mean.map(\.bitPattern), invStd: invStd.map(\.bitPattern),
                   variance: variance.map(\.bitPattern), gradInput: dx.map(\.bitPattern),
                   gradWeight: dw.map(\.bitPattern), gradBias: db.map(\.bitPattern))
    }

    @Test("the AVX2 build gives the portable build's bits: training and eval, each activation, ragged planes",
          arguments: [(3, 5, 37), (2, 4, 64), (4, 3, 7), (1, 2, 1024)])
    func avx2MatchesPortable(shape: (Int, Int, Int)) throws {
        try #require(ck_best_isa() != CK_ISA_NONE, "this CPU has no AVX2 + FMA: only the portable build runs here")
        for training in [true, false] {
            for activation: Int32 in [0, 1, 2] {
                let avx2 = Self.run(isa: CK_ISA_AVX2, batch: shape.0, channels: shape.1, spatial: shape.2,
                                    training: training, activation: activation)
                let portable = Self.run(isa: CK_ISA_NONE, batch: shape.0, channels: shape.1, spatial: shape.2,
                                        training: training, activation: activation)
                #expect(avx2 == portable, "shape \(shape), training \(training), activation \(activation)")
            }
        }
    }

    @Test("a fused activation gives the bits of the batch norm followed by reluForward or leakyReLUForward")
    func fusedActivation() {
        let (batch, channels, spatial) = (3, 4, 29)
        let isa = DirectConvolution.active.isa
        let plain = Self.run(isa: isa, batch: batch, channels: channels, spatial: spatial, training: true, activation: 0)
        let relu = Self.run(isa: isa, batch: batch, channels: channels, spatial: spatial, training: true, activation: 1)
        let leaky = Self.run(isa: isa, batch: batch, channels: channels, spatial: spatial, training: true, activation: 2)
        let y = plain.output.map(Float.init(bitPattern:))
        var expectedReLU = [Float](repeating: 0, count: y.count), expectedLeaky = expectedReLU
        reluForward(input: y, output: &expectedReLU, count: y.count)
        leakyReLUForward(input: y, output: &expectedLeaky, count: y.count, slope: 0.1)
        #expect(relu.output == expectedReLU.map(\.bitPattern))
        #expect(leaky.output == expectedLeaky.map(\.bitPattern))
        #expect(y.contains { $0 < 0 }, "the test needs negative values to mean anything")
    }

    @Test("a fused activation's backward gives the bits of reluBackward / leakyReLUBackward then the batch norm's backward",
          arguments: [true, false])
    func fusedBackward(training: Bool) {
        let (batch, channels, spatial) = (3, 4, 29)
        let isa = DirectConvolution.active.isa
        var rng = SplitMix64(seed: 77)
        let count = batch * channels * spatial
        let x = (0..<count).map { _ in (rng.unit() - 0.5) * 4 }
        let dy = (0..<count).map { _ in rng.unit() - 0.5 }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let runningMean = [Float](repeating: 0.1, count: channels), runningVar = [Float](repeating: 0.9, count: channels)
        for (activation, slope): (Int32, Float) in [(1, 0), (2, 0.1), (2, 0)] {
            var z = [Float](repeating: 0, count: count), y = z
            var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
            ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, w, b, 1e-5,
                                  training ? nil : runningMean, training ? nil : runningVar, 0, 0, &z, &mean, &invStd, &variance)
            ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, w, b, 1e-5,
                                  training ? nil : runningMean, training ? nil : runningVar, activation, slope, &y,
                                  &mean, &invStd, &variance)
            // Separately: the activation's backward into a buffer, then the batch norm's.
            var g = [Float](repeating: 0, count: count)
            if activation == 1 { reluBackward(output: y, gradOutput: dy, gradInput: &g, count: count) }
            else { leakyReLUBackward(input: z, gradOutput: dy, gradInput: &g, count: count, slope: slope) }
            var dxSeparate = [Float](repeating: 0, count: count), dxFused = dxSeparate
            var dwSeparate = [Float](repeating: 0, count: channels), dbSeparate = dwSeparate, dwFused = dwSeparate, dbFused = dwSeparate
            ck_batch_norm_backward(isa, x, g, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                                   0, 0, nil, &dxSeparate, &dwSeparate, &dbSeparate)
            ck_batch_norm_backward(isa, x, dy, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                                   activation, slope, y, &dxFused, &dwFused, &dbFused)
            #expect(dxFused.map(\.bitPattern) == dxSeparate.map(\.bitPattern), "activation \(activation) slope \(slope)")
            #expect(dwFused.map(\.bitPattern) == dwSeparate.map(\.bitPattern))
            #expect(dbFused.map(\.bitPattern) == dbSeparate.map(\.bitPattern))
        }
    }
}
