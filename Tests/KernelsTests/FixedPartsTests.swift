import Foundation
import Testing
@testable import Kernels

/// The public split the layers, losses, optimisers and batch loading share, and the pixel-byte
/// conversion the batch loader runs in it.
@Suite("Fixed parts and byte scaling")
struct FixedPartsTests {
    @Test("parts cover the range in order, depend only on its size, and respect the minimum size")
    func partsCoverTheRange() {
        for total in [0, 1, 7, 16, 31, 32, 33, 100, 128, 393_216] {
            for minimum in [1, 16, 32_768] {
                let parts = FixedParts(total: total, minimumPartSize: minimum, maximumParts: 4)
                let joined = (0..<parts.count).flatMap { Array(parts.range($0)) }
                #expect(joined == Array(0..<total), "total \(total) minimum \(minimum)")
                #expect(parts.count >= 1 && parts.count <= 4)
                if parts.count > 1 {
                    #expect((0..<parts.count).allSatisfy { parts.range($0).count >= minimum })
                }
            }
        }
        #expect(FixedParts(total: 128, minimumPartSize: 16).count == 4)
        #expect(FixedParts(total: 31, minimumPartSize: 16).count == 1)
        #expect(FixedParts(total: 393_216, minimumPartSize: 32_768, maximumParts: 8).count == 8)
    }

    @Test("forEachPart and forEach(slices:) run every part exactly once, on 1 or 2 threads")
    func everyPartOnce() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let parts = FixedParts(total: 1000, minimumPartSize: 10, maximumParts: 7)
            // Parts write disjoint counters, so plain increments are race-free when each runs once.
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: 1000)
            defer { hits.deallocate() }
            hits.initialize(repeating: 0)
            KernelThreads.forEachPart(parts) { part, range in
                if range != parts.range(part) { hits[range.lowerBound] += 100 }
                for i in range { hits[i] += 1 }
            }
            #expect(hits.allSatisfy { $0 == 1 }, "\(threads) threads")
            let slices = UnsafeMutableBufferPointer<Int>.allocate(capacity: 13)
            defer { slices.deallocate() }
            slices.initialize(repeating: 0)
            KernelThreads.forEach(slices: 13) { slices[$0] += 1 }
            #expect(slices.allSatisfy { $0 == 1 }, "\(threads) threads")
        }
    }

    @Test("scaleBytesToUnit (AVX-512 where available) and its Swift loop give exactly Float(byte) / 255 for every byte")
    func byteScaling() {
        let bytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / 256) } + Array(0...255)
        for (start, count) in [(0, bytes.count), (1, 15), (3, 16), (5, 17), (0, 0), (7, 300)] {
            var output = [Float](repeating: -1, count: count + 1), portable = output
            bytes.withUnsafeBufferPointer { b in
                output.withUnsafeMutableBufferPointer { scaleBytesToUnit(b.baseAddress! + start, into: $0.baseAddress!, count: count) }
                portable.withUnsafeMutableBufferPointer {
                    scaleBytesToUnitPortable(b.baseAddress! + start, into: $0.baseAddress!, count: count)
                }
            }
            let expected = bytes[start..<(start + count)].map { Float($0) / 255 }
            #expect(Array(output.prefix(count)) == expected, "start \(start) count \(count)")
            #expect(Array(portable.prefix(count)) == expected, "portable, start \(start) count \(count)")
            #expect(output[count] == -1 && portable[count] == -1, "wrote past the end")
        }
    }
}
