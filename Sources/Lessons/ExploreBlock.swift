import Formatting
import Kernels
import Stepper

/// An ```explore block: one operation and its settings, in the vocabulary of `cnnlab explore`.
public struct ExploreBlock: Equatable, Sendable {
    /// The operations an explore block can show: the explorer's own (one enum for both).
    public typealias Operation = ExploreOperation

    /// Forward pass, or the backward pass (gradient routing) of the operation.
    public enum Pass: String, Equatable, Sendable, CaseIterable {
        case forward, backward
    }

    /// For transposed convolution: the scatter view or the zero-insertion view.
    public enum View: String, Equatable, Sendable, CaseIterable {
        case scatter
        case zeroInsertion = "zero-insertion"
    }

    public var operation: Operation
    public var pass: Pass
    public var view: View
    public var input: [[Double]]
    /// Convolution weights (conv, convT); for pooling, a matrix of zeros of the window's size.
    public var kernel: [[Double]]
    public var stride: (Int, Int)
    public var padding: (Int, Int)
    public var dilation: (Int, Int)
    public var outputPadding: (Int, Int)
    public var bias: Double
    /// The upstream gradient for a backward pass (ones by default).
    public var upstream: [[Double]]?
    /// The line of the opening fence.
    public var line: Int
    /// The file line of each key written in the block (1-based), e.g. keyLines["answer"].
    public var keyLines: [String: Int] = [:]

    /// The course's worked example: 4x4 input and 2x2 kernel.
    public static let courseInput: [[Double]] = [[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]
    public static let courseKernel: [[Double]] = [[1, 0], [0, -1]]

    public init(operation: Operation, pass: Pass = .forward, view: View = .scatter,
                input: [[Double]] = ExploreBlock.courseInput, kernel: [[Double]] = ExploreBlock.courseKernel,
                stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                outputPadding: (Int, Int) = (0, 0), bias: Double = 0, upstream: [[Double]]? = nil, line: Int = 0) {
        self.operation = operation
        self.pass = pass
        self.view = view
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.outputPadding = outputPadding
        self.bias = bias
        self.upstream = upstream
        self.line = line
    }

    public var kernelSize: (Int, Int) { (kernel.count, kernel.first?.count ?? 0) }
    public var inputSize: (Int, Int) { (input.count, input.first?.count ?? 0) }

    /// The output's height and width by the formula (may be zero or negative when impossible).
    public var outputSize: (Int, Int) {
        switch operation {
        case .conv, .pool:
            return (OutputSize.convolution(input: inputSize.0, kernel: kernelSize.0, stride: stride.0,
                                           padding: padding.0, dilation: dilation.0),
                    OutputSize.convolution(input: inputSize.1, kernel: kernelSize.1, stride: stride.1,
                                           padding: padding.1, dilation: dilation.1))
        case .convT:
            return (OutputSize.transposedConvolution(input: inputSize.0, kernel: kernelSize.0, stride: stride.0, padding: padding.0,
                                          dilation: dilation.0, outputPadding: outputPadding.0),
                    OutputSize.transposedConvolution(input: inputSize.1, kernel: kernelSize.1, stride: stride.1, padding: padding.1,
                                          dilation: dilation.1, outputPadding: outputPadding.1))
        }
    }

    /// The explorer's step count: one per output cell (conv, pool), one per input cell
    /// (transposed convolution's scatter).
    public var stepCount: Int {
        switch operation {
        case .conv, .pool: return max(0, outputSize.0) * max(0, outputSize.1)
        case .convT: return inputSize.0 * inputSize.1
        }
    }

    /// The explore command line that opens the same case on its own.
    public var command: String {
        func pairText(_ pair: (Int, Int)) -> String { pair.0 == pair.1 ? "\(pair.0)" : "\(pair.0),\(pair.1)" }
        func matrixText(_ rows: [[Double]]) -> String {
            "\"" + rows.map { $0.map(NumberText.plain).joined(separator: " ") }.joined(separator: "; ") + "\""
        }
        var parts = ["cnnlab explore \(operation.rawValue)", "--input \(matrixText(input))"]
        if operation == .pool {
            parts.append("--kernel \(pairText(kernelSize))")
        } else {
            parts.append("--kernel \(matrixText(kernel))")
        }
        parts.append("--stride \(pairText(stride))")
        if padding != (0, 0) { parts.append("--padding \(pairText(padding))") }
        if dilation != (1, 1) { parts.append("--dilation \(pairText(dilation))") }
        if outputPadding != (0, 0) { parts.append("--output-padding \(pairText(outputPadding))") }
        if bias != 0 { parts.append("--bias \(NumberText.plain(bias))") }
        return parts.joined(separator: " ")
    }

    public static func == (lhs: ExploreBlock, rhs: ExploreBlock) -> Bool {
        lhs.operation == rhs.operation && lhs.pass == rhs.pass && lhs.view == rhs.view && lhs.input == rhs.input
            && lhs.kernel == rhs.kernel && lhs.stride == rhs.stride && lhs.padding == rhs.padding
            && lhs.dilation == rhs.dilation && lhs.outputPadding == rhs.outputPadding && lhs.bias == rhs.bias
            && lhs.upstream == rhs.upstream && lhs.line == rhs.line && lhs.keyLines == rhs.keyLines
    }
}
