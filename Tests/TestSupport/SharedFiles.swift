import Foundation

/// Files the tests read from the repository and from `../shared` (the course's data beside the
/// project, never committed). Tests that need `../shared` use `.enabled(if: SharedFiles.cifarSample != nil)`,
/// so they are reported as skipped, not passed, when it is absent.
public enum SharedFiles {
    /// The package root, found from this file's path (Tests/TestSupport/SharedFiles.swift).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The PyTorch reference cases (60 cases of conv2d, conv_transpose2d and max_pool2d), stored
    /// once, in KernelsTests' fixtures; produced by scripts committed beside them.
    public static var goldenOps: String { repositoryRoot + "/Tests/KernelsTests/Fixtures/ops.json" }

    /// ../shared/data/cifar10-sample seen from the package root (the checkout may sit one level
    /// deeper, in wt/NAME), or nil when it is not there.
    public static var cifarSample: String? {
        ["/../shared/data/cifar10-sample", "/../../shared/data/cifar10-sample"]
            .map { URL(fileURLWithPath: repositoryRoot + $0).standardized.path }
            .first { FileManager.default.fileExists(atPath: $0 + "/test_batch.bin") }
    }
}
