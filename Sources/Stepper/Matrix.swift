import Formatting
import Kernels

/// A rows x columns grid of numbers: one channel of an input, one kernel slice, one output map.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]? = nil) {
        self.rows = rows
        self.columns = columns
        self.values = values ?? Array(repeating: 0, count: rows * columns)
    }

    /// A matrix from a list of equally long rows (checked by the caller; see `MatrixParser`).
    public init(_ rowLists: [[Float]]) {
        rows = rowLists.count
        columns = rowLists.first?.count ?? 0
        values = rowLists.flatMap { $0 }
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// The value at (row, column), or nil outside the matrix.
    public func value(_ row: Int, _ column: Int) -> Float? {
        row >= 0 && column >= 0 && row < rows && column < columns ? self[row, column] : nil
    }

    public var rowLists: [[Float]] { (0..<rows).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) } }

    /// "2 3; 1 5": the way the command line spells a matrix.
    public var commandLineText: String {
        rowLists.map { $0.map { NumberText.plain($0) }.joined(separator: " ") }.joined(separator: "; ")
    }

    /// A matrix of whole numbers in `range`: easy to multiply in one's head. SplitMix64 gives
    /// the same matrices on every machine, so a teacher can share `--random 5x5 --seed 7`.
    public static func random(rows: Int, columns: Int, in range: ClosedRange<Int>,
                              using generator: inout SplitMix64) -> Matrix {
        Matrix(rows: rows, columns: columns,
               values: (0..<(rows * columns)).map { _ in Float(Int.random(in: range, using: &generator)) })
    }
}
