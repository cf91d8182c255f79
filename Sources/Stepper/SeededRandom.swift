import Kernels

/// A small reproducible generator (SplitMix64): the same seed gives the same matrices on
/// every machine, so a teacher can share `--random 5x5 --seed 7`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var source: SplitMix64
    public init(seed: UInt64) { source = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { source.next() }

    /// A matrix of whole numbers in `range`: easy to multiply in one's head.
    public mutating func matrix(rows: Int, columns: Int, in range: ClosedRange<Int>) -> Matrix {
        Matrix(rows: rows, columns: columns,
               values: (0..<(rows * columns)).map { _ in Float(Int.random(in: range, using: &self)) })
    }
}
