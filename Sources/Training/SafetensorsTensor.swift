/// A named Float tensor as stored in a safetensors file: the name and shape are those of the
/// PyTorch `state_dict` entry (e.g. "0.weight", [8, 3, 5, 5]); values are row-major.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

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
