/// Fast 2-D transposed convolution: a GEMM produces every kernel-weighted copy of the input and
/// col2im scatters them onto the output. It is the backward data pass of a convolution, so it
/// reuses the same im2col layout with image and grid swapped. As in `Conv2d.swift`, the batch is
/// cut into slices that run on the kernel threads, and each slice works a few images at a time
/// so that the columns stay in the core's cache.
/// `ConvTranspose2dReference.swift` holds the plain loops these must equal.
/// On CPUs with AVX-512 or AVX2 + FMA the workspace holds a direct plan instead (`DirectConvTranspose2d.swift`, `DirectConvolution`),
/// which these functions hand the work to; the im2col path below is the portable one.

/// The transposed convolution's workspace; the im2col path's channel-major side is the input
/// [Cin, chunk * H * W] (forward, weight gradient) and then the input gradient.
public typealias ConvTranspose2dWorkspace = ConvolutionWorkspace<ConvTranspose2dGeometry>

extension ConvolutionWorkspace where Geometry == ConvTranspose2dGeometry {
    /// See `ConvolutionWorkspace.init`; the direct plan is `DirectConvTranspose2dPlan`.
    public convenience init(_ geometry: ConvTranspose2dGeometry, keepsInputCopy: Bool = true,
                            kernels: ConvolutionKernels = DirectConvolution.active) {
        self.init(geometry, keepsInputCopy: keepsInputCopy, kernels: kernels) { DirectConvTranspose2dPlan($0, isa: $1) }
    }

    /// Whether `convTranspose2dBackward` can take a squared-error loss image by image
    /// (`squaredError:`) after a forward pass that applied `activation`: the direct plan, with a sigmoid.
    public func takesSquaredError(after activation: ConvolutionActivation) -> Bool {
        activation == .sigmoid && direct != nil
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
/// Keeps a copy of the input in `workspace` for `convTranspose2dBackward`. With `planeMoments`
/// (3 floats a plane), also every output plane's batch-norm moments, and `imageInput` as `conv2dForward`.
public func convTranspose2dForward(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>,
                                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                   output: UnsafeMutablePointer<Float>, workspace ws: ConvTranspose2dWorkspace,
                                   activation: ConvolutionActivation = .none,
                                   planeMoments: UnsafeMutablePointer<Float>? = nil,
                                   imageInput: ImageInput? = nil) {
    if ws.forwardDirectly(g, input: input, weight: weight, bias: bias, output: output, activation: activation,
                          planeMoments: planeMoments, imageInput: imageInput) { return }
    defer {
        activation.finishWholeBatch(output, batch: g.batch, channels: g.outChannels, area: g.output.area,
                                    planeMoments: planeMoments)
    }
    let scratch = ws.scratch
    let rows = g.im2col.rows, planeSize = g.input.area, cin = g.inChannels
    let inImage = cin * planeSize, outPlane = g.output.area, outImage = g.outChannels * outPlane
    scratch.forEachChunk { first, count, columns, channelMajor, _ in
        let n = count * planeSize
        let x = input + first * inImage
        scratch.keepInput(input, offset: first * inImage, count: count * inImage)
        // One image [Cin, H, W] is already channel-major.
        let inputT: UnsafePointer<Float>
        if count == 1 {
            inputT = x
        } else {
            swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize, from: x, to: channelMajor)
            inputT = UnsafePointer(channelMajor)
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
        col2imAccumulate(scratch.layout(images: count), columns: columns, images: y)
    }
}

/// Backward of `convTranspose2dForward`, which must have run on the same workspace just before.
/// gradOutput [N, Cout, OH, OW] -> gradInput [N, Cin, H, W] (overwritten; skipped when nil),
/// gradWeight [Cin, Cout, kH, kW] and gradBias [Cout] (both accumulated).
/// `input` is the forward's input, required when the workspace keeps no copy of it.
/// `upstream` (no activation): gradOutput image by image from the layers after the convolution;
/// `gradOutput` is then not read. `inputReader`: given each image's input gradient once written
/// (with `gradInput` only).
/// `squaredError` (only when `ws.takesSquaredError(after: activation)`): the gradient at the
/// sigmoid's output is the squared-error loss's against its target, taken image by image
/// (`SquaredErrorImages`); `gradOutput` is then not read.
public func convTranspose2dBackward(_ g: ConvTranspose2dGeometry, gradOutput: UnsafePointer<Float>,
                                    weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                                    gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                                    workspace ws: ConvTranspose2dWorkspace, input: UnsafePointer<Float>? = nil,
                                    activation: ConvolutionActivation = .none, output: UnsafePointer<Float>? = nil,
                                    upstream: ImageGradient? = nil, inputReader: InputGradientReader? = nil,
                                    squaredError: SquaredErrorImages? = nil) {
    precondition(squaredError == nil || ws.takesSquaredError(after: activation),
                 "convTranspose2dBackward: a squared-error loss needs the direct plan and a sigmoid")
    guard let start = ws.backwardDirectly(g, input: input, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                                          gradWeight: gradWeight, gradBias: gradBias, activation: activation,
                                          output: output, upstream: upstream, inputReader: inputReader,
                                          squaredError: squaredError) else { return }
    // The gradient before the fused activation (the im2col path takes it back over the whole batch).
    let forwardInput = start.input, gradOutput = start.gradOutput
    let scratch = ws.scratch
    let rows = g.im2col.rows, planeSize = g.input.area, cin = g.inChannels, cout = g.outChannels
    let inImage = cin * planeSize, outPlane = g.output.area, outImage = cout * outPlane
    scratch.accumulateGradients(into: gradWeight, gradBias) { first, count, columns, channelMajor, partialWeight, partialBias in
        let n = count * planeSize
        let dy = gradOutput + first * outImage
        im2col(scratch.layout(images: count), images: dy, columns: columns)
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
            swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize, from: x, to: channelMajor)
            inputT = UnsafePointer(channelMajor)
        }
        // partialWeight [Cin, rows] += inputT [Cin, n] * columns^T [n, rows]
        sgemm(transposeB: true, m: cin, n: rows, k: n, a: inputT, lda: n,
              b: columns, ldb: n, beta: 1, c: partialWeight, ldc: rows)
        guard let gradInput else { return }
        // gradInputT [Cin, n] = weight [Cin, rows] * columns [rows, n]
        let dx = gradInput + first * inImage
        let gradInputT = count == 1 ? dx : channelMajor
        sgemm(m: cin, n: n, k: rows, a: weight, lda: rows, b: columns, ldb: n, beta: 0, c: gradInputT, ldc: n)
        if count > 1 {
            swapBatchAndChannels(batch: count, channels: cin, planeSize: planeSize,
                                 from: channelMajor, to: dx, inverse: true)
        }
        inputReader?.read(images: first, count: count, imageSize: inImage, gradient: dx)
    }
}
