/// The layer a spec describes, with PyTorch's default initialisation.
extension LayerSpec {
    /// Builds the layer; weights are drawn from `rng` in PyTorch's order (weight, then bias), so
    /// a text of the course CNN gives the weights of `CourseModels.cnn(seed:)`. Dropout draws its
    /// masks from `dropoutSeed`.
    public func makeLayer(rng: inout SeededRandom, dropoutSeed: UInt64) -> any Layer {
        switch kind {
        case .conv2d:
            return Conv2d(count("in_channels"), count("out_channels"), kernelSize: size("kernel_size"), stride: size("stride"),
                          padding: size("padding"), dilation: size("dilation"), bias: flag("bias"), rng: &rng)
        case .convTranspose2d:
            return ConvTranspose2d(count("in_channels"), count("out_channels"), kernelSize: size("kernel_size"),
                                   stride: size("stride"), padding: size("padding"), outputPadding: size("output_padding"),
                                   dilation: size("dilation"), bias: flag("bias"), rng: &rng)
        case .maxPool2d:
            return MaxPool2d(kernelSize: size("kernel_size"), stride: size("stride"), padding: size("padding"),
                             dilation: size("dilation"), ceilMode: flag("ceil_mode"))
        case .avgPool2d:
            return AvgPool2d(kernelSize: size("kernel_size"), stride: size("stride"), padding: size("padding"),
                             ceilMode: flag("ceil_mode"), countIncludePad: flag("count_include_pad"))
        case .batchNorm2d:
            return BatchNorm2d(count("num_features"), eps: Float(number("eps")), momentum: Float(number("momentum")),
                               affine: flag("affine"))
        case .dropout:
            return Dropout(p: Float(number("p")), seed: dropoutSeed)
        case .relu:
            return ReLU()
        case .leakyReLU:
            return LeakyReLU(negativeSlope: Float(number("negative_slope")))
        case .sigmoid:
            return Sigmoid()
        case .tanh:
            return Tanh()
        case .flatten:
            return Flatten()
        case .linear:
            return Linear(count("in_features"), count("out_features"), bias: flag("bias"), rng: &rng)
        }
    }
}
