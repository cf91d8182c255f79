/// Every size of one 2-D convolution over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, inChannels, input.height, input.width],
/// weight [outChannels, inChannels, kernel.height, kernel.width], bias [outChannels],
/// output [batch, outChannels, output.height, output.width].
public struct Conv2dGeometry: Sendable, Equatable {
    public let batch: Int
    public let inChannels: Int
    public let outChannels: Int
    public let input: Size2D
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    /// O = floor((I + 2P - D(K-1) - 1) / S) + 1 in each dimension.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field ("input", "weight", "params.stride",
    /// "params.padding", "params.dilation") when PyTorch would refuse the convolution.
    public init(batch: Int, inChannels: Int, outChannels: Int, input: Size2D, kernel: Size2D,
                stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1) throws(ShapeError) {
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, inChannels, field: "input (channels)")
        try requireAtLeast(1, input, field: "input (height, width)")
        try requireAtLeast(1, outChannels, field: "weight (output channels)")
        try requireAtLeast(1, kernel, field: "weight (kernel height, width)")
        try requireAtLeast(1, stride, field: "params.stride")
        try requireAtLeast(0, padding, field: "params.padding")
        try requireAtLeast(1, dilation, field: "params.dilation")
        let padded = Size2D(input.height + 2 * padding.height, input.width + 2 * padding.width)
        let extent = Size2D(OutputSize.effectiveKernel(kernel.height, dilation: dilation.height),
                            OutputSize.effectiveKernel(kernel.width, dilation: dilation.width))
        if extent.height > padded.height || extent.width > padded.width {
            throw ShapeError(field: "weight", reason: "the kernel, spanning \(extent) with dilation \(dilation), is larger than the padded input \(padded)")
        }
        let output = Size2D(
            OutputSize.convolution(input: input.height, kernel: kernel.height, stride: stride.height,
                                   padding: padding.height, dilation: dilation.height),
            OutputSize.convolution(input: input.width, kernel: kernel.width, stride: stride.width,
                                   padding: padding.width, dilation: dilation.width))
        try requireAtLeast(1, output, field: "output (height, width)")
        _ = try checkedElementCount([batch, inChannels, input.height, input.width], field: "input")
        _ = try checkedElementCount([batch, outChannels, output.height, output.width], field: "output")
        _ = try checkedElementCount([inChannels, kernel.height, kernel.width, batch, output.height, output.width],
                                    field: "output")
        self.batch = batch
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.output = output
    }

    public var inputShape: [Int] { [batch, inChannels, input.height, input.width] }
    public var weightShape: [Int] { [outChannels, inChannels, kernel.height, kernel.width] }
    public var outputShape: [Int] { [batch, outChannels, output.height, output.width] }
    public var inputCount: Int { batch * inChannels * input.area }
    public var weightCount: Int { outChannels * inChannels * kernel.area }
    public var outputCount: Int { batch * outChannels * output.area }

    /// How the batch maps onto im2col columns: one row per (input channel, kernel tap),
    /// one column per (image, output position).
    public var im2col: Im2colLayout {
        Im2colLayout(batch: batch, channels: inChannels, image: input, grid: output,
                     kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    }
}
