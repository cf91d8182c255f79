/// Fully connected layer, as PyTorch's `nn.Linear`: y = x W^T + b over the last dimension.
///
/// weight [outFeatures, inFeatures], bias [outFeatures]; initialised like PyTorch: both uniform
/// in ±1/sqrt(inFeatures).
public final class Linear: Layer, @unchecked Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?

    private var geometry: LinearGeometry?
    private var lastInputShape: [Int] = []
    /// The forward input, kept (not copied) for the weight gradient.
    private var input: Tensor?
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])
    /// Returned by a backward pass asked not to compute the input gradient.
    private let noGradient = Tensor(zeros: [0])

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout SeededRandom) {
        precondition(inFeatures >= 1 && outFeatures >= 1, "Linear: feature counts must be at least 1")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(name: "weight", value: PyTorchInit.uniform(shape: [outFeatures, inFeatures], fanIn: inFeatures, rng: &rng))
        self.bias = bias ? Parameter(name: "bias", value: PyTorchInit.uniform(shape: [outFeatures], fanIn: inFeatures, rng: &rng)) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    public var description: String {
        "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias == nil ? "False" : "True"))"
    }

    /// The validated geometry for an input shape [..., inFeatures] (every leading dimension is batch).
    public func geometry(for inputShape: [Int]) throws(ShapeError) -> LinearGeometry {
        guard inputShape.count >= 1, inputShape.last == inFeatures else {
            throw ShapeError(field: "input", reason: "Linear expects [batch, \(inFeatures)], got \(inputShape)")
        }
        return try LinearGeometry(batch: inputShape.dropLast().reduce(1, *), inFeatures: inFeatures, outFeatures: outFeatures)
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        _ = try geometry(for: inputShape)
        return Array(inputShape.dropLast()) + [outFeatures]
    }

    private func prepare(_ shape: [Int]) -> LinearGeometry {
        if let geometry, shape == lastInputShape { return geometry }
        let g = validated(self, shape) { (s) throws(ShapeError) in try geometry(for: s) }
        geometry = g
        lastInputShape = shape
        output.resize(to: Array(shape.dropLast()) + [outFeatures])
        gradInput.resize(to: shape)
        return g
    }

    public func forward(_ input: Tensor) -> Tensor {
        let g = prepare(input.shape)
        self.input = input
        input.withPointer { x in
            weight.value.withPointer { w in
                output.withMutablePointer { y in
                    if let bias {
                        bias.value.withPointer { b in linearForward(g, input: x, weight: w, bias: b, output: y) }
                    } else {
                        linearForward(g, input: x, weight: w, bias: nil, output: y)
                    }
                }
            }
        }
        return output
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, needsInputGradient: true)
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let g = geometry, let input else { preconditionFailure("Linear.backward called before forward") }
        precondition(gradOutput.shape == output.shape, "Linear.backward: gradient shape \(gradOutput.shape), expected \(output.shape)")
        input.withPointer { x in
            gradOutput.withPointer { dy in
                weight.value.withPointer { w in
                    weight.gradient.withMutablePointer { dw in
                        gradInput.withMutablePointer { gradInputPointer in
                            let dx = needsInputGradient ? gradInputPointer : nil
                            if let bias {
                                bias.gradient.withMutablePointer { db in
                                    linearBackward(g, input: x, weight: w, gradOutput: dy, gradInput: dx, gradWeight: dw, gradBias: db)
                                }
                            } else {
                                linearBackward(g, input: x, weight: w, gradOutput: dy, gradInput: dx, gradWeight: dw, gradBias: nil)
                            }
                        }
                    }
                }
            }
        }
        return needsInputGradient ? gradInput : noGradient
    }
}
