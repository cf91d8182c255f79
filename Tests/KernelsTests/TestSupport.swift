@testable import Kernels
@testable import OpCases

/// A tiny seeded generator for test data (SplitMix64), so every run sees the same cases.
struct TestRandom {
    var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { source.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func bool() -> Bool { next() & 1 == 1 }

    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) * 0x1p-23 - 1 }

    mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in float() } }

    /// Small integers in -2...2: many exact ties, for pooling.
    mutating func tiedFloats(_ count: Int) -> [Float] { (0..<count).map { _ in Float(int(-2...2)) } }

    /// Distinct values at least 0.05 apart in random order: no ties, and small perturbations
    /// cannot change which value is the largest.
    mutating func distinctFloats(_ count: Int) -> [Float] {
        var values = (0..<count).map { Float($0) * 0.05 - Float(count) * 0.025 }
        for i in stride(from: count - 1, to: 0, by: -1) { values.swapAt(i, int(0...i)) }
        return values
    }
}

/// |a - e| <= abs + rel * |e| for every pair; returns the first offending index.
func firstMismatch(_ actual: [Float], _ expected: [Float], abs absTolerance: Float, rel: Float) -> Int? {
    if actual.count != expected.count { return -1 }
    return zip(actual, expected).enumerated().first { _, pair in
        !(abs(pair.0 - pair.1) <= absTolerance + rel * abs(pair.1))
    }?.offset
}

extension OpCase {
    /// A case with random values for a geometry; `values` makes the input.
    static func random(_ geometry: Geometry, rng: inout TestRandom, hasBias: Bool,
                       values: (inout TestRandom, Int) -> [Float]) -> OpCase {
        let input = values(&rng, geometry.inputShape.reduce(1, *))
        let weight = geometry.weightShape.map { rng.floats($0.reduce(1, *)) }
        let outChannels = geometry.outputShape[1]
        let bias = (weight != nil && hasBias) ? rng.floats(outChannels) : nil
        let gradOutput = rng.floats(geometry.outputShape.reduce(1, *))
        return OpCase(name: "random", geometry: geometry, input: input, weight: weight, bias: bias, gradOutput: gradOutput)
    }
}

/// Random valid geometries: sizes small enough for the reference loops and finite differences,
/// covering batch > 1, stride, padding larger than the kernel, dilation and (for pooling) ceil mode.
enum RandomGeometry {
    static func conv2d(_ rng: inout TestRandom) -> OpCase.Geometry? {
        try? .conv2d(Conv2dGeometry(
            batch: rng.int(1...3), inChannels: rng.int(1...3), outChannels: rng.int(1...4),
            input: Size2D(rng.int(1...8), rng.int(1...8)), kernel: Size2D(rng.int(1...4), rng.int(1...4)),
            stride: Size2D(rng.int(1...3), rng.int(1...3)), padding: Size2D(rng.int(0...4), rng.int(0...4)),
            dilation: Size2D(rng.int(1...3), rng.int(1...3))))
    }

    static func convTranspose2d(_ rng: inout TestRandom) -> OpCase.Geometry? {
        let stride = Size2D(rng.int(1...3), rng.int(1...3)), dilation = Size2D(rng.int(1...3), rng.int(1...3))
        let outputPadding = Size2D(rng.int(0...(max(stride.height, dilation.height) - 1)),
                                   rng.int(0...(max(stride.width, dilation.width) - 1)))
        return try? .convTranspose2d(ConvTranspose2dGeometry(
            batch: rng.int(1...3), inChannels: rng.int(1...3), outChannels: rng.int(1...4),
            input: Size2D(rng.int(1...6), rng.int(1...6)), kernel: Size2D(rng.int(1...4), rng.int(1...4)),
            stride: stride, padding: Size2D(rng.int(0...3), rng.int(0...3)), outputPadding: outputPadding,
            dilation: dilation))
    }

    static func maxPool2d(_ rng: inout TestRandom) -> OpCase.Geometry? {
        let kernel = Size2D(rng.int(1...4), rng.int(1...4))
        return try? .maxPool2d(MaxPool2dGeometry(
            batch: rng.int(1...3), channels: rng.int(1...3), input: Size2D(rng.int(1...9), rng.int(1...9)),
            kernel: kernel, stride: Size2D(rng.int(1...4), rng.int(1...4)),
            padding: Size2D(rng.int(0...(kernel.height / 2)), rng.int(0...(kernel.width / 2))),
            dilation: Size2D(rng.int(1...2), rng.int(1...2)), ceilMode: rng.bool()))
    }

    /// `count` valid geometries from `make`, skipping the invalid draws.
    static func many(_ count: Int, seed: UInt64, _ make: (inout TestRandom) -> OpCase.Geometry?) -> [OpCase.Geometry] {
        var rng = TestRandom(seed: seed)
        var result: [OpCase.Geometry] = []
        while result.count < count {
            if let g = make(&rng) { result.append(g) }
        }
        return result
    }
}
