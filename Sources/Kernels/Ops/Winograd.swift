import CKernels

/// Winograd F(2x2, 3x3) for a `DirectConv2dPlan` whose layer is 3x3, stride 1, dilation 1,
/// padding 1 (`ck_winograd`, include/CWinograd.h): the forward pass and the input gradient (a
/// convolution of the same kind with the weights transposed and turned by 180 degrees) take 16
/// products per 2x2 outputs, input and output channel instead of 36. The weight gradient stays
/// direct. The AVX2 plan only: on AVX-512 the direct kernels were faster in the training step
/// (`runs`). `ck_winograd`'s two forms give the same bits; the sums differ in rounding from the
/// direct kernels' (golden cases and the reference agree within the usual tolerances), so a
/// network with such a layer no longer gets the same bits on AVX2 and AVX-512.
struct WinogradConv2d {
    /// The transformed weights of the forward pass ([16][Cout][Cin]) and of the input gradient
    /// ([16][Cin][Cout]).
    let forwardWeights: FloatBuffer
    let backwardWeights: FloatBuffer
    /// Per slice: one image's scratch (`ck_winograd_scratch`), the larger of the two directions'.
    let scratch: FloatBuffer
    let scratchPerSlice: Int
    let geometry: Conv2dGeometry

    /// Whether Winograd runs for this geometry: 3x3, stride 1, dilation 1, padding 1, at least 8
    /// input and 8 output channels, and rows of tiles that fill their vectors (8 tiles, 16
    /// columns, to a vector: widths 15-16, 30-32, 46-48, ...). From C microbenchmarks (thread CPU,
    /// 128 images, 2026-11-30, load 8-10; the direct kernels including their zero-bordered copies),
    /// AVX2 ms: own network 1's Conv2d(16, 32, 3, padding: 1) on 16x16 forward 3.90-4.01 -> 2.53-2.64,
    /// input gradient (32 -> 16) 3.76-4.23 -> 2.78-3.08; 8 -> 16 on 16x16 1.02 -> 0.84, 16 -> 16 on
    /// 32x32 8.65 -> 7.02; but 3 -> 16 on 32x32 2.48 -> 3.00 (the transforms of few channels cost
    /// more than the products they save), 16 -> 32 on 12x12 2.89 -> 2.97 and 32 -> 16 on 14x14
    /// 3.29 -> 3.74 (rows of 6 or 7 tiles leave a vector's lanes empty), 32 -> 32 on 8x8 1.81 -> 2.53.
    /// AVX-512 (the same tiles; the products 16 lanes wide) beat the channel gather in the
    /// microbenchmark (16 -> 32 on 16x16 2.02 -> 1.65, 32 -> 16 2.24 -> 1.88) but not the AVX-512 row
    /// gather the plan runs there: in the step (`cnnlab bench --layers "$N1" --threads 1`, old/new
    /// twice, load 8.3) that layer's forward took 2.79 / 2.58 -> 3.05 / 3.10 ms CPU and its backward
    /// 5.97 / 5.88 -> 6.47 / 7.12, so `isa` must be AVX2.
    static func runs(_ g: Conv2dGeometry, isa: ck_isa) -> Bool {
        let tilesPerRow = (g.input.width + 1) / 2, lanes = 8 * ((tilesPerRow + 7) / 8)
        return isa == CK_ISA_AVX2 && g.kernel == Size2D(3, 3) && g.stride == Size2D(1, 1) && g.dilation == Size2D(1, 1)
            && g.padding == Size2D(1, 1) && g.inChannels >= 8 && g.outChannels >= 8
            && Double(tilesPerRow) >= 0.9 * Double(lanes)
    }

    init(_ g: Conv2dGeometry, slices: Int) {
        geometry = g
        let weights = 16 * g.inChannels * g.outChannels
        forwardWeights = FloatBuffer(count: weights)
        backwardWeights = FloatBuffer(count: weights)
        let h = Int32(g.input.height), w = Int32(g.input.width)
        scratchPerSlice = max(ck_winograd_scratch(Int32(g.inChannels), Int32(g.outChannels), h, w),
                              ck_winograd_scratch(Int32(g.outChannels), Int32(g.inChannels), h, w))
        scratch = FloatBuffer(count: slices * scratchPerSlice)
    }

    /// Transforms the layer's weight [Cout][Cin][3][3] for `forward` (once a pass).
    func prepareForward(weight: UnsafePointer<Float>) {
        ck_winograd_weights(weight, Int32(geometry.outChannels), Int32(geometry.inChannels), 0, forwardWeights.pointer)
    }

    /// Transforms the layer's weight for `inputGradient` (once a pass).
    func prepareBackward(weight: UnsafePointer<Float>) {
        ck_winograd_weights(weight, Int32(geometry.inChannels), Int32(geometry.outChannels), 1, backwardWeights.pointer)
    }

    /// One image's output planes from its input planes (after `prepareForward`), on slice `s`'s scratch.
    func forward(isa: ck_isa, input: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>, slice s: Int) {
        run(isa: isa, input: input, channels: geometry.inChannels, weights: forwardWeights.pointer,
            outs: geometry.outChannels, bias: bias, output: output, slice: s)
    }

    /// One image's input gradient planes from its output gradient planes (after `prepareBackward`).
    func inputGradient(isa: ck_isa, gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>,
                       slice s: Int) {
        run(isa: isa, input: gradOutput, channels: geometry.outChannels, weights: backwardWeights.pointer,
            outs: geometry.inChannels, bias: nil, output: gradInput, slice: s)
    }

    private func run(isa: ck_isa, input: UnsafePointer<Float>, channels: Int, weights: UnsafePointer<Float>,
                     outs: Int, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, slice s: Int) {
        var args = ck_winograd_args(
            input: input, in_channels: Int32(channels), out_channels: Int32(outs), height: Int32(geometry.input.height),
            width: Int32(geometry.input.width), u: weights, bias: bias, output: output,
            scratch: scratch.pointer + s * scratchPerSlice, isa: isa)
        ck_winograd(&args)
    }
}
