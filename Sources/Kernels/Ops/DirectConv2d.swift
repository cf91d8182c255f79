import CKernels

/// 2-D convolution on the direct kernels of `CKernels` (AVX-512 or AVX2), one image at a time. Each output
/// position gathers its window straight from the NCHW planes (a zero-bordered copy when the
/// convolution pads) into registers holding all its output channels, which are then turned back
/// into planes. No im2col matrix and no GEMM packing: on the course's small layers these copies
/// were most of the time. Slices of the batch run on the kernel threads as in `Conv2d.swift`.

/// Buffers and window tables of the direct convolution for one geometry.
final class DirectConv2dPlan: DirectConvolutionPlan, @unchecked Sendable {
    let geometry: Conv2dGeometry
    /// AVX-512 or AVX2.
    let isa: ck_isa
    /// The weight [taps][Cin][Cout] (forward), [taps][Cout][Cin] and the same in phase order
    /// (input gradient); per slice the bordered input and output gradient, the partial weight
    /// gradient [taps][Cin][Cout] and bias gradient.
    let buffers: DirectBuffers
    var slices: BatchSlices { buffers.slices }
    /// Input windows of each output position (forward and weight gradient).
    let windows: DenseWindows
    /// Output-gradient windows of each input position, by stride phase (input gradient).
    let phases: PhaseWindows
    /// Per slice: the output gradient channels-last, a channels-last input gradient (strided
    /// convolutions).
    let gradientChannelsLast: FloatBuffer
    let result: FloatBuffer
    /// The buffers of the backward pass through ReLU and 2x2 max pooling (`PooledConv2d.swift`),
    /// allocated when it first runs.
    lazy var pooled = PooledConvBuffers(geometry, slices: slices.count)
    /// Per slice: one image's gradient before a fused activation (`ConvolutionActivation`).
    let activationGradient: FloatBuffer
    /// Few input channels and column stride 2 (`PhaseWindows.vectorisesRows`): the input gradient's
    /// phases are vectorised along their rows into `phaseMajor` per slice, then interleaved.
    let rowVectorisedGradient: Bool
    let phaseMajor: FloatBuffer
    /// The forward's weights broadcast for `ck_gather_rows_broadcast` (AVX2 row gathers of more
    /// than 8 channels, `BroadcastRowWeights.runs`), or nil.
    let broadcastRows: BroadcastRowWeights?
    /// 3x3 stride-1 layers with enough channels, AVX2: the forward pass and the input gradient
    /// through Winograd F(2x2, 3x3) (`WinogradConv2d.runs`); nil: the gathers.
    let winograd: WinogradConv2d?

    init(_ g: Conv2dGeometry, isa: ck_isa) {
        geometry = g
        self.isa = isa
        let relation = g.windowRelation
        windows = DenseWindows(relation, channels: g.inChannels,
                               splitColumns: DenseWindows.splitsColumns(relation, channels: g.inChannels,
                                                                         vectorChannels: g.outChannels, isa: isa,
                                                                         broadcastGather: true))
        phases = PhaseWindows(relation, channels: g.outChannels, outputChannels: g.inChannels)
        buffers = DirectBuffers(g, forwardImage: windows.image, backwardImage: phases.image)
        let n = buffers.slices.count
        gradientChannelsLast = FloatBuffer(count: n * g.outChannels * g.output.area)
        result = FloatBuffer(count: phases.writesPlanes ? 0 : n * g.inChannels * g.input.area)
        activationGradient = FloatBuffer(count: n * g.outChannels * g.output.area)
        rowVectorisedGradient = phases.vectorisesRows(outs: g.inChannels, isa: isa)
        phaseMajor = FloatBuffer(count: rowVectorisedGradient ? n * phases.phaseMajorCount(channels: g.inChannels) : 0)
        let pairs = windows.pairOffsets.count
        broadcastRows = windows.columnStride == 1
            && BroadcastRowWeights.runs(isa: isa, outs: g.outChannels, cols: g.output.width, pairs: pairs)
            ? BroadcastRowWeights(pairs: pairs, outs: g.outChannels) : nil
        winograd = WinogradConv2d.runs(g, isa: isa) ? WinogradConv2d(g, slices: n) : nil
    }

    func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>, activation: ConvolutionActivation,
                 planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?) {
        let g = geometry, cout = g.outChannels
        if let winograd {
            winograd.prepareForward(weight: weight)
        } else {
            weightsTapMajor(weight, a: cout, b: g.inChannels, taps: g.kernel.area, swapped: true, into: buffers.weightForward.pointer)
            broadcastRows?.fill(from: buffers.weightForward.pointer)
        }
        let outImage = cout * g.output.area
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = buffers.share(buffers.paddedForward, s)
            for n in slices.images(s) {
                if let winograd {
                    let planes = buffers.input(input, image: n, from: imageInput, slice: s)
                    winograd.forward(isa: isa, input: planes, bias: bias, output: output + n * outImage, slice: s)
                } else {
                    let source = buffers.source(windows.image, padded: padded, input: input, image: n, from: imageInput,
                                                slice: s, isa: isa)
                    directGatherPlanes(isa: isa, input: source, rowStride: windows.rowStride,
                                       columnStride: windows.columnStride, pairOffsets: windows.pairOffsets,
                                       weights: buffers.weightForward.pointer, outs: cout, rows: g.output.height,
                                       cols: g.output.width, output: output + n * outImage,
                                       outputRowStride: g.output.width, outputPlane: g.output.area, bias: bias,
                                       rowPairs: windows.rowPairs, broadcast: broadcastRows)
                }
                activation.forward(output + n * outImage, count: outImage)
                if let planeMoments {
                    batchNorm2dPlaneMoments(output + n * outImage, planes: cout, spatial: g.output.area,
                                            into: planeMoments + 3 * n * cout)
                }
            }
        }
    }

    func backward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                  gradBias: UnsafeMutablePointer<Float>?, activation: ActivationBackward) {
        let g = geometry, taps = g.kernel.area, cout = g.outChannels, cin = g.inChannels
        if gradInput != nil, let winograd {
            winograd.prepareBackward(weight: weight)
        } else if gradInput != nil {
            weightsTapMajor(weight, a: cout, b: cin, taps: taps, swapped: false, into: buffers.weightTapMajor.pointer)
            phases.arrangeWeights(buffers.weightTapMajor.pointer, into: buffers.weightBackward.pointer, block: cout * cin)
        }
        let inImage = cin * g.input.area, outPlane = g.output.area, outImage = cout * outPlane
        let gradRowStride = g.output.width * cout
        buffers.backward(gradBias: gradBias) { s, partialW, partialB in
            let padded = buffers.share(buffers.paddedForward, s)
            let paddedGrad = buffers.share(buffers.paddedBackward, s)
            let gradValues = gradientChannelsLast.pointer + s * outImage
            let values = buffers.share(result, s)
            let activationBuffer = buffers.share(activationGradient, s)
            for n in slices.images(s) {
                let dy = activation.gradient(gradOutput, image: n, imageSize: outImage, buffer: activationBuffer)
                let source = buffers.source(windows.image, padded: padded, input: input, image: n,
                                            from: activation.inputImages, slice: s, isa: isa)
                // The gradient channels-last for the weight gradient, and its plane sums (the bias
                // gradient) from the same reads.
                ck_planes_to_channels_last_sums(isa, dy, Int32(cout), Int32(g.output.height), Int32(g.output.width),
                                                gradValues, gradRowStride, cout, partialB)
                directWeightGradient(isa: isa, input: source, rowStride: windows.rowStride, columnStride: windows.columnStride,
                                     pairOffsets: windows.pairOffsets, grad: gradValues, gradRowStride: gradRowStride,
                                     gradColumnStride: cout, channels: cout, grid: g.output, result: partialW,
                                     rowPairs: windows.rowPairs, pairColumns: windows.pairColumns)
                guard let gradInput else { continue }
                if let winograd {
                    winograd.inputGradient(isa: isa, gradOutput: dy, gradInput: gradInput + n * inImage, slice: s)
                    activation.wroteInputGradient(gradInput + n * inImage, image: n)
                    continue
                }
                let gradSource = phases.image.source(paddedGrad, planes: dy, isa: isa)
                if rowVectorisedGradient {
                    phases.gatherPhaseMajor(isa: isa, source: gradSource, weights: buffers.weightBackward.pointer, outs: cin,
                                            big: g.input, output: gradInput + n * inImage,
                                            phaseMajor: buffers.share(phaseMajor, s), bias: nil)
                } else {
                    phases.gatherAll(isa: isa, source: gradSource, weights: buffers.weightBackward.pointer,
                                     outs: cin, big: g.input, output: gradInput + n * inImage, scratch: values, bias: nil)
                }
                activation.wroteInputGradient(gradInput + n * inImage, image: n)
            }
        }
        addTapMajorPartials(buffers.partialWeight.pointer, slices: slices.count, a: cout, b: cin, taps: taps,
                            swapped: true, into: gradWeight)
    }
}
