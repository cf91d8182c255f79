/// Fast 2-D transposed convolution: a GEMM produces every kernel-weighted copy of the input and
/// col2im scatters them onto the output. It is the backward data pass of a convolution, so it
/// reuses the same im2col layout with image and grid swapped. As in `Conv2d.swift`, the batch is
/// cut into slices that run on the kernel threads, and each slice works a few images at a time
/// so that the columns stay in the core's cache.
/// `ConvTranspose2dReference.swift` holds the plain loops these must equal.
/// On CPUs with AVX-512 or AVX2 + FMA the workspace holds a direct plan instead (`DirectConvTranspose2d.swift`, `DirectConvolution`),
/// which these functions hand the work to; the im2col path below is the portable one.

/// Scratch memory for the fast transposed-convolution kernels, sized for one geometry.
public final class ConvTranspose2dWorkspace: @unchecked Sendable {
    public let geometry: ConvTranspose2dGeometry
    let slices: BatchSlices
    /// Images per GEMM: enough for about `Conv2dWorkspace.targetColumns` input positions.
    let chunkImages: Int
    /// [N, Cin, H, W]: a copy of the forward input for the weight gradient, unless the caller
    /// keeps the input unchanged and passes it to `convTranspose2dBackward` (then empty).
    let savedInput: FloatBuffer
    let keepsInputCopy: Bool
    /// Per slice: [Cout * kH * kW, chunk * H * W] scattered columns (forward) or im2col of the
    /// upstream gradient (backward).
    let columns: FloatBuffer
    /// Per slice: [Cin, chunk * H * W] channel-major input (forward, weight gradient) and then
    /// input gradient, when a chunk holds several images.
    let channelMajor: FloatBuffer
    /// Per slice: partial weight [Cin * Cout * kH * kW] and bias [Cout] gradients, summed in slice order.
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer

    /// The direct kernels' plan (AVX-512 or AVX2), when they run (then the im2col buffers are empty).
    let direct: DirectConvTranspose2dPlan?

    /// `keepsInputCopy: false` saves a copy of the input per step; `convTranspose2dBackward` must
    /// then be given the forward's input, unchanged. `kernels` picks the direct
    /// kernels' form, or `.portable` for im2col + OpenBLAS (the tests compare them); a form this CPU
    /// lacks runs as `.portable`.
    public init(_ geometry: ConvTranspose2dGeometry, keepsInputCopy: Bool = true,
                kernels: ConvolutionKernels = DirectConvolution.active) {
        self.geometry = geometry
        self.keepsInputCopy = keepsInputCopy
        self.direct = kernels.runs(on: DirectConvolution.best) && kernels != .portable
            ? DirectConvTranspose2dPlan(geometry, isa: kernels.isa) : nil
        slices = BatchSlices(batch: geometry.batch)
        let positions = geometry.input.area
        let largestSlice = (geometry.batch + slices.count - 1) / slices.count
        chunkImages = max(1, min(largestSlice, Conv2dWorkspace.targetColumns / positions))
        let chunkColumns = self.direct == nil ? chunkImages * positions : 0
        savedInput = FloatBuffer(count: keepsInputCopy ? geometry.inputCount : 0)
        columns = FloatBuffer(count: slices.count * geometry.im2col.rows * chunkColumns)
        channelMajor = FloatBuffer(count: chunkImages > 1 ? slices.count * geometry.inChannels * chunkColumns : 0)
        partialWeight = FloatBuffer(count: slices.count * geometry.weightCount)
        partialBias = FloatBuffer(count: slices.count * geometry.outChannels)
    }

    /// The im2col layout of `images` consecutive images.
    func layout(images: Int) -> Im2colLayout {
        let g = geometry
        return Im2colLayout(batch: images, channels: g.outChannels, image: g.output, grid: g.input,
                            kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation)
    }
}

/// Copies [N, C, P] into [C, N * P] (or back when `inverse`).
@inline(__always)
func swapBatchAndChannels(batch: Int, channels: Int, planeSize: Int, from src: UnsafePointer<Float>,
                          to dst: UnsafeMutablePointer<Float>, inverse: Bool = false) {
    let positions = batch * planeSize
    for n in 0..<batch {
        for c in 0..<channels {
            let batchMajor = (n * channels + c) * planeSize
            let channelMajor = c * positions + n * planeSize
            if inverse {
                copyFloats(from: src + channelMajor, to: dst + batchMajor, count: planeSize)
            } else {
                copyFloats(from: src + batchMajor, to: dst + channelMajor, count: planeSize)
            }
        }
    }
}

/// Forward: every input value x[n, ci, iy, ix] adds x * weight[ci, co, ky, kx] to
///   output[n, co, iy*S - P + ky*D, ix*S - P + kx*D] (dropped where that falls outside), plus bias[co].
/// input [N, Cin, H, W], weight [Cin, Cout, kH, kW], bias [Cout] or nil, output [N, Cout, OH, OW].
/// Keeps a copy of the input in `workspace` for `convTranspose2dBackward`.
public func convTranspose2dForward(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                   output: UnsafeMutablePointer<Float>, workspace ws: ConvTranspose2dWorkspace) {
    precondition(ws.geometry == g, "convTranspose2dForward: workspace was sized for another geometry")
    if let plan = ws.direct {
        if ws.keepsInputCopy { ws.savedInput.pointer.update(from: input, count: g.inputCount) }
        plan.forward(input: input, weight: weight, bias: bias, output: output)
        return
    }
    let rows = g.im2col.rows, planeSize = g.input.area, cin = g.inChannels
    let inImage = cin * planeSize, outPlane = g.output.area, outImage = g.outChannels * outPlane
    let chunkColumns = ws.chunkImages * planeSize
    KernelThreads.forEachSlice(ws.slices.count) { s in
        let images = ws.slices.images(s)
        let columns = ws.columns.pointer + s * rows * chunkColumns
        let scratch = ws.channelMajor.pointer + s * cin * chunkColumns
        for first in stride(from: images.lowerBound, to: images.upperBound, by: ws.chunkImages) {
            let count = min(ws.chunkImages, images.upperBound - first)
            let n = count * planeSize
            let x = input + first * inImage
            if ws.keepsInputCopy { (ws.savedInput.pointer + first * inImage).update(from: x, count: count * inImage) }
            // One image [Cin, H, W] is already channel-major.
            let inputT: UnsafePointer<Float>
            if count == 1 {
                inputT = x
            } else {
                swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize, from: x, to: scratch)
                inputT = UnsafePointer(scratch)
            }
            // columns [Cout*kH*kW, n] = weight^T [Cout*kH*kW, Cin] * inputT [Cin, n]
            sgemm(transposeA: true, m: rows, n: n, k: cin, a: weight, lda: rows,
                  b: inputT, ldb: n, beta: 0, c: columns, ldc: n)
            let y = output + first * outImage
            for i in 0..<count {
                for co in 0..<g.outChannels {
                    fillFloats(y + i * outImage + co * outPlane, with: bias?[co] ?? 0, count: outPlane)
                }
            }
            col2imAccumulate(ws.layout(images: count), columns: columns, images: y)
        }
    }
}

/// Backward of `convTranspose2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cin, Cout, kH, kW] and gradBias [Cout] (both accumulated).
/// `input` is the forward's input, required when the workspace keeps no copy of it.
public func convTranspose2dBackward(_ g: ConvTranspose2dGeometry, gradOutput: UnsafePointer<Float>,
                                    weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                                    workspace ws: ConvTranspose2dWorkspace, input: UnsafePointer<Float>? = nil) {
    precondition(ws.geometry == g, "convTranspose2dBackward: workspace was sized for another geometry")
    precondition(input != nil || ws.keepsInputCopy, "convTranspose2dBackward: the workspace keeps no input copy: pass the input")
    let forwardInput = input ?? UnsafePointer(ws.savedInput.pointer)
    if let plan = ws.direct {
        plan.backward(input: forwardInput, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                      gradWeight: gradWeight, gradBias: gradBias)
        return
    }
    let rows = g.im2col.rows, planeSize = g.input.area, cin = g.inChannels, cout = g.outChannels
    let inImage = cin * planeSize, outPlane = g.output.area, outImage = cout * outPlane
    let chunkColumns = ws.chunkImages * planeSize
    let weightCount = g.weightCount
    KernelThreads.forEachSlice(ws.slices.count) { s in
        let images = ws.slices.images(s)
        let columns = ws.columns.pointer + s * rows * chunkColumns
        let scratch = ws.channelMajor.pointer + s * cin * chunkColumns
        let partialWeight = ws.partialWeight.pointer + s * weightCount
        let partialBias = ws.partialBias.pointer + s * cout
        partialWeight.update(repeating: 0, count: weightCount)
        partialBias.update(repeating: 0, count: cout)
        for first in stride(from: images.lowerBound, to: images.upperBound, by: ws.chunkImages) {
            let count = min(ws.chunkImages, images.upperBound - first)
            let n = count * planeSize
            let dy = gradOutput + first * outImage
            im2col(ws.layout(images: count), images: dy, columns: columns)
            for i in 0..<count {
                for co in 0..<cout {
                    partialBias[co] += sumFloats(dy + i * outImage + co * outPlane, count: outPlane)
                }
            }
            let x = forwardInput + first * inImage
            let inputT: UnsafePointer<Float>
            if count == 1 {
                inputT = UnsafePointer(x)
            } else {
                swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize, from: x, to: scratch)
                inputT = UnsafePointer(scratch)
            }
            // partialWeight [Cin, rows] += inputT [Cin, n] * columns^T [n, rows]
            sgemm(transposeB: true, m: cin, n: rows, k: n, a: inputT, lda: n,
                  b: columns, ldb: n, beta: 1, c: partialWeight, ldc: rows)
            guard let gradInput else { continue }
            // gradInputT [Cin, n] = weight [Cin, rows] * columns [rows, n]
            let dx = gradInput + first * inImage
            let gradInputT = count == 1 ? dx : scratch
            sgemm(m: cin, n: n, k: rows, a: weight, lda: rows, b: columns, ldb: n, beta: 0, c: gradInputT, ldc: n)
            if count > 1 {
                swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize,
                                     from: scratch, to: dx, inverse: true)
            }
        }
    }
    addPartialGradients(ws.partialWeight.pointer, slices: ws.slices.count, count: weightCount, into: gradWeight)
    if let gradBias {
        addPartialGradients(ws.partialBias.pointer, slices: ws.slices.count, count: cout, into: gradBias)
    }
}
