import Dispatch
import Foundation

/// The worker threads the fast kernels split a batch across.
///
/// A batch is cut into a fixed number of slices (`BatchSlices`), whatever the thread count, and
/// each slice accumulates its own partial weight gradients, summed in slice order at the end: so
/// results are the same bit for bit with 1 thread or 2, run after run. Workers claim slices as they
/// free up, so a core busy with another program slows the step less than a fixed split would.
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
        let claim = SliceCounter()
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let s = claim.next(below: slices) { task.value(s) }
            }
        }
    }
}

/// hands out slice numbers 0, 1, 2, ... to whichever worker asks first.
private final class SliceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var nextSlice = 0
    func next(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextSlice < limit else { return nil }
        defer { nextSlice += 1 }
        return nextSlice
    }
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
