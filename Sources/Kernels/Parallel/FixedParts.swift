/// A range 0..<total cut into `count` consecutive parts, as equal as possible. The cut depends
/// only on `total` and the part sizes asked for, never on the thread count, so work split with it
/// (and any per-part partial sums, added in part order) gives the same bits on 1 thread or 2.
///
///     let parts = FixedParts(total: values, minimumPartSize: 16_384)
///     KernelThreads.forEachPart(parts) { part, range in partial[part] = sum(range) }
public struct FixedParts: Sendable, Equatable {
    /// The size of the whole range.
    public let total: Int
    /// The number of parts (at least 1, even for an empty range).
    public let count: Int

    /// At most `maximumParts` parts, none smaller than `minimumPartSize` (unless there is only one).
    public init(total: Int, minimumPartSize: Int, maximumParts: Int = 4) {
        self.total = max(0, total)
        count = max(1, min(maximumParts, self.total / max(1, minimumPartSize)))
    }

    /// The indices of part `p`.
    public func range(_ p: Int) -> Range<Int> { (p * total / count)..<((p + 1) * total / count) }
}

extension KernelThreads {
    /// Runs `body(slice)` once for each slice in 0..<slices on the kernel threads (the calling
    /// thread included) and returns when all are done. Slices must write disjoint memory; which
    /// thread runs which slice varies, so each slice's result must not depend on it.
    public static func forEach(slices: Int, _ body: (Int) -> Void) {
        forEachSlice(slices, body)
    }

    /// Runs `body(part, range)` for every part of `parts` on the kernel threads; one part runs
    /// inline on the calling thread without waking a helper.
    public static func forEachPart(_ parts: FixedParts, _ body: (Int, Range<Int>) -> Void) {
        if parts.count == 1 { body(0, parts.range(0)); return }
        forEachSlice(parts.count) { p in body(p, parts.range(p)) }
    }
}
