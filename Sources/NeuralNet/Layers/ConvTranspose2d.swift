/// 2-D transposed convolution over a batch of images, as PyTorch's `nn.ConvTranspose2d` (groups = 1).
///
/// weight [inChannels, outChannels, kH, kW] (PyTorch's order), bias [outChannels]; initialised
/// like PyTorch, whose fan-in for this weight is its dimension 1 times the kernel area:
/// uniform in ±1/sqrt(outChannels * kH * kW).
public final class ConvTranspose2d: Layer, @unchecked Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let outputPadding: Size2D
    public let dilation: Size2D
    public let weight: Parameter
    public let bias: Parameter?

    /// Buffers and the last input between the passes.
    private let runner = ConvolutionRunner<ConvTranspose2dKind>()

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1,
                padding: Size2D = 0, outputPadding: Size2D = 0, dilation: Size2D = 1, bias: Bool = true,
                rng: inout SeededRandom) {
        precondition(inChannels >= 1 && outChannels >= 1 && kernelSize.height >= 1 && kernelSize.width >= 1,
                     "ConvTranspose2d: channels and kernel size must be at least 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        let fanIn = outChannels * kernelSize.area
        weight = Parameter(name: "weight", value: PyTorchInit.uniform(
            shape: [inChannels, outChannels, kernelSize.height, kernelSize.width], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(name: "bias", value: PyTorchInit.uniform(shape: [outChannels], fanIn: fanIn, rng: &rng)) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var description: String {
        var text = "ConvTranspose2d(\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        if padding != 0 { text += ", padding=\(padding)" }
        // PyTorch's order: padding, dilation, output_padding.
        if dilation != 1 { text += ", dilation=\(dilation)" }
        if outputPadding != 0 { text += ", output_padding=\(outputPadding)" }
        if bias == nil { text += ", bias=False" }
        return text + ")"
    }

    /// The validated geometry for an input shape [N, inChannels, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> ConvTranspose2dGeometry {
        try requireImageBatch(inputShape, channels: inChannels, layer: "ConvTranspose2d")
        return try ConvTranspose2dGeometry(batch: inputShape[0], inChannels: inChannels, outChannels: outChannels,
                                           input: Size2D(inputShape[2], inputShape[3]), kernel: kernelSize,
                                           stride: stride, padding: padding, outputPadding: outputPadding,
                                           dilation: dilation)
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try geometry(for: inputShape).outputShape
    }

    public func forward(_ input: Tensor) -> Tensor {
        runner.forward(input, weight: weight, bias: bias) { shape in
            validated(self, shape) { (s) throws(ShapeError) in try geometry(for: s) }
        }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, needsInputGradient: true)
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        runner.backward(gradOutput, weight: weight, bias: bias, needsInputGradient: needsInputGradient)
    }
}
