import CKernels

/// 2-D convolution on the direct kernels of `CKernels` (AVX-512 or AVX2), one image at a time. Each output
/// position gathers its window straight from the NCHW planes (a zero-bordered copy when the
/// convolution pads) into registers holding all its output channels, which are then turned back
/// into planes. No im2col matrix and no GEMM packing: on the course's small layers these copies
/// were most of the time. Slices of the batch run on the kernel threads as in `Conv2d.swift`.

/// Buffers and window tables of the direct convolution for one geometry.
final class DirectConv2dPlan: @unchecked Sendable {
    let geometry: Conv2dGeometry
    /// AVX-512 or AVX2.
    let isa: ck_isa
    let slices: BatchSlices
    /// Input windows of each output position (forward and weight gradient).
    let windows: DenseWindows
    /// Output-gradient windows of each input position, by stride phase (input gradient).
    let phases: PhaseWindows
    /// [taps][Cin][Cout] (forward); [taps][Cout][Cin] and the same in phase order (input gradient).
    let weightForward: FloatBuffer
    let weightTapMajor: FloatBuffer
    let weightBackward: FloatBuffer
    /// Per slice: the bordered input and output gradient (when padding is needed), the output
    /// gradient channels-last, a channels-last input gradient (strided convolutions), partial
    /// weight gradient [taps][Cin][Cout] and bias gradient.
    let paddedInput: FloatBuffer
    let paddedGradient: FloatBuffer
    let gradientChannelsLast: FloatBuffer
    let result: FloatBuffer
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer

    init(_ g: Conv2dGeometry, isa: ck_isa) {
        geometry = g
        self.isa = isa
        slices = BatchSlices(batch: g.batch)
        let relation = WindowRelation(big: g.input, small: g.output, kernel: g.kernel, stride: g.stride,
                                      padding: g.padding, dilation: g.dilation)
        windows = DenseWindows(relation, channels: g.inChannels)
        phases = PhaseWindows(relation, channels: g.outChannels, outputChannels: g.inChannels)
        weightForward = FloatBuffer(count: g.weightCount)
        weightTapMajor = FloatBuffer(count: g.weightCount)
        weightBackward = FloatBuffer(count: g.weightCount)
        let n = slices.count
        paddedInput = FloatBuffer(count: windows.image.isUnpadded ? 0 : n * windows.image.count)
        paddedGradient = FloatBuffer(count: phases.image.isUnpadded ? 0 : n * phases.image.count)
        gradientChannelsLast = FloatBuffer(count: n * g.outChannels * g.output.area)
        result = FloatBuffer(count: phases.writesPlanes ? 0 : n * g.inChannels * g.input.area)
        partialWeight = FloatBuffer(count: n * g.weightCount)
        partialBias = FloatBuffer(count: n * g.outChannels)
    }

    func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>) {
        let g = geometry, cout = g.outChannels
        weightsTapMajor(weight, a: cout, b: g.inChannels, taps: g.kernel.area, swapped: true, into: weightForward.pointer)
        let inImage = g.inChannels * g.input.area, outImage = cout * g.output.area
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = paddedInput.pointer + s * (paddedInput.count / slices.count)
            for n in slices.images(s) {
                let source = windows.image.source(padded, planes: input + n * inImage, isa: isa)
                directGatherPlanes(isa: isa, input: source, rowStride: windows.rowStride,
                                   columnStride: windows.columnStride, pairOffsets: windows.pairOffsets,
                                   weights: weightForward.pointer, outs: cout, rows: g.output.height,
                                   cols: g.output.width, output: output + n * outImage,
                                   outputRowStride: g.output.width, outputPlane: g.output.area, bias: bias)
            }
        }
    }

    func backward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                  gradBias: UnsafeMutablePointer<Float>?) {
        let g = geometry, taps = g.kernel.area, cout = g.outChannels, cin = g.inChannels
        if gradInput != nil {
            weightsTapMajor(weight, a: cout, b: cin, taps: taps, swapped: false, into: weightTapMajor.pointer)
            phases.arrangeWeights(weightTapMajor.pointer, into: weightBackward.pointer, block: cout * cin)
        }
        let inImage = cin * g.input.area, outPlane = g.output.area, outImage = cout * outPlane
        let gradRowStride = g.output.width * cout
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = paddedInput.pointer + s * (paddedInput.count / slices.count)
            let paddedGrad = paddedGradient.pointer + s * (paddedGradient.count / slices.count)
            let gradValues = gradientChannelsLast.pointer + s * outImage
            let values = result.pointer + s * (result.count / slices.count)
            let partialW = partialWeight.pointer + s * g.weightCount
            let partialB = partialBias.pointer + s * cout
            partialW.update(repeating: 0, count: g.weightCount)
            partialB.update(repeating: 0, count: cout)
            for n in slices.images(s) {
                let dy = gradOutput + n * outImage
                addPlaneSums(dy, channels: cout, planeSize: outPlane, into: partialB)
                let source = windows.image.source(padded, planes: input + n * inImage, isa: isa)
                ck_planes_to_channels_last(isa, dy, Int32(cout), Int32(g.output.height), Int32(g.output.width),
                                           gradValues, gradRowStride, cout)
                directWeightGradient(isa: isa, input: source, rowStride: windows.rowStride, columnStride: windows.columnStride,
                                     pairOffsets: windows.pairOffsets, grad: gradValues, gradRowStride: gradRowStride,
                                     gradColumnStride: cout, channels: cout, grid: g.output, result: partialW)
                guard let gradInput else { continue }
                phases.gatherAll(isa: isa, source: phases.image.source(paddedGrad, planes: dy, isa: isa), weights: weightBackward.pointer,
                                 outs: cin, big: g.input, output: gradInput + n * inImage, scratch: values, bias: nil)
            }
        }
        addTapMajorPartials(partialWeight.pointer, slices: slices.count, a: cout, b: cin, taps: taps,
                            swapped: true, into: gradWeight)
        if let gradBias {
            addPartialGradients(partialBias.pointer, slices: slices.count, count: cout, into: gradBias)
        }
    }
}
