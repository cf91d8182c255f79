import CKernels
import Foundation
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
                              &mean, &invStd, &variance, nil)
        ck_batch_norm_backward(isa, x, dy, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                               activation, 0.1, b, &dx, &dw, &db)
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
                                  training ? nil : runningMean, training ? nil : runningVar, 0, 0, &z, &mean, &invStd, &variance, nil)
            ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, w, b, 1e-5,
                                  training ? nil : runningMean, training ? nil : runningVar, activation, slope, &y,
                                  &mean, &invStd, &variance, nil)
            // Separately: the activation's backward into a buffer, then the batch norm's.
            var g = [Float](repeating: 0, count: count)
            if activation == 1 { reluBackward(output: y, gradOutput: dy, gradInput: &g, count: count) }
            else { leakyReLUBackward(input: z, gradOutput: dy, gradInput: &g, count: count, slope: slope) }
            var dxSeparate = [Float](repeating: 0, count: count), dxFused = dxSeparate
            var dwSeparate = [Float](repeating: 0, count: channels), dbSeparate = dwSeparate, dwFused = dwSeparate, dbFused = dwSeparate
            ck_batch_norm_backward(isa, x, g, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                                   0, 0, nil, &dxSeparate, &dwSeparate, &dbSeparate)
            ck_batch_norm_backward(isa, x, dy, batch, channels, spatial, 0, channels, w, mean, invStd, training ? 1 : 0,
                                   activation, slope, b, &dxFused, &dwFused, &dbFused)
            #expect(dxFused.map(\.bitPattern) == dxSeparate.map(\.bitPattern), "activation \(activation) slope \(slope)")
            #expect(dwFused.map(\.bitPattern) == dwSeparate.map(\.bitPattern))
            #expect(dbFused.map(\.bitPattern) == dbSeparate.map(\.bitPattern))
        }
    }

    /// The pooled form (batch norm, ReLU, 2x2 max pooling in one pass) on one build, against the
    /// batch norm, `maxPool2dForward(..., applyingReLU: true)`, `maxPool2dBackward(..., reluFused: true)`
    /// and the batch norm's backward one after the other: the same bits, forward and backward.
    /// Widths 16, 32 and 64 take the sums straight from the windows (plane_pool_sums), the others
    /// (not a multiple of 16, or wider than 128) through a plane of the gradient.
    @Test("batch norm + ReLU + 2x2 max pooling in one pass gives the bits of the three one after the other",
          arguments: [(3, 5, 8, 36), (2, 4, 32, 32), (3, 6, 16, 16), (4, 3, 2, 10), (2, 2, 6, 4), (2, 3, 4, 64), (2, 2, 2, 144)])
    func pooledForm(shape: (Int, Int, Int, Int)) {
        let (batch, channels, h, w) = shape
        let spatial = h * w, count = batch * channels * spatial, pooledCount = count / 4
        var rng = SplitMix64(seed: UInt64(count))
        var x = (0..<count).map { i in (rng.unit() - 0.5) * 6 + Float((i / spatial) % channels) }
        x[5] = x[4]   // a tie in a window
        let dyPooled = (0..<pooledCount).map { _ in rng.unit() - 0.5 }
        let w8 = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let runningMean = (0..<channels).map { Float($0) }, runningVar = (0..<channels).map { _ in rng.unit() + 0.5 }
        let geometry = try! MaxPool2dGeometry(batch: batch, channels: channels, input: Size2D(h, w), kernel: 2)
        var isas = [CK_ISA_NONE]
        if ck_best_isa() != CK_ISA_NONE { isas.append(CK_ISA_AVX2) }
        for isa in isas {
            for training in [true, false] {
                let rm: [Float]? = training ? nil : runningMean, rv: [Float]? = training ? nil : runningVar
                // Separately.
                var y = [Float](repeating: 9, count: count)
                var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
                ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, w8, b, 1e-5, rm, rv, 0, 0, &y,
                                      &mean, &invStd, &variance, nil)
                var pooled = [Float](repeating: 9, count: pooledCount), argmax = [Int32](repeating: -7, count: pooledCount)
                maxPool2dForward(geometry, input: y, output: &pooled, argmax: &argmax, applyingReLU: true)
                var g = [Float](repeating: 9, count: count)
                maxPool2dBackward(geometry, gradOutput: dyPooled, argmax: argmax, gradInput: &g, reluFused: true, output: pooled)
                var dx = [Float](repeating: 9, count: count), dw = [Float](repeating: 0.25, count: channels), db = dw
                ck_batch_norm_backward(isa, x, g, batch, channels, spatial, 0, channels, w8, mean, invStd, training ? 1 : 0,
                                       0, 0, nil, &dx, &dw, &db)
                // In one pass, and in two halves (the sums, then the input gradient image by image).
                var fusedPooled = [Float](repeating: 7, count: pooledCount), fusedArgmax = [Int32](repeating: -3, count: pooledCount)
                var fusedMean = [Float](repeating: 1, count: channels), fusedInvStd = fusedMean, fusedVariance = fusedMean
                if !training { fusedVariance = variance }   // eval leaves it alone
                ck_batch_norm_relu_pool_forward(isa, x, batch, channels, h, w, 0, channels, w8, b, 1e-5, rm, rv,
                                                &fusedPooled, &fusedArgmax, &fusedMean, &fusedInvStd, &fusedVariance, nil)
                var fusedDx = [Float](repeating: 7, count: count), fusedDw = [Float](repeating: 0.25, count: channels), fusedDb = fusedDw
                let status = ck_batch_norm_relu_pool_backward(isa, x, dyPooled, fusedPooled, fusedArgmax, batch, channels, h, w,
                                                              0, channels, w8, fusedMean, fusedInvStd, training ? 1 : 0,
                                                              &fusedDx, &fusedDw, &fusedDb)
                var halvesDx = [Float](repeating: 5, count: count), halvesDw = [Float](repeating: 0.25, count: channels), halvesDb = halvesDw
                var coefficients = [Float](repeating: .nan, count: 3 * channels)
                let sumsStatus = ck_batch_norm_relu_pool_backward_sums(isa, x, dyPooled, fusedPooled, fusedArgmax, batch, channels,
                                                                       h, w, 0, channels, w8, fusedMean, fusedInvStd,
                                                                       &halvesDw, &halvesDb, &coefficients)
                halvesDx.withUnsafeMutableBufferPointer { dx in
                    for n in (0..<batch).reversed() {   // any order: each image on its own
                        ck_batch_norm_relu_pool_input_gradient(isa, x, dyPooled, fusedPooled, fusedArgmax, n, channels, h, w, 0,
                                                               channels, fusedMean, fusedInvStd, training ? 1 : 0, coefficients,
                                                               dx.baseAddress! + n * channels * spatial)
                    }
                }
                let label = "isa \(isa.rawValue), shape \(shape), training \(training)"
                #expect(status == 0 && sumsStatus == 0)
                #expect(fusedPooled.map(\.bitPattern) == pooled.map(\.bitPattern), "\(label) pooled")
                #expect(fusedArgmax == argmax, "\(label) argmax")
                #expect(fusedMean.map(\.bitPattern) == mean.map(\.bitPattern), "\(label) mean")
                #expect(fusedInvStd.map(\.bitPattern) == invStd.map(\.bitPattern), "\(label) invstd")
                #expect(fusedVariance.map(\.bitPattern) == variance.map(\.bitPattern), "\(label) variance")
                #expect(fusedDx.map(\.bitPattern) == dx.map(\.bitPattern), "\(label) input gradient")
                #expect(fusedDw.map(\.bitPattern) == dw.map(\.bitPattern), "\(label) weight gradient")
                #expect(fusedDb.map(\.bitPattern) == db.map(\.bitPattern), "\(label) bias gradient")
                #expect(halvesDx.map(\.bitPattern) == dx.map(\.bitPattern), "\(label) input gradient, two halves")
                #expect(halvesDw.map(\.bitPattern) == dw.map(\.bitPattern) && halvesDb.map(\.bitPattern) == db.map(\.bitPattern),
                        "\(label) parameter gradients, two halves")
                #expect(pooled.contains(0) && g.contains { $0 != 0 }, "the ReLU must cut something and pass something")
            }
        }
    }

    /// The variance comes from one read of the input (per plane, then merged in double): on values
    /// far from zero with a small spread, and planes whose means differ, it must still match a
    /// double-precision two-pass variance closely.
    @Test("the one-read variance matches a double two-pass variance on offset, narrow data",
          arguments: [(128, 3, 1024), (5, 2, 37), (64, 2, 1), (3, 1, 4096)])
    func varianceAccuracy(shape: (Int, Int, Int)) {
        let (batch, channels, spatial) = shape
        var rng = SplitMix64(seed: 5)
        let count = batch * channels * spatial
        // Channel c: around 1000 * (c + 1), spread 0.01, each image's plane shifted a little.
        let x = (0..<count).map { i in
            Float(1000 * ((i / spatial) % channels + 1)) + Float((i / (spatial * channels)) % 7) * 0.003 + (rng.unit() - 0.5) * 0.02
        }
        var isas = [CK_ISA_NONE]
        if ck_best_isa() != CK_ISA_NONE { isas.append(CK_ISA_AVX2) }
        for isa in isas {
            var y = [Float](repeating: 0, count: count)
            var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
            ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, nil, nil, 1e-5, nil, nil, 0, 0, &y,
                                  &mean, &invStd, &variance, nil)
            for c in 0..<channels {
                let values = (0..<batch).flatMap { n in (0..<spatial).map { Double(x[(n * channels + c) * spatial + $0]) } }
                let exactMean = values.reduce(0, +) / Double(values.count)
                let exactVariance = values.reduce(0) { $0 + ($1 - exactMean) * ($1 - exactMean) } / Double(values.count)
                #expect(abs(Double(variance[c]) - exactVariance) <= 1e-6 * exactVariance,
                        "isa \(isa.rawValue) shape \(shape) channel \(c): \(variance[c]) vs \(exactVariance)")
            }
        }
    }
    /// A convolution can take each plane's moments while it writes the batch norm's input
    /// (ck_batch_norm_plane_moments); the statistics taken from them must be the ones read from x.
    @Test("statistics from plane moments: the bits of reading x, plain and pooled, every build",
          arguments: [(5, 3, 6, 8), (2, 9, 36, 20), (3, 2, 1, 2), (4, 70, 4, 4), (3, 5, 5, 5)])
    func statisticsFromPlaneMoments(shape: (Int, Int, Int, Int)) {
        let (batch, channels, h, w) = shape
        let spatial = h * w, count = batch * channels * spatial
        var rng = SplitMix64(seed: 8)
        let x = (0..<count).map { _ in 3 + (rng.unit() - 0.4) * 2 }
        let weight = (0..<channels).map { _ in rng.unit() + 0.5 }, bias = (0..<channels).map { _ in rng.unit() - 0.5 }
        var isas = [CK_ISA_NONE]
        if ck_best_isa() != CK_ISA_NONE { isas.append(CK_ISA_AVX2) }
        for isa in isas {
            for momentsIsa in isas {
                var moments = [Float](repeating: .nan, count: 3 * batch * channels)
                ck_batch_norm_plane_moments(momentsIsa, x, batch * channels, spatial, &moments)
                var y = [Float](repeating: 0, count: count), yFromMoments = y
                var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
                var mean2 = mean, invStd2 = mean, variance2 = mean
                ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, weight, bias, 1e-5, nil, nil, 1, 0, &y,
                                      &mean, &invStd, &variance, nil)
                ck_batch_norm_forward(isa, x, batch, channels, spatial, 0, channels, weight, bias, 1e-5, nil, nil, 1, 0,
                                      &yFromMoments, &mean2, &invStd2, &variance2, moments)
                let label = "isa \(isa.rawValue), moments \(momentsIsa.rawValue), shape \(shape)"
                #expect(y.map(\.bitPattern) == yFromMoments.map(\.bitPattern), "\(label): output")
                #expect(mean.map(\.bitPattern) == mean2.map(\.bitPattern) && invStd.map(\.bitPattern) == invStd2.map(\.bitPattern)
                        && variance.map(\.bitPattern) == variance2.map(\.bitPattern), "\(label): statistics")
                guard h % 2 == 0 && w % 2 == 0 else { continue }
                let pooledCount = count / 4
                var pooled = [Float](repeating: 0, count: pooledCount), pooled2 = pooled
                var argmax = [Int32](repeating: 0, count: pooledCount), argmax2 = argmax
                ck_batch_norm_relu_pool_forward(isa, x, batch, channels, h, w, 0, channels, weight, bias, 1e-5, nil, nil,
                                                &pooled, &argmax, &mean, &invStd, &variance, nil)
                ck_batch_norm_relu_pool_forward(isa, x, batch, channels, h, w, 0, channels, weight, bias, 1e-5, nil, nil,
                                                &pooled2, &argmax2, &mean2, &invStd2, &variance2, moments)
                #expect(pooled.map(\.bitPattern) == pooled2.map(\.bitPattern) && argmax == argmax2, "\(label): pooled")
                #expect(variance.map(\.bitPattern) == variance2.map(\.bitPattern), "\(label): pooled statistics")
            }
        }
    }

    /// The layers' entry points cut their passes by whole images (and take the statistics and the
    /// channels' terms once, in image order); they must give the channel-range C form's bits on any
    /// cut: 1 or 2 threads, a batch split or not, statistics read from x or from plane moments.
    @Test("batchNorm2dForwardTraining / Eval / Backward (parts of whole images) give ck_batch_norm_forward / _backward's bits",
          arguments: [(9, 5, 1500), (3, 4, 29), (128, 3, 180)])
    func imagePartsMatchChannelRanges(shape: (Int, Int, Int)) {
        let (batch, channels, spatial) = shape
        let s = BatchNorm2dShape(batch: batch, channels: channels, spatial: spatial), count = s.count
        var rng = SplitMix64(seed: UInt64(count))
        let x = (0..<count).map { i in (rng.unit() - 0.5) * 6 + Float((i / spatial) % channels) }
        let dy = (0..<count).map { _ in rng.unit() - 0.5 }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let runningMean = (0..<channels).map { Float($0) }, runningVar = (0..<channels).map { _ in rng.unit() + 0.5 }
        var moments = [Float](repeating: .nan, count: 3 * batch * channels)
        ck_batch_norm_plane_moments(DirectConvolution.active.isa, x, batch * channels, spatial, &moments)
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for training in [true, false] {
            for activation in [BatchNormActivation.none, .relu, .leakyReLU] {
                // The channel-range form, all channels in one call.
                var y = [Float](repeating: 9, count: count), dx = y
                var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
                var dw = [Float](repeating: 0.25, count: channels), db = dw
                ck_batch_norm_forward(DirectConvolution.active.isa, x, batch, channels, spatial, 0, channels, w, b, 1e-5,
                                      training ? nil : runningMean, training ? nil : runningVar, activation.code, 0.1, &y,
                                      &mean, &invStd, &variance, nil)
                ck_batch_norm_backward(DirectConvolution.active.isa, x, dy, batch, channels, spatial, 0, channels, w, mean,
                                       invStd, training ? 1 : 0, activation.code, 0.1, b, &dx, &dw, &db)
                for threads in [1, 2] {
                    for fromMoments in training ? [false, true] : [false] {
                        KernelThreads.setCount(threads)
                        var y2 = [Float](repeating: 7, count: count), dx2 = y2
                        var mean2 = [Float](repeating: 0, count: channels), invStd2 = mean2, variance2 = mean2
                        var dw2 = [Float](repeating: 0.25, count: channels), db2 = dw2
                        if training {
                            batchNorm2dForwardTraining(s, input: x, weight: w, bias: b, eps: 1e-5, output: &y2, saveMean: &mean2,
                                                       saveInvStd: &invStd2, batchVariance: &variance2, activation: activation,
                                                       slope: 0.1, moments: fromMoments ? moments : nil)
                        } else {
                            batchNorm2dForwardEval(s, input: x, weight: w, bias: b, runningMean: runningMean,
                                                   runningVar: runningVar, eps: 1e-5, output: &y2, activation: activation,
                                                   slope: 0.1)
                            (mean2, invStd2, variance2) = (mean, invStd, variance)
                        }
                        batchNorm2dBackward(s, input: x, gradOutput: dy, weight: w, mean: mean2, invStd: invStd2,
                                            training: training, activation: activation, slope: 0.1, bias: b,
                                            gradInput: &dx2, gradWeight: &dw2, gradBias: &db2)
                        let label = "shape \(shape), training \(training), \(activation), \(threads) threads, moments \(fromMoments)"
                        #expect(y.map(\.bitPattern) == y2.map(\.bitPattern), "\(label): output")
                        #expect(mean.map(\.bitPattern) == mean2.map(\.bitPattern) && invStd.map(\.bitPattern) == invStd2.map(\.bitPattern)
                                && variance.map(\.bitPattern) == variance2.map(\.bitPattern), "\(label): statistics")
                        #expect(dx.map(\.bitPattern) == dx2.map(\.bitPattern), "\(label): input gradient")
                        #expect(dw.map(\.bitPattern) == dw2.map(\.bitPattern) && db.map(\.bitPattern) == db2.map(\.bitPattern),
                                "\(label): parameter gradients")
                    }
                }
            }
        }
    }

    /// The backward pass in parts, as the layers around a batch norm run it image by image: each
    /// image's plane sums (taken in reverse order, as another thread might), the terms from all of
    /// them, then each image's input gradient into a one-image buffer: batchNorm2dBackward's bits.
    @Test("the backward pass in parts (plane sums and input gradient image by image) gives batchNorm2dBackward's bits",
          arguments: [(5, 4, 37), (3, 6, 64), (2, 3, 1)])
    func backwardInParts(shape: (Int, Int, Int)) {
        let (batch, channels, spatial) = shape
        let s = BatchNorm2dShape(batch: batch, channels: channels, spatial: spatial), count = s.count
        var rng = SplitMix64(seed: UInt64(count + 17))
        let x = (0..<count).map { i in (rng.unit() - 0.5) * 6 + Float((i / spatial) % channels) }
        let dy = (0..<count).map { _ in rng.unit() - 0.5 }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let mean = (0..<channels).map { Float($0) + rng.unit() - 0.5 }, invStd = (0..<channels).map { _ in rng.unit() + 0.5 }
        for training in [true, false] {
            for activation in [BatchNormActivation.none, .relu, .leakyReLU] {
                var dx = [Float](repeating: 9, count: count)
                var dw = [Float](repeating: 0.25, count: channels), db = dw
                batchNorm2dBackward(s, input: x, gradOutput: dy, weight: w, mean: mean, invStd: invStd, training: training,
                                    activation: activation, slope: 0.1, bias: b, gradInput: &dx, gradWeight: &dw, gradBias: &db)
                var terms = [Float](repeating: .nan, count: batchNormTermsPerChannel * channels)
                var sums = [Float](repeating: .nan, count: batchNormSumsPerPlane * batch * channels)
                var dw2 = [Float](repeating: 0.25, count: channels), db2 = dw2
                var dx2 = [Float](repeating: 7, count: count), image = [Float](repeating: 5, count: s.imageSize)
                batchNorm2dGradientGate(s, weight: w, bias: b, mean: mean, invStd: invStd, terms: &terms)
                for n in (0..<batch).reversed() {
                    dy.withUnsafeBufferPointer { g in
                        batchNorm2dImageGradientSums(s, input: x, image: n, gradient: g.baseAddress! + n * s.imageSize,
                                                     mean: mean, terms: terms, activation: activation, slope: 0.1, sums: &sums)
                    }
                }
                batchNorm2dGradientTerms(s, input: x, gradOutput: dy, weight: w, mean: mean, invStd: invStd,
                                         activation: activation, slope: 0.1, sums: sums, gradWeight: &dw2, gradBias: &db2,
                                         terms: &terms)
                for n in (0..<batch).reversed() {
                    batchNorm2dImageInputGradient(s, input: x, gradOutput: dy, image: n, mean: mean, invStd: invStd,
                                                  training: training, activation: activation, slope: 0.1, terms: terms,
                                                  gradInput: &image)
                    dx2.replaceSubrange(n * s.imageSize..<(n + 1) * s.imageSize, with: image)
                }
                // The sums given to batchNorm2dBackward: the same bits again.
                var dx3 = [Float](repeating: 3, count: count)
                var dw3 = [Float](repeating: 0.25, count: channels), db3 = dw3
                batchNorm2dBackward(s, input: x, gradOutput: dy, weight: w, mean: mean, invStd: invStd, training: training,
                                    activation: activation, slope: 0.1, bias: b, gradInput: &dx3, gradWeight: &dw3,
                                    gradBias: &db3, sums: sums)
                let label = "shape \(shape), training \(training), \(activation)"
                for (name, got) in [("in parts", (dx2, dw2, db2)), ("given sums", (dx3, dw3, db3))] {
                    #expect(dx.map(\.bitPattern) == got.0.map(\.bitPattern), "\(label) \(name): input gradient")
                    #expect(dw.map(\.bitPattern) == got.1.map(\.bitPattern) && db.map(\.bitPattern) == got.2.map(\.bitPattern),
                            "\(label) \(name): parameter gradients")
                }
            }
        }
    }

    /// The training forward in halves (statistics, then each image on demand, also row by row into
    /// a bordered copy) gives `batchNorm2dForwardTraining`'s output bits, on either build.
    @Test("the forward in halves, image by image and row by row into wider planes, gives batchNorm2dForwardTraining's bits",
          arguments: [(5, 3, 13, 11), (4, 16, 16, 16), (3, 32, 8, 8), (2, 2, 1, 7)])
    func forwardInHalves(shape: (Int, Int, Int, Int)) {
        let (batch, channels, height, width) = shape
        let s = BatchNorm2dShape(batch: batch, channels: channels, spatial: height * width), count = s.count
        var rng = SplitMix64(seed: UInt64(count + 7))
        let x = (0..<count).map { i in (rng.unit() - 0.5) * 6 + Float((i / s.spatial) % channels) }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        for activation in [BatchNormActivation.none, .relu, .leakyReLU] {
            var y = [Float](repeating: 9, count: count)
            var mean = [Float](repeating: 0, count: channels), invStd = mean, variance = mean
            batchNorm2dForwardTraining(s, input: x, weight: w, bias: b, eps: 1e-5, output: &y, saveMean: &mean,
                                       saveInvStd: &invStd, batchVariance: &variance, activation: activation, slope: 0.1)
            var mean2 = [Float](repeating: 0, count: channels), invStd2 = mean2, variance2 = mean2
            var scale = mean2, shift = mean2
            batchNorm2dStatisticsTraining(s, input: x, weight: w, bias: b, eps: 1e-5, saveMean: &mean2, saveInvStd: &invStd2,
                                          batchVariance: &variance2, scale: &scale, shift: &shift)
            #expect(mean2.map(\.bitPattern) == mean.map(\.bitPattern) && invStd2.map(\.bitPattern) == invStd.map(\.bitPattern)
                    && variance2.map(\.bitPattern) == variance.map(\.bitPattern), "\(shape) \(activation)")
            // Image by image (last first), and row by row into planes with a border of 2 and 1 around.
            var images = [Float](repeating: 7, count: count)
            let (rowStride, plane) = (width + 3, (width + 3) * (height + 2))
            var padded = [Float](repeating: -3, count: batch * channels * plane)
            for n in (0..<batch).reversed() {
                images.withUnsafeMutableBufferPointer { out in
                    batchNorm2dApplyImage(s, input: x, image: n, scale: scale, shift: shift, activation: activation,
                                          slope: 0.1, output: out.baseAddress! + n * s.imageSize)
                }
                padded.withUnsafeMutableBufferPointer { out in
                    batchNorm2dApplyImage(s, height: height, width: width, input: x, image: n, scale: scale, shift: shift,
                                          activation: activation, slope: 0.1,
                                          output: out.baseAddress! + n * channels * plane + rowStride + 2,
                                          outputPlane: plane, outputRowStride: rowStride)
                }
            }
            #expect(images.map(\.bitPattern) == y.map(\.bitPattern), "\(shape) \(activation)")
            let interior = (0..<(batch * channels)).flatMap { p in
                (0..<height).flatMap { r in (0..<width).map { padded[p * plane + (r + 1) * rowStride + 2 + $0] } }
            }
            #expect(interior.map(\.bitPattern) == y.map(\.bitPattern), "\(shape) \(activation) rows")
            // The border is untouched.
            #expect(padded.count - interior.count == padded.filter { $0 == -3 }.count, "\(shape) \(activation) border")
        }
    }

    /// The image-by-image passes (input gradient, apply, apply into rows) ask for the lines some
    /// planes ahead, past the image's end at its last planes: those requests must never read (a
    /// load there would fault). The batch's last image ends against a page that cannot be read;
    /// the results must be those of the same image in ordinary memory.
    @Test("the image-by-image passes' requests ahead never fault: the last image ends against an unreadable page",
          arguments: [(16, 16, 16), (32, 8, 8), (3, 7, 5)])
    func prefetchAheadNeverFaults(shape: (Int, Int, Int)) throws {
        let (channels, height, width) = shape
        let s = BatchNorm2dShape(batch: 1, channels: channels, spatial: height * width), count = s.count
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let readable = (count * MemoryLayout<Float>.size + page - 1) / page * page
        var rng = SplitMix64(seed: UInt64(count))
        let x = (0..<count).map { _ in (rng.unit() - 0.5) * 4 }, dy = (0..<count).map { _ in rng.unit() - 0.5 }
        let w = (0..<channels).map { _ in rng.unit() + 0.5 }, b = (0..<channels).map { _ in rng.unit() - 0.5 }
        let mean = (0..<channels).map { _ in rng.unit() - 0.5 }, invStd = (0..<channels).map { _ in rng.unit() + 0.5 }
        var terms = [Float](repeating: 0, count: batchNormTermsPerChannel * channels)
        batchNorm2dGradientGate(s, weight: w, bias: b, mean: mean, invStd: invStd, terms: &terms)
        for c in 0..<channels { terms[c] = rng.unit(); terms[channels + c] = rng.unit(); terms[2 * channels + c] = rng.unit() }
        // x and dy each at the end of `readable` bytes followed by a PROT_NONE page.
        func guarded(_ values: [Float]) throws -> UnsafeMutableRawPointer {
            let base = try #require(mmap(nil, readable + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
            #expect(base != MAP_FAILED)
            #expect(mprotect(base + readable, page, PROT_NONE) == 0)
            let start = (base + readable - count * MemoryLayout<Float>.size).assumingMemoryBound(to: Float.self)
            values.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: count) }
            return base
        }
        let xBase = try guarded(x), dyBase = try guarded(dy)
        defer { munmap(xBase, readable + page); munmap(dyBase, readable + page) }
        let xEnd = (xBase + readable - count * 4).assumingMemoryBound(to: Float.self)
        let dyEnd = (dyBase + readable - count * 4).assumingMemoryBound(to: Float.self)
        let (scale, shift) = (w, b)
        for activation in [BatchNormActivation.none, .leakyReLU] {
            var expected = [Float](repeating: 0, count: count), got = expected
            batchNorm2dImageInputGradient(s, input: x, gradOutput: dy, image: 0, mean: mean, invStd: invStd, training: true,
                                          activation: activation, slope: 0.1, terms: terms, gradInput: &expected)
            batchNorm2dImageInputGradient(s, input: xEnd, gradOutput: dyEnd, image: 0, mean: mean, invStd: invStd,
                                          training: true, activation: activation, slope: 0.1, terms: terms, gradInput: &got)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(shape) \(activation) input gradient")
            batchNorm2dApplyImage(s, input: x, image: 0, scale: scale, shift: shift, activation: activation, slope: 0.1,
                                  output: &expected)
            batchNorm2dApplyImage(s, input: xEnd, image: 0, scale: scale, shift: shift, activation: activation, slope: 0.1,
                                  output: &got)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(shape) \(activation) apply")
            batchNorm2dApplyImage(s, height: height, width: width, input: x, image: 0, scale: scale, shift: shift,
                                  activation: activation, slope: 0.1, output: &expected, outputPlane: s.spatial,
                                  outputRowStride: width)
            batchNorm2dApplyImage(s, height: height, width: width, input: xEnd, image: 0, scale: scale, shift: shift,
                                  activation: activation, slope: 0.1, output: &got, outputPlane: s.spatial,
                                  outputRowStride: width)
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(shape) \(activation) apply rows")
        }
    }
}
