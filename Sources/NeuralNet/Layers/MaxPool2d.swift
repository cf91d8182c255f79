/// 2-D max pooling, as PyTorch's `nn.MaxPool2d`: stride defaults to the kernel size, padding
/// reads as minus infinity, ties go to the first maximum in row-major order.
public final class MaxPool2d: Layer, @unchecked Sendable {
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    public let ceilMode: Bool

    private var geometry: MaxPool2dGeometry?
    private var lastInputShape: [Int] = []
    private var argmax: [Int32] = []
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init(kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, dilation: Size2D = 1,
                ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
    }

    public var parameters: [Parameter] { [] }

    /// PyTorch prints square pooling sizes as single numbers.
    public var description: String {
        func show(_ s: Size2D) -> String { s.height == s.width ? "\(s.height)" : "\(s)" }
        return "MaxPool2d(kernel_size=\(show(kernelSize)), stride=\(show(stride)), padding=\(show(padding)), "
            + "dilation=\(show(dilation)), ceil_mode=\(ceilMode ? "True" : "False"))"
    }

    /// The validated geometry for an input shape [N, C, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> MaxPool2dGeometry {
        guard inputShape.count == 4 else {
            throw ShapeError(field: "input", reason: "MaxPool2d expects [batch, channels, height, width], got \(inputShape)")
        }
        return try MaxPool2dGeometry(batch: inputShape[0], channels: inputShape[1],
                                     input: Size2D(inputShape[2], inputShape[3]), kernel: kernelSize,
                                     stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try geometry(for: inputShape).outputShape
    }

    private func prepare(_ shape: [Int]) -> MaxPool2dGeometry {
        if let geometry, shape == lastInputShape { return geometry }
        let g = validated(self, shape) { (s) throws(ShapeError) in try geometry(for: s) }
        geometry = g
        lastInputShape = shape
        argmax = [Int32](repeating: -1, count: g.outputCount)
        output.resize(to: g.outputShape)
        gradInput.resize(to: g.inputShape)
        return g
    }

    public func forward(_ input: Tensor) -> Tensor {
        pool(input, applyingReLU: false)
    }

    /// True when the last forward pass was `forwardApplyingReLU`: `backward` then returns the
    /// gradient with respect to the ReLU's input.
    private(set) var appliedReLU = false

    /// Pools ReLU(input) (a `ReLU` layer followed by this one) without writing ReLU's output: the
    /// same output bits as `forward(relu.forward(input))`, one pass over the input instead of three.
    /// The next `backward` returns the gradient with respect to `input`, as `relu.backward(backward(dy))`.
    func forwardApplyingReLU(_ input: Tensor) -> Tensor {
        pool(input, applyingReLU: true)
    }

    private func pool(_ input: Tensor, applyingReLU: Bool) -> Tensor {
        let g = prepare(input.shape)
        appliedReLU = applyingReLU
        input.withPointer { x in
            output.withMutablePointer { y in
                argmax.withUnsafeMutableBufferPointer { a in
                    maxPool2dForward(g, input: x, output: y, argmax: a.baseAddress!, applyingReLU: applyingReLU)
                }
            }
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let g = geometry else { preconditionFailure("MaxPool2d.backward called before forward") }
        precondition(gradOutput.shape == output.shape, "MaxPool2d.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradOutput.withPointer { dy in
            gradInput.withMutablePointer { dx in
                argmax.withUnsafeBufferPointer { a in
                    output.withPointer { y in
                        maxPool2dBackward(g, gradOutput: dy, argmax: a.baseAddress!, gradInput: dx,
                                          reluFused: appliedReLU, output: y)
                    }
                }
            }
        }
        return gradInput
    }
}
