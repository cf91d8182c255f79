/// 2-D transposed convolution over a batch of images, as PyTorch's `nn.ConvTranspose2d` (groups = 1).
///
/// weight [inChannels, outChannels, kH, kW] (PyTorch's order), bias [outChannels]; initialised
/// like PyTorch, whose fan-in for this weight is its dimension 1 times the kernel area:
/// uniform in ±1/sqrt(outChannels * kH * kW). Settings, parameters and passes are the shared
/// `ConvolutionLayer`'s.
public final class ConvTranspose2d: ConvolutionLayer, @unchecked Sendable {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1,
                padding: Size2D = 0, outputPadding: Size2D = 0, dilation: Size2D = 1, bias: Bool = true,
                rng: inout SeededRandom) {
        super.init(ConvTranspose2dKind.self, settings: ConvolutionSettings(
            inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
            padding: padding, dilation: dilation, outputPadding: outputPadding), bias: bias, rng: &rng)
    }

    public var outputPadding: Size2D { settings.outputPadding }

    /// The validated geometry for an input shape [N, inChannels, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> ConvTranspose2dGeometry {
        try ConvTranspose2dKind.geometry(settings, inputShape: inputShape)
    }
}
