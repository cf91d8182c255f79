/// Every size of one 2-D max pooling over a batch, validated as PyTorch validates it.
///
/// Shapes: input [batch, channels, input.height, input.width],
/// output [batch, channels, output.height, output.width].
public struct MaxPool2dGeometry: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let input: Size2D
    public let kernel: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    public let ceilMode: Bool
    /// Like convolution, rounded up in ceil mode, without windows that start past the input.
    public let output: Size2D

    /// Throws a `ShapeError` naming the offending field ("params.kernel_size", "params.stride",
    /// "params.padding", "params.dilation", "input") when PyTorch would refuse the pooling.
    /// PyTorch requires padding <= kernel_size / 2 (padded positions count as minus infinity).
    public init(batch: Int, channels: Int, input: Size2D, kernel: Size2D, stride: Size2D? = nil,
                padding: Size2D = 0, dilation: Size2D = 1, ceilMode: Bool = false) throws(ShapeError) {
        let stride = stride ?? kernel
        try requireAtLeast(1, batch, field: "input (batch size)")
        try requireAtLeast(1, channels, field: "input (channels)")
        try requireAtLeast(1, input, field: "input (height, width)")
        try requireAtLeast(1, kernel, field: "params.kernel_size")
        try requireAtLeast(1, stride, field: "params.stride")
        try requireAtLeast(0, padding, field: "params.padding")
        try requireAtLeast(1, dilation, field: "params.dilation")
        if padding.height > kernel.height / 2 || padding.width > kernel.width / 2 {
            throw ShapeError(field: "params.padding",
                             reason: "must be at most half the kernel size \(kernel), got \(padding)")
        }
        let output = Size2D(
            OutputSize.pooling(input: input.height, kernel: kernel.height, stride: stride.height,
                               padding: padding.height, dilation: dilation.height, ceilMode: ceilMode),
            OutputSize.pooling(input: input.width, kernel: kernel.width, stride: stride.width,
                               padding: padding.width, dilation: dilation.width, ceilMode: ceilMode))
        if output.height < 1 || output.width < 1 {
            let padded = Size2D(input.height + 2 * padding.height, input.width + 2 * padding.width)
            let extent = Size2D(OutputSize.effectiveKernel(kernel.height, dilation: dilation.height),
                                OutputSize.effectiveKernel(kernel.width, dilation: dilation.width))
            throw ShapeError(field: "params.kernel_size", reason: "the window, spanning \(extent) with dilation \(dilation), is larger than the padded input \(padded): the output would be empty")
        }
        _ = try checkedElementCount([batch, channels, input.height, input.width], field: "input")
        _ = try checkedElementCount([batch, channels, output.height, output.width], field: "output")
        self.batch = batch
        self.channels = channels
        self.input = input
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        self.output = output
    }

    public var inputShape: [Int] { [batch, channels, input.height, input.width] }
    public var outputShape: [Int] { [batch, channels, output.height, output.width] }
    public var inputCount: Int { batch * channels * input.area }
    public var outputCount: Int { batch * channels * output.area }
}
