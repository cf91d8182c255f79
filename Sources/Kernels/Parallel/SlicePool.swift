import Foundation
import Synchronization

/// Persistent helper threads that run the slices of one `KernelThreads.forEachSlice` call at a time.
///
/// A training step makes about 20 short fork-joins (0.05-2 ms each). Waking a parked thread for
/// each one (as `DispatchQueue.concurrentPerform` does) costs tens of microseconds and CPU on both
/// sides, so helpers spin for a short while after a job before they park on a condition variable.
///
/// Each worker (the caller is worker 0, helpers are numbered in the order they join) first runs
/// its own block of consecutive slices, then takes what is left of the others' blocks from their
/// ends. So on a quiet machine a given slice of the batch (images 0..<32, say) runs on the same
/// core layer after layer, forward and backward, and finds the data it wrote there still in that
/// core's cache; a worker that starts late or is descheduled still has its slices taken over.
/// Which thread runs a slice never changes its result (slices write disjoint memory).
///
/// One word of state says which job is posted and who took part in it:
/// `generation << 16 | cap << 8 | closed << 7 | joined`. A helper joins a job only while it is
/// open and fewer than `cap` helpers have joined; the caller closes the job once it has run out of
/// slices itself, then waits only for the helpers that joined. So a helper that was descheduled
/// never holds the caller up, and no helper can touch a job's closure after the caller returns.
final class SlicePool: @unchecked Sendable {
    private let state = Atomic<Int>(0)
    private let nextSlice = Atomic<Int>(0)
    /// Bit s set: slice s is taken (jobs of at most `maximumClaimedSlices` slices).
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let callerLock = Mutex<Void>(())
    // Written by the caller before it publishes a job (releasing store of `state`); read by
    // helpers only after they joined that job (acquiring CAS), and cleared after they all finished.
    private var job: ((Int) -> Void)?
    private var sliceCount = 0
    private var workerCount = 1
    // Parking: helpers that spun out wait here; the caller broadcasts after posting a job.
    private let parkMutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let parkCondition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var parkedHelpers = 0   // guarded by parkMutex
    private var helperCount = 0     // guarded by callerLock

    /// How long an idle helper keeps polling for the next job before it parks.
    private static let spinNanoseconds: UInt64 = 200_000
    /// Jobs with more slices than bits in `claimed` are handed out in order through `nextSlice`.
    private static let maximumClaimedSlices = Int.bitWidth - 1

    init() {
        pthread_mutex_init(parkMutex, nil)
        pthread_cond_init(parkCondition, nil)
    }

    /// Runs `body(s)` for s in 0..<slices on the calling thread and up to `workers - 1` helpers.
    /// Returns false without running anything when another call holds the pool (a concurrent or
    /// nested caller): the caller then runs its slices inline.
    func run(_ slices: Int, workers: Int, _ body: (Int) -> Void) -> Bool {
        let ran: Bool? = callerLock.withLockIfAvailable { _ in
            ensureHelpers(workers - 1)
            withoutActuallyEscaping(body) { body in
                job = body
                sliceCount = slices
                workerCount = workers
                nextSlice.store(0, ordering: .relaxed)
                claimed.store(0, ordering: .relaxed)
                finished.store(0, ordering: .relaxed)
                let generation = (state.load(ordering: .relaxed) >> 16) + 1
                let cap = min(workers - 1, 127)
                state.store(generation << 16 | cap << 8, ordering: .releasing)
                wakeParkedHelpers()

                runClaimedSlices(body, slices, worker: 0, workers: workers)

                // Close the job: no helper joins after this; wait for those that did.
                var current = state.load(ordering: .relaxed)
                while true {
                    let (exchanged, original) = state.compareExchange(
                        expected: current, desired: current | 0x80,
                        successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
                    if exchanged { break }
                    current = original
                }
                let joined = current & 0x7F
                var spins = 0
                while finished.load(ordering: .acquiring) < joined {
                    spins += 1
                    if spins > 1000 { sched_yield() }
                }
                job = nil
            }
            return true
        }
        return ran ?? false
    }

    /// Runs the slices `worker` claims: its own block front to back, then the other blocks back
    /// to front (the slices their owners would reach last).
    private func runClaimedSlices(_ body: (Int) -> Void, _ slices: Int, worker: Int, workers: Int) {
        guard slices <= Self.maximumClaimedSlices else {
            while true {
                let s = nextSlice.wrappingAdd(1, ordering: .relaxed).oldValue
                if s >= slices { return }
                body(s)
            }
        }
        func block(_ w: Int) -> Range<Int> { (w * slices / workers)..<((w + 1) * slices / workers) }
        for s in block(worker) where claim(s) { body(s) }
        for other in 1..<workers {
            for s in block((worker + other) % workers).reversed() where claim(s) { body(s) }
        }
    }

    /// Takes slice `s` unless another worker has; true when this call took it.
    @inline(__always)
    private func claim(_ s: Int) -> Bool {
        let bit = 1 << s
        if claimed.load(ordering: .relaxed) & bit != 0 { return false }
        return claimed.bitwiseOr(bit, ordering: .relaxed).oldValue & bit == 0
    }

    private func wakeParkedHelpers() {
        pthread_mutex_lock(parkMutex)
        if parkedHelpers > 0 { pthread_cond_broadcast(parkCondition) }
        pthread_mutex_unlock(parkMutex)
    }

    /// Starts helper threads until there are `n` (called with callerLock held).
    private func ensureHelpers(_ n: Int) {
        while helperCount < n {
            helperCount += 1
            let thread = Thread { [self] in helperLoop() }
            thread.name = "cnnlab-kernel-\(helperCount)"
            thread.start()
        }
    }

    private func helperLoop() {
        var seenGeneration = state.load(ordering: .acquiring) >> 16
        while true {
            var current = waitForNewJob(after: seenGeneration)
            seenGeneration = current >> 16
            // Join if the job is still open and has room.
            var worker = 0   // this helper's number in the job (1, 2, ...) once it joined
            while current >> 16 == seenGeneration, current & 0x80 == 0,
                  current & 0x7F < (current >> 8) & 0x7F {
                let (exchanged, original) = state.compareExchange(
                    expected: current, desired: current + 1,
                    successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
                if exchanged { worker = (current & 0x7F) + 1; break }
                current = original
            }
            guard worker > 0 else { continue }
            runJoinedJob(worker: worker)
            finished.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Runs slices of the job this helper joined. A separate call so that every reference the
    /// helper took to the job's closure is released before it reports itself finished.
    @inline(never)
    private func runJoinedJob(worker: Int) {
        guard let body = job else { return }
        runClaimedSlices(body, sliceCount, worker: worker, workers: workerCount)
    }

    /// Spins, then parks, until a job newer than `generation` is posted; returns the state word.
    private func waitForNewJob(after generation: Int) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let current = state.load(ordering: .acquiring)
            if current >> 16 != generation { return current }
            polls += 1
            if polls & 63 == 0,
               DispatchTime.now().uptimeNanoseconds - start > Self.spinNanoseconds { break }
        }
        pthread_mutex_lock(parkMutex)
        parkedHelpers += 1
        var current = state.load(ordering: .acquiring)
        while current >> 16 == generation {
            pthread_cond_wait(parkCondition, parkMutex)
            current = state.load(ordering: .acquiring)
        }
        parkedHelpers -= 1
        pthread_mutex_unlock(parkMutex)
        return current
    }
}
