/// A trainable tensor and the gradient accumulated for it, as PyTorch's `Parameter` and `.grad`.
///
/// Backward passes add to `gradient`; optimisers read it, update `value`, and zero it.
public final class Parameter: @unchecked Sendable {
    /// The name within its layer: "weight" or "bias".
    public let name: String
    /// The current values.
    public var value: Tensor
    /// The accumulated gradient, same shape as `value`.
    public var gradient: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    /// The number of values.
    public var count: Int { value.count }

    /// Sets the gradient to zero.
    public func zeroGradient() { gradient.zero() }
}
