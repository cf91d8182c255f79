import CKernels

/// 2-D transposed convolution on the direct kernels of `CKernels` (AVX-512 or AVX2), one image at a time. It is
/// the convolution's plan turned round: the forward pass gathers each output position from the
/// input by stride phase (`PhaseWindows`), and the input gradient gathers windows of the output
/// gradient (`DenseWindows`), as a convolution's forward pass does.

/// Buffers and window tables of the direct transposed convolution for one geometry.
final class DirectConvTranspose2dPlan: DirectConvolutionPlan, @unchecked Sendable {
    let geometry: ConvTranspose2dGeometry
    /// AVX-512 or AVX2.
    let isa: ck_isa
    /// The weight [taps][Cin][Cout] and the same in phase order (forward), [taps][Cout][Cin]
    /// (input gradient); per slice the bordered input and output gradient, the partial weight
    /// gradient [taps][Cout][Cin] and bias gradient.
    let buffers: DirectBuffers
    var slices: BatchSlices { buffers.slices }
    /// Input windows of each output position, by stride phase (forward).
    let phases: PhaseWindows
    /// Output-gradient windows of each input position (input and weight gradients).
    let windows: DenseWindows
    /// Per slice: a channels-last output (strided), the input channels-last.
    let outputChannelsLast: FloatBuffer
    let inputChannelsLast: FloatBuffer
    /// Few output channels and column stride 2 (the autoencoder's last layers, `PhaseWindows.vectorisesRows`):
    /// each phase is vectorised along its rows into `phaseMajor` [Cout][S][2][rows][cols] per slice,
    /// and the column phases are then interleaved into the output.
    let rowVectorised: Bool
    let phaseMajor: FloatBuffer
    /// 3 or 4 output channels over whole vectors of phase columns: both column phases of a row at
    /// once, the sigmoid applied before the store (`TransposedPairs`), instead of `phaseMajor`.
    let pairs: TransposedPairs?
    /// Per slice: one image's gradient given image by image (`ImageGradient`), or before a fused
    /// activation when the image is read in place (`PaddedImage.fillOutputGradient`).
    let activationGradient: FloatBuffer
    /// The input gradient's weights broadcast for `ck_gather_rows_broadcast` (AVX2, more than 8 input
    /// channels over split rows: own network 3's ConvTranspose2d(16, 3, 4, 2, 1), the shape of its first
    /// layer's forward, 0.685 -> 0.607 ms per 128 images in a C microbenchmark), or nil.
    let broadcastRows: BroadcastRowWeights?

    init(_ g: ConvTranspose2dGeometry, isa: ck_isa) {
        geometry = g
        self.isa = isa
        let relation = g.windowRelation
        phases = PhaseWindows(relation, channels: g.inChannels, outputChannels: g.outChannels)
        // More than 8 input channels: the input gradient may gather split rows with broadcast weights (8 are
        // left to the channel gather: the course autoencoder's last layer, not measured that way).
        windows = DenseWindows(relation, channels: g.outChannels,
                               splitColumns: DenseWindows.splitsColumns(relation, channels: g.outChannels,
                                                                         vectorChannels: g.inChannels, isa: isa,
                                                                         broadcastGather: g.inChannels > 8))
        buffers = DirectBuffers(g, forwardImage: phases.image, backwardImage: windows.image)
        let n = buffers.slices.count
        outputChannelsLast = FloatBuffer(count: phases.writesPlanes ? 0 : n * g.outChannels * g.output.area)
        inputChannelsLast = FloatBuffer(count: n * g.inChannels * g.input.area)
        rowVectorised = phases.vectorisesRows(outs: g.outChannels, isa: isa)
        pairs = rowVectorised ? TransposedPairs(phases, outs: g.outChannels, big: g.output,
                                                weights: buffers.weightForward.pointer, isa: isa) : nil
        phaseMajor = FloatBuffer(count: rowVectorised && pairs == nil ? n * phases.phaseMajorCount(channels: g.outChannels) : 0)
        activationGradient = FloatBuffer(count: n * g.outChannels * g.output.area)
        let pairs = windows.pairOffsets.count
        broadcastRows = g.inChannels > 8 && windows.columnStride == 1
            && BroadcastRowWeights.runs(isa: isa, outs: g.inChannels, cols: g.input.width, pairs: pairs)
            ? BroadcastRowWeights(pairs: pairs, outs: g.inChannels) : nil
    }

    func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>, activation: ConvolutionActivation,
                 planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?) {
        let g = geometry, cin = g.inChannels, cout = g.outChannels
        weightsTapMajor(weight, a: cin, b: cout, taps: g.kernel.area, swapped: false, into: buffers.weightTapMajor.pointer)
        phases.arrangeWeights(buffers.weightTapMajor.pointer, into: buffers.weightForward.pointer, block: cin * cout)
        let outImage = cout * g.output.area
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = buffers.share(buffers.paddedForward, s)
            let values = outputChannelsLast.pointer + s * outImage
            for n in slices.images(s) {
                let source = buffers.source(phases.image, padded: padded, input: input, image: n, from: imageInput,
                                            slice: s, isa: isa)
                if let pairs {
                    pairs.gather(source: source, output: output + n * outImage, bias: bias, sigmoid: activation == .sigmoid)
                    if activation != .sigmoid { activation.forward(output + n * outImage, count: outImage) }
                    continue
                }
                if rowVectorised {
                    phases.gatherPhaseMajor(isa: isa, source: source, weights: buffers.weightForward.pointer, outs: cout,
                                            big: g.output, output: output + n * outImage,
                                            phaseMajor: buffers.share(phaseMajor, s), bias: bias)
                } else {
                    phases.gatherAll(isa: isa, source: source, weights: buffers.weightForward.pointer, outs: cout, big: g.output,
                                     output: output + n * outImage, scratch: values, bias: bias)
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
        let g = geometry, taps = g.kernel.area, cin = g.inChannels, cout = g.outChannels
        if gradInput != nil {
            weightsTapMajor(weight, a: cin, b: cout, taps: taps, swapped: true, into: buffers.weightBackward.pointer)
            broadcastRows?.fill(from: buffers.weightBackward.pointer)
        }
        let inImage = cin * g.input.area, outPlane = g.output.area, outImage = cout * outPlane
        let inputRowStride = g.input.width * cin
        buffers.backward(gradBias: gradBias) { s, partialW, partialB in
            let paddedGrad = buffers.share(buffers.paddedBackward, s)
            let x = inputChannelsLast.pointer + s * inImage
            let activationBuffer = buffers.share(activationGradient, s)
            for n in slices.images(s) {
                // The gradient at the output: the upstream one, the one given image by image, or
                // none (the loss gives it).
                var dy: UnsafePointer<Float>? = activation.squaredError == nil ? gradOutput + n * outImage : nil
                if let upstream = activation.upstream {
                    upstream.write(n, activationBuffer)
                    dy = UnsafePointer(activationBuffer)
                }
                // The activation's backward (from the loss when it is given), the bias gradient's
                // plane sums and the copy the windows read, in one pass over the image.
                let gradSource = windows.image.fillOutputGradient(
                    paddedGrad, planes: activationBuffer, output: activation.output.map { $0 + n * outImage }, gradient: dy,
                    activation: activation.activation, loss: activation.squaredError, image: n, sums: partialB)
                ck_planes_to_channels_last(isa, buffers.input(input, image: n, from: activation.inputImages, slice: s), Int32(cin), Int32(g.input.height),
                                           Int32(g.input.width), x, inputRowStride, cin)
                directWeightGradient(isa: isa, input: gradSource, rowStride: windows.rowStride, columnStride: windows.columnStride,
                                     pairOffsets: windows.pairOffsets, grad: x, gradRowStride: inputRowStride,
                                     gradColumnStride: cin, channels: cin, grid: g.input, result: partialW,
                                     rowPairs: windows.rowPairs, pairColumns: windows.pairColumns)
                guard let gradInput else { continue }
                directGatherPlanes(isa: isa, input: gradSource, rowStride: windows.rowStride,
                                   columnStride: windows.columnStride, pairOffsets: windows.pairOffsets,
                                   weights: buffers.weightBackward.pointer, outs: cin, rows: g.input.height,
                                   cols: g.input.width, output: gradInput + n * inImage,
                                   outputRowStride: g.input.width, outputPlane: g.input.area, bias: nil,
                                   rowPairs: windows.rowPairs, broadcast: broadcastRows)
                activation.wroteInputGradient(gradInput + n * inImage, image: n)
            }
        }
        addTapMajorPartials(buffers.partialWeight.pointer, slices: slices.count, a: cin, b: cout, taps: taps,
                            swapped: true, into: gradWeight)
    }
}
