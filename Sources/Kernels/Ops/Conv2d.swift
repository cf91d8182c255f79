/// Fast 2-D convolution. The batch is cut into slices (`BatchSlices`) that run on the kernel
/// threads; inside a slice, a few images at a time are unrolled with im2col and multiplied with
/// one single-threaded `cblas_sgemm`. Small chunks keep the im2col matrix in the core's cache:
/// on the course's first layer a whole-batch GEMM ran at a quarter of the speed of per-image ones.
/// `Conv2dReference.swift` holds the plain loops these must equal.
/// On CPUs with AVX-512 or AVX2 + FMA the workspace holds a direct plan instead (`DirectConv2d.swift`, `DirectConvolution`),
/// which these functions hand the work to; the im2col path below is the portable one.

/// The convolution's workspace; the im2col path's channel-major side is the product
/// [Cout, chunk * OH * OW].
public typealias Conv2dWorkspace = ConvolutionWorkspace<Conv2dGeometry>

extension ConvolutionWorkspace where Geometry == Conv2dGeometry {
    /// See `ConvolutionWorkspace.init`; the direct plan is `DirectConv2dPlan`.
    public convenience init(_ geometry: Conv2dGeometry, keepsInputCopy: Bool = true,
                            kernels: ConvolutionKernels = DirectConvolution.active) {
        self.init(geometry, keepsInputCopy: keepsInputCopy, kernels: kernels) { DirectConv2dPlan($0, isa: $1) }
    }
}

/// Forward: output[n, co, oy, ox] = bias[co] + sum over ci, ky, kx of
///   weight[co, ci, ky, kx] * input[n, ci, oy*S - P + ky*D, ox*S - P + kx*D] (zero outside the input).
/// input [N, Cin, H, W], weight [Cout, Cin, kH, kW], bias [Cout] or nil, output [N, Cout, OH, OW].
/// Keeps a copy of the input in `workspace` for `conv2dBackward`.
/// `imageInput` (only when `ws.runsDirect` and the workspace keeps no input copy): the input image
/// by image, as the layers before give it (`ImageInput`); `input` is then read neither here nor by
/// the backward pass after this one, which asks `imageInput` again.
public func conv2dForward(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                          workspace ws: Conv2dWorkspace,
                          activation: ConvolutionActivation = .none, planeMoments: UnsafeMutablePointer<Float>? = nil,
                          imageInput: ImageInput? = nil) {
    if ws.forwardDirectly(g, input: input, weight: weight, bias: bias, output: output, activation: activation,
                          planeMoments: planeMoments, imageInput: imageInput) { return }
    defer {
        activation.finishWholeBatch(output, batch: g.batch, channels: g.outChannels, area: g.output.area,
                                    planeMoments: planeMoments)
    }
    let scratch = ws.scratch
    let rows = g.im2col.rows, planeSize = g.output.area, cout = g.outChannels
    let inImage = g.inChannels * g.input.area, outImage = cout * planeSize
    scratch.forEachChunk { first, count, columns, channelMajor, _ in
        let x = input + first * inImage
        scratch.keepInput(input, offset: first * inImage, count: count * inImage)
        im2col(scratch.layout(images: count), images: x, columns: columns)
        let n = count * planeSize
        // One image's channel-major product is already its NCHW output.
        let product = count == 1 ? output + first * outImage : channelMajor
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

/// Backward of `conv2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cout, Cin, kH, kW] and gradBias [Cout] (both accumulated, as PyTorch's .grad).
/// `input` is the forward's input, required when the workspace keeps no copy of it.
/// `upstream` (no activation): gradOutput image by image from the layers after the convolution;
/// `gradOutput` is then not read. `inputReader`: given each image's input gradient once written
/// (with `gradInput` only).
public func conv2dBackward(_ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                           gradBias: UnsafeMutablePointer<Float>?, workspace ws: Conv2dWorkspace,
                           input: UnsafePointer<Float>? = nil,
                           activation: ConvolutionActivation = .none, output: UnsafePointer<Float>? = nil,
                           upstream: ImageGradient? = nil, inputReader: InputGradientReader? = nil) {
    guard let start = ws.backwardDirectly(g, input: input, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                                          gradWeight: gradWeight, gradBias: gradBias, activation: activation,
                                          output: output, upstream: upstream, inputReader: inputReader) else { return }
    // The gradient before the fused activation (the im2col path takes it back over the whole batch).
    let forwardInput = start.input, gradOutput = start.gradOutput
    let scratch = ws.scratch
    let rows = g.im2col.rows, planeSize = g.output.area, cout = g.outChannels
    let inImage = g.inChannels * g.input.area, outImage = cout * planeSize
    scratch.accumulateGradients(into: gradWeight, gradBias) { first, count, columns, channelMajor, partialWeight, partialBias in
        let layout = scratch.layout(images: count)
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
                               to: channelMajor + co * n + i * planeSize, count: planeSize)
                }
            }
            product = UnsafePointer(channelMajor)
        }
        for co in 0..<cout { partialBias[co] += sumFloats(product + co * n, count: n) }
        // partialWeight [Cout, rows] += product [Cout, n] * columns^T [n, rows]
        sgemm(transposeB: true, m: cout, n: rows, k: n, a: product, lda: n,
              b: columns, ldb: n, beta: 1, c: partialWeight, ldc: rows)
        guard let gradInput else { return }
        // columns [rows, n] = weight^T [rows, Cout] * product [Cout, n], then fold back.
        sgemm(transposeA: true, m: rows, n: n, k: cout, a: weight, lda: rows,
              b: product, ldb: n, beta: 0, c: columns, ldc: n)
        let dx = gradInput + first * inImage
        dx.update(repeating: 0, count: count * inImage)
        col2imAccumulate(layout, columns: columns, images: dx)
        inputReader?.read(images: first, count: count, imageSize: inImage, gradient: dx)
    }
}
