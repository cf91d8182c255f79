import Kernels

/// The order in which one epoch visits a dataset, cut into batches.
///
/// Training epochs use a permutation drawn from `(seed, epoch)`, so a run can be repeated
/// and resumed at any epoch; evaluation uses `BatchOrder.sequential`. The last batch is
/// smaller when `count` is not a multiple of `batchSize` (as PyTorch's DataLoader does).
public struct BatchOrder: Sendable {
    /// Every index exactly once, in visiting order.
    public let indices: [Int]
    public let batchSize: Int

    /// A shuffled order for `epoch` of a run with `seed`.
    public init(count: Int, batchSize: Int, seed: UInt64, epoch: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.indices = BatchOrder.permutation(count: count, seed: seed, epoch: epoch)
        self.batchSize = batchSize
    }

    private init(indices: [Int], batchSize: Int) {
        precondition(batchSize > 0, "batch size must be positive")
        self.indices = indices
        self.batchSize = batchSize
    }

    /// Indices 0, 1, 2, ... in order (for evaluation).
    public static func sequential(count: Int, batchSize: Int) -> BatchOrder {
        BatchOrder(indices: Array(0 ..< count), batchSize: batchSize)
    }

    /// Number of batches, counting a final short one.
    public var batchCount: Int { (indices.count + batchSize - 1) / batchSize }

    /// The indices of batch `number` (0-based).
    public func batch(_ number: Int) -> ArraySlice<Int> {
        let start = number * batchSize
        return indices[start ..< min(start + batchSize, indices.count)]
    }

    /// A Fisher-Yates shuffle of `0 ..< count` seeded by `seed` and `epoch`.
    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var random = SplitMix64.stream(seed: seed, index: UInt64(truncatingIfNeeded: epoch))
        var order = Array(0 ..< count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, random.below(i + 1))
            i -= 1
        }
        return order
    }
}
