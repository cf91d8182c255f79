/// A small, direct calculation of an explore block's result, used to check "predict, then
/// see" answers and to describe the block when no explorer can be shown. Single channel,
/// PyTorch semantics (max pooling ties go to the first maximum in row-major order).
extension ExploreBlock {
    /// The window of output step `index` (0-based, row-major): the input cells it reads
    /// (padding cells excluded) and, for pooling, the winner.
    public struct Window: Equatable, Sendable {
        public var outputRow: Int
        public var outputColumn: Int
        /// (row, column) of each tap inside the input; taps on padding are left out.
        public var taps: [(Int, Int)]
        public var value: Double
        /// For pooling: the input cell holding the maximum (first in row-major order on a tie).
        public var argmax: (Int, Int)?

        public static func == (lhs: Window, rhs: Window) -> Bool {
            lhs.outputRow == rhs.outputRow && lhs.outputColumn == rhs.outputColumn && lhs.value == rhs.value
                && lhs.taps.map { [$0.0, $0.1] } == rhs.taps.map { [$0.0, $0.1] }
                && lhs.argmax.map { [$0.0, $0.1] } == rhs.argmax.map { [$0.0, $0.1] }
        }
    }

    /// The window computed at output cell (row, column) of a convolution or pooling.
    public func window(row: Int, column: Int) -> Window {
        var taps: [(Int, Int)] = []
        var sum = bias
        var best = -Double.infinity
        var argmax: (Int, Int)?
        for kernelRow in 0..<kernelSize.0 {
            for kernelColumn in 0..<kernelSize.1 {
                let inputRow = row * stride.0 - padding.0 + kernelRow * dilation.0
                let inputColumn = column * stride.1 - padding.1 + kernelColumn * dilation.1
                guard inputRow >= 0, inputRow < inputSize.0, inputColumn >= 0, inputColumn < inputSize.1 else { continue }
                taps.append((inputRow, inputColumn))
                let value = input[inputRow][inputColumn]
                sum += value * kernel[kernelRow][kernelColumn]
                if value > best { best = value; argmax = (inputRow, inputColumn) }
            }
        }
        return Window(outputRow: row, outputColumn: column, taps: taps,
                      value: operation == .pool ? best : sum, argmax: operation == .pool ? argmax : nil)
    }

    /// The forward output (conv, pool: by windows; convT: by scattering each input value).
    public func forwardOutput() -> [[Double]] {
        let size = outputSize
        guard size.0 > 0, size.1 > 0 else { return [] }
        switch operation {
        case .conv, .pool:
            return (0..<size.0).map { row in (0..<size.1).map { column in window(row: row, column: column).value } }
        case .convT:
            var output = Array(repeating: Array(repeating: bias, count: size.1), count: size.0)
            for inputRow in 0..<inputSize.0 {
                for inputColumn in 0..<inputSize.1 {
                    for kernelRow in 0..<kernelSize.0 {
                        for kernelColumn in 0..<kernelSize.1 {
                            let row = inputRow * stride.0 - padding.0 + kernelRow * dilation.0
                            let column = inputColumn * stride.1 - padding.1 + kernelColumn * dilation.1
                            guard row >= 0, row < size.0, column >= 0, column < size.1 else { continue }
                            output[row][column] += input[inputRow][inputColumn] * kernel[kernelRow][kernelColumn]
                        }
                    }
                }
            }
            return output
        }
    }

    /// Max pooling backward: each upstream value routed to its window's winner, summed where
    /// windows overlap; zeros elsewhere.
    public func poolGradient() -> [[Double]] {
        let size = outputSize
        var gradient = Array(repeating: Array(repeating: 0.0, count: inputSize.1), count: inputSize.0)
        guard size.0 > 0, size.1 > 0 else { return gradient }
        let upstream = self.upstream ?? Array(repeating: Array(repeating: 1.0, count: size.1), count: size.0)
        for row in 0..<size.0 {
            for column in 0..<size.1 {
                // An upstream of the wrong shape (not possible from a checked block) counts as zeros.
                guard row < upstream.count, column < upstream[row].count else { continue }
                if let winner = window(row: row, column: column).argmax {
                    gradient[winner.0][winner.1] += upstream[row][column]
                }
            }
        }
        return gradient
    }

    /// The value a "predict" quiz asks for at step `step` (1-based): the output cell that
    /// step computes. Nil for operations whose steps do not produce one output value.
    public func predictedValue(atStep step: Int) -> Double? {
        guard operation != .convT, pass == .forward, step >= 1, step <= stepCount else { return nil }
        let columns = outputSize.1
        return window(row: (step - 1) / columns, column: (step - 1) % columns).value
    }
}
