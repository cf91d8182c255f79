/// Whether a network is training or being evaluated, as PyTorch's `module.training`.
/// BatchNorm2d uses the batch's statistics in training and its running ones in evaluation;
/// Dropout drops values only in training.
public enum LayerMode: Sendable, Equatable {
    case training
    case evaluation
}

/// A non-trainable tensor a layer keeps and saves with its parameters, as PyTorch's registered
/// buffers: BatchNorm2d's `running_mean`, `running_var` (float32) and `num_batches_tracked`
/// (int64, a zero-dimensional tensor; held here as one Float-free integer).
public final class LayerBuffer: @unchecked Sendable {
    /// How the buffer is stored in a checkpoint.
    public enum Storage: Sendable, Equatable {
        case float32
        case int64
    }

    /// The name within its layer, e.g. "running_mean".
    public let name: String
    public let storage: Storage
    /// The values of a float32 buffer (unused for int64).
    public var value: Tensor
    /// The value of an int64 buffer (a count), unused for float32.
    public var integer: Int64

    /// A float32 buffer.
    public init(name: String, value: Tensor) {
        self.name = name
        storage = .float32
        self.value = value
        integer = 0
    }

    /// An int64 scalar buffer (shape []), e.g. num_batches_tracked.
    public init(name: String, integer: Int64) {
        self.name = name
        storage = .int64
        value = Tensor(zeros: [])
        self.integer = integer
    }

    /// The shape saved in a checkpoint: the tensor's, or [] for an int64 scalar.
    public var shape: [Int] {
        switch storage {
        case .float32: return value.shape
        case .int64: return []
        }
    }
}
