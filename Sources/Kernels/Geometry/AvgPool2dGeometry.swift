/// Every size of one 2-D average pooling over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, channels, input.height, input.width],
/// output [batch, channels, output.height, output.width].
/// Each output is the mean of its window. With `countIncludePad` the divisor counts the zero
/// padding inside the window (but not, in ceil mode, the part past the padded input); without
/// it, only the input positions.
public struct AvgPool2dGeometry: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let input: Size2D
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let ceilMode: Bool
    public let countIncludePad: Bool
    /// As for max pooling without dilation: rounded up in ceil mode, without windows that start
    /// past the input.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field when PyTorch would refuse the pooling
    /// (PyTorch requires padding <= kernel_size / 2).
    public init(batch: Int, channels: Int, input: Size2D, kernel: Size2D, stride: Size2D? = nil,
                padding: Size2D = 0, ceilMode: Bool = false, countIncludePad: Bool = true) throws(ShapeError) {
        let stride = stride ?? kernel
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, channels, field: "input (channels)")
        try requireAtLeast(1, input, field: "input (height, width)")
        try requireAtLeast(1, kernel, field: "params.kernel_size")
        try requireAtLeast(1, stride, field: "params.stride")
        try requireAtLeast(0, padding, field: "params.padding")
        if padding.height > kernel.height / 2 || padding.width > kernel.width / 2 {
            throw ShapeError(field: "params.padding",
                             reason: "must be at most half the kernel size \(kernel), got \(padding)")
        }
        let output = Size2D(
            OutputSize.pooling(input: input.height, kernel: kernel.height, stride: stride.height,
                               padding: padding.height, dilation: 1, ceilMode: ceilMode),
            OutputSize.pooling(input: input.width, kernel: kernel.width, stride: stride.width,
                               padding: padding.width, dilation: 1, ceilMode: ceilMode))
        if output.height < 1 || output.width < 1 {
            let padded = Size2D(input.height + 2 * padding.height, input.width + 2 * padding.width)
            throw ShapeError(field: "params.kernel_size",
                             reason: "the window \(kernel) is larger than the padded input \(padded): the output would be empty")
        }
        _ = try checkedElementCount([batch, channels, input.height, input.width], field: "input")
        _ = try checkedElementCount([batch, channels, output.height, output.width], field: "output")
        self.batch = batch
        self.channels = channels
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.output = output
    }

    public var inputShape: [Int] { [batch, channels, input.height, input.width] }
    public var outputShape: [Int] { [batch, channels, output.height, output.width] }
    public var inputCount: Int { batch * channels * input.area }
    public var outputCount: Int { batch * channels * output.area }

    /// One window along one axis: the input rows [start, end) it averages (clipped to the
    /// input) and its divisor's share along that axis, as PyTorch's avg_pool2d computes them.
    /// The divisor is the product of both axes' shares.
    @inline(__always)
    public func window(axisOutput o: Int, input size: Int, kernel k: Int, stride s: Int, padding p: Int)
        -> (start: Int, end: Int, divisorShare: Int) {
        var start = o * s - p
        var end = min(start + k, size + p)
        let padded = end - start          // counts padding, not what lies past the padded input
        start = max(start, 0)
        end = min(end, size)
        return (start, end, countIncludePad ? padded : end - start)
    }

    /// The rows and columns of output (oy, ox)'s window, clipped to the input, and its divisor.
    @inline(__always)
    public func window(oy: Int, ox: Int) -> (rows: Range<Int>, columns: Range<Int>, divisor: Int) {
        let r = window(axisOutput: oy, input: input.height, kernel: kernel.height, stride: stride.height, padding: padding.height)
        let c = window(axisOutput: ox, input: input.width, kernel: kernel.width, stride: stride.width, padding: padding.width)
        return (r.start..<r.end, c.start..<c.end, r.divisorShare * c.divisorShare)
    }
}
