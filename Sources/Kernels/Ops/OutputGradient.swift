import CKernels

/// A squared-error loss that a transposed convolution ending in a sigmoid takes image by image
/// inside its backward pass (`convTranspose2dBackward(..., squaredError:)`), instead of the loss
/// writing its gradient for the whole batch first: per image the layer reads its output y and the
/// target t while they are in cache and writes the gradient before the sigmoid,
/// dz = (g * y) * (1 - y) with g = factor * (y - t), straight into the buffer its windows read
/// (`ck_output_gradient`, `PaddedImage.fillOutputGradient`). g and dz have the bits of the two passes (the loss's gradient,
/// then `sigmoidBackward`); the image's sum of squared errors goes to `imageSums[n]`, and the caller
/// adds those in image order (the same value with any number of threads).
public struct SquaredErrorImages: @unchecked Sendable {
    /// The target, shaped as the layer's output [batch, channels, height, width].
    public let target: UnsafePointer<Float>
    /// g = factor * (y - t): 2 / the loss's divisor.
    public let factor: Float
    /// One per image of the batch: its sum of (y - t)^2 (squares rounded to float, added in double).
    public let imageSums: UnsafeMutablePointer<Double>

    public init(target: UnsafePointer<Float>, factor: Float, imageSums: UnsafeMutablePointer<Double>) {
        self.target = target
        self.factor = factor
        self.imageSums = imageSums
    }
}

extension PaddedImage {
    /// One image's gradient before the convolution's fused `activation` (`ck_output_gradient`),
    /// from its (activated) output `output` and either the upstream gradient `gradient` or, with
    /// `loss` (a sigmoid), the squared error against image `n` of its target, written where this
    /// image's windows read it: into `buffer` (the zero-bordered, possibly column-split copy) or,
    /// for an image read in place (`isUnpadded`), into `planes` (one image, [channels][height][width]),
    /// or, in place with no activation and no loss, not at all (`gradient` is read where it is).
    /// Each plane's sum is added to `sums` (the bias gradient) in the kernel's fixed order.
    /// Returns the image to read.
    func fillOutputGradient(_ buffer: UnsafeMutablePointer<Float>, planes: UnsafeMutablePointer<Float>,
                            output: UnsafePointer<Float>?, gradient: UnsafePointer<Float>?,
                            activation: ConvolutionActivation, loss: SquaredErrorImages?, image n: Int,
                            sums: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        precondition((gradient == nil) != (loss == nil), "fillOutputGradient: give either the gradient or the loss")
        precondition(output != nil || (activation == .none && loss == nil), "fillOutputGradient: the activation needs the output")
        let imageSize = channels * image.area
        let readsGradient = isUnpadded && activation == .none && loss == nil
        let destination: UnsafeMutablePointer<Float>? = readsGradient ? nil : isUnpadded ? planes : buffer + top * padded.width
        let kind: ck_output_activation = switch activation {
        case .none: CK_OUTPUT_NONE
        case .relu: CK_OUTPUT_RELU
        case .sigmoid: CK_OUTPUT_SIGMOID
        }
        var args = ck_output_gradient_args(
            output: output, gradient: gradient, target: loss.map { $0.target + n * imageSize },
            factor: loss?.factor ?? 0, activation: kind, channels: Int32(channels), height: Int32(image.height),
            width: Int32(image.width), dst: destination, dst_plane: isUnpadded ? image.area : plane,
            dst_row_stride: isUnpadded ? image.width : padded.width, left: isUnpadded ? 0 : Int32(left),
            half: splitsColumns ? Int32(oddColumns) : 0, sums: sums)
        let squares = ck_output_gradient(&args)
        loss?.imageSums[n] = squares
        if let gradient, readsGradient { return gradient }
        return UnsafePointer(isUnpadded ? planes : buffer)
    }
}
