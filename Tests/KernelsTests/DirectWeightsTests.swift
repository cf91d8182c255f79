import Testing
@testable import Kernels

/// The direct convolutions' weight layouts and weight-gradient sums (`weightsTapMajor`,
/// `addTapMajorPartials`) run vectorised, walking the tap-major array row by row: each value must
/// be moved, or summed in slice order from the gradient, exactly as the plain loops below do, for
/// rows of 8, more than 8, a multiple of 8 and fewer than 8 values, both layouts, 1 to 4 slices.
@Suite("Direct convolution weight layouts and partial-gradient sums")
struct DirectWeightsTests {
    /// [A][B][T] shapes: own network 3's Conv2d(16, 32, 4) and ConvTranspose2d(32, 16, 4), its thin
    /// layers (3 channels), odd channel counts, a 1x1 kernel, and rows shorter than a vector.
    static let shapes: [(a: Int, b: Int, taps: Int)] = [
        (32, 16, 16), (16, 3, 16), (3, 16, 16), (10, 32, 1), (13, 7, 9), (9, 17, 4), (5, 2, 3), (1, 1, 1),
    ]

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in rng.unit() * 2 - 1 }
    }

    @Test("weightsTapMajor moves every value where the plain loop does")
    func tapMajorLayout() {
        for (a, b, taps) in Self.shapes {
            for swapped in [false, true] {
                let source = Self.values(a * b * taps, seed: UInt64(a * 100 + b))
                var expected = [Float](repeating: .nan, count: source.count)
                for i in 0..<a {
                    for j in 0..<b {
                        for t in 0..<taps {
                            expected[t * a * b + (swapped ? j * a + i : i * b + j)] = source[(i * b + j) * taps + t]
                        }
                    }
                }
                var got = [Float](repeating: .nan, count: source.count)
                source.withUnsafeBufferPointer { src in
                    got.withUnsafeMutableBufferPointer { dst in
                        weightsTapMajor(src.baseAddress!, a: a, b: b, taps: taps, swapped: swapped, into: dst.baseAddress!)
                    }
                }
                #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(a)x\(b)x\(taps) swapped \(swapped)")
            }
        }
    }

    @Test("addTapMajorPartials sums gradient + each slice's partial in slice order, bit for bit")
    func partialSums() {
        for (a, b, taps) in Self.shapes {
            for swapped in [false, true] {
                for slices in 1...4 {
                    let count = a * b * taps
                    let partials = Self.values(slices * count, seed: UInt64(slices * 1000 + a))
                    let start = Self.values(count, seed: UInt64(b * 10 + taps)).map { $0 * 100 }
                    var expected = start
                    for i in 0..<a {
                        for j in 0..<b {
                            for t in 0..<taps {
                                var sum = expected[(i * b + j) * taps + t]
                                for s in 0..<slices {
                                    sum += partials[s * count + t * a * b + (swapped ? j * a + i : i * b + j)]
                                }
                                expected[(i * b + j) * taps + t] = sum
                            }
                        }
                    }
                    var got = start
                    partials.withUnsafeBufferPointer { p in
                        got.withUnsafeMutableBufferPointer { g in
                            addTapMajorPartials(p.baseAddress!, slices: slices, a: a, b: b, taps: taps,
                                                swapped: swapped, into: g.baseAddress!)
                        }
                    }
                    #expect(got.map(\.bitPattern) == expected.map(\.bitPattern),
                            "\(a)x\(b)x\(taps) swapped \(swapped), \(slices) slices")
                }
            }
        }
    }
}
