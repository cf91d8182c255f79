import Testing
@testable import Kernels
@testable import OpCases

/// The fast kernels (im2col + sgemm, argmax pooling) must give the plain loops' numbers on
/// random shapes, including batches, strides, paddings larger than the kernel, dilations,
/// output paddings and ceil mode.
@Suite("Fast kernels equal the reference kernels")
struct FastMatchesReferenceTests {
    static func compare(_ opCase: OpCase, label: String, path: KernelPath = .fast) {
        let fast = opCase.evaluate(path), reference = opCase.evaluate(.reference)
        let pairs: [(String, [Float]?, [Float]?)] = [
            ("output", fast.output, reference.output), ("grad_input", fast.gradInput, reference.gradInput),
            ("grad_weight", fast.gradWeight, reference.gradWeight), ("grad_bias", fast.gradBias, reference.gradBias)]
        for (field, a, b) in pairs {
            #expect((a == nil) == (b == nil), "\(label) \(field) presence")
            guard let a, let b else { continue }
            // A long sum's rounding error grows with the size of its terms, not of its result: a
            // weight gradient of 10,000 products can cancel to 0.13 while the field's values are
            // near 30, and two summation orders (sgemm against the plain loops) then differ by
            // 3e-5. So the absolute tolerance follows the field's typical magnitude (its RMS).
            let rms = (b.reduce(Float(0)) { $0 + $1 * $1 } / Float(max(b.count, 1))).squareRoot()
            let bad = firstMismatch(a, b, abs: 2e-5 * max(1, rms), rel: 1e-4)
            #expect(bad == nil, "\(label) \(field) index \(bad ?? 0): \(a[max(bad ?? 0, 0)]) vs \(b[max(bad ?? 0, 0)]); shapes in \(opCase.geometry.inputShape) out \(opCase.geometry.outputShape)")
        }
    }

    @Test("conv2d on 60 random geometries")
    func conv2d() {
        var rng = TestRandom(seed: 1)
        for (i, g) in RandomGeometry.many(60, seed: 11, RandomGeometry.conv2d).enumerated() {
            Self.compare(.random(g, rng: &rng, hasBias: i % 2 == 0) { $0.floats($1) }, label: "conv2d #\(i) \(g)")
        }
    }

    @Test("conv_transpose2d on 60 random geometries")
    func convTranspose2d() {
        var rng = TestRandom(seed: 2)
        for (i, g) in RandomGeometry.many(60, seed: 12, RandomGeometry.convTranspose2d).enumerated() {
            Self.compare(.random(g, rng: &rng, hasBias: i % 2 == 0) { $0.floats($1) }, label: "conv_transpose2d #\(i) \(g)")
        }
    }

    @Test("max_pool2d on 80 random geometries, with many ties")
    func maxPool2d() {
        var rng = TestRandom(seed: 3)
        for (i, g) in RandomGeometry.many(80, seed: 13, RandomGeometry.maxPool2d).enumerated() {
            let opCase = OpCase.random(g, rng: &rng, hasBias: false) { i % 2 == 0 ? $0.tiedFloats($1) : $0.floats($1) }
            let fast = opCase.evaluate(.fast), reference = opCase.evaluate(.reference)
            // Pooling only selects and routes values: the two paths agree exactly.
            #expect(fast.output == reference.output, "max_pool2d #\(i) \(g) output")
            #expect(fast.gradInput == reference.gradInput, "max_pool2d #\(i) \(g) grad_input")
        }
    }

    @Test("the course layers' shapes at batch 4 (conv 3->8 5x5, pool 2, conv 8->16 5x5, strided 4x4 convs)")
    func courseShapes() throws {
        var rng = TestRandom(seed: 4)
        let geometries: [OpCase.Geometry] = [
            .conv2d(try Conv2dGeometry(batch: 4, inChannels: 3, outChannels: 8, input: 32, kernel: 5)),
            .maxPool2d(try MaxPool2dGeometry(batch: 4, channels: 8, input: 28, kernel: 2, stride: 2)),
            .conv2d(try Conv2dGeometry(batch: 4, inChannels: 8, outChannels: 16, input: 14, kernel: 5)),
            .conv2d(try Conv2dGeometry(batch: 4, inChannels: 3, outChannels: 8, input: 32, kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 4, inChannels: 32, outChannels: 16, input: 4, kernel: 4,
                                                         stride: 2, padding: 1)),
        ]
        for (i, g) in geometries.enumerated() {
            Self.compare(.random(g, rng: &rng, hasBias: true) { $0.floats($1) }, label: "course #\(i)")
        }
    }

    @Test("larger, odd batches: work split across threads and chunks must not change a value")
    func largeOddBatches() throws {
        var rng = TestRandom(seed: 7)
        let geometries: [OpCase.Geometry] = [
            .conv2d(try Conv2dGeometry(batch: 13, inChannels: 3, outChannels: 8, input: 32, kernel: 5)),
            .conv2d(try Conv2dGeometry(batch: 7, inChannels: 8, outChannels: 16, input: 14, kernel: 5)),
            .conv2d(try Conv2dGeometry(batch: 5, inChannels: 4, outChannels: 6, input: Size2D(17, 23), kernel: 3,
                                       stride: Size2D(2, 1), padding: Size2D(2, 0), dilation: Size2D(1, 2))),
            .maxPool2d(try MaxPool2dGeometry(batch: 17, channels: 8, input: 28, kernel: 2, stride: 2)),
            .maxPool2d(try MaxPool2dGeometry(batch: 9, channels: 5, input: Size2D(15, 13), kernel: 2, stride: 2, ceilMode: true)),
            .maxPool2d(try MaxPool2dGeometry(batch: 6, channels: 3, input: Size2D(16, 16), kernel: 3, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 11, inChannels: 16, outChannels: 8, input: 8, kernel: 4,
                                                         stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 7, inChannels: 5, outChannels: 3, input: Size2D(9, 6), kernel: 3,
                                                         stride: Size2D(3, 2), padding: Size2D(1, 0), outputPadding: 1,
                                                         dilation: Size2D(1, 2))),
        ]
        for (i, g) in geometries.enumerated() {
            let opCase = OpCase.random(g, rng: &rng, hasBias: true) { i % 2 == 0 ? $0.tiedFloats($1) : $0.floats($1) }
            Self.compare(opCase, label: "large #\(i) \(g)")
        }
        // Activations over more values than one thread's share.
        let count = 300_001
        let x = rng.floats(count).map { $0 * 6 }, dy = rng.floats(count)
        var y = [Float](repeating: 0, count: count), yRef = y, dx = y, dxRef = y
        x.withUnsafeBufferPointer { x in dy.withUnsafeBufferPointer { dy in
        y.withUnsafeMutableBufferPointer { y in yRef.withUnsafeMutableBufferPointer { yRef in
        dx.withUnsafeMutableBufferPointer { dx in dxRef.withUnsafeMutableBufferPointer { dxRef in
            reluForward(input: x.baseAddress!, output: y.baseAddress!, count: count)
            reluForwardReference(input: x.baseAddress!, output: yRef.baseAddress!, count: count)
            reluBackward(output: y.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dx.baseAddress!, count: count)
            reluBackwardReference(input: x.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dxRef.baseAddress!, count: count)
        }}}}}}
        #expect(y == yRef)
        #expect(dx == dxRef)
    }

    @Test("the common special cases on a grid of sizes: 2x2 stride-2 pooling, unpadded stride-1 and strided 4x4 convolutions")
    func specialCaseGrid() throws {
        var rng = TestRandom(seed: 8)
        for batch in [1, 5] {
            for size in [2, 3, 8, 13] {
                for (ceil, padding) in [(false, 0), (true, 0), (false, 1), (true, 1)] {
                    let g = OpCase.Geometry.maxPool2d(try MaxPool2dGeometry(
                        batch: batch, channels: 3, input: Size2D(size, size + 1), kernel: 2, stride: 2,
                        padding: Size2D(square: padding), ceilMode: ceil))
                    let opCase = OpCase.random(g, rng: &rng, hasBias: false) { $0.tiedFloats($1) }
                    let fast = opCase.evaluate(.fast), reference = opCase.evaluate(.reference)
                    #expect(fast.output == reference.output, "pool 2x2 batch \(batch) size \(size) ceil \(ceil) padding \(padding)")
                    #expect(fast.gradInput == reference.gradInput, "pool 2x2 batch \(batch) size \(size) ceil \(ceil) padding \(padding)")
                }
                for kernel in [1, 3, 5] where kernel <= size {
                    let g = OpCase.Geometry.conv2d(try Conv2dGeometry(batch: batch, inChannels: 2, outChannels: 3,
                                                                      input: Size2D(size, size + 2), kernel: Size2D(square: kernel)))
                    Self.compare(.random(g, rng: &rng, hasBias: true) { $0.floats($1) }, label: "conv k\(kernel) batch \(batch) size \(size)")
                }
                if size >= 3 {
                    let down = OpCase.Geometry.conv2d(try Conv2dGeometry(batch: batch, inChannels: 3, outChannels: 4, input: Size2D(size, size),
                                                                         kernel: 4, stride: 2, padding: 1))
                    Self.compare(.random(down, rng: &rng, hasBias: true) { $0.floats($1) }, label: "conv 4x4/2 batch \(batch) size \(size)")
                    let up = OpCase.Geometry.convTranspose2d(try ConvTranspose2dGeometry(batch: batch, inChannels: 4, outChannels: 3,
                                                                                          input: Size2D(size, size), kernel: 4, stride: 2, padding: 1))
                    Self.compare(.random(up, rng: &rng, hasBias: true) { $0.floats($1) }, label: "convT 4x4/2 batch \(batch) size \(size)")
                }
            }
        }
    }

    @Test("linear, fast and reference, with and without bias")
    func linear() throws {
        var rng = TestRandom(seed: 5)
        for (batch, inF, outF, hasBias) in [(1, 1, 1, true), (3, 7, 5, true), (4, 16, 3, false), (128, 40, 10, true)] {
            let g = try LinearGeometry(batch: batch, inFeatures: inF, outFeatures: outF)
            let x = rng.floats(batch * inF), w = rng.floats(outF * inF), b = rng.floats(outF), dy = rng.floats(batch * outF)
            var results: [[[Float]]] = []
            for path in KernelPath.allCases {
                var y = [Float](repeating: 0, count: batch * outF), dx = [Float](repeating: 9, count: batch * inF)
                var dw = [Float](repeating: 0, count: outF * inF), db = [Float](repeating: 0, count: outF)
                x.withUnsafeBufferPointer { x in w.withUnsafeBufferPointer { w in b.withUnsafeBufferPointer { b in
                dy.withUnsafeBufferPointer { dy in y.withUnsafeMutableBufferPointer { y in dx.withUnsafeMutableBufferPointer { dx in
                dw.withUnsafeMutableBufferPointer { dw in db.withUnsafeMutableBufferPointer { db in
                    let bias = hasBias ? b.baseAddress! : nil, gradBias = hasBias ? db.baseAddress! : nil
                    if path != .reference {
                        linearForward(g, input: x.baseAddress!, weight: w.baseAddress!, bias: bias, output: y.baseAddress!)
                        linearBackward(g, input: x.baseAddress!, weight: w.baseAddress!, gradOutput: dy.baseAddress!,
                                       gradInput: dx.baseAddress!, gradWeight: dw.baseAddress!, gradBias: gradBias)
                    } else {
                        linearForwardReference(g, input: x.baseAddress!, weight: w.baseAddress!, bias: bias, output: y.baseAddress!)
                        linearBackwardReference(g, input: x.baseAddress!, weight: w.baseAddress!, gradOutput: dy.baseAddress!,
                                                gradInput: dx.baseAddress!, gradWeight: dw.baseAddress!, gradBias: gradBias)
                    }
                }}}}}}}}
                results.append([y, dx, dw, db])
            }
            for (index, name) in ["output", "grad_input", "grad_weight", "grad_bias"].enumerated() {
                #expect(firstMismatch(results[0][index], results[1][index], abs: 2e-5, rel: 1e-4) == nil,
                        "linear \(batch)x\(inF)->\(outF) \(name)")
            }
            if !hasBias { #expect(results[0][3].allSatisfy { $0 == 0 }, "no bias, no bias gradient") }
        }
    }

    @Test("relu and sigmoid, fast and reference")
    func activations() {
        var rng = TestRandom(seed: 6)
        let count = 1000
        let x = rng.floats(count).map { $0 * 8 }, dy = rng.floats(count)
        var y = [Float](repeating: 0, count: count), yRef = y, dx = y, dxRef = y
        x.withUnsafeBufferPointer { x in dy.withUnsafeBufferPointer { dy in
        y.withUnsafeMutableBufferPointer { y in yRef.withUnsafeMutableBufferPointer { yRef in
        dx.withUnsafeMutableBufferPointer { dx in dxRef.withUnsafeMutableBufferPointer { dxRef in
            reluForward(input: x.baseAddress!, output: y.baseAddress!, count: count)
            reluForwardReference(input: x.baseAddress!, output: yRef.baseAddress!, count: count)
            reluBackward(output: y.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dx.baseAddress!, count: count)
            reluBackwardReference(input: x.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dxRef.baseAddress!, count: count)
        }}}}}}
        #expect(y == yRef)
        #expect(dx == dxRef)
        x.withUnsafeBufferPointer { x in dy.withUnsafeBufferPointer { dy in
        y.withUnsafeMutableBufferPointer { y in yRef.withUnsafeMutableBufferPointer { yRef in
        dx.withUnsafeMutableBufferPointer { dx in dxRef.withUnsafeMutableBufferPointer { dxRef in
            sigmoidForward(input: x.baseAddress!, output: y.baseAddress!, count: count)
            sigmoidForwardReference(input: x.baseAddress!, output: yRef.baseAddress!, count: count)
            sigmoidBackward(output: y.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dx.baseAddress!, count: count)
            sigmoidBackwardReference(input: x.baseAddress!, gradOutput: dy.baseAddress!, gradInput: dxRef.baseAddress!, count: count)
        }}}}}}
        #expect(firstMismatch(y, yRef, abs: 1e-6, rel: 1e-6) == nil)
        #expect(firstMismatch(dx, dxRef, abs: 1e-6, rel: 1e-5) == nil)
    }
}
