/// Why a safetensors file could not be written, read, or used for a model; one line each.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a valid safetensors file (or uses a layout cnnlab does not read).
    case invalidFile(path: String, reason: String)
    /// The tensors given to the writer are inconsistent (values do not match the shape, a duplicate name...).
    case invalidTensor(name: String, reason: String)
    /// The operating system refused a read or write; when writing, the previous file is unchanged.
    case io(path: String, reason: String)
    /// The file is a valid safetensors file but does not fit the model: each problem named.
    case mismatch(path: String, problems: [String])
    /// A tensor holds NaN or infinite values: the weights of a run whose loss diverged.
    case nonFinite(path: String, tensor: String, count: Int, total: Int)

    public var description: String {
        switch self {
        case let .invalidFile(path, reason): return "\(path): not a usable safetensors file: \(reason)"
        case let .invalidTensor(name, reason): return "tensor '\(name)': \(reason)"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .mismatch(path, problems):
            return "\(path) does not fit this model: " + problems.joined(separator: "; ")
        case let .nonFinite(path, tensor, count, total):
            return "\(path): tensor '\(tensor)' holds \(count) NaN or infinite value\(count == 1 ? "" : "s") (of \(total)): "
                + "these weights come from a run whose loss diverged and cannot be used; train again (a lower --lr helps)"
        }
    }
}
