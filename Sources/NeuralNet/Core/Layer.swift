/// One layer of a network: a forward pass, its backward pass, and its parameters.
///
/// `forward` returns a tensor the layer owns and overwrites on its next call. `backward` must
/// follow the `forward` it differentiates; it returns the gradient with respect to that forward's
/// input and adds the parameters' gradients to `Parameter.gradient` (zero them between steps).
/// Layers are classes holding their workspaces: use one layer from one thread at a time.
public protocol Layer: AnyObject, Sendable, CustomStringConvertible {
    /// PyTorch's description of the layer, for example "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))".
    var description: String { get }
    /// The trainable parameters, in PyTorch's order (weight, then bias).
    var parameters: [Parameter] { get }
    /// State saved with the parameters but not trained (BatchNorm2d's running statistics), in
    /// PyTorch's state_dict order; empty for most layers.
    var buffers: [LayerBuffer] { get }
    /// Training or evaluation behaviour (batch statistics or running ones, dropout on or off),
    /// as PyTorch's `model.train()` / `model.eval()`. Layers that behave the same ignore it.
    func setMode(_ mode: LayerMode)
    /// The output shape for an input shape, or why the layer cannot take that input.
    func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int]
    /// Computes the output for `input` (whole batch at once).
    func forward(_ input: Tensor) -> Tensor
    /// Back-propagates `gradOutput` (shape of the last output); returns the input gradient.
    func backward(_ gradOutput: Tensor) -> Tensor
    /// Like `backward(_:)`, but when `needsInputGradient` is false a layer may skip computing the
    /// input gradient (the first layer of a network needs none) and return an empty tensor.
    /// Parameter gradients are always accumulated.
    func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor
}

extension Layer {
    /// Most layers keep no state beyond their parameters.
    public var buffers: [LayerBuffer] { [] }

    /// Most layers behave the same in training and evaluation.
    public func setMode(_ mode: LayerMode) {}

    /// Layers without a cheaper path compute the input gradient anyway.
    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        backward(gradOutput)
    }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() { parameters.forEach { $0.zeroGradient() } }
}

/// The geometry for `shape`, or a trap naming the layer: a wrong shape passed to `forward` is a
/// programming error (check with `outputShape(for:)` first).
@inline(__always)
func validated<G>(_ layer: some Layer, _ shape: [Int], _ make: ([Int]) throws(ShapeError) -> G) -> G {
    do {
        return try make(shape)
    } catch {
        preconditionFailure("\(layer.description) cannot take input shape \(shape): \(error)")
    }
}

/// Checks that a shape is [batch, channels, height, width] with the expected channel count.
func requireImageBatch(_ shape: [Int], channels: Int, layer: String) throws(ShapeError) {
    guard shape.count == 4 else {
        throw ShapeError(field: "input", reason: "\(layer) expects [batch, channels, height, width], got \(shape)")
    }
    guard shape[1] == channels else {
        throw ShapeError(field: "input", reason: "\(layer) expects \(channels) input channels, got \(shape[1]) in \(shape)")
    }
}
