/// Every size of one 2-D convolution over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, inChannels, input.height, input.width],
/// weight [outChannels, inChannels, kernel.height, kernel.width], bias [outChannels],
/// output [batch, outChannels, output.height, output.width].
/// The sizes, shapes and window it shares with the transposed convolution live in
/// `ConvolutionSizes` and `ConvolutionGeometry`.
public struct Conv2dGeometry: ConvolutionGeometry {
    public let sizes: ConvolutionSizes
    /// O = floor((I + 2P - D(K-1) - 1) / S) + 1 in each dimension.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field ("input", "weight", "params.stride",
    /// "params.padding", "params.dilation") when PyTorch would refuse the convolution.
    public init(batch: Int, inChannels: Int, outChannels: Int, input: Size2D, kernel: Size2D,
                stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) throws(ShapeError) {
        let sizes = try ConvolutionSizes(batch: batch, inChannels: inChannels, outChannels: outChannels, input: input,
                                         kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        let padded = sizes.window.padded(input), extent = sizes.window.extent
        if extent.height > padded.height || extent.width > padded.width {
            throw ShapeError(field: "weight", reason: "the kernel, spanning \(extent) with dilation \(dilation), is larger than the padded input \(padded)")
        }
        let output = Size2D(
            OutputSize.convolution(input: input.height, kernel: kernel.height, stride: stride.height,
                                   padding: padding.height, dilation: dilation.height),
            OutputSize.convolution(input: input.width, kernel: kernel.width, stride: stride.width,
                                   padding: padding.width, dilation: dilation.width))
        try requireAtLeast(1, output, field: "output (height, width)")
        self.sizes = sizes
        self.output = output
        try checkElementCounts()
    }

    /// [outChannels, inChannels, kernel.height, kernel.width].
    public static func weightShape(inChannels: Int, outChannels: Int, kernel: Size2D) -> [Int] {
        [outChannels, inChannels, kernel.height, kernel.width]
    }

    /// How the batch maps onto im2col columns: one row per (input channel, kernel tap),
    /// one column per (image, output position).
    public var im2col: Im2colLayout { im2col(channels: inChannels, image: input, grid: output) }
}
