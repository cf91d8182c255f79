import Kernels
import Testing
@testable import Datasets

/// `fillBatch` converts pixel bytes sixteen at a time and splits large batches by images across
/// the kernel threads: it must write exactly byte / 255 in index order, on 1 thread or 2.
@Suite("Batch filling", .serialized)
struct FillBatchTests {
    /// 200 CIFAR-shaped images of seeded random bytes (every byte value appears).
    static let dataset: ImageDataset = {
        var rng = SplitMix64(seed: 9)
        let pixels = (0..<(200 * 3072)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let labels = (0..<200).map { UInt8($0 % 10) }
        return ImageDataset(name: "random", channels: 3, height: 32, width: 32,
                            classNames: (0..<10).map { "c\($0)" }, pixels: pixels, labels: labels)
    }()

    /// The plain loop `fillBatch` replaced: a table of byte / 255, image after image.
    static func expected(_ indices: [Int]) -> [Float] {
        let table = (0...255).map { Float($0) / 255 }
        return indices.flatMap { index in dataset.imageBytes(at: index).map { table[Int($0)] } }
    }

    @Test("a shuffled batch of 128 (split across threads) and short batches match the plain loop on 1 and 2 threads",
          arguments: [128, 37, 16, 1])
    func matchesPlainLoop(batch: Int) {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        var rng = SplitMix64(seed: UInt64(batch))
        let indices = (0..<batch).map { _ in rng.below(200) }
        let expected = Self.expected(indices)
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            var buffer = [Float](repeating: -1, count: batch * 3072 + 1)
            buffer.withUnsafeMutableBufferPointer { Self.dataset.fillBatch(indices: indices, into: $0.baseAddress!) }
            #expect(Array(buffer.prefix(batch * 3072)) == expected, "batch \(batch), \(threads) threads")
            #expect(buffer.last == -1, "wrote past the batch")
            // A slice of a larger array (as the trainers pass) and a non-contiguous collection.
            let padded = [5] + indices + [7]
            buffer.withUnsafeMutableBufferPointer { Self.dataset.fillBatch(indices: padded[1...batch], into: $0.baseAddress!) }
            #expect(Array(buffer.prefix(batch * 3072)) == expected, "slice, batch \(batch)")
            buffer.withUnsafeMutableBufferPointer { Self.dataset.fillBatch(indices: indices.lazy.map { $0 }, into: $0.baseAddress!) }
            #expect(Array(buffer.prefix(batch * 3072)) == expected, "lazy collection, batch \(batch)")
        }
    }
}
