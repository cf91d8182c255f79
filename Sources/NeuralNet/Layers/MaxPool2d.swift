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

    /// True when the last forward pass was `forwardApplyingReLU`.
    private(set) var appliedReLU = false

    /// Pools ReLU(input) (a `ReLU` layer followed by this one) without writing ReLU's output: the
    /// same output bits as `forward(relu.forward(input))`, one pass over the input instead of three.
    /// Follow it with `backwardThroughReLU` (or `backward`, for the gradient at ReLU's output).
    func forwardApplyingReLU(_ input: Tensor) -> Tensor {
        pool(input, applyingReLU: true)
    }

    /// True when the last forward pass was run by the batch norm before the ReLU before this
    /// layer (`BatchNorm2d.forwardApplyingReLUAndPooling`): output and argmax are then those of
    /// `forwardApplyingReLU` on the batch norm's output.
    private(set) var pooledByBatchNorm = false

    /// Whether this pooling's windows are 2x2 with stride 2 and tile an input of `shape` (every
    /// input position in exactly one window): what `BatchNorm2d.forwardApplyingReLUAndPooling` runs.
    func tilesTwoByTwo(_ shape: [Int]) -> Bool {
        guard shape.count == 4, kernelSize == 2, stride == 2, padding == 0, dilation == 1,
              shape[2] % 2 == 0, shape[3] % 2 == 0, (try? geometry(for: shape)) != nil else { return false }
        let g = prepare(shape)
        return 2 * g.output.height == shape[2] && 2 * g.output.width == shape[3]
    }

    /// For the batch norm before the ReLU: the output and argmax for an input of `shape` (which
    /// `tilesTwoByTwo`), filled by `body` as `forwardApplyingReLU` would; returns the output.
    func poolForBatchNorm(_ shape: [Int], _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>) -> Void) -> Tensor {
        _ = prepare(shape)
        appliedReLU = true
        pooledByBatchNorm = true
        output.withMutablePointer { y in
            argmax.withUnsafeMutableBufferPointer { a in body(y, a.baseAddress!) }
        }
        return output
    }

    /// The geometry of the last forward pass (nil before the first).
    var lastGeometry: MaxPool2dGeometry? { geometry }

    /// The last forward pass's output and argmax (for the fused backward passes of the batch norm
    /// and of the convolution before the ReLU).
    func withPooling<R>(_ body: (UnsafePointer<Float>, UnsafePointer<Int32>) -> R) -> R {
        output.withPointer { y in argmax.withUnsafeBufferPointer { a in body(y, a.baseAddress!) } }
    }

    private func pool(_ input: Tensor, applyingReLU: Bool) -> Tensor {
        let g = prepare(input.shape)
        appliedReLU = applyingReLU
        pooledByBatchNorm = false
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
        backward(gradOutput, throughReLU: false)
    }

    /// After `forwardApplyingReLU`: the gradient with respect to the ReLU's input, the bits of
    /// `relu.backward(backward(gradOutput))`, in one pass.
    func backwardThroughReLU(_ gradOutput: Tensor) -> Tensor {
        precondition(appliedReLU, "MaxPool2d.backwardThroughReLU: the last forward pass did not apply ReLU")
        return backward(gradOutput, throughReLU: true)
    }

    private func backward(_ gradOutput: Tensor, throughReLU: Bool) -> Tensor {
        guard let g = geometry else { preconditionFailure("MaxPool2d.backward called before forward") }
        precondition(gradOutput.shape == output.shape, "MaxPool2d.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradOutput.withPointer { dy in
            gradInput.withMutablePointer { dx in
                argmax.withUnsafeBufferPointer { a in
                    output.withPointer { y in
                        maxPool2dBackward(g, gradOutput: dy, argmax: a.baseAddress!, gradInput: dx,
                                          reluFused: throughReLU, output: y)
                    }
                }
            }
        }
        return gradInput
    }
}
