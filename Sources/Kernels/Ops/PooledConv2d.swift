import CKernels

/// The backward pass of a convolution followed by ReLU and 2x2 max pooling with stride 2 (the
/// course CNN's blocks: Conv2d, ReLU, MaxPool2d(2)), from the pooling's winners only. The
/// gradient at the pooling's output reaches one convolution output per window (the position
/// its forward pass recorded), and only where the pooled value is positive (ReLU's gate), so
/// the convolution's gradients take a quarter of the dense backward's work, and the pooling's
/// scatter and ReLU's mask are never run. `PooledConv2dReference.swift` holds the plain loops
/// it must equal; the arithmetic is `ck_pooled_conv_backward` (CKernels/PooledConv.c).

/// What the fused backward reads of the pooling after the convolution (run by
/// `maxPool2dForward(..., applyingReLU: true)` on the convolution's output).
public struct PooledWinners {
    public let geometry: MaxPool2dGeometry
    /// The gradient at the pooling's output [N, C, PH, PW].
    public let gradient: UnsafePointer<Float>
    /// The pooling's output (ReLU applied) and its argmax (flat indices into the convolution's output).
    public let pooled: UnsafePointer<Float>
    public let argmax: UnsafePointer<Int32>

    public init(geometry: MaxPool2dGeometry, gradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>,
                argmax: UnsafePointer<Int32>) {
        self.geometry = geometry
        self.gradient = gradient
        self.pooled = pooled
        self.argmax = argmax
    }
}

extension Conv2dGeometry {
    /// Whether `conv2dBackwardThroughReLUAndPooling` runs for this convolution followed by ReLU and
    /// a pooling of geometry `pool` with these kernels: 2x2 windows with stride 2 inside the
    /// convolution's output (an odd last row or column belongs to no window), no dilation, the
    /// direct kernels, at most 256 pooled columns.
    public func runsPooledBackward(pool: MaxPool2dGeometry, kernels: ConvolutionKernels = DirectConvolution.active) -> Bool {
        kernels.runsDirect && fitsPooledBackward(pool: pool)
    }

    /// The shapes `runsPooledBackward` asks for, whatever the kernels.
    func fitsPooledBackward(pool: MaxPool2dGeometry) -> Bool {
        dilation == 1 && pool.isPlainTwoByTwo && pool.input == output && pool.channels == outChannels
            && pool.batch == batch && pool.output.width <= 256
    }
}

/// Backward of `conv2dForward` followed by ReLU and 2x2 max pooling (see `runsPooledBackward`),
/// from the gradient at the pooling's output: gradInput [N, Cin, H, W] (overwritten; skipped
/// when nil), gradWeight and gradBias (accumulated, as PyTorch's .grad). `input` is the
/// forward's input. Returns false, doing nothing, when `runsPooledBackward` is false for the
/// workspace's kernels or after a forward pass given its input image by image (`ImageInput`): the
/// caller then runs the pooling's, ReLU's and the convolution's backward passes.
@discardableResult
public func conv2dBackwardThroughReLUAndPooling(_ g: Conv2dGeometry, winners: PooledWinners, input: UnsafePointer<Float>,
                                                weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                                gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                                                workspace ws: Conv2dWorkspace) -> Bool {
    // An input given image by image (`ImageInput`) is read only by the plan's own backward pass.
    guard let plan = ws.direct as? DirectConv2dPlan, ws.inputImages == nil, g.fitsPooledBackward(pool: winners.geometry) else {
        return false
    }
    precondition(ws.geometry == g, "Conv2d pooled backward: the workspace was sized for another geometry")
    plan.pooled.backward(plan, winners: winners, input: input, weight: weight, gradInput: gradInput,
                         gradWeight: gradWeight, gradBias: gradBias)
    return true
}

/// The buffers of the pooled backward for one convolution: per slice a channels-last,
/// zero-bordered copy of an input image and its gradient, and the partial weight and bias
/// gradients; the filters channels-last. Allocated when first used.
final class PooledConvBuffers: @unchecked Sendable {
    /// Bordered rows and columns, floats per bordered row and per image (with 16 floats of slack:
    /// the kernel reads whole vectors past a window row's end).
    let rows: Int, cols: Int, rowStride: Int, image: Int
    let input: FloatBuffer
    let gradInput: FloatBuffer
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer
    /// weight[c][ky][kx * Cin + ci]
    let weight: FloatBuffer

    init(_ g: Conv2dGeometry, slices: Int) {
        rows = g.input.height + 2 * g.padding.height
        cols = g.input.width + 2 * g.padding.width
        rowStride = cols * g.inChannels
        image = rows * rowStride + 16
        input = FloatBuffer(count: slices * image)
        gradInput = FloatBuffer(count: slices * image)
        partialWeight = FloatBuffer(count: slices * g.weightCount)
        partialBias = FloatBuffer(count: slices * g.outChannels)
        weight = FloatBuffer(count: g.weightCount)
    }

    func backward(_ plan: DirectConv2dPlan, winners w: PooledWinners, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                  gradBias: UnsafeMutablePointer<Float>?) {
        let g = plan.geometry, isa = plan.isa, slices = plan.slices
        let cin = g.inChannels, cout = g.outChannels, kh = g.kernel.height, kw = g.kernel.width
        let patchWidth = kw * cin, taps = kh * kw
        if gradInput != nil { weightChannelsLast(weight, outs: cout, ins: cin, taps: taps, into: self.weight.pointer) }
        let inImage = cin * g.input.area, convPlane = g.output.area
        let cells = w.geometry.output.area, interior = g.padding.height * rowStride + g.padding.width * cin
        KernelThreads.forEachSlice(slices.count) { s in
            let x = self.input.pointer + s * image, dx = self.gradInput.pointer + s * image
            let partialW = partialWeight.pointer + s * g.weightCount, partialB = partialBias.pointer + s * cout
            partialW.update(repeating: 0, count: g.weightCount)
            partialB.update(repeating: 0, count: cout)
            for n in slices.images(s) {
                ck_planes_to_channels_last(isa, input + n * inImage, Int32(cin), Int32(g.input.height), Int32(g.input.width),
                                           x + interior, rowStride, cin)
                if gradInput != nil { dx.update(repeating: 0, count: image) }
                let first = n * cout * cells
                var args = ck_pooled_conv_args(
                    input: x, in_row_stride: rowStride, out_row_step: g.stride.height * rowStride,
                    out_col_step: g.stride.width * cin, patch_rows: Int32(kh), patch_width: Int32(patchWidth),
                    grad: w.gradient + first, pooled: w.pooled + first, argmax: w.argmax + first,
                    argmax_origin: n * cout * convPlane, conv_plane: convPlane, conv_cols: Int32(g.output.width),
                    channels: Int32(cout), pooled_rows: Int32(w.geometry.output.height),
                    pooled_cols: Int32(w.geometry.output.width), weight_grad: partialW,
                    bias_grad: gradBias == nil ? nil : partialB, weight: self.weight.pointer,
                    input_grad: gradInput == nil ? nil : dx, isa: isa)
                ck_pooled_conv_backward(&args)
                if let gradInput {
                    ck_channels_last_to_planes(isa, dx + interior, rowStride, cin, Int32(cin), Int32(g.input.height),
                                               Int32(g.input.width), gradInput + n * inImage)
                }
            }
        }
        // gradWeight[co][ci][t] += the slices' partial[co][t * Cin + ci], in slice order.
        let part = partialWeight.pointer
        for co in 0..<cout {
            for ci in 0..<cin {
                for t in 0..<taps {
                    var sum = gradWeight[(co * cin + ci) * taps + t]
                    for s in 0..<slices.count { sum += part[s * g.weightCount + (co * taps + t) * cin + ci] }
                    gradWeight[(co * cin + ci) * taps + t] = sum
                }
            }
        }
        if let gradBias { addPartialGradients(partialBias.pointer, slices: slices.count, count: cout, into: gradBias) }
    }
}

/// dst[co][t * ins + ci] = src[co][ci][t]: PyTorch's filters, channels-last.
func weightChannelsLast(_ src: UnsafePointer<Float>, outs: Int, ins: Int, taps: Int, into dst: UnsafeMutablePointer<Float>) {
    for co in 0..<outs {
        for ci in 0..<ins {
            for t in 0..<taps { dst[(co * taps + t) * ins + ci] = src[(co * ins + ci) * taps + t] }
        }
    }
}
