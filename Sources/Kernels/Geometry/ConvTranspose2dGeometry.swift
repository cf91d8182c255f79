/// Every size of one 2-D transposed convolution over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, inChannels, input.height, input.width],
/// weight [inChannels, outChannels, kernel.height, kernel.width] (PyTorch's order), bias [outChannels],
/// output [batch, outChannels, output.height, output.width].
/// The sizes, shapes and window it shares with the convolution live in `ConvolutionSizes` and
/// `ConvolutionGeometry`.
public struct ConvTranspose2dGeometry: ConvolutionGeometry {
    public let sizes: ConvolutionSizes
    public let outputPadding: Size2D
    /// O = (I - 1)S - 2P + D(K-1) + output_padding + 1 in each dimension.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field when PyTorch would refuse the op,
    /// including an output_padding that is not smaller than either the stride or the dilation.
    public init(batch: Int, inChannels: Int, outChannels: Int, input: Size2D, kernel: Size2D,
                stride: Size2D = 1, padding: Size2D = 0, outputPadding: Size2D = 0,
                dilation: Size2D = 1) throws(ShapeError) {
        let sizes = try ConvolutionSizes(batch: batch, inChannels: inChannels, outChannels: outChannels, input: input,
                                         kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        try requireAtLeast(0, outputPadding, field: "params.output_padding")
        for (op, s, d) in [(outputPadding.height, stride.height, dilation.height),
                           (outputPadding.width, stride.width, dilation.width)] where op >= s && op >= d {
            throw ShapeError(field: "params.output_padding",
                             reason: "must be smaller than either stride or dilation, got output_padding \(outputPadding), stride \(stride), dilation \(dilation)")
        }
        let output = Size2D(
            OutputSize.transposedConvolution(input: input.height, kernel: kernel.height, stride: stride.height,
                                             padding: padding.height, dilation: dilation.height,
                                             outputPadding: outputPadding.height),
            OutputSize.transposedConvolution(input: input.width, kernel: kernel.width, stride: stride.width,
                                             padding: padding.width, dilation: dilation.width,
                                             outputPadding: outputPadding.width))
        if output.height < 1 || output.width < 1 {
            throw ShapeError(field: "params.padding", reason: "leaves an empty output \(output): padding \(padding) removes more than the transposed convolution produces")
        }
        self.sizes = sizes
        self.outputPadding = outputPadding
        self.output = output
        try checkElementCounts()
    }

    /// [inChannels, outChannels, kernel.height, kernel.width] (PyTorch's order).
    public static func weightShape(inChannels: Int, outChannels: Int, kernel: Size2D) -> [Int] {
        [inChannels, outChannels, kernel.height, kernel.width]
    }

    /// The transposed convolution as a direct one (Dumoulin & Visin): a stride-1 convolution of
    /// the flipped kernel, with the same dilation, over the input with S − 1 zeros inserted between
    /// values, `side` = D(K − 1) − P zeros on each side (negative: that many cropped) and
    /// output_padding zeros after the end. `expanded` is that input's size; the convolution over
    /// it gives `output`.
    public var zeroInsertion: (side: Size2D, expanded: Size2D) {
        let side = Size2D(dilation.height * (kernel.height - 1) - padding.height,
                          dilation.width * (kernel.width - 1) - padding.width)
        let expanded = Size2D((input.height - 1) * stride.height + 1 + 2 * side.height + outputPadding.height,
                              (input.width - 1) * stride.width + 1 + 2 * side.width + outputPadding.width)
        return (side, expanded)
    }

    /// A transposed convolution scatters each input position through the kernel: seen from
    /// the output, it is a convolution whose "image" is the output and whose grid is the input.
    public var im2col: Im2colLayout { im2col(channels: outChannels, image: output, grid: input) }
}
