import Foundation
import Testing
@testable import Kernels
@testable import OpCases

/// The fast path splits each batch into slices that run on the kernel threads, each with its own
/// partial weight gradient summed in slice order: the thread count must not change a single bit.
@Suite("Kernel threads")
struct KernelThreadsTests {
    /// The course's layers at batch 9 (slices of 2, 2, 2 and 3 images; several-image chunks for
    /// the small grids).
    static func courseCases() throws -> [OpCase] {
        var rng = TestRandom(seed: 21)
        let geometries: [OpCase.Geometry] = [
            .conv2d(try Conv2dGeometry(batch: 9, inChannels: 3, outChannels: 8, input: 32, kernel: 5)),
            .maxPool2d(try MaxPool2dGeometry(batch: 9, channels: 8, input: 28, kernel: 2, stride: 2)),
            .conv2d(try Conv2dGeometry(batch: 9, inChannels: 8, outChannels: 16, input: 14, kernel: 5)),
            .maxPool2d(try MaxPool2dGeometry(batch: 9, channels: 16, input: 10, kernel: 2, stride: 2)),
            .conv2d(try Conv2dGeometry(batch: 9, inChannels: 3, outChannels: 8, input: 32, kernel: 4, stride: 2, padding: 1)),
            .conv2d(try Conv2dGeometry(batch: 9, inChannels: 16, outChannels: 32, input: 8, kernel: 4, stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 9, inChannels: 32, outChannels: 16, input: 4, kernel: 4,
                                                         stride: 2, padding: 1)),
            .convTranspose2d(try ConvTranspose2dGeometry(batch: 9, inChannels: 8, outChannels: 3, input: 16, kernel: 4,
                                                         stride: 2, padding: 1)),
        ]
        return geometries.map { .random($0, rng: &rng, hasBias: true) { $0.floats($1) } }
    }

    @Test("1 and 2 threads give bit-identical outputs and gradients on the course's layers, on every path",
          .serialized, arguments: [KernelPath.fast, .avx2, .portable])
    func threadCountDoesNotChangeResults(path: KernelPath) throws {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for (i, opCase) in try Self.courseCases().enumerated() {
            KernelThreads.setCount(1)
            let one = opCase.evaluate(path)
            KernelThreads.setCount(2)
            let two = opCase.evaluate(path)
            #expect(one.output == two.output, "case \(i) output")
            #expect(one.gradInput == two.gradInput, "case \(i) grad_input")
            #expect(one.gradWeight == two.gradWeight, "case \(i) grad_weight")
            #expect(one.gradBias == two.gradBias, "case \(i) grad_bias")
            let reference = opCase.evaluate(.reference)
            #expect(firstMismatch(two.output, reference.output, abs: 2e-5, rel: 1e-4) == nil, "case \(i) output vs reference")
            if let fast = two.gradWeight, let slow = reference.gradWeight {
                #expect(firstMismatch(fast, slow, abs: 2e-5, rel: 1e-4) == nil, "case \(i) grad_weight vs reference")
            }
        }
    }

    @Test("batch slices cover the batch in order, whatever its size")
    func slicesCoverTheBatch() {
        for batch in [1, 2, 3, 4, 5, 9, 93, 128] {
            let slices = BatchSlices(batch: batch)
            let joined = (0..<slices.count).flatMap { Array(slices.images($0)) }
            #expect(joined == Array(0..<batch), "batch \(batch)")
            #expect(slices.count == min(batch, 4))
        }
    }

    @Test("the vector sigmoid stays within 1e-7 of the exact value, and NaN and infinities take the scalar path")
    func vectorSigmoid() {
        var inputs: [Float] = stride(from: -90, through: 90, by: 0.0137).map { Float($0) }
        inputs += [.nan, .infinity, -.infinity, 0, -0.0, 80, -80, 87, -87]
        while inputs.count % 8 != 0 { inputs.append(1) }
        var fast = [Float](repeating: 0, count: inputs.count), exact = fast
        inputs.withUnsafeBufferPointer { x in
            fast.withUnsafeMutableBufferPointer { sigmoidForward(input: x.baseAddress!, output: $0.baseAddress!, count: x.count) }
            exact.withUnsafeMutableBufferPointer {
                sigmoidForwardReference(input: x.baseAddress!, output: $0.baseAddress!, count: x.count)
            }
        }
        for (i, x) in inputs.enumerated() {
            if x.isNaN {
                #expect(fast[i].isNaN)
            } else {
                #expect(abs(fast[i] - exact[i]) <= 1e-7, "sigmoid(\(x)) = \(fast[i]), exact \(exact[i])")
            }
        }
    }
}
