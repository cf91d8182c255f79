import Testing
import CKernels
@testable import Kernels

/// Average pooling, batch norm, LeakyReLU, tanh and dropout: the fast kernels agree with the
/// plain loops on random shapes (strides, paddings, ceil mode, both divisor rules, batches).
@Suite("Fast layer kernels equal their references")
struct LayerOpsFastMatchesReferenceTests {
    static func expectClose(_ a: [Float], _ b: [Float], _ label: String, abs: Float = 2e-5, rel: Float = 1e-4) {
        let bad = firstMismatch(a, b, abs: abs, rel: rel)
        #expect(bad == nil, "\(label) index \(bad ?? 0): \(a.isEmpty ? 0 : a[max(bad ?? 0, 0)]) vs \(b.isEmpty ? 0 : b[max(bad ?? 0, 0)])")
    }

    @Test("avg_pool2d on 80 random geometries")
    func avgPool2d() throws {
        var rng = TestRandom(seed: 21)
        var tested = 0
        while tested < 80 {
            let kernel = Size2D(rng.int(1...4), rng.int(1...4))
            guard let g = try? AvgPool2dGeometry(
                batch: rng.int(1...3), channels: rng.int(1...3), input: Size2D(rng.int(1...7), rng.int(1...7)),
                kernel: kernel, stride: rng.bool() ? nil : Size2D(rng.int(1...3), rng.int(1...3)),
                padding: Size2D(rng.int(0...kernel.height / 2), rng.int(0...kernel.width / 2)),
                ceilMode: rng.bool(), countIncludePad: rng.bool()) else { continue }
            tested += 1
            let x = rng.floats(g.inputCount), dy = rng.floats(g.outputCount)
            var fast = [Float](repeating: .nan, count: g.outputCount), reference = fast
            avgPool2dForward(g, input: x, output: &fast)
            avgPool2dForwardReference(g, input: x, output: &reference)
            Self.expectClose(fast, reference, "avg_pool2d output \(g)")
            var dxFast = [Float](repeating: .nan, count: g.inputCount), dxReference = dxFast
            avgPool2dBackward(g, gradOutput: dy, gradInput: &dxFast)
            avgPool2dBackwardReference(g, gradOutput: dy, gradInput: &dxReference)
            Self.expectClose(dxFast, dxReference, "avg_pool2d grad_input \(g)")
        }
    }

    @Test("avg_pool2d backward, plain 2x2 windows (tiling and with a spare row and column): the reference's bits, -0 included")
    func avgPool2dPlainBackward() throws {
        var rng = TestRandom(seed: 22)
        for input in [Size2D(8, 8), Size2D(7, 9), Size2D(2, 2), Size2D(16, 6)] {
            let g = try AvgPool2dGeometry(batch: 3, channels: 2, input: input, kernel: Size2D(2, 2), stride: nil,
                                          padding: Size2D(0, 0), ceilMode: false, countIncludePad: true)
            var dy = rng.floats(g.outputCount)
            dy[0] = -0.0
            var dxFast = [Float](repeating: .nan, count: g.inputCount), dxReference = dxFast
            avgPool2dBackward(g, gradOutput: dy, gradInput: &dxFast)
            avgPool2dBackwardReference(g, gradOutput: dy, gradInput: &dxReference)
            #expect(dxFast.map(\.bitPattern) == dxReference.map(\.bitPattern), "\(input)")
        }
    }

    @Test("avg_pool2d: the mean of each window, padding counted or not")
    func avgPoolByHand() throws {
        // 1x1x2x3 input, kernel 2, stride 1, padding 1: the corner window holds one value.
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        for (include, corner) in [(true, Float(1) / 4), (false, 1)] {
            let g = try AvgPool2dGeometry(batch: 1, channels: 1, input: Size2D(2, 3), kernel: 2, stride: 1, padding: 1,
                                          countIncludePad: include)
            var y = [Float](repeating: 0, count: g.outputCount)
            avgPool2dForward(g, input: x, output: &y)
            #expect(g.output == Size2D(3, 4))
            #expect(y[0] == corner)
            #expect(y[5] == (1 + 2 + 4 + 5) / 4)   // a window fully inside the input
        }
    }

    @Test("batch_norm2d training and eval on random shapes, with and without affine")
    func batchNorm() {
        var rng = TestRandom(seed: 22)
        for trial in 0..<30 {
            let s = BatchNorm2dShape(batch: rng.int(1...4), channels: rng.int(1...5), spatial: rng.int(2...40))
            let affine = trial % 3 != 0
            let x = rng.floats(s.count).map { $0 * 3 + 0.5 }, dy = rng.floats(s.count)
            let w = affine ? rng.floats(s.channels) : nil, b = affine ? rng.floats(s.channels) : nil
            let runMean = rng.floats(s.channels), runVar = rng.floats(s.channels).map { abs($0) + 0.5 }
            for training in [true, false] {
                var outputs: [[Float]] = [], stats: [[Float]] = [], grads: [[Float]] = []
                for reference in [false, true] {
                    var y = [Float](repeating: .nan, count: s.count)
                    var mean = [Float](repeating: 0, count: s.channels), inv = mean, variance = mean
                    var rm = runMean, rv = runVar
                    if training {
                        (reference ? batchNorm2dForwardTrainingReference : batchNorm2dForwardTraining)(
                            s, x, w, b, 1e-5, &y, &mean, &inv, &variance)
                        (reference ? batchNorm2dUpdateRunningStatisticsReference : batchNorm2dUpdateRunningStatistics)(
                            s, mean, variance, 0.1, &rm, &rv)
                    } else {
                        (reference ? batchNorm2dForwardEvalReference : batchNorm2dForwardEval)(s, x, w, b, runMean, runVar, 1e-5, &y)
                        mean = runMean
                        inv = runVar.map { 1 / ($0 + 1e-5).squareRoot() }
                    }
                    var dx = [Float](repeating: .nan, count: s.count)
                    var dw = [Float](repeating: 0, count: s.channels), db = dw
                    let backward = reference ? batchNorm2dBackwardReference : batchNorm2dBackward
                    if affine {
                        backward(s, x, dy, w, mean, inv, training, &dx, &dw, &db)
                    } else {
                        backward(s, x, dy, nil, mean, inv, training, &dx, nil, nil)
                    }
                    outputs.append(y)
                    stats.append(mean + inv + rm + rv)
                    grads.append(dx + dw + db)
                }
                let label = "batch_norm2d \(s) training \(training) affine \(affine)"
                Self.expectClose(outputs[0], outputs[1], label + " output", abs: 1e-4)
                Self.expectClose(stats[0], stats[1], label + " statistics", abs: 1e-4)
                Self.expectClose(grads[0], grads[1], label + " gradients", abs: 2e-4, rel: 1e-3)
            }
        }
    }

    @Test("the hashed dropout mask: the AVX-512 and AVX2 loops give the Swift loop's bits; keeps about 1 - p; keys differ")
    func hashedDropoutMask() {
        for count in [1, 7, 8, 15, 16, 17, 65_543] {
            for p: Float in [0.25, 0, 0.5, 0x1p-24, 1 - 0x1p-24] {
                let threshold = UInt32((p * 0x1p24).rounded(.up)), scale = 1 / (1 - p)
                for key: UInt64 in [0, 42, 0xDEAD_BEEF_0123_4567] {
                    var reference = [Float](repeating: 7, count: count)
                    dropoutMaskReference(&reference, count: count, threshold: threshold, scale: scale, key: key)
                    #expect(reference.allSatisfy { $0 == 0 || $0 == scale }, "values, p \(p)")
                    var viaLayerPath = [Float](repeating: 7, count: count)
                    dropoutMask(&viaLayerPath, count: count, p: p, key: key)
                    #expect(viaLayerPath.map(\.bitPattern) == reference.map(\.bitPattern), "active path, \(count) values, p \(p)")
                    for isa in DirectConvolution.best == .avx512 ? [CK_ISA_AVX512, CK_ISA_AVX2]
                            : DirectConvolution.best == .avx2 ? [CK_ISA_AVX2] : [] {
                        var vector = [Float](repeating: 7, count: count)
                        ck_dropout_mask(isa, &vector, count, threshold, scale, key)
                        #expect(vector.map(\.bitPattern) == reference.map(\.bitPattern),
                                "isa \(isa.rawValue), \(count) values, p \(p), key \(key)")
                    }
                    if count > 60_000 {
                        let kept = Double(reference.filter { $0 != 0 }.count) / Double(count)
                        #expect(abs(kept - Double(1 - p)) < 0.01, "keeps about 1 - p = \(1 - p): \(kept)")
                    }
                }
            }
        }
        // Consecutive keys give unrelated masks (about half the values differ at p = 0.5).
        var a = [Float](repeating: 0, count: 4096), b = a
        dropoutMaskReference(&a, count: 4096, threshold: 1 << 23, scale: 2, key: 1)
        dropoutMaskReference(&b, count: 4096, threshold: 1 << 23, scale: 2, key: 2)
        let differing = Double(zip(a, b).filter { $0 != $1 }.count) / 4096
        #expect(abs(differing - 0.5) < 0.05, "masks of keys 1 and 2 differ in \(differing) of the values")
    }

    @Test("leaky_relu, tanh and dropout on buffers longer than a thread's part")
    func elementwise() {
        var rng = TestRandom(seed: 23)
        for count in [1, 7, 8, 33, 70_001] {
            let x = rng.floats(count).map { $0 * 4 }, dy = rng.floats(count)
            var a = [Float](repeating: .nan, count: count), b = a
            for slope: Float in [0.01, 0.2, -0.5, 0] {
                leakyReLUForward(input: x, output: &a, count: count, slope: slope)
                leakyReLUForwardReference(input: x, output: &b, count: count, slope: slope)
                Self.expectClose(a, b, "leaky_relu forward \(count) \(slope)")
                leakyReLUBackward(input: x, gradOutput: dy, gradInput: &a, count: count, slope: slope)
                leakyReLUBackwardReference(input: x, gradOutput: dy, gradInput: &b, count: count, slope: slope)
                Self.expectClose(a, b, "leaky_relu backward \(count) \(slope)")
            }
            tanhForward(input: x, output: &a, count: count)
            tanhForwardReference(input: x, output: &b, count: count)
            Self.expectClose(a, b, "tanh forward \(count)", abs: 1e-6)
            let y = a
            tanhBackward(output: y, gradOutput: dy, gradInput: &a, count: count)
            tanhBackwardReference(input: x, gradOutput: dy, gradInput: &b, count: count)
            Self.expectClose(a, b, "tanh backward \(count)", abs: 1e-5)
            var mask = [Float](repeating: 0, count: count)
            var source = TestRandom(seed: UInt64(count))
            dropoutMask(&mask, count: count, p: 0.25) { (source.float() + 1) / 2 }
            #expect(mask.allSatisfy { $0 == 0 || $0 == Float(1) / 0.75 })
            dropoutApply(input: x, mask: mask, output: &a, count: count)
            dropoutApplyReference(input: x, mask: mask, output: &b, count: count)
            Self.expectClose(a, b, "dropout \(count)")
            // The generator passed inout draws the same numbers as the closure, and ends in the same state.
            for p: Float in [0.3, 0, 0.5, 0x1p-24, 1 - 0x1p-24] {
                var closureSource = SeededRandom(seed: UInt64(count)), inoutSource = closureSource
                var closureMask = [Float](repeating: 7, count: count), inoutMask = closureMask
                dropoutMask(&closureMask, count: count, p: p) { closureSource.nextUniform() }
                dropoutMask(&inoutMask, count: count, p: p, random: &inoutSource)
                #expect(inoutMask.map(\.bitPattern) == closureMask.map(\.bitPattern), "dropout mask, p \(p), \(count) values")
                #expect(inoutSource.next() == closureSource.next())
            }
            if count > 10_000 {
                let kept = Double(mask.filter { $0 != 0 }.count) / Double(count)
                #expect(abs(kept - 0.75) < 0.01, "dropout keeps about 1 - p: \(kept)")
            }
        }
    }
}
