import Foundation

/// The worker threads the fast kernels split a batch across.
///
/// A batch is cut into a fixed number of slices (`BatchSlices`), whatever the thread count, and
/// each slice accumulates its own partial weight gradients, summed in slice order at the end: so
/// results are the same bit for bit with 1 thread or 2, run after run. Each worker runs its own
/// block of slices first (the same images on the same core, layer after layer, so their data is
/// still in its cache) and then takes over what is left of the others' blocks, so a core busy
/// with another program slows the step less than a fixed split would.
/// The workers are the calling thread and persistent helpers (`SlicePool`).
/// OpenBLAS runs single-threaded inside the slices: its own threads would fight the workers.
public enum KernelThreads {
    private final class Setting: @unchecked Sendable {
        let lock = NSLock()
        var count: Int
        init() {
            // One per core by default, as OpenBLAS would; OpenBLAS itself then runs one thread.
            count = max(1, ProcessInfo.processInfo.activeProcessorCount)
            BLASRuntime.setOpenBLASThreadCount(1)
        }
    }
    private static let setting = Setting()

    /// Threads the kernels use (at least 1).
    public static var count: Int {
        setting.lock.lock(); defer { setting.lock.unlock() }
        return setting.count
    }

    /// Sets the threads the kernels use (at least 1); OpenBLAS itself is set to one thread.
    public static func setCount(_ n: Int) {
        setting.lock.lock(); defer { setting.lock.unlock() }
        setting.count = max(1, n)
        BLASRuntime.setOpenBLASThreadCount(1)
    }

    /// Runs `body(slice)` once for every slice in 0..<slices, on up to `count` threads; returns
    /// when all are done. Slices must touch disjoint memory.
    static func forEachSlice(_ slices: Int, _ body: (Int) -> Void) {
        let workers = min(count, slices)
        if workers <= 1 {
            for s in 0..<slices { body(s) }
            return
        }
        if pool.run(slices, workers: workers, body) { return }
        // The pool is busy (a concurrent or nested call): same slices, same order, inline.
        for s in 0..<slices { body(s) }
    }

    /// The helper threads (started on first use, kept for the life of the process).
    private static let pool = SlicePool()
}

/// Carries a value the caller knows is safe to share (the kernels' slices touch disjoint memory).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// How a batch is cut into slices: `count` runs of consecutive images, as equal as possible.
/// The count depends only on the batch size, never on the thread count (see `KernelThreads`).
struct BatchSlices: Sendable {
    let batch: Int
    let count: Int

    /// At most 4 slices: enough for 2 to 4 threads to balance, few enough to keep GEMMs large.
    init(batch: Int, maximum: Int = 4) {
        self.batch = batch
        count = max(1, min(batch, maximum))
    }

    /// The images of slice `s`.
    func images(_ s: Int) -> Range<Int> { (s * batch / count)..<((s + 1) * batch / count) }
}
