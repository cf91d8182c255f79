/// Compares the tensors of a checkpoint with what a model expects, naming every missing,
/// extra or misshapen tensor, so a student sees exactly why a file does not load.
///
/// ```swift
/// let contents = try Safetensors.read(path)
/// let match = CheckpointMatch(found: contents.tensors, expected: model.parameterSpecs)
/// try match.requireExact(path: path)          // throws SafetensorsError.mismatch
/// let weights = try Checkpoint.load(path, expecting: specs)   // the same, in one call
/// ```
public struct CheckpointMatch: Sendable, Equatable {
    /// Expected tensors the file lacks.
    public let missing: [TensorSpec]
    /// Tensors in the file the model does not have.
    public let extra: [TensorSpec]
    /// Tensors present under the right name with another shape.
    public let misshapen: [(name: String, expected: [Int], found: [Int])]
    /// The missing and misshapen tensors' problems in the model's (state_dict) order, so the
    /// first one named is the first tensor that differs.
    private let orderedProblems: [String]

    public init(found: [NamedTensor], expected: [TensorSpec]) {
        self.init(foundSpecs: found.map { TensorSpec(name: $0.name, shape: $0.shape) }, expected: expected)
    }

    public init(foundSpecs: [TensorSpec], expected: [TensorSpec]) {
        let foundByName = Dictionary(foundSpecs.map { ($0.name, $0.shape) }, uniquingKeysWith: { first, _ in first })
        let expectedNames = Set(expected.map(\.name))
        missing = expected.filter { foundByName[$0.name] == nil }
        extra = foundSpecs.filter { !expectedNames.contains($0.name) }
        misshapen = expected.compactMap { spec in
            guard let shape = foundByName[spec.name], shape != spec.shape else { return nil }
            return (spec.name, spec.shape, shape)
        }
        orderedProblems = expected.compactMap { spec in
            guard let shape = foundByName[spec.name] else { return "missing \(spec)" }
            guard shape == spec.shape else {
                return "\(spec.name) has shape \(TensorSpec.format(shape)), expected \(TensorSpec.format(spec.shape))"
            }
            return nil
        }
    }

    /// True when names and shapes agree exactly.
    public var isExact: Bool { missing.isEmpty && extra.isEmpty && misshapen.isEmpty }

    /// One phrase per problem, e.g. "missing 3.weight [16, 8, 5, 5]": first the model's tensors
    /// in state_dict order (the first named is the first that differs), then the file's extras.
    public var problems: [String] {
        orderedProblems + extra.map { "unexpected \($0)" }
    }

    /// Throws `SafetensorsError.mismatch` listing every problem unless the match is exact.
    public func requireExact(path: String) throws {
        guard isExact else { throw SafetensorsError.mismatch(path: path, problems: problems) }
    }

    public static func == (lhs: CheckpointMatch, rhs: CheckpointMatch) -> Bool { lhs.problems == rhs.problems }
}

/// Checkpoint files: safetensors whose names and shapes are a PyTorch `nn.Sequential` state_dict.
public enum Checkpoint {
    /// Reads `path` and returns its tensors in the order of `expected`, after checking that
    /// names and shapes match exactly (each problem named otherwise).
    public static func load(_ path: String, expecting expected: [TensorSpec]) throws -> [NamedTensor] {
        let contents = try Safetensors.read(path)
        try CheckpointMatch(found: contents.tensors, expected: expected).requireExact(path: path)
        let tensors = expected.map { contents[$0.name]! }  // present: the match is exact
        for tensor in tensors {
            let bad = tensor.values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 { throw SafetensorsError.nonFinite(path: path, tensor: tensor.name, count: bad, total: tensor.values.count) }
        }
        return tensors
    }

    /// Writes `tensors` atomically to `path` (the previous file survives any failure).
    /// `metadata` is free text for people, e.g. ["model": "cnn", "epoch": "10"].
    public static func save(_ tensors: [NamedTensor], metadata: [String: String] = [:], to path: String) throws {
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }
}
