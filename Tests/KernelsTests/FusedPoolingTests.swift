import CKernels
import Testing
@testable import Kernels

/// Max pooling with ReLU folded in (`applyingReLU` / `reluFused`) must give exactly the bits of
/// ReLU then pooling, and the pooling backward exactly those of clearing the input gradient and
/// adding each window's gradient at its argmax.
@Suite("Max pooling fused with ReLU")
struct FusedPoolingTests {
    /// Geometries that take each forward path: 8-wide blocks with an overlapping last block
    /// (28 -> 14), 4-wide (10 -> 5), one window at a time (6 -> 3), 2x2 windows that do not tile
    /// (7 -> 3), and the general loop (3x3 stride 2 with padding; ceil mode).
    static func geometries() throws -> [MaxPool2dGeometry] {
        [
            try MaxPool2dGeometry(batch: 5, channels: 3, input: 28, kernel: 2, stride: 2),
            try MaxPool2dGeometry(batch: 5, channels: 2, input: 10, kernel: 2, stride: 2),
            try MaxPool2dGeometry(batch: 3, channels: 2, input: 6, kernel: 2, stride: 2),
            try MaxPool2dGeometry(batch: 3, channels: 2, input: 7, kernel: 2, stride: 2),
            try MaxPool2dGeometry(batch: 3, channels: 2, input: 9, kernel: 3, stride: 2, padding: 1),
            try MaxPool2dGeometry(batch: 2, channels: 2, input: 8, kernel: 3, stride: 2, ceilMode: true),
        ]
    }

    /// Values with ties, zeros of both signs, negatives-only windows and a few NaNs.
    static func input(count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            switch rng.below(20) {
            case 0: return 0
            case 1: return -0.0
            case 2: return i % 97 == 0 ? .nan : 0.5
            case 3...9: return -Float(rng.below(4)) - 0.25
            default: return Float(rng.below(5)) * 0.5 - 1
            }
        }
    }

    @Test("pooling ReLU(x) in one pass equals reluForward then pooling, forward and backward, bit for bit")
    func fusedEqualsSeparate() throws {
        for (n, g) in try Self.geometries().enumerated() {
            let x = Self.input(count: g.batch * g.channels * g.input.area, seed: UInt64(n))
            var rng = SplitMix64(seed: 50 + UInt64(n))
            let dy = (0..<g.outputCount).map { _ in rng.unit() - 0.5 }
            // Separate: ReLU, pooling, pooling backward, ReLU backward.
            var relu = [Float](repeating: 0, count: x.count)
            var pooled = [Float](repeating: 0, count: g.outputCount), argmax = [Int32](repeating: 0, count: g.outputCount)
            var poolGrad = [Float](repeating: 7, count: x.count), separateGrad = poolGrad
            reluForward(input: x, output: &relu, count: x.count)
            maxPool2dForward(g, input: relu, output: &pooled, argmax: &argmax)
            maxPool2dBackward(g, gradOutput: dy, argmax: argmax, gradInput: &poolGrad)
            reluBackward(output: relu, gradOutput: poolGrad, gradInput: &separateGrad, count: x.count)
            // Fused.
            var fused = [Float](repeating: 0, count: g.outputCount), fusedArgmax = [Int32](repeating: 0, count: g.outputCount)
            var fusedGrad = [Float](repeating: 7, count: x.count)
            maxPool2dForward(g, input: x, output: &fused, argmax: &fusedArgmax, applyingReLU: true)
            maxPool2dBackward(g, gradOutput: dy, argmax: fusedArgmax, gradInput: &fusedGrad, reluFused: true, output: fused)
            #expect(fused.map(\.bitPattern) == pooled.map(\.bitPattern), "geometry \(n) output")
            #expect(fusedArgmax == argmax, "geometry \(n) argmax")
            #expect(fusedGrad.map(\.bitPattern) == separateGrad.map(\.bitPattern), "geometry \(n) gradient")
        }
    }

    @Test("the pooling backward equals clearing the gradient and adding each window's gradient at its argmax, bit for bit")
    func backwardEqualsScatter() throws {
        for (n, g) in try Self.geometries().enumerated() {
            let x = Self.input(count: g.batch * g.channels * g.input.area, seed: 100 + UInt64(n))
            var rng = SplitMix64(seed: 150 + UInt64(n))
            // Include negative zeros: the scatter gives 0 + (-0) = +0.
            let dy = (0..<g.outputCount).map { i in i % 11 == 0 ? -0.0 : rng.unit() - 0.5 }
            var pooled = [Float](repeating: 0, count: g.outputCount), argmax = [Int32](repeating: 0, count: g.outputCount)
            maxPool2dForward(g, input: x, output: &pooled, argmax: &argmax)
            var fast = [Float](repeating: 7, count: x.count)
            maxPool2dBackward(g, gradOutput: dy, argmax: argmax, gradInput: &fast)
            var scatter = [Float](repeating: 0, count: x.count)
            for i in 0..<g.outputCount where argmax[i] >= 0 { scatter[Int(argmax[i])] += dy[i] }
            #expect(fast.map(\.bitPattern) == scatter.map(\.bitPattern), "geometry \(n)")
        }
    }

    @Test("the AVX-512 2x2 pooling (ck_max_pool_2x2) equals the Swift loops bit for bit, with and without ReLU",
          arguments: [false, true])
    func cMatchesSwift(relu: Bool) throws {
        try #require(ck_direct_available() != 0, "this CPU has no AVX-512: the C path never runs here")
        // Output widths 14 (one 16-wide block, masked), 5, 3, 1, 16, 17 and 40 (several blocks),
        // and inputs one column or row wider than the windows need.
        let shapes: [(h: Int, w: Int)] = [(28, 28), (10, 10), (6, 6), (2, 2), (32, 32), (34, 35), (8, 80), (7, 9)]
        for (n, shape) in shapes.enumerated() {
            let g = try MaxPool2dGeometry(batch: 3, channels: 2, input: Size2D(shape.h, shape.w), kernel: 2, stride: 2)
            #expect(g.isPlainTwoByTwo)
            let x = Self.input(count: g.batch * g.channels * g.input.area, seed: 300 + UInt64(n))
            var swiftOut = [Float](repeating: 9, count: g.outputCount), cOut = swiftOut
            var swiftArg = [Int32](repeating: -7, count: g.outputCount), cArg = swiftArg
            let planes = 0..<(g.batch * g.channels)
            x.withUnsafeBufferPointer { input in
                maxPool2x2Forward(g, planes: planes, input: input.baseAddress!, output: &swiftOut, argmax: &swiftArg, relu: relu)
                ck_max_pool_2x2(input.baseAddress!, &cOut, &cArg, 0, planes.upperBound, Int32(shape.h), Int32(shape.w),
                                Int32(g.output.height), Int32(g.output.width), relu ? 1 : 0)
            }
            #expect(cOut.map(\.bitPattern) == swiftOut.map(\.bitPattern), "\(shape) output")
            #expect(cArg == swiftArg, "\(shape) argmax")
        }
    }
}
