/// Fast 2-D convolution. The batch is cut into slices (`BatchSlices`) that run on the kernel
/// threads; inside a slice, a few images at a time are unrolled with im2col and multiplied with
/// one single-threaded `cblas_sgemm`. Small chunks keep the im2col matrix in the core's cache:
/// on the course's first layer a whole-batch GEMM ran at a quarter of the speed of per-image ones.
/// `Conv2dReference.swift` holds the plain loops these must equal.
/// On CPUs with AVX-512 or AVX2 + FMA the workspace holds a direct plan instead (`DirectConv2d.swift`, `DirectConvolution`),
/// which these functions hand the work to; the im2col path below is the portable one.

/// Scratch memory for the fast convolution kernels, sized for one geometry and reused across steps.
public final class Conv2dWorkspace: @unchecked Sendable {
    public let geometry: Conv2dGeometry
    let slices: BatchSlices
    /// Images per GEMM: enough for about `targetColumns` output positions.
    let chunkImages: Int
    /// [N, Cin, H, W]: a copy of the forward input for the weight gradient, unless the caller
    /// keeps the input unchanged and passes it to `conv2dBackward` (then empty).
    let savedInput: FloatBuffer
    let keepsInputCopy: Bool
    /// Per slice: [rows, chunk * OH * OW] im2col matrix (forward) or column gradient (backward).
    let columns: FloatBuffer
    /// Per slice: [Cout, chunk * OH * OW] channel-major product, when a chunk holds several images.
    let product: FloatBuffer
    /// Per slice: partial weight [Cout * rows] and bias [Cout] gradients, summed in slice order.
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer

    /// The direct kernels' plan (AVX-512 or AVX2), when they run (then the im2col buffers are empty).
    let direct: DirectConv2dPlan?

    static let targetColumns = 256

    /// `keepsInputCopy: false` saves a copy of the input per step; `conv2dBackward` must then be
    /// given the forward's input, unchanged. `kernels` picks the direct
    /// kernels' form, or `.portable` for im2col + OpenBLAS (the tests compare them); a form this CPU
    /// lacks runs as `.portable`.
    public init(_ geometry: Conv2dGeometry, keepsInputCopy: Bool = true, kernels: ConvolutionKernels = DirectConvolution.active) {
        self.geometry = geometry
        self.keepsInputCopy = keepsInputCopy
        self.direct = kernels.runs(on: DirectConvolution.best) && kernels != .portable
            ? DirectConv2dPlan(geometry, isa: kernels.isa) : nil
        slices = BatchSlices(batch: geometry.batch)
        let positions = geometry.output.area
        let largestSlice = (geometry.batch + slices.count - 1) / slices.count
        chunkImages = max(1, min(largestSlice, Self.targetColumns / positions))
        let chunkColumns = self.direct == nil ? chunkImages * positions : 0
        savedInput = FloatBuffer(count: keepsInputCopy ? geometry.inputCount : 0)
        columns = FloatBuffer(count: slices.count * geometry.im2col.rows * chunkColumns)
        product = FloatBuffer(count: chunkImages > 1 ? slices.count * geometry.outChannels * chunkColumns : 0)
        partialWeight = FloatBuffer(count: slices.count * geometry.weightCount)
        partialBias = FloatBuffer(count: slices.count * geometry.outChannels)
    }

    /// The im2col layout of `images` consecutive images.
    func layout(images: Int) -> Im2colLayout {
        let g = geometry
        return Im2colLayout(batch: images, channels: g.inChannels, image: g.input, grid: g.output,
                            kernel: g.kernel, stride: g.stride, padding: g.padding, dilation: g.dilation)
    }
}

/// Forward: output[n, co, oy, ox] = bias[co] + sum over ci, ky, kx of
///   weight[co, ci, ky, kx] * input[n, ci, oy*S - P + ky*D, ox*S - P + kx*D] (zero outside the input).
/// input [N, Cin, H, W], weight [Cout, Cin, kH, kW], bias [Cout] or nil, output [N, Cout, OH, OW].
/// Keeps a copy of the input in `workspace` for `conv2dBackward`.
public func conv2dForward(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                          workspace ws: Conv2dWorkspace) {
    precondition(ws.geometry == g, "conv2dForward: workspace was sized for another geometry")
    if let plan = ws.direct {
        if ws.keepsInputCopy { ws.savedInput.pointer.update(from: input, count: g.inputCount) }
        plan.forward(input: input, weight: weight, bias: bias, output: output)
        return
    }
    let rows = g.im2col.rows, planeSize = g.output.area, cout = g.outChannels
    let inImage = g.inChannels * g.input.area, outImage = cout * planeSize
    let chunkColumns = ws.chunkImages * planeSize
    KernelThreads.forEachSlice(ws.slices.count) { s in
        let images = ws.slices.images(s)
        let columns = ws.columns.pointer + s * rows * chunkColumns
        let scratch = ws.product.pointer + s * cout * chunkColumns
        for first in stride(from: images.lowerBound, to: images.upperBound, by: ws.chunkImages) {
            let count = min(ws.chunkImages, images.upperBound - first)
            let x = input + first * inImage
            if ws.keepsInputCopy { (ws.savedInput.pointer + first * inImage).update(from: x, count: count * inImage) }
            im2col(ws.layout(images: count), images: x, columns: columns)
            let n = count * planeSize
            // One image's channel-major product is already its NCHW output.
            let product = count == 1 ? output + first * outImage : scratch
            sgemm(m: cout, n: n, k: rows, a: weight, lda: rows, b: columns, ldb: n, beta: 0, c: product, ldc: n)
            for i in 0..<count {
                for co in 0..<cout {
                    let src = product + co * n + i * planeSize
                    let dst = output + (first + i) * outImage + co * planeSize
                    let b = bias?[co] ?? 0
                    if count == 1 {
                        if bias != nil { for p in 0..<planeSize { dst[p] += b } }
                    } else {
                        for p in 0..<planeSize { dst[p] = src[p] + b }
                    }
                }
            }
        }
    }
}

/// Backward of `conv2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cout, Cin, kH, kW] and gradBias [Cout] (both accumulated, as PyTorch's .grad).
/// `input` is the forward's input, required when the workspace keeps no copy of it.
public func conv2dBackward(_ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                           gradBias: UnsafeMutablePointer<Float>?, workspace ws: Conv2dWorkspace,
                           input: UnsafePointer<Float>? = nil) {
    precondition(ws.geometry == g, "conv2dBackward: workspace was sized for another geometry")
    precondition(input != nil || ws.keepsInputCopy, "conv2dBackward: the workspace keeps no input copy: pass the input")
    let forwardInput = input ?? UnsafePointer(ws.savedInput.pointer)
    if let plan = ws.direct {
        plan.backward(input: forwardInput, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                      gradWeight: gradWeight, gradBias: gradBias)
        return
    }
    let rows = g.im2col.rows, planeSize = g.output.area, cout = g.outChannels
    let inImage = g.inChannels * g.input.area, outImage = cout * planeSize
    let chunkColumns = ws.chunkImages * planeSize
    let weightCount = g.weightCount
    KernelThreads.forEachSlice(ws.slices.count) { s in
        let images = ws.slices.images(s)
        let columns = ws.columns.pointer + s * rows * chunkColumns
        let scratch = ws.product.pointer + s * cout * chunkColumns
        let partialWeight = ws.partialWeight.pointer + s * weightCount
        let partialBias = ws.partialBias.pointer + s * cout
        partialWeight.update(repeating: 0, count: weightCount)
        partialBias.update(repeating: 0, count: cout)
        for first in stride(from: images.lowerBound, to: images.upperBound, by: ws.chunkImages) {
            let count = min(ws.chunkImages, images.upperBound - first)
            let layout = ws.layout(images: count)
            let n = count * planeSize
            im2col(layout, images: forwardInput + first * inImage, columns: columns)
            // The upstream gradient in channel-major order [Cout, count * OH * OW].
            let product: UnsafePointer<Float>
            if count == 1 {
                product = gradOutput + first * outImage
            } else {
                for i in 0..<count {
                    for co in 0..<cout {
                        copyFloats(from: gradOutput + (first + i) * outImage + co * planeSize,
                                   to: scratch + co * n + i * planeSize, count: planeSize)
                    }
                }
                product = UnsafePointer(scratch)
            }
            for co in 0..<cout { partialBias[co] += sumFloats(product + co * n, count: n) }
            // partialWeight [Cout, rows] += product [Cout, n] * columns^T [n, rows]
            sgemm(transposeB: true, m: cout, n: rows, k: n, a: product, lda: n,
                  b: columns, ldb: n, beta: 1, c: partialWeight, ldc: rows)
            guard let gradInput else { continue }
            // columns [rows, n] = weight^T [rows, Cout] * product [Cout, n], then fold back.
            sgemm(transposeA: true, m: rows, n: n, k: cout, a: weight, lda: rows,
                  b: product, ldb: n, beta: 0, c: columns, ldc: n)
            let dx = gradInput + first * inImage
            dx.update(repeating: 0, count: count * inImage)
            col2imAccumulate(layout, columns: columns, images: dx)
        }
    }
    addPartialGradients(ws.partialWeight.pointer, slices: ws.slices.count, count: weightCount, into: gradWeight)
    if let gradBias {
        addPartialGradients(ws.partialBias.pointer, slices: ws.slices.count, count: cout, into: gradBias)
    }
}

/// gradient += each slice's partial gradient, in slice order (so the sum does not depend on which
/// thread ran which slice). partials [slices, count].
func addPartialGradients(_ partials: UnsafePointer<Float>, slices: Int, count: Int,
                         into gradient: UnsafeMutablePointer<Float>) {
    for s in 0..<slices {
        addFloats(partials + s * count, into: gradient, count: count)
    }
}

/// The sum of `count` values, eight running sums at a time (then added pairwise).
@inline(__always)
func sumFloats(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var sum = lanes.sum()
    while i < count { sum += values[i]; i += 1 }
    return sum
}
