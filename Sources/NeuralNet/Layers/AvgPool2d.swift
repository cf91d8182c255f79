/// 2-D average pooling, as PyTorch's `nn.AvgPool2d`: stride defaults to the kernel size;
/// `countIncludePad` divides by the window including its zero padding (PyTorch's default).
public final class AvgPool2d: Layer, @unchecked Sendable {
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let ceilMode: Bool
    public let countIncludePad: Bool

    private var geometry: AvgPool2dGeometry?
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init(kernelSize: Size2D, stride: Size2D? = nil, padding: Size2D = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public var parameters: [Parameter] { [] }

    /// PyTorch prints square pooling sizes as single numbers.
    public var description: String {
        func show(_ s: Size2D) -> String { s.height == s.width ? "\(s.height)" : "\(s)" }
        var text = "AvgPool2d(kernel_size=\(show(kernelSize)), stride=\(show(stride)), padding=\(show(padding))"
        if ceilMode { text += ", ceil_mode=True" }
        if !countIncludePad { text += ", count_include_pad=False" }
        return text + ")"
    }

    /// The validated geometry for an input shape [N, C, H, W].
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> AvgPool2dGeometry {
        guard inputShape.count == 4 else {
            throw ShapeError(field: "input", reason: "AvgPool2d expects [batch, channels, height, width], got \(inputShape)")
        }
        return try AvgPool2dGeometry(batch: inputShape[0], channels: inputShape[1],
                                     input: Size2D(inputShape[2], inputShape[3]), kernel: kernelSize,
                                     stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try geometry(for: inputShape).outputShape
    }

    private func prepare(_ shape: [Int]) -> AvgPool2dGeometry {
        if let geometry, geometry.inputShape == shape { return geometry }
        let g = validated(self, shape) { (s) throws(ShapeError) in try geometry(for: s) }
        geometry = g
        output.resize(to: g.outputShape)
        gradInput.resize(to: g.inputShape)
        return g
    }

    /// Whether the last forward pass ran inside the convolution before this layer
    /// (`ConvolutionLayer.forwardAveraging`, as `Sequential` runs a 1x1 Conv2d and a whole-plane
    /// pooling): that convolution's backward pass then covers this layer's.
    private(set) var averagedByConvolution = false

    /// For the convolution before this layer running both forward passes as one
    /// (`ConvolutionLayer.forwardAveraging`): `body` writes this layer's output (sized for an input
    /// of `shape`, which must be valid) given the geometry; returns the output, or nil (nothing
    /// run) when `body` returns false.
    func poolForConvolution(_ shape: [Int], _ body: (AvgPool2dGeometry, UnsafeMutablePointer<Float>) -> Bool) -> Tensor? {
        let g = prepare(shape)
        guard output.withMutablePointer({ body(g, $0) }) else { return nil }
        averagedByConvolution = true
        return output
    }

    public func forward(_ input: Tensor) -> Tensor {
        averagedByConvolution = false
        let g = prepare(input.shape)
        input.withPointer { x in output.withMutablePointer { y in avgPool2dForward(g, input: x, output: y) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let g = geometry else { preconditionFailure("AvgPool2d.backward called before forward") }
        precondition(gradOutput.shape == output.shape, "AvgPool2d.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradOutput.withPointer { dy in gradInput.withMutablePointer { dx in avgPool2dBackward(g, gradOutput: dy, gradInput: dx) } }
        return gradInput
    }
}
