/// Every size of one 2-D average pooling over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, channels, input.height, input.width],
/// output [batch, channels, output.height, output.width].
/// Each output is the mean of its window. With `countIncludePad` the divisor counts the zero
/// padding inside the window (but not, in ceil mode, the part past the padded input); without
/// it, only the input positions.
public struct AvgPool2dGeometry: PoolingGeometry {
    /// The one pooling geometry, without dilation (PyTorch's avg_pool2d has none).
    public let pooling: PoolingSizes
    public let countIncludePad: Bool

    /// Throws a `ShapeError` naming the offending field when PyTorch would refuse the pooling
    /// (PyTorch requires padding <= kernel_size / 2).
    public init(batch: Int, channels: Int, input: Size2D, kernel: Size2D, stride: Size2D? = nil,
                padding: Size2D = 0, ceilMode: Bool = false, countIncludePad: Bool = true) throws(ShapeError) {
        pooling = try PoolingSizes(batch: batch, channels: channels, input: input, kernel: kernel, stride: stride,
                                   padding: padding, dilation: 1, ceilMode: ceilMode)
        self.countIncludePad = countIncludePad
    }

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
