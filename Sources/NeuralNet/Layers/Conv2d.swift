/// 2-D convolution over a batch of images, as PyTorch's `nn.Conv2d` (groups = 1).
///
/// weight [outChannels, inChannels, kH, kW], bias [outChannels]; initialised like PyTorch:
/// both uniform in ±1/sqrt(inChannels * kH * kW).
///
///     var rng = SeededRandom(seed: 1)
///     let conv = Conv2d(3, 8, kernelSize: 5, rng: &rng)   // Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))
public final class Conv2d: Layer, @unchecked Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    public let weight: Parameter
    public let bias: Parameter?

    /// Buffers and the last input between the passes.
    private let runner = ConvolutionRunner<Conv2dKind>()

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1,
                padding: Size2D = 0, dilation: Size2D = 1, bias: Bool = true, rng: inout SeededRandom) {
        precondition(inChannels >= 1 && outChannels >= 1 && kernelSize.height >= 1 && kernelSize.width >= 1,
                     "Conv2d: channels and kernel size must be at least 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        let fanIn = inChannels * kernelSize.area
        weight = Parameter(name: "weight", value: PyTorchInit.uniform(
            shape: [outChannels, inChannels, kernelSize.height, kernelSize.width], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(name: "bias", value: PyTorchInit.uniform(shape: [outChannels], fanIn: fanIn, rng: &rng)) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var description: String {
        var text = "Conv2d(\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        if padding != 0 { text += ", padding=\(padding)" }
        if dilation != 1 { text += ", dilation=\(dilation)" }
        if bias == nil { text += ", bias=False" }
        return text + ")"
    }

    /// The validated geometry for an input shape [N, inChannels, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> Conv2dGeometry {
        try requireImageBatch(inputShape, channels: inChannels, layer: "Conv2d")
        return try Conv2dGeometry(batch: inputShape[0], inChannels: inChannels, outChannels: outChannels,
                                  input: Size2D(inputShape[2], inputShape[3]), kernel: kernelSize,
                                  stride: stride, padding: padding, dilation: dilation)
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
