/// ReLU, as PyTorch's `nn.ReLU`: max(x, 0); the gradient passes where the output is positive.
public final class ReLU: Layer, @unchecked Sendable {
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])
    /// Set when `Sequential` last ran this layer inside the max pooling after it, so its own
    /// output was never written; cleared by `forward`.
    var skippedByFusion = false

    public init() {}
    public var parameters: [Parameter] { [] }
    public var description: String { "ReLU()" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        skippedByFusion = false
        output.resize(to: input.shape)
        input.withPointer { x in output.withMutablePointer { y in reluForward(input: x, output: y, count: input.count) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(!skippedByFusion, "ReLU.backward: Sequential ran this ReLU inside the max pooling after it (or the batch norm before it); "
                     + "back-propagate through both (a Sequential.backward range holding the pair)")
        precondition(gradOutput.shape == output.shape, "ReLU.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradInput.resize(to: output.shape)
        output.withPointer { y in
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in reluBackward(output: y, gradOutput: dy, gradInput: dx, count: output.count) }
            }
        }
        return gradInput
    }
}

/// Sigmoid, as PyTorch's `nn.Sigmoid`: 1 / (1 + e^-x); the gradient is y(1 - y).
public final class Sigmoid: Layer, @unchecked Sendable {
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init() {}
    public var parameters: [Parameter] { [] }
    public var description: String { "Sigmoid()" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        output.resize(to: input.shape)
        input.withPointer { x in output.withMutablePointer { y in sigmoidForward(input: x, output: y, count: input.count) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == output.shape, "Sigmoid.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradInput.resize(to: output.shape)
        output.withPointer { y in
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in sigmoidBackward(output: y, gradOutput: dy, gradInput: dx, count: output.count) }
            }
        }
        return gradInput
    }
}

/// LeakyReLU, as PyTorch's `nn.LeakyReLU`: x where x > 0, else negativeSlope * x.
public final class LeakyReLU: Layer, @unchecked Sendable {
    public let negativeSlope: Float
    private var input: Tensor?
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    /// Set when `Sequential` last ran this layer inside the batch norm before it, so its own
    /// output was never written; cleared by `forward`.
    var skippedByFusion = false

    public init(negativeSlope: Float = 0.01) { self.negativeSlope = negativeSlope }
    public var parameters: [Parameter] { [] }
    public var description: String { "LeakyReLU(negative_slope=\(PythonFloat.text(negativeSlope)))" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        skippedByFusion = false
        self.input = input
        output.resize(to: input.shape)
        input.withPointer { x in
            output.withMutablePointer { y in leakyReLUForward(input: x, output: y, count: input.count, slope: negativeSlope) }
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("LeakyReLU.backward called before forward") }
        precondition(!skippedByFusion, "LeakyReLU.backward: Sequential ran this LeakyReLU inside the batch norm before it; "
                     + "back-propagate through both (a Sequential.backward range holding the pair)")
        precondition(gradOutput.shape == input.shape, "LeakyReLU.backward: gradient shape \(gradOutput.shape), expected \(input.shape)")
        gradInput.resize(to: input.shape)
        input.withPointer { x in
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in
                    leakyReLUBackward(input: x, gradOutput: dy, gradInput: dx, count: input.count, slope: negativeSlope)
                }
            }
        }
        return gradInput
    }
}

/// Tanh, as PyTorch's `nn.Tanh`; the gradient is 1 - y^2.
public final class Tanh: Layer, @unchecked Sendable {
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init() {}
    public var parameters: [Parameter] { [] }
    public var description: String { "Tanh()" }
    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] { inputShape }

    public func forward(_ input: Tensor) -> Tensor {
        output.resize(to: input.shape)
        input.withPointer { x in output.withMutablePointer { y in tanhForward(input: x, output: y, count: input.count) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == output.shape, "Tanh.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradInput.resize(to: output.shape)
        output.withPointer { y in
            gradOutput.withPointer { dy in
                gradInput.withMutablePointer { dx in tanhBackward(output: y, gradOutput: dy, gradInput: dx, count: output.count) }
            }
        }
        return gradInput
    }
}
