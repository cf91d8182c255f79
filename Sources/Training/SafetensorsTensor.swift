/// A named tensor as stored in a safetensors file: the name and shape are those of the
/// PyTorch `state_dict` entry (e.g. "0.weight", [8, 3, 5, 5]); values are row-major.
/// Float32 tensors hold `values`; int64 ones (BatchNorm2d's `num_batches_tracked`) hold
/// `integers` and no `values`.
public struct NamedTensor: Sendable, Equatable {
    /// The element types cnnlab reads and writes, by their safetensors names.
    public enum DType: String, Sendable {
        case f32 = "F32"
        case i64 = "I64"

        /// Bytes per element.
        var size: Int {
            switch self {
            case .f32: return 4
            case .i64: return 8
            }
        }
    }

    public var name: String
    public var shape: [Int]
    public var values: [Float]
    /// The values of an int64 tensor; nil for float32.
    public var integers: [Int64]?

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
        integers = nil
    }

    /// An int64 tensor, e.g. `NamedTensor(name: "1.num_batches_tracked", shape: [], integers: [390])`.
    public init(name: String, shape: [Int], integers: [Int64]) {
        self.name = name
        self.shape = shape
        values = []
        self.integers = integers
    }

    public var dtype: DType { integers == nil ? .f32 : .i64 }

    /// The number of values stored (float or integer).
    var storedCount: Int { integers?.count ?? values.count }

    /// The number of elements the shape holds (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A tensor's name and shape without values: what a model expects to load.
public struct TensorSpec: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    public var description: String { "\(name) \(TensorSpec.format(shape))" }

    /// "[8, 3, 5, 5]"
    public static func format(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

/// The tensors and metadata read from one safetensors file.
public struct SafetensorsContents: Sendable, Equatable {
    /// In the order the file stores them (sorted by name for files written by cnnlab or PyTorch).
    public var tensors: [NamedTensor]
    /// The string map under "__metadata__" (empty when absent).
    public var metadata: [String: String]

    public init(tensors: [NamedTensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> NamedTensor? { tensors.first { $0.name == name } }
}
