import Foundation
import Synchronization
import Testing
@testable import Kernels

/// The helper threads must run every slice exactly once per call, also when several callers (or
/// a slice itself) use the kernel threads at the same time: the busy pool then runs them inline.
@Suite("Slice pool")
struct SlicePoolTests {
    @Test("every slice runs exactly once, call after call, on 2 and 3 threads")
    func everySliceOnce() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for threads in [2, 3] {
            KernelThreads.setCount(threads)
            for call in 0..<2_000 {
                let slices = 1 + call % 5
                // Each slice writes only its own counter: disjoint memory, as the kernels' slices.
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: slices)
                defer { hits.deallocate() }
                hits.initialize(repeating: 0)
                let shared = UncheckedSendable(hits)
                KernelThreads.forEachSlice(slices) { s in shared.value[s] += 1 }
                let counts = Array(hits)
                #expect(counts == Array(repeating: 1, count: slices), "threads \(threads), call \(call)")
                if counts != Array(repeating: 1, count: slices) { return }
            }
        }
    }

    @Test("jobs of up to 63 slices (taken through a bitmask) and of more (taken in order) run each slice once")
    func manySlicesOnce() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        KernelThreads.setCount(2)
        for slices in [6, 7, 62, 63, 64, 65, 200] {
            for call in 0..<50 {
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: slices)
                defer { hits.deallocate() }
                hits.initialize(repeating: 0)
                let shared = UncheckedSendable(hits)
                KernelThreads.forEachSlice(slices) { s in shared.value[s] += 1 }
                #expect(Array(hits) == Array(repeating: 1, count: slices), "\(slices) slices, call \(call)")
            }
        }
    }

    @Test("concurrent and nested callers each get all their slices")
    func concurrentAndNestedCallers() async {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        KernelThreads.setCount(2)
        let totals = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let sum = Atomic<Int>(0)
                    for _ in 0..<200 {
                        KernelThreads.forEachSlice(4) { outer in
                            KernelThreads.forEachSlice(3) { inner in
                                sum.wrappingAdd(outer * 3 + inner + 1, ordering: .relaxed)
                            }
                        }
                    }
                    return sum.load(ordering: .relaxed)
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // Each call adds 1 + 2 + ... + 12 = 78.
        #expect(totals == Array(repeating: 200 * 78, count: 4))
    }
}
