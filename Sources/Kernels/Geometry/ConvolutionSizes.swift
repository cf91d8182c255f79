/// What a convolution and a transposed convolution share, validated as PyTorch validates it:
/// the batch, both channel counts, the input size and the window. `Conv2dGeometry` and
/// `ConvTranspose2dGeometry` add their own output size (and output_padding) to it.
public struct ConvolutionSizes: Sendable, Equatable {
    public let batch: Int
    public let inChannels: Int
    public let outChannels: Int
    public let input: Size2D
    public let window: SlidingWindow

    /// Throws a `ShapeError` naming the offending field ("input", "weight", "params.stride",
    /// "params.padding", "params.dilation").
    public init(batch: Int, inChannels: Int, outChannels: Int, input: Size2D, kernel: Size2D,
                stride: Size2D, padding: Size2D, dilation: Size2D) throws(ShapeError) {
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, inChannels, field: "input (channels)")
        try requireAtLeast(1, input, field: "input (height, width)")
        try requireAtLeast(1, outChannels, field: "weight (output channels)")
        window = try SlidingWindow(kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                                   kernelField: "weight (kernel height, width)")
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.input = input
    }
}

/// A convolution's geometry (`Conv2dGeometry`, `ConvTranspose2dGeometry`): the shared sizes, its
/// output size, the weight's shape (the two kinds order it differently) and its im2col layout.
/// Everything else (shapes, counts, window positions) is defined once, here.
public protocol ConvolutionGeometry: WindowedGeometry, Sendable, Equatable {
    var sizes: ConvolutionSizes { get }
    var output: Size2D { get }
    /// The weight's shape for these channel counts and kernel (the two kinds order the channels
    /// differently); layers use it before any input, and so before any geometry, exists.
    static func weightShape(inChannels: Int, outChannels: Int, kernel: Size2D) -> [Int]
    /// How the batch maps onto im2col columns (the fast path's matrix and the workspace's sizes).
    var im2col: Im2colLayout { get }
}

extension ConvolutionGeometry {
    @inlinable public var window: SlidingWindow { sizes.window }
    @inlinable public var batch: Int { sizes.batch }
    @inlinable public var inChannels: Int { sizes.inChannels }
    @inlinable public var outChannels: Int { sizes.outChannels }
    @inlinable public var input: Size2D { sizes.input }

    public var weightShape: [Int] { Self.weightShape(inChannels: inChannels, outChannels: outChannels, kernel: kernel) }
    public var inputShape: [Int] { [batch, inChannels, input.height, input.width] }
    public var outputShape: [Int] { [batch, outChannels, output.height, output.width] }
    @inlinable public var inputCount: Int { batch * inChannels * input.area }
    @inlinable public var weightCount: Int { outChannels * inChannels * kernel.area }
    @inlinable public var outputCount: Int { batch * outChannels * output.area }

    /// The im2col layout over `window` with image and grid as given (a convolution reads its input
    /// through the grid of its output; a transposed convolution the other way round).
    func im2col(channels: Int, image: Size2D, grid: Size2D) -> Im2colLayout {
        Im2colLayout(batch: batch, channels: channels, image: image, grid: grid,
                     kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    }

    /// Throws when the input, the output or the im2col matrix would hold more values than cnnlab
    /// allows (each factor checked, so no product overflows).
    func checkElementCounts() throws(ShapeError) {
        let layout = im2col
        _ = try checkedElementCount([batch, inChannels, input.height, input.width], field: "input")
        _ = try checkedElementCount([batch, outChannels, output.height, output.width], field: "output")
        _ = try checkedElementCount([layout.channels, kernel.height, kernel.width, batch, layout.grid.height, layout.grid.width],
                                    field: "output")
    }
}
