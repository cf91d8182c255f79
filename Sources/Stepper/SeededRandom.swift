/// A small reproducible generator (SplitMix64): the same seed gives the same matrices on
/// every machine, so a teacher can share `--random 5x5 --seed 7`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A matrix of whole numbers in `range`: easy to multiply in one's head.
    public mutating func matrix(rows: Int, columns: Int, in range: ClosedRange<Int>) -> Matrix {
        Matrix(rows: rows, columns: columns,
               values: (0..<(rows * columns)).map { _ in Float(Int.random(in: range, using: &self)) })
    }
}
