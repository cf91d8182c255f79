/// What ReLU, Sigmoid, Tanh and LeakyReLU share: no parameters, the output shape of the input,
/// one element-wise kernel forward and one backward (Kernels/Ops), run over buffers the layer
/// owns. The backward rule reads the forward's output (ReLU, Sigmoid, Tanh: cheaper, as PyTorch
/// does) or, where the output's sign says too little (LeakyReLU), its input.
public class ElementwiseLayer: Layer, @unchecked Sendable {
    typealias ForwardKernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    /// (saved output or input, upstream gradient, input gradient, count).
    typealias BackwardKernel = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    /// PyTorch's class name, for `description` and messages.
    let name: String
    private let forwardKernel: ForwardKernel
    private let backwardKernel: BackwardKernel
    private let backwardReadsInput: Bool
    private var input: Tensor?
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])
    /// Set when `Sequential` last ran this layer inside a neighbouring one (the max pooling after
    /// it, or the batch norm or convolution before it), so its own output was never written;
    /// cleared by `forward`.
    var skippedByFusion = false

    init(name: String, forward: @escaping ForwardKernel, backward: @escaping BackwardKernel,
         backwardReadsInput: Bool = false) {
        self.name = name
        forwardKernel = forward
        backwardKernel = backward
        self.backwardReadsInput = backwardReadsInput
    }

    public var parameters: [Parameter] { [] }
    public var description: String { "\(name)()" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        skippedByFusion = false
        if backwardReadsInput { self.input = input }
        output.resize(to: input.shape)
        input.withPointer { x in output.withMutablePointer { y in forwardKernel(x, y, input.count) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(!skippedByFusion, "\(name).backward: Sequential ran this \(name) inside the layer next to it "
                     + "(the max pooling after it, or the batch norm or convolution before it); "
                     + "back-propagate through both (a Sequential.backward range holding the pair)")
        let saved: Tensor
        if backwardReadsInput {
            guard let input else { preconditionFailure("\(name).backward called before forward") }
            saved = input
        } else {
            saved = output
        }
        precondition(gradOutput.shape == saved.shape, "\(name).backward: gradient shape \(gradOutput.shape), expected \(saved.shape)")
        gradInput.resize(to: saved.shape)
        saved.withPointer { s in
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in backwardKernel(s, dy, dx, saved.count) }
            }
        }
        return gradInput
    }
}

/// ReLU, as PyTorch's `nn.ReLU`: max(x, 0); the gradient passes where the output is positive.
public final class ReLU: ElementwiseLayer, @unchecked Sendable {
    public init() { super.init(name: "ReLU", forward: reluForward, backward: reluBackward) }
}

/// Sigmoid, as PyTorch's `nn.Sigmoid`: 1 / (1 + e^-x); the gradient is y(1 - y).
public final class Sigmoid: ElementwiseLayer, @unchecked Sendable {
    public init() { super.init(name: "Sigmoid", forward: sigmoidForward, backward: sigmoidBackward) }
}

/// Tanh, as PyTorch's `nn.Tanh`; the gradient is 1 - y^2.
public final class Tanh: ElementwiseLayer, @unchecked Sendable {
    public init() { super.init(name: "Tanh", forward: tanhForward, backward: tanhBackward) }
}

/// LeakyReLU, as PyTorch's `nn.LeakyReLU`: x where x > 0, else negativeSlope * x.
public final class LeakyReLU: ElementwiseLayer, @unchecked Sendable {
    public let negativeSlope: Float

    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        super.init(name: "LeakyReLU",
                   forward: { leakyReLUForward(input: $0, output: $1, count: $2, slope: negativeSlope) },
                   backward: { leakyReLUBackward(input: $0, gradOutput: $1, gradInput: $2, count: $3, slope: negativeSlope) },
                   backwardReadsInput: true)
    }

    public override var description: String { "LeakyReLU(negative_slope=\(PythonFloat.text(negativeSlope)))" }
}
