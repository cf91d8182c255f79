import CKernels
import Foundation

/// Fast 2-D batch normalisation, as PyTorch's `batch_norm` over [N, C, H, W]: each channel's
/// values are normalised with a mean and variance, then scaled by `weight` and shifted by `bias`
/// (both optional: `affine=False`). Channels are split across the kernel threads, each channel's
/// sums taken whole by one thread (same bits on 1 thread or 2); sums are Float eight lanes wide
/// within a plane and Double across planes. The loops are C (CKernels/BatchNorm.c: AVX2 where
/// the CPU has it, the same bits on any CPU). `BatchNorm2dReference.swift` holds the plain loops.
/// The forward and backward passes take parts of whole images instead (the statistics and the
/// channels' terms between passes are taken once, serially, in image order): the same bits.
///
/// Training uses the batch's mean and biased variance and returns them (for backward and for the
/// running statistics); eval uses the running statistics.

/// The sizes of a batch-normalised tensor: [batch, channels, spatial] with spatial = H * W.
public struct BatchNorm2dShape: Sendable, Equatable {
    public let batch: Int
    public let channels: Int
    public let spatial: Int

    public init(batch: Int, channels: Int, spatial: Int) {
        self.batch = batch
        self.channels = channels
        self.spatial = spatial
    }

    /// From an NCHW shape.
    public init(_ shape: [Int]) {
        precondition(shape.count == 4, "BatchNorm2dShape: expects [N, C, H, W], got \(shape)")
        self.init(batch: shape[0], channels: shape[1], spatial: shape[2] * shape[3])
    }

    /// Values per channel: N * H * W.
    public var perChannel: Int { batch * spatial }
    /// Values per image: C * H * W.
    public var imageSize: Int { channels * spatial }
    public var count: Int { batch * channels * spatial }
}

/// What a fused batch norm applies to its output.
public enum BatchNormActivation: Sendable {
    case none
    /// As `reluForward`.
    case relu
    /// As `leakyReLUForward` with the slope passed beside it.
    case leakyReLU

    var code: Int32 {
        switch self {
        case .none: 0
        case .relu: 1
        case .leakyReLU: 2
        }
    }
}

/// Training forward. Writes output [N, C, H, W], and per channel the batch mean and
/// 1 / sqrt(biased variance + eps) (`saveInvStd`, kept for backward) and the biased variance.
public func batchNorm2dForwardTraining(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                       output: UnsafeMutablePointer<Float>, saveMean: UnsafeMutablePointer<Float>,
                                       saveInvStd: UnsafeMutablePointer<Float>, batchVariance: UnsafeMutablePointer<Float>) {
    batchNorm2dForwardTraining(s, input: input, weight: weight, bias: bias, eps: eps, output: output, saveMean: saveMean,
                               saveInvStd: saveInvStd, batchVariance: batchVariance, activation: .none, slope: 0)
}

/// `batchNorm2dForwardTraining` with an activation applied to the output in the same pass (a fused
/// BatchNorm2d + ReLU or LeakyReLU of `slope`), the same bits as the two layers one after the other.
public func batchNorm2dForwardTraining(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                       output: UnsafeMutablePointer<Float>, saveMean: UnsafeMutablePointer<Float>,
                                       saveInvStd: UnsafeMutablePointer<Float>, batchVariance: UnsafeMutablePointer<Float>,
                                       activation: BatchNormActivation, slope: Float, moments: UnsafePointer<Float>? = nil) {
    withChannelFloats(2 * s.channels) { terms in
        let scale = terms, shift = terms + s.channels
        batchNorm2dStatisticsTraining(s, input: input, weight: weight, bias: bias, eps: eps, saveMean: saveMean,
                                      saveInvStd: saveInvStd, batchVariance: batchVariance, scale: scale, shift: shift,
                                      moments: moments)
        applyByImageParts(s, isa: DirectConvolution.active.isa, input: input, output: output, scale: scale, shift: shift,
                          activation: activation, slope: slope)
    }
}

/// The training forward in two halves, for a convolution after the batch norm that takes its input
/// image by image (`ImageInput`), so that the output is never written for the whole batch. First
/// the statistics over the whole batch (as `batchNorm2dForwardTraining`: mean, invStd, variance)
/// and per channel the `scale` and `shift` the output is made with.
public func batchNorm2dStatisticsTraining(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                          weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                          saveMean: UnsafeMutablePointer<Float>, saveInvStd: UnsafeMutablePointer<Float>,
                                          batchVariance: UnsafeMutablePointer<Float>, scale: UnsafeMutablePointer<Float>,
                                          shift: UnsafeMutablePointer<Float>, moments: UnsafePointer<Float>? = nil) {
    withPlaneMoments(s, input: input, given: moments) { moments in
        ck_batch_norm_statistics(DirectConvolution.active.isa, s.batch, s.channels, s.spatial, weight, bias, eps, nil, nil,
                                 moments, saveMean, saveInvStd, batchVariance, scale, shift)
    }
}

/// Then image `image`'s output ([C, H, W] into `output`) on the calling thread: activation(x * scale
/// + shift), the bits of `batchNorm2dForwardTraining`'s output for that image. `input`: the whole batch's.
public func batchNorm2dApplyImage(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, image: Int,
                                  scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                  activation: BatchNormActivation, slope: Float, output: UnsafeMutablePointer<Float>) {
    ck_batch_norm_apply(DirectConvolution.active.isa, input + image * s.imageSize, output, 1, s.channels, s.spatial,
                        scale, shift, activation.code, slope)
}

/// What the training forward's statistics take from each of `planes` planes of `spatial` values:
/// moments[3 p ..< 3 p + 3] (`ck_batch_norm_plane_moments`). A layer writing a batch norm's input
/// takes them per image while it is in the cache; passed as `moments:` they spare the batch norm a
/// read of its input (the same bits).
public func batchNorm2dPlaneMoments(_ x: UnsafePointer<Float>, planes: Int, spatial: Int, into moments: UnsafeMutablePointer<Float>) {
    ck_batch_norm_plane_moments(DirectConvolution.active.isa, x, planes, spatial, moments)
}

/// Eval forward with the running statistics: y = (x - mean) / sqrt(var + eps) * weight + bias.
public func batchNorm2dForwardEval(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                   runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>, eps: Float,
                                   output: UnsafeMutablePointer<Float>) {
    batchNorm2dForwardEval(s, input: input, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                           eps: eps, output: output, activation: .none, slope: 0)
}

/// `batchNorm2dForwardEval` with an activation in the same pass (as the training form).
public func batchNorm2dForwardEval(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                   runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>, eps: Float,
                                   output: UnsafeMutablePointer<Float>, activation: BatchNormActivation, slope: Float) {
    let isa = DirectConvolution.active.isa
    // The mean and invstd the statistics report are not needed here (the layer keeps its own).
    withChannelFloats(4 * s.channels) { terms in
        let scale = terms, shift = terms + s.channels, mean = terms + 2 * s.channels, invStd = terms + 3 * s.channels
        ck_batch_norm_statistics(isa, s.batch, s.channels, s.spatial, weight, bias, eps, runningMean, runningVar, nil,
                                 mean, invStd, nil, scale, shift)
        applyByImageParts(s, isa: isa, input: input, output: output, scale: scale, shift: shift,
                          activation: activation, slope: slope)
    }
}

/// Moves the running statistics towards the batch's, as PyTorch: by `momentum`, with the
/// unbiased variance (biased * M / (M - 1), M = N * H * W values per channel).
public func batchNorm2dUpdateRunningStatistics(_ s: BatchNorm2dShape, batchMean: UnsafePointer<Float>,
                                               batchVariance: UnsafePointer<Float>, momentum: Float,
                                               runningMean: UnsafeMutablePointer<Float>,
                                               runningVar: UnsafeMutablePointer<Float>) {
    let m = s.perChannel
    let correction = m > 1 ? Float(m) / Float(m - 1) : 1
    for c in 0..<s.channels {
        runningMean[c] = (1 - momentum) * runningMean[c] + momentum * batchMean[c]
        runningVar[c] = (1 - momentum) * runningVar[c] + momentum * batchVariance[c] * correction
    }
}

/// Backward. `mean` and `invStd` are the statistics the forward pass used (the batch's in
/// training, the running ones in eval). In training the input gradient carries the terms of the
/// batch statistics: dx = w * invStd / M * (M dy - sum dy - xhat sum(dy xhat)); in eval
/// dx = w * invStd * dy. Parameter gradients (added to): dweight = sum dy xhat, dbias = sum dy.
public func batchNorm2dBackward(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                training: Bool, gradInput: UnsafeMutablePointer<Float>?,
                                gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?) {
    batchNorm2dBackward(s, input: input, gradOutput: gradOutput, weight: weight, mean: mean, invStd: invStd,
                        training: training, activation: .none, slope: 0, bias: nil,
                        gradInput: gradInput, gradWeight: gradWeight, gradBias: gradBias)
}

/// The backward pass of a fused batch norm + activation (`batchNorm2dForwardTraining(...,
/// activation:slope:)`): `gradOutput` is the gradient of the activation's output, `bias` the
/// forward's (nil without affine); the same bits as the activation's backward followed by
/// `batchNorm2dBackward`. Where the activation's input was positive is recomputed from the input,
/// weight, bias, mean and invStd exactly as the forward computed it (the output is not read).
/// LeakyReLU needs slope >= 0 (then its output > 0 exactly where its input was).
/// `sums`: every plane's gradient sums when the layer that wrote `gradOutput` took them
/// (`batchNorm2dImageGradientSums`, the same bits); nil: taken here.
public func batchNorm2dBackward(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                training: Bool, activation: BatchNormActivation, slope: Float, bias: UnsafePointer<Float>?,
                                gradInput: UnsafeMutablePointer<Float>?,
                                gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
                                sums: UnsafePointer<Float>? = nil) {
    let isa = DirectConvolution.active.isa
    // The planes' sums, then the channels' terms from all of them in image order, then dx by
    // parts of whole images.
    withChannelFloats(batchNormTermsPerChannel * s.channels) { terms in
        batchNorm2dGradientGate(s, weight: weight, bias: bias, mean: mean, invStd: invStd, terms: terms)
        batchNorm2dGradientTerms(s, input: input, gradOutput: gradOutput, weight: weight, mean: mean, invStd: invStd,
                                 activation: activation, slope: slope, sums: sums, gradWeight: gradWeight,
                                 gradBias: gradBias, terms: terms)
        guard let gradInput else { return }
        forEachImageRange(s) { images in
            let offset = images.lowerBound * s.imageSize
            ck_batch_norm_gradient_input(isa, input + offset, gradOutput + offset, gradInput + offset, images.count,
                                         s.channels, s.spatial, mean, invStd, terms, training ? 1 : 0,
                                         activation.code, slope)
        }
    }
}

// MARK: - The backward pass in parts (image by image)
// For the layers around a batch norm (+ activation) that give or take its gradients image by
// image (`Sequential`): the layer writing `gradOutput` takes each image's plane sums while the
// image is in cache (`batchNorm2dImageGradientSums`, the mirror of the forward's plane moments),
// and a convolution before the batch norm takes each image's input gradient into its own buffer
// (`batchNorm2dImageInputGradient`), so that it is never written for the whole batch. Between
// them, `batchNorm2dGradientTerms` sums all planes in image order: the bits of `batchNorm2dBackward`.

/// Floats per channel of the backward pass's terms (`batchNorm2dGradientGate`, `batchNorm2dGradientTerms`).
public let batchNormTermsPerChannel = 5

/// Floats per plane (image and channel) of the backward pass's gradient sums.
public let batchNormSumsPerPlane = 2

/// First: the part of `terms` (`batchNormTermsPerChannel` floats a channel) that the gradient sums
/// need, the forward's scale and shift for the activation's gate (`bias`: the forward's).
public func batchNorm2dGradientGate(_ s: BatchNorm2dShape, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
                                    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                    terms: UnsafeMutablePointer<Float>) {
    ck_batch_norm_gradient_gate(s.channels, weight, bias, mean, invStd, terms)
}

/// Image `image`'s plane sums (sum g, sum g (x - mean), g = its `gradient` passed back through
/// the activation) into `sums` (`batchNormSumsPerPlane` floats a plane, the whole batch's), on the
/// calling thread. `input`: the whole batch's; `gradient`: that image's [C, H, W]; `terms` after
/// `batchNorm2dGradientGate`. Any thread may take any image's: each plane's sums are its own.
public func batchNorm2dImageGradientSums(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, image: Int,
                                         gradient: UnsafePointer<Float>, mean: UnsafePointer<Float>,
                                         terms: UnsafePointer<Float>, activation: BatchNormActivation, slope: Float,
                                         sums: UnsafeMutablePointer<Float>) {
    ck_batch_norm_gradient_sums(DirectConvolution.active.isa, input + image * s.imageSize, gradient, 1, s.channels,
                                s.spatial, mean, terms, activation.code, slope,
                                sums + batchNormSumsPerPlane * image * s.channels)
}

/// Then, from every plane's sums (`sums`, or nil: taken here from `gradOutput` by parts of whole
/// images), the parameter gradients (added to; each may be nil) and the rest of `terms`.
public func batchNorm2dGradientTerms(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                                     weight: UnsafePointer<Float>?, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                     activation: BatchNormActivation, slope: Float, sums given: UnsafePointer<Float>?,
                                     gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
                                     terms: UnsafeMutablePointer<Float>) {
    let isa = DirectConvolution.active.isa
    func finish(_ sums: UnsafePointer<Float>) {
        ck_batch_norm_gradient_terms(sums, s.batch, s.channels, s.spatial, weight, invStd, gradWeight, gradBias, terms)
    }
    if let given { return finish(given) }
    withChannelFloats(batchNormSumsPerPlane * s.batch * s.channels) { sums in
        forEachImageRange(s) { images in
            let offset = images.lowerBound * s.imageSize
            ck_batch_norm_gradient_sums(isa, input + offset, gradOutput + offset, images.count, s.channels, s.spatial,
                                        mean, terms, activation.code, slope,
                                        sums + batchNormSumsPerPlane * images.lowerBound * s.channels)
        }
        finish(UnsafePointer(sums))
    }
}

/// Last: image `image`'s input gradient ([C, H, W] into `gradInput`) on the calling thread, the
/// bits of `batchNorm2dBackward`'s for that image. `input`, `gradOutput`: the whole batch's.
public func batchNorm2dImageInputGradient(_ s: BatchNorm2dShape, input: UnsafePointer<Float>,
                                          gradOutput: UnsafePointer<Float>, image: Int,
                                          mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, training: Bool,
                                          activation: BatchNormActivation, slope: Float, terms: UnsafePointer<Float>,
                                          gradInput: UnsafeMutablePointer<Float>) {
    let offset = image * s.imageSize
    ck_batch_norm_gradient_input(DirectConvolution.active.isa, input + offset, gradOutput + offset, gradInput, 1,
                                 s.channels, s.spatial, mean, invStd, terms, training ? 1 : 0, activation.code, slope)
}

/// Batch norm, ReLU and 2x2 max pooling with stride 2 whose windows tile the input (height and
/// width even), as Sequential runs `BatchNorm2d, ReLU, MaxPool2d(2)`: `pooled` [N, C, H/2, W/2]
/// and `argmax` get the bits `maxPool2dForward(..., applyingReLU: true)` gives for the batch norm's
/// output, which is never written (one pass over the input after the statistics, instead of a
/// pass writing the output and the pooling's pass reading it). Training (`runningMean` nil) writes
/// the batch's statistics as `batchNorm2dForwardTraining`; eval uses the running ones.
public func batchNorm2dReLUMaxPool2x2Forward(_ s: BatchNorm2dShape, height: Int, width: Int, input: UnsafePointer<Float>,
                                             weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, eps: Float,
                                             runningMean: UnsafePointer<Float>?, runningVar: UnsafePointer<Float>?,
                                             pooled: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                                             saveMean: UnsafeMutablePointer<Float>, saveInvStd: UnsafeMutablePointer<Float>,
                                             batchVariance: UnsafeMutablePointer<Float>, moments: UnsafePointer<Float>? = nil) {
    precondition(height * width == s.spatial && height % 2 == 0 && width % 2 == 0,
                 "batchNorm2dReLUMaxPool2x2Forward: the windows must tile \(height)x\(width) planes")
    precondition((runningMean == nil) == (runningVar == nil), "batchNorm2dReLUMaxPool2x2Forward: both running statistics or neither")
    let isa = DirectConvolution.active.isa
    forEachChannelRange(s) { channels in
        ck_batch_norm_relu_pool_forward(isa, input, s.batch, s.channels, height, width, channels.lowerBound, channels.upperBound,
                                        weight, bias, eps, runningMean, runningVar, pooled, argmax,
                                        saveMean, saveInvStd, batchVariance, moments)
    }
}

/// The backward pass of `batchNorm2dReLUMaxPool2x2Forward` from the gradient of the pooled output:
/// the bits of `maxPool2dBackward(..., reluFused: true)` followed by `batchNorm2dBackward`, without
/// the full-size gradient between them being written (each plane of it is built in a small buffer).
public func batchNorm2dReLUMaxPool2x2Backward(_ s: BatchNorm2dShape, height: Int, width: Int, input: UnsafePointer<Float>,
                                              pooledGradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>,
                                              argmax: UnsafePointer<Int32>, weight: UnsafePointer<Float>?,
                                              mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, training: Bool,
                                              gradInput: UnsafeMutablePointer<Float>?,
                                              gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?) {
    precondition(height * width == s.spatial && height % 2 == 0 && width % 2 == 0,
                 "batchNorm2dReLUMaxPool2x2Backward: the windows must tile \(height)x\(width) planes")
    let isa = DirectConvolution.active.isa
    forEachChannelRange(s) { channels in
        let status = ck_batch_norm_relu_pool_backward(isa, input, pooledGradient, pooled, argmax, s.batch,
                                                      s.channels, height, width, channels.lowerBound, channels.upperBound,
                                                      weight, mean, invStd, training ? 1 : 0, gradInput, gradWeight, gradBias)
        precondition(status == 0, "batchNorm2dReLUMaxPool2x2Backward: out of memory for one \(height)x\(width) plane")
    }
}

/// Floats per channel that `batchNorm2dReLUMaxPool2x2BackwardSums` writes for the input gradient.
public let batchNormPooledCoefficientsPerChannel = 3

/// `batchNorm2dReLUMaxPool2x2Backward` in two halves, for a convolution before the batch norm
/// that takes its output gradient image by image (`ImageGradient`), so that it is never written
/// for the whole batch. First the sums over the batch: the parameter gradients (added to), and in
/// `coefficients` (`batchNormPooledCoefficientsPerChannel` floats a channel) what the input
/// gradient needs.
public func batchNorm2dReLUMaxPool2x2BackwardSums(_ s: BatchNorm2dShape, height: Int, width: Int, input: UnsafePointer<Float>,
                                                  pooledGradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>,
                                                  argmax: UnsafePointer<Int32>, weight: UnsafePointer<Float>?,
                                                  mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                                                  gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
                                                  coefficients: UnsafeMutablePointer<Float>) {
    precondition(height * width == s.spatial && height % 2 == 0 && width % 2 == 0,
                 "batchNorm2dReLUMaxPool2x2BackwardSums: the windows must tile \(height)x\(width) planes")
    let isa = DirectConvolution.active.isa
    forEachChannelRange(s) { channels in
        let status = ck_batch_norm_relu_pool_backward_sums(isa, input, pooledGradient, pooled, argmax, s.batch, s.channels,
                                                           height, width, channels.lowerBound, channels.upperBound,
                                                           weight, mean, invStd, gradWeight, gradBias, coefficients)
        precondition(status == 0, "batchNorm2dReLUMaxPool2x2BackwardSums: out of memory for one \(height)x\(width) plane")
    }
}

/// Then image `image`'s input gradient ([C, H, W] into `gradInput`), on the calling thread: the
/// bits of `batchNorm2dReLUMaxPool2x2Backward`'s for that image. `pooled`, `argmax`: the forward's
/// (the whole batch's, as `pooledGradient`).
public func batchNorm2dReLUMaxPool2x2InputGradient(_ s: BatchNorm2dShape, height: Int, width: Int, input: UnsafePointer<Float>,
                                                   pooledGradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>,
                                                   argmax: UnsafePointer<Int32>, image: Int,
                                                   mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, training: Bool,
                                                   coefficients: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>) {
    ck_batch_norm_relu_pool_input_gradient(DirectConvolution.active.isa, input, pooledGradient, pooled, argmax, image,
                                           s.channels, height, width,
                                           0, s.channels, mean, invStd, training ? 1 : 0, coefficients, gradInput)
}

// MARK: - Pieces

/// Runs `body(channels)` for parts of the channels, split across the kernel threads when the
/// tensor is large enough to pay for waking them (each channel's sums are taken whole by one
/// thread: the same bits on 1 thread or 2).
@inline(__always)
private func forEachChannelRange(_ s: BatchNorm2dShape, _ body: (Range<Int>) -> Void) {
    let parts = s.count >= 65_536 ? FixedParts(total: s.channels, minimumPartSize: 1) : FixedParts(total: s.channels, minimumPartSize: s.channels)
    KernelThreads.forEachPart(parts) { _, channels in body(channels) }
}

/// Runs `body(images)` for parts of the batch (whole images: one run of memory each) on the kernel
/// threads when the tensor is large enough to pay for waking them. Passes cut this way never sum
/// across images, so the cut does not change a bit. Up to 16 parts (8 images of a batch of 128):
/// a thread's home block (`SlicePool`) is then the same images as in the convolutions' 4 slices
/// (their data in its core's cache), and a thread that runs slower or starts late has the last
/// parts of its block taken over at a fine grain instead of a quarter of the batch.
@inline(__always)
private func forEachImageRange(_ s: BatchNorm2dShape, _ body: (Range<Int>) -> Void) {
    let parts = s.count >= 65_536 ? FixedParts(total: s.batch, minimumPartSize: 1, maximumParts: 16)
        : FixedParts(total: s.batch, minimumPartSize: s.batch)
    KernelThreads.forEachPart(parts) { _, images in body(images) }
}

/// output = activation(input * scale[c] + shift[c]) for every plane, by parts of whole images (the
/// training and eval forwards share it; only their scale and shift differ).
private func applyByImageParts(_ s: BatchNorm2dShape, isa: ck_isa, input: UnsafePointer<Float>,
                               output: UnsafeMutablePointer<Float>, scale: UnsafePointer<Float>,
                               shift: UnsafePointer<Float>, activation: BatchNormActivation, slope: Float) {
    forEachImageRange(s) { images in
        let offset = images.lowerBound * s.imageSize
        ck_batch_norm_apply(isa, input + offset, output + offset, images.count, s.channels, s.spatial,
                            scale, shift, activation.code, slope)
    }
}

/// `body` with `count` floats of scratch (per-channel terms, per-plane sums).
@inline(__always)
private func withChannelFloats<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(count, 1)) { body($0.baseAddress!) }
}

/// `body` with every plane's moments (`batchNorm2dPlaneMoments`): `given`, or taken here from
/// `input` by parts of whole images on the kernel threads.
private func withPlaneMoments<R>(_ s: BatchNorm2dShape, input: UnsafePointer<Float>, given: UnsafePointer<Float>?,
                                 _ body: (UnsafePointer<Float>) -> R) -> R {
    if let given { return body(given) }
    return withChannelFloats(3 * s.batch * s.channels) { moments in
        forEachImageRange(s) { images in
            batchNorm2dPlaneMoments(input + images.lowerBound * s.imageSize, planes: images.count * s.channels,
                                    spatial: s.spatial, into: moments + 3 * images.lowerBound * s.channels)
        }
        return body(UnsafePointer(moments))
    }
}
