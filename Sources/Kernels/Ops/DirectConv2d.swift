import CKernels

/// 2-D convolution on the channels-last AVX-512 kernels (`CKernels`), one image at a time:
/// the image is copied into a zero-bordered channels-last buffer, every output position gathers
/// its window in registers, and the result is copied back into NCHW planes. No im2col matrix and
/// no GEMM packing: on the course's small layers these copies were most of the time.
/// Slices of the batch run on the kernel threads as in `Conv2d.swift`.

/// Buffers and window tables of the direct convolution for one geometry.
final class DirectConv2dPlan: @unchecked Sendable {
    let geometry: Conv2dGeometry
    let slices: BatchSlices
    /// Input windows of each output position (forward and weight gradient).
    let windows: DenseWindows
    /// Output-gradient windows of each input position, by stride phase (input gradient).
    let phases: PhaseWindows
    let pairOffsets: [Int]
    /// [taps][Cin][Cout] (forward) and [taps][Cout][Cin] (input gradient), rebuilt per call.
    let weightForward: FloatBuffer
    let weightBackward: FloatBuffer
    /// Per slice: padded channels-last input, padded channels-last output gradient,
    /// channels-last output or input gradient, partial weight gradient [taps][Cin][Cout].
    let paddedInput: FloatBuffer
    let paddedGradient: FloatBuffer
    let channelsLast: FloatBuffer
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer

    init(_ g: Conv2dGeometry) {
        geometry = g
        slices = BatchSlices(batch: g.batch)
        let relation = WindowRelation(big: g.input, small: g.output, kernel: g.kernel, stride: g.stride,
                                      padding: g.padding, dilation: g.dilation)
        windows = DenseWindows(relation, channels: g.inChannels)
        phases = PhaseWindows(relation, channels: g.outChannels, outputChannels: g.inChannels)
        pairOffsets = windows.pairOffsets
        weightForward = FloatBuffer(count: g.weightCount)
        weightBackward = FloatBuffer(count: g.weightCount)
        let n = slices.count
        paddedInput = FloatBuffer(count: n * windows.image.count)
        paddedGradient = FloatBuffer(count: n * phases.image.count)
        channelsLast = FloatBuffer(count: n * max(g.outChannels * g.output.area, g.inChannels * g.input.area))
        partialWeight = FloatBuffer(count: n * g.weightCount)
        partialBias = FloatBuffer(count: n * g.outChannels)
    }

    func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>) {
        let g = geometry, taps = g.kernel.area
        weightsTapMajor(weight, a: g.outChannels, b: g.inChannels, taps: taps, swapped: true, into: weightForward.pointer)
        let inImage = g.inChannels * g.input.area, outImage = g.outChannels * g.output.area
        let outStride = g.output.width * g.outChannels
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = paddedInput.pointer + s * windows.image.count
            let result = channelsLast.pointer + s * channelsLast.count / slices.count
            for n in slices.images(s) {
                windows.image.fill(padded, fromPlanes: input + n * inImage)
                directGather(input: padded, rowStride: windows.rowStride, columnStride: windows.columnStride,
                             tapOffsets: windows.tapOffsets, taps: nil, weights: weightForward.pointer,
                             reduce: g.inChannels, outs: g.outChannels, rows: g.output.height, cols: g.output.width,
                             output: result, outputRowStride: outStride, outputColumnStride: g.outChannels, bias: bias)
                ck_channels_last_to_planes(result, outStride, g.outChannels, Int32(g.outChannels),
                                           Int32(g.output.height), Int32(g.output.width), output + n * outImage)
            }
        }
    }

    func backward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                  gradBias: UnsafeMutablePointer<Float>?) {
        let g = geometry, taps = g.kernel.area, cout = g.outChannels, cin = g.inChannels
        if gradInput != nil {
            weightsTapMajor(weight, a: cout, b: cin, taps: taps, swapped: false, into: weightBackward.pointer)
        }
        let inImage = cin * g.input.area, outPlane = g.output.area, outImage = cout * outPlane
        let gradImage = phases.image
        let gradInterior = gradImage.interiorOffset
        KernelThreads.forEachSlice(slices.count) { s in
            let padded = paddedInput.pointer + s * windows.image.count
            let paddedGrad = paddedGradient.pointer + s * gradImage.count
            let result = channelsLast.pointer + s * channelsLast.count / slices.count
            let partialW = partialWeight.pointer + s * g.weightCount
            let partialB = partialBias.pointer + s * cout
            partialW.update(repeating: 0, count: g.weightCount)
            partialB.update(repeating: 0, count: cout)
            for n in slices.images(s) {
                let dy = gradOutput + n * outImage
                for co in 0..<cout { partialB[co] += sumFloats(dy + co * outPlane, count: outPlane) }
                windows.image.fill(padded, fromPlanes: input + n * inImage)
                gradImage.fill(paddedGrad, fromPlanes: dy)
                directWeightGradient(input: padded, rowStride: windows.rowStride, columnStride: windows.columnStride,
                                     pairOffsets: pairOffsets, grad: paddedGrad + gradInterior,
                                     gradRowStride: gradImage.rowStride, gradColumnStride: cout, channels: cout,
                                     grid: g.output, result: partialW)
                guard let gradInput else { continue }
                for phase in phases.phases {
                    directGather(input: paddedGrad, rowStride: phases.rowStride, columnStride: phases.columnStride,
                                 tapOffsets: phase.tapOffsets, taps: phase.taps, weights: weightBackward.pointer,
                                 reduce: cout, outs: cin, rows: phase.rows, cols: phase.cols,
                                 output: result + phase.outputOffset, outputRowStride: phases.outputRowStride,
                                 outputColumnStride: phases.outputColumnStride, bias: nil)
                }
                ck_channels_last_to_planes(result, g.input.width * cin, cin, Int32(cin),
                                           Int32(g.input.height), Int32(g.input.width), gradInput + n * inImage)
            }
        }
        addTapMajorPartials(partialWeight.pointer, slices: slices.count, a: cout, b: cin, taps: taps,
                            swapped: true, into: gradWeight)
        if let gradBias {
            addPartialGradients(partialBias.pointer, slices: slices.count, count: cout, into: gradBias)
        }
    }
}
