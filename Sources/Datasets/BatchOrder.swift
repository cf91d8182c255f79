/// A small deterministic random generator (SplitMix64), the same on every platform and
/// Swift version, so a seed always gives the same epoch order and the same synthetic images.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for sub-stream `index` of `seed` (image i, epoch e...).
    ///
    /// Seeding with `seed + index` directly would make neighbouring streams overlap shifted
    /// by one step (SplitMix64 advances its state by a constant), so both are hashed first.
    public static func stream(seed: UInt64, index: UInt64) -> SplitMix64 {
        var root = SplitMix64(seed: seed)
        var mixer = SplitMix64(seed: root.next() ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }

    /// A uniform integer in `0 ..< bound` (Lemire's method, no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let bound64 = UInt64(bound)
        var product = next().multipliedFullWidth(by: bound64)
        if product.low < bound64 {
            let threshold = (0 &- bound64) % bound64
            while product.low < threshold { product = next().multipliedFullWidth(by: bound64) }
        }
        return Int(product.high)
    }

    /// A uniform Float in [0, 1).
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

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
