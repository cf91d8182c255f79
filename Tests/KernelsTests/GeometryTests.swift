import Testing
@testable import Kernels

@Suite("Output sizes and validation")
struct GeometryTests {
    @Test("convolution: O = floor((I + 2P - D(K-1) - 1)/S) + 1")
    func convolutionSize() {
        #expect(OutputSize.convolution(input: 32, kernel: 5, stride: 1, padding: 0, dilation: 1) == 28)
        #expect(OutputSize.convolution(input: 32, kernel: 4, stride: 2, padding: 1, dilation: 1) == 16)
        #expect(OutputSize.convolution(input: 7, kernel: 3, stride: 2, padding: 0, dilation: 2) == 2)
        #expect(OutputSize.convolution(input: 4, kernel: 2, stride: 3, padding: 0, dilation: 1) == 1)
        // Padding larger than the kernel.
        #expect(OutputSize.convolution(input: 2, kernel: 2, stride: 1, padding: 3, dilation: 1) == 7)
    }

    @Test("transposed convolution: O = (I-1)S - 2P + D(K-1) + output_padding + 1")
    func transposedSize() {
        #expect(OutputSize.transposedConvolution(input: 4, kernel: 4, stride: 2, padding: 1, dilation: 1, outputPadding: 0) == 8)
        #expect(OutputSize.transposedConvolution(input: 5, kernel: 3, stride: 3, padding: 0, dilation: 2, outputPadding: 1) == 18)
        // Inverts the convolution size (up to output_padding).
        for i in 1...12 { for k in 1...4 { for s in 1...3 { for p in 0...2 where i + 2 * p >= k {
            let o = OutputSize.convolution(input: i, kernel: k, stride: s, padding: p, dilation: 1)
            let back = OutputSize.transposedConvolution(input: o, kernel: k, stride: s, padding: p, dilation: 1, outputPadding: 0)
            #expect(back <= i && i - back < s)
        }}}}
    }

    @Test("pooling in ceil mode: rounds up, but the last window must start inside the input or left padding")
    func poolingCeilMode() {
        #expect(OutputSize.pooling(input: 5, kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false) == 2)
        #expect(OutputSize.pooling(input: 5, kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: true) == 3)
        // (5 + 2 - 1 - 1 + 2)/3 + 1 = 3, but window 3 would start at 6 >= 5 + 1: dropped.
        #expect(OutputSize.pooling(input: 5, kernel: 2, stride: 3, padding: 1, dilation: 1, ceilMode: true) == 2)
        #expect(OutputSize.pooling(input: 6, kernel: 3, stride: 2, padding: 1, dilation: 1, ceilMode: true) == 4)
        #expect(OutputSize.pooling(input: 6, kernel: 3, stride: 2, padding: 1, dilation: 1, ceilMode: false) == 3)
    }

    @Test("floor division rounds towards minus infinity")
    func floorDivision() {
        #expect(OutputSize.floorDivide(-1, 2) == -1)
        #expect(OutputSize.floorDivide(-4, 2) == -2)
        #expect(OutputSize.floorDivide(5, 2) == 2)
        #expect(ceilDivide(-3, 2) == -1)
        #expect(ceilDivide(3, 2) == 2)
    }

    /// The field a geometry error names, or nil when the geometry is valid.
    static func conv2dError(stride: Size2D = 1, padding: Size2D = 0, dilation: Size2D = 1, input: Size2D = 4,
                            kernel: Size2D = 2) -> ShapeError? {
        do {
            _ = try Conv2dGeometry(batch: 1, inChannels: 1, outChannels: 1, input: input, kernel: kernel,
                                   stride: stride, padding: padding, dilation: dilation)
            return nil
        } catch { return error }
    }

    @Test("conv2d refuses stride 0, negative padding, dilation 0 and a kernel larger than the padded input")
    func conv2dValidation() {
        #expect(Self.conv2dError(stride: Size2D(1, 0))?.field == "params.stride")
        #expect(Self.conv2dError(padding: Size2D(-1, 0))?.field == "params.padding")
        #expect(Self.conv2dError(dilation: 0)?.field == "params.dilation")
        #expect(Self.conv2dError(input: 3, kernel: 4)?.field == "weight")
        #expect(Self.conv2dError(input: 3, kernel: 4)?.reason.contains("larger than the padded input") == true)
        #expect(Self.conv2dError(dilation: 3, input: 3, kernel: 2)?.field == "weight")
        #expect(Self.conv2dError(padding: 1, input: 3, kernel: 4) == nil)
        #expect(Self.conv2dError(padding: Size2D(1 << 40, 0))?.field == "params.padding")
        #expect(Self.conv2dError(padding: Size2D(1 << 23, 0))?.field == "output (height, width)")
    }

    @Test("conv_transpose2d refuses output_padding not smaller than stride or dilation, and empty outputs")
    func convTransposeValidation() {
        func error(stride: Size2D = 2, padding: Size2D = 0, outputPadding: Size2D = 0, dilation: Size2D = 1) -> ShapeError? {
            do {
                _ = try ConvTranspose2dGeometry(batch: 1, inChannels: 1, outChannels: 1, input: 2, kernel: 2, stride: stride,
                                                padding: padding, outputPadding: outputPadding, dilation: dilation)
                return nil
            } catch { return error }
        }
        #expect(error(outputPadding: 1) == nil)
        #expect(error(outputPadding: 2)?.field == "params.output_padding")
        #expect(error(stride: 1, outputPadding: 1, dilation: 2) == nil)   // smaller than the dilation: allowed
        #expect(error(stride: 1, outputPadding: 1, dilation: 1)?.field == "params.output_padding")
        #expect(error(outputPadding: Size2D(-1, 0))?.field == "params.output_padding")
        #expect(error(padding: 3)?.field == "params.padding")   // (2-1)*2 - 6 + 1 + 1 < 1
        #expect(error(stride: 0)?.field == "params.stride")
    }

    @Test("max_pool2d refuses padding above half the kernel, stride 0 and windows larger than the input")
    func maxPoolValidation() {
        func error(input: Size2D = 4, kernel: Size2D = 2, stride: Size2D? = nil, padding: Size2D = 0,
                   ceilMode: Bool = false) -> ShapeError? {
            do {
                _ = try MaxPool2dGeometry(batch: 1, channels: 1, input: input, kernel: kernel, stride: stride,
                                          padding: padding, ceilMode: ceilMode)
                return nil
            } catch { return error }
        }
        #expect(error(padding: 1) == nil)
        #expect(error(padding: 2)?.field == "params.padding")
        #expect(error(kernel: 3, padding: 2)?.field == "params.padding")
        #expect(error(stride: 0)?.field == "params.stride")
        #expect(error(input: 2, kernel: 3)?.field == "params.kernel_size")
        #expect(error(kernel: 0)?.field == "params.kernel_size")
        // Huge values are refused before any arithmetic could overflow.
        do {
            _ = try MaxPool2dGeometry(batch: 1, channels: 1, input: 4, kernel: Size2D(square: 1 << 39),
                                      dilation: Size2D(square: 1 << 39))
            Issue.record("a kernel of 2^39 was accepted")
        } catch {
            #expect(error.field == "params.kernel_size")
        }
        // Ceil mode keeps a window that starts inside the input even when it overhangs (as PyTorch).
        #expect(error(input: 3, kernel: 4, stride: 4, ceilMode: true) == nil)
        #expect(error(input: 3, kernel: 4, stride: 4, ceilMode: false)?.field == "params.kernel_size")
    }

    @Test("max_pool2d: ties go to the first maximum in row-major order; padding never wins")
    func poolingTies() throws {
        let g = try MaxPool2dGeometry(batch: 1, channels: 1, input: Size2D(2, 3), kernel: Size2D(2, 3), stride: 1, padding: Size2D(1, 1))
        // Output 3x3; every window sees some of [[1, 3, 3], [3, 0, 3]].
        let input: [Float] = [1, 3, 3, 3, 0, 3]
        var output = [Float](repeating: 0, count: g.outputCount), argmax = [Int32](repeating: 0, count: g.outputCount)
        var gradInput = [Float](repeating: 0, count: g.inputCount)
        let gradOutput = [Float](repeating: 1, count: g.outputCount)
        input.withUnsafeBufferPointer { x in output.withUnsafeMutableBufferPointer { y in argmax.withUnsafeMutableBufferPointer { a in
            maxPool2dForward(g, input: x.baseAddress!, output: y.baseAddress!, argmax: a.baseAddress!)
            gradOutput.withUnsafeBufferPointer { dy in gradInput.withUnsafeMutableBufferPointer { dx in
                maxPool2dBackward(g, gradOutput: dy.baseAddress!, argmax: a.baseAddress!, gradInput: dx.baseAddress!)
            }}
        }}}
        #expect(g.output == Size2D(3, 3))
        #expect(output == [3, 3, 3, 3, 3, 3, 3, 3, 3])
        // Output rows 0 and 1 see input row 0 first: its first 3 (index 1) wins every tie there;
        // output row 2 sees only input row 1 (row 2 is padding): index 3, unless the window starts at column 1.
        #expect(argmax == [1, 1, 1, 1, 1, 1, 3, 3, 5])
        #expect(gradInput == [0, 6, 0, 2, 0, 1])
    }
}
