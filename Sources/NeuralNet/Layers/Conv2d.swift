/// 2-D convolution over a batch of images, as PyTorch's `nn.Conv2d` (groups = 1).
///
/// weight [outChannels, inChannels, kH, kW], bias [outChannels]; initialised like PyTorch:
/// both uniform in ±1/sqrt(inChannels * kH * kW). Settings, parameters and passes are the
/// shared `ConvolutionLayer`'s.
///
///     var rng = SeededRandom(seed: 1)
///     let conv = Conv2d(3, 8, kernelSize: 5, rng: &rng)   // Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))
public final class Conv2d: ConvolutionLayer, @unchecked Sendable {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Size2D, stride: Size2D = 1,
                padding: Size2D = 0, dilation: Size2D = 1, bias: Bool = true, rng: inout SeededRandom) {
        super.init(Conv2dKind.self, settings: ConvolutionSettings(
            inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride,
            padding: padding, dilation: dilation, outputPadding: 0), bias: bias, rng: &rng)
    }

    /// The validated geometry for an input shape [N, inChannels, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> Conv2dGeometry {
        try Conv2dKind.geometry(settings, inputShape: inputShape)
    }
}
