/// Flattens every dimension after the batch, as PyTorch's `nn.Flatten()`: [N, C, H, W] -> [N, C*H*W].
/// It copies into its own buffer (cheap, and split across the kernel threads) so that no two
/// layers share storage, which would make the next step's writes copy-on-write.
public final class Flatten: Layer, @unchecked Sendable {
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])

    public init() {}
    public var parameters: [Parameter] { [] }
    public var description: String { "Flatten(start_dim=1, end_dim=-1)" }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        guard inputShape.count >= 1 else {
            throw ShapeError(field: "input", reason: "Flatten expects a batch dimension, got \(inputShape)")
        }
        return [inputShape[0], inputShape.dropFirst().reduce(1, *)]
    }

    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 1, "Flatten: input needs a batch dimension")
        if gradInput.shape != input.shape {   // build the new shapes only when they change
            output.resize(to: [input.shape[0], input.shape.dropFirst().reduce(1, *)])
            gradInput.resize(to: input.shape)
        }
        input.withPointer { x in output.withMutablePointer { y in copyValues(x, into: y, count: input.count) } }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.count == gradInput.count, "Flatten.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        gradOutput.withPointer { dy in gradInput.withMutablePointer { dx in copyValues(dy, into: dx, count: gradOutput.count) } }
        return gradInput
    }
}
