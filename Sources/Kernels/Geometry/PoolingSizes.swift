/// One pooling geometry: every size of a 2-D max or average pooling over a batch, validated as
/// PyTorch validates it. Shapes: input [batch, channels, input.height, input.width], output
/// [batch, channels, output.height, output.width]. `MaxPool2dGeometry` and `AvgPool2dGeometry`
/// are this plus what their arithmetic adds (the average's divisor rule).
public struct PoolingSizes: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let input: Size2D
    public let window: SlidingWindow
    public let ceilMode: Bool
    /// Like convolution, rounded up in ceil mode, without windows that start past the input.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field ("params.kernel_size", "params.stride",
    /// "params.padding", "params.dilation", "input"). PyTorch requires padding <= kernel_size / 2.
    /// `stride` nil means the kernel size, as in PyTorch.
    public init(batch: Int, channels: Int, input: Size2D, kernel: Size2D, stride: Size2D?,
                padding: Size2D, dilation: Size2D, ceilMode: Bool) throws(ShapeError) {
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, channels, field: "input (channels)")
        try requireAtLeast(1, input, field: "input (height, width)")
        let window = try SlidingWindow(kernel: kernel, stride: stride ?? kernel, padding: padding, dilation: dilation)
        if padding.height > kernel.height / 2 || padding.width > kernel.width / 2 {
            throw ShapeError(field: "params.padding",
                             reason: "must be at most half the kernel size \(kernel), got \(padding)")
        }
        let (rows, columns) = (window.rows, window.columns)
        let output = Size2D(
            OutputSize.pooling(input: input.height, kernel: kernel.height, stride: rows.stride,
                               padding: rows.padding, dilation: rows.dilation, ceilMode: ceilMode),
            OutputSize.pooling(input: input.width, kernel: kernel.width, stride: columns.stride,
                               padding: columns.padding, dilation: columns.dilation, ceilMode: ceilMode))
        if output.height < 1 || output.width < 1 {
            let what = dilation == 1 ? "the window \(kernel)" : "the window, spanning \(window.extent) with dilation \(dilation),"
            throw ShapeError(field: "params.kernel_size",
                             reason: "\(what) is larger than the padded input \(window.padded(input)): the output would be empty")
        }
        _ = try checkedElementCount([batch, channels, input.height, input.width], field: "input")
        _ = try checkedElementCount([batch, channels, output.height, output.width], field: "output")
        self.batch = batch
        self.channels = channels
        self.input = input
        self.window = window
        self.ceilMode = ceilMode
        self.output = output
    }
}

/// A pooling's geometry (`MaxPool2dGeometry`, `AvgPool2dGeometry`): its sizes, shapes and
/// window positions come from the one `PoolingSizes`.
public protocol PoolingGeometry: WindowedGeometry, Sendable, Equatable {
    var pooling: PoolingSizes { get }
}

extension PoolingGeometry {
    @inlinable public var window: SlidingWindow { pooling.window }
    @inlinable public var batch: Int { pooling.batch }
    @inlinable public var channels: Int { pooling.channels }
    @inlinable public var input: Size2D { pooling.input }
    @inlinable public var output: Size2D { pooling.output }
    @inlinable public var ceilMode: Bool { pooling.ceilMode }

    public var inputShape: [Int] { [batch, channels, input.height, input.width] }
    public var outputShape: [Int] { [batch, channels, output.height, output.width] }
    @inlinable public var inputCount: Int { batch * channels * input.area }
    @inlinable public var outputCount: Int { batch * channels * output.area }
}
