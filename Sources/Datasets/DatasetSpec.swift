import Foundation

/// What `--data SPEC` asks for.
///
/// Accepted forms:
/// - `auto`: CIFAR-10 if it is found, otherwise the synthetic shapes
/// - `cifar10` (searched for) or `cifar10:/path/to/dir`
/// - `fashion-mnist` (searched for) or `fashion-mnist:/path/to/dir`
/// - `synthetic` or `synthetic:N` (N training images, N/5 test images)
/// - a directory path (contains `/`, starts with `.` or `~`, or exists): the format is detected from its files
public enum DatasetSpec: Equatable, Sendable, CustomStringConvertible {
    case automatic
    case cifar10(directory: String?)
    case fashionMNIST(directory: String?)
    case synthetic(trainCount: Int, testCount: Int, seed: UInt64)
    case directory(String)

    /// The synthetic set with its default sizes and seed.
    public static func synthetic() -> DatasetSpec {
        .synthetic(trainCount: SyntheticShapes.defaultTrainCount, testCount: SyntheticShapes.defaultTestCount,
                   seed: SyntheticShapes.defaultSeed)
    }

    public static let usage =
        "use auto, cifar10[:DIR], fashion-mnist[:DIR], synthetic[:N], or a directory holding CIFAR-10 or Fashion-MNIST files"

    /// Parses a `--data` value; throws `DatasetError.badSpec` with what was expected.
    public static func parse(_ text: String) throws -> DatasetSpec {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DatasetError.badSpec(spec: "''", reason: "empty; " + usage) }
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1] : nil
        func directoryArgument() throws -> String? {
            guard let argument else { return nil }
            guard !argument.isEmpty else { throw DatasetError.badSpec(spec: trimmed, reason: "missing directory after ':'") }
            return expandTilde(argument)
        }
        switch name {
        case "auto", "default":
            return .automatic
        case "cifar10", "cifar-10", "cifar":
            return .cifar10(directory: try directoryArgument())
        case "fashion-mnist", "fashion_mnist", "fashionmnist", "fmnist":
            return .fashionMNIST(directory: try directoryArgument())
        case "synthetic", "shapes":
            guard let argument else { return synthetic() }
            guard let count = Int(argument), count >= 10, count <= 1_000_000 else {
                throw DatasetError.badSpec(spec: trimmed, reason: "synthetic:N needs a whole number of training images from 10 to 1000000")
            }
            return .synthetic(trainCount: count, testCount: max(count / 5, 10), seed: SyntheticShapes.defaultSeed)
        default:
            if looksLikePath(trimmed) { return .directory(expandTilde(trimmed)) }
            throw DatasetError.badSpec(spec: trimmed, reason: "unknown dataset '\(parts[0])'; " + usage)
        }
    }

    public var description: String {
        switch self {
        case .automatic: return "auto"
        case let .cifar10(directory): return directory.map { "cifar10:\($0)" } ?? "cifar10"
        case let .fashionMNIST(directory): return directory.map { "fashion-mnist:\($0)" } ?? "fashion-mnist"
        case let .synthetic(trainCount, _, _): return trainCount == SyntheticShapes.defaultTrainCount ? "synthetic" : "synthetic:\(trainCount)"
        case let .directory(path): return path
        }
    }

    private static func looksLikePath(_ text: String) -> Bool {
        text.contains("/") || text.hasPrefix(".") || text.hasPrefix("~") || FileBytes.isDirectory(text)
    }

    static func expandTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return NSString(string: path).expandingTildeInPath
    }
}
