/// The three operations the explorer steps through.
public enum ExploreOperation: String, Equatable, Sendable, CaseIterable, Codable {
    case conv, pool, convT

    /// The PyTorch function that computes it.
    public var pytorchFunction: String {
        switch self {
        case .conv: "conv2d"
        case .pool: "max_pool2d"
        case .convT: "conv_transpose2d"
        }
    }
}
