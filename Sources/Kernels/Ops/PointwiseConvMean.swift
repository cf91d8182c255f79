import CKernels

/// A 1x1 convolution followed by an average pool over each whole output plane (own network 1's
/// head: `Conv2d(32, 10, 1), AvgPool2d(8)` on 8 x 8 planes) as one pass over the batch on the direct
/// kernels (`CPointwiseMean.h`): the convolution's output and the pooling's input gradient are
/// never written, and no image pays the per-image set-up of the general direct convolution (which
/// took ~0.3 ms forward and ~0.8 ms backward of AVX2 step time for ~10 MFLOP).
/// The values have the bits of `conv2dForward` then `avgPool2dForward` (and of their backward
/// passes) on the same direct kernels: every value is summed in the same order.
/// `PointwiseConvMeanTests` check both.

/// Whether `conv2dPointwiseMeanForward` and `conv2dPointwiseMeanBackward` run for a convolution of
/// geometry `g` on `workspace` followed by an average pooling of geometry `pool`: the direct
/// kernels run, the convolution is 1x1 with stride 1, no padding and dilation 1, the pooling's one
/// window covers each whole plane without padding, the planes' width is a multiple of 8 and there
/// are at most 256 output channels.
public func conv2dPointwiseMeanRuns(_ g: Conv2dGeometry, pool: AvgPool2dGeometry, workspace: Conv2dWorkspace) -> Bool {
    workspace.direct is DirectConv2dPlan && workspace.geometry == g
        && g.kernel == Size2D(1, 1) && g.stride == Size2D(1, 1) && g.padding == Size2D(0, 0) && g.dilation == Size2D(1, 1)
        && pool.inputShape == g.outputShape && pool.output == Size2D(1, 1) && pool.kernel == g.output
        && pool.padding == Size2D(0, 0) && g.output.width % 8 == 0 && g.outChannels <= 256
}

/// Forward of the pair: pooled [N, Cout] (the pooling's output, [N, Cout, 1, 1]) =
/// avgPool2dForward(pool, conv2dForward(g, input, weight, bias)), with the same bits. Requires
/// `conv2dPointwiseMeanRuns(g, pool: pool, workspace: workspace)`. input [N, Cin, H, W],
/// weight [Cout, Cin, 1, 1], bias [Cout] or nil. The backward pass reads `input` again (unchanged).
public func conv2dPointwiseMeanForward(_ g: Conv2dGeometry, pool: AvgPool2dGeometry, input: UnsafePointer<Float>,
                                       weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                       pooled: UnsafeMutablePointer<Float>, workspace: Conv2dWorkspace) {
    guard let plan = pointwisePlan(g, pool: pool, workspace: workspace, "forward") else { return }
    let arranged = plan.buffers.weightForward.pointer
    weightsTapMajor(weight, a: g.outChannels, b: g.inChannels, taps: 1, swapped: true, into: arranged)
    let divisor = Float(pool.window(oy: 0, ox: 0).divisor)
    let inImage = g.inChannels * g.input.area
    KernelThreads.forEachSlice(plan.slices.count) { s in
        let images = plan.slices.images(s)
        var args = pointwiseArguments(g, plan: plan, input: input + images.lowerBound * inImage, images: images.count,
                                      divisor: divisor)
        args.arranged = UnsafePointer(arranged)
        args.bias = bias
        args.pooled = pooled + images.lowerBound * g.outChannels
        ck_pointwise_mean_forward(&args)
    }
}

/// Backward of the pair from gradPooled [N, Cout] (at the pooling's output): the same bits as
/// avgPool2dBackward then conv2dBackward on the direct kernels. gradInput [N, Cin, H, W]
/// (overwritten; skipped when nil), gradWeight [Cout, Cin, 1, 1] and gradBias [Cout] (accumulated).
/// `input` is the forward's input. `inputReader` (with gradInput): given each image's input gradient once written.
public func conv2dPointwiseMeanBackward(_ g: Conv2dGeometry, pool: AvgPool2dGeometry, gradPooled: UnsafePointer<Float>,
                                        input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                        gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                                        gradBias: UnsafeMutablePointer<Float>?, workspace: Conv2dWorkspace,
                                        inputReader: InputGradientReader? = nil) {
    guard let plan = pointwisePlan(g, pool: pool, workspace: workspace, "backward") else { return }
    let divisor = Float(pool.window(oy: 0, ox: 0).divisor)
    let inImage = g.inChannels * g.input.area
    plan.buffers.backward(gradBias: gradBias) { s, partialW, partialB in
        let images = plan.slices.images(s)
        var args = pointwiseArguments(g, plan: plan, input: input + images.lowerBound * inImage, images: images.count,
                                      divisor: divisor)
        args.weight = weight
        args.grad = gradPooled + images.lowerBound * g.outChannels
        args.weight_grad = partialW
        args.bias_grad = gradBias == nil ? nil : partialB
        args.input_grad = gradInput.map { $0 + images.lowerBound * inImage }
        ck_pointwise_mean_backward(&args)
        if let gradInput {
            inputReader?.read(images: images.lowerBound, count: images.count, imageSize: inImage,
                              gradient: gradInput + images.lowerBound * inImage)
        }
    }
    addTapMajorPartials(plan.buffers.partialWeight.pointer, slices: plan.slices.count, a: g.outChannels,
                        b: g.inChannels, taps: 1, swapped: true, into: gradWeight)
}

private func pointwisePlan(_ g: Conv2dGeometry, pool: AvgPool2dGeometry, workspace: Conv2dWorkspace,
                           _ pass: String) -> DirectConv2dPlan? {
    precondition(conv2dPointwiseMeanRuns(g, pool: pool, workspace: workspace),
                 "conv2dPointwiseMean \(pass): not a 1x1 convolution and whole-plane average pool on the direct kernels")
    return workspace.direct as? DirectConv2dPlan
}

private func pointwiseArguments(_ g: Conv2dGeometry, plan: DirectConv2dPlan, input: UnsafePointer<Float>, images: Int,
                                divisor: Float) -> ck_pointwise_mean_args {
    ck_pointwise_mean_args(
        input: input, images: Int32(images), in_channels: Int32(g.inChannels), out_channels: Int32(g.outChannels),
        height: Int32(g.output.height), width: Int32(g.output.width), divisor: divisor, arranged: nil, bias: nil,
        pooled: nil, weight: nil, grad: nil, weight_grad: nil, bias_grad: nil, input_grad: nil, isa: plan.isa)
}
