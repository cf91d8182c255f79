import Kernels

/// An explore block's result computed by Kernels' reference ops, used to check "predict, then
/// see" answers and to describe the block when no explorer can be shown. Single channel,
/// PyTorch semantics (max pooling ties go to the first maximum in row-major order), in Float
/// like the explorer, so a lesson's answer is checked against the number the explorer shows.
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

    /// The window computed at output cell (row, column) of a convolution or pooling: its
    /// positions from Kernels' `WindowAxis`, its value from the reference op, its winner from
    /// the reference max pooling.
    public func window(row: Int, column: Int) -> Window {
        let (rows, columns) = windowAxes
        var taps: [(Int, Int)] = []
        for kernelRow in 0..<kernelSize.0 {
            for kernelColumn in 0..<kernelSize.1 {
                let inputRow = rows.position(row, tap: kernelRow)
                let inputColumn = columns.position(column, tap: kernelColumn)
                guard inputRow >= 0, inputRow < inputSize.0, inputColumn >= 0, inputColumn < inputSize.1 else { continue }
                taps.append((inputRow, inputColumn))
            }
        }
        let output = forwardOutput()
        let value = row >= 0 && row < output.count && column >= 0 && column < output[row].count ? output[row][column] : .nan
        let winner = operation == .pool
            ? poolGeometry?.winnerReference(input: inputValues, plane: 0, row: row, column: column) : nil
        return Window(outputRow: row, outputColumn: column, taps: taps, value: value,
                      argmax: winner.map { ($0.row, $0.column) })
    }

    /// The forward output, from the Kernels reference op of the block's operation (one sample,
    /// one channel); empty when the settings are impossible.
    public func forwardOutput() -> [[Double]] {
        let flat: [Float]?
        let bias = [Float(self.bias)]
        switch operation {
        case .conv: flat = convGeometry?.forwardReference(input: inputValues, weight: kernelValues, bias: bias)
        case .pool: flat = poolGeometry?.forwardReference(input: inputValues)
        case .convT: flat = convTransposeGeometry?.forwardReference(input: inputValues, weight: kernelValues, bias: bias)
        }
        return flat.map { Self.rows($0, columns: outputSize.1) } ?? []
    }

    /// Max pooling backward (the reference op): each upstream value routed to its window's
    /// winner, summed where windows overlap; zeros elsewhere.
    public func poolGradient() -> [[Double]] {
        let zeros = Array(repeating: Array(repeating: 0.0, count: inputSize.1), count: inputSize.0)
        guard let geometry = poolGeometry else { return zeros }
        let size = outputSize
        let upstream = self.upstream ?? Array(repeating: Array(repeating: 1.0, count: size.1), count: size.0)
        // An upstream of the wrong shape (not possible from a checked block) gets no gradient through.
        guard upstream.count == size.0, upstream.allSatisfy({ $0.count == size.1 }) else { return zeros }
        let gradient = geometry.backwardReference(input: inputValues, gradOutput: upstream.joined().map(Float.init))
        return Self.rows(gradient, columns: inputSize.1)
    }

    /// Window positions per axis (rows, columns).
    private var windowAxes: (WindowAxis, WindowAxis) {
        (WindowAxis(stride: stride.0, padding: padding.0, dilation: dilation.0),
         WindowAxis(stride: stride.1, padding: padding.1, dilation: dilation.1))
    }

    private var inputValues: [Float] { input.joined().map(Float.init) }
    private var kernelValues: [Float] { kernel.joined().map(Float.init) }

    /// The Kernels geometries of the block (batch 1, one channel), nil when the settings are impossible.
    private var convGeometry: Conv2dGeometry? {
        try? Conv2dGeometry(batch: 1, inChannels: 1, outChannels: 1, input: size(inputSize), kernel: size(kernelSize),
                            stride: size(stride), padding: size(padding), dilation: size(dilation))
    }

    private var poolGeometry: MaxPool2dGeometry? {
        try? MaxPool2dGeometry(batch: 1, channels: 1, input: size(inputSize), kernel: size(kernelSize),
                               stride: size(stride), padding: size(padding), dilation: size(dilation))
    }

    private var convTransposeGeometry: ConvTranspose2dGeometry? {
        try? ConvTranspose2dGeometry(batch: 1, inChannels: 1, outChannels: 1, input: size(inputSize),
                                     kernel: size(kernelSize), stride: size(stride), padding: size(padding),
                                     outputPadding: size(outputPadding), dilation: size(dilation))
    }

    private func size(_ pair: (Int, Int)) -> Size2D { Size2D(pair.0, pair.1) }

    /// Flat row-major values as rows of `columns` values.
    private static func rows(_ flat: [Float], columns: Int) -> [[Double]] {
        guard columns > 0 else { return [] }
        return Swift.stride(from: 0, to: flat.count, by: columns).map { flat[$0..<($0 + columns)].map(Double.init) }
    }

    /// The value a "predict" quiz asks for at step `step` (1-based): the output cell that
    /// step computes. Nil for operations whose steps do not produce one output value.
    public func predictedValue(atStep step: Int) -> Double? {
        guard operation != .convT, pass == .forward, step >= 1, step <= stepCount else { return nil }
        let columns = outputSize.1
        return window(row: (step - 1) / columns, column: (step - 1) % columns).value
    }
}
