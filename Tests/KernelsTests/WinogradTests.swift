import Testing
import CKernels
@testable import Kernels
@testable import OpCases

/// Winograd F(2x2, 3x3) (`WinogradConv2d`, `ck_winograd`): the forward pass and the input gradient
/// of 3x3 stride-1 padding-1 convolutions with at least 8 channels each way and rows of tiles
/// that fill their vectors, on the AVX2 plan. Odd heights and widths (a last tile half outside), channels that are
/// no multiple of 8, rows of more than 8 tiles (several vectors a tile row) and one image must
/// all give the reference loops' numbers; `ck_winograd` itself any size a plain loop's.
@Suite("Winograd convolutions")
struct WinogradTests {
    static func geometries() throws -> [Conv2dGeometry] {
        [
            // Own network 1's second convolution.
            try Conv2dGeometry(batch: 2, inChannels: 16, outChannels: 32, input: 16, kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 9, outChannels: 12, input: Size2D(7, 15), kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 3, inChannels: 13, outChannels: 10, input: Size2D(5, 31), kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 8, outChannels: 8, input: Size2D(1, 16), kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 2, inChannels: 8, outChannels: 20, input: Size2D(2, 30), kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 11, outChannels: 9, input: Size2D(3, 47), kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 24, outChannels: 17, input: Size2D(18, 32), kernel: 3, padding: 1),
        ]
    }

    @Test("runs only for 3x3, stride 1, dilation 1, padding 1, at least 8 channels each way, rows of tiles filling their vectors, on AVX2")
    func choice() throws {
        for g in try Self.geometries() {
            #expect(WinogradConv2d.runs(g, isa: CK_ISA_AVX2), "\(g)")
            #expect(!WinogradConv2d.runs(g, isa: CK_ISA_AVX512), "\(g) on AVX-512")
        }
        let others = [
            try Conv2dGeometry(batch: 1, inChannels: 3, outChannels: 16, input: 32, kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 7, input: 16, kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 3, stride: 2, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 3),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 3, padding: 2, dilation: 2),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: 5, padding: 2),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 16, kernel: Size2D(3, 1), padding: Size2D(1, 0)),
            try Conv2dGeometry(batch: 1, inChannels: 16, outChannels: 32, input: 12, kernel: 3, padding: 1),
            try Conv2dGeometry(batch: 1, inChannels: 32, outChannels: 32, input: 8, kernel: 3, padding: 1),
        ]
        for g in others { #expect(!WinogradConv2d.runs(g, isa: CK_ISA_AVX2), "\(g)") }
        let g = try Self.geometries()[0]
        for kernels in [ConvolutionKernels.avx2, .avx512] where kernels.runs(on: DirectConvolution.best) {
            let plan = try #require(Conv2dWorkspace(g, kernels: kernels).direct as? DirectConv2dPlan)
            #expect((plan.winograd != nil) == (kernels == .avx2), "\(kernels): Winograd on AVX2 only")
        }
    }

    @Test("forward, input gradient (and the direct weight gradient) equal the reference loops on every path")
    func matchesReference() throws {
        var rng = TestRandom(seed: 41)
        for (i, g) in try Self.geometries().enumerated() {
            let opCase = OpCase.random(.conv2d(g), rng: &rng, hasBias: i % 2 == 0) { $0.floats($1) }
            FastMatchesReferenceTests.compare(opCase, label: "direct #\(i) \(g)", path: .fast)
            FastMatchesReferenceTests.compare(opCase, label: "AVX2 #\(i) \(g)", path: .avx2)
            FastMatchesReferenceTests.compare(opCase, label: "portable #\(i) \(g)", path: .portable)
        }
    }

    /// `ck_winograd` (one image) on `isa`, the weights `w` [outs][channels][3][3] as given or
    /// (`transposed`) as an input gradient's.
    static func winograd(isa: ck_isa, input: [Float], channels: Int, outs: Int, height: Int, width: Int, w: [Float],
                         transposed: Bool, bias: [Float]?) -> [Float] {
        var u = [Float](repeating: 0, count: 16 * channels * outs)
        ck_winograd_weights(w, Int32(outs), Int32(channels), transposed ? 1 : 0, &u)
        // Scratch and output start as NaN: whatever the kernel reads before writing would show.
        var scratch = [Float](repeating: .nan, count: ck_winograd_scratch(Int32(channels), Int32(outs), Int32(height), Int32(width)))
        var output = [Float](repeating: .nan, count: outs * height * width)
        withOptionalArray(bias) { b in
            input.withUnsafeBufferPointer { x in
                u.withUnsafeBufferPointer { u in
                    output.withUnsafeMutableBufferPointer { y in
                        scratch.withUnsafeMutableBufferPointer { s in
                            var args = ck_winograd_args(input: x.baseAddress, in_channels: Int32(channels), out_channels: Int32(outs),
                                                        height: Int32(height), width: Int32(width), u: u.baseAddress, bias: b,
                                                        output: y.baseAddress, scratch: s.baseAddress, isa: isa)
                            ck_winograd(&args)
                        }
                    }
                }
            }
        }
        return output
    }

    @Test("ck_winograd on any size (1x1 up, odd, rows of several vectors) equals a plain loop, forward and transposed weights, the same bits in both forms",
          .enabled(if: DirectConvolution.best != .portable, "no direct kernels on this CPU"))
    func anySize() {
        var rng = TestRandom(seed: 44)
        let forms = DirectConvolution.best == .avx512 ? [CK_ISA_AVX2, CK_ISA_AVX512] : [CK_ISA_AVX2]
        for (channels, outs, height, width) in [(1, 1, 1, 1), (3, 2, 2, 3), (5, 7, 5, 7), (8, 3, 3, 37), (16, 32, 12, 12),
                                                (9, 4, 8, 8), (2, 17, 1, 18), (4, 5, 17, 33)] {
            let input = rng.floats(channels * height * width), w = rng.floats(outs * channels * 9), bias = rng.floats(outs)
            for transposed in [false, true] {
                // Transposed: w is read as [channels][outs][3][3], turned by 180 degrees.
                var expected = [Float](repeating: 0, count: outs * height * width)
                for k in 0..<outs {
                    for y in 0..<height {
                        for x in 0..<width {
                            var sum = transposed ? 0 : Double(bias[k])
                            for c in 0..<channels {
                                for ky in 0..<3 {
                                    for kx in 0..<3 {
                                        let iy = y + ky - 1, ix = x + kx - 1
                                        guard iy >= 0, iy < height, ix >= 0, ix < width else { continue }
                                        let tap = transposed ? w[(c * outs + k) * 9 + (2 - ky) * 3 + (2 - kx)]
                                                             : w[(k * channels + c) * 9 + ky * 3 + kx]
                                        sum += Double(input[(c * height + iy) * width + ix]) * Double(tap)
                                    }
                                }
                            }
                            expected[(k * height + y) * width + x] = Float(sum)
                        }
                    }
                }
                var first: [Float]?
                for isa in forms {
                    let label = "\(channels)->\(outs) \(height)x\(width) transposed \(transposed) isa \(isa.rawValue)"
                    let got = Self.winograd(isa: isa, input: input, channels: channels, outs: outs, height: height, width: width,
                                            w: w, transposed: transposed, bias: transposed ? nil : bias)
                    let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? .nan
                    #expect(worst <= 2e-5 * Float(channels).squareRoot() * 3, "\(label): largest difference \(worst)")
                    if let first { #expect(got == first, "\(label): not the AVX2 form's bits") } else { first = got }
                }
            }
        }
    }
}

private func withOptionalArray<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
