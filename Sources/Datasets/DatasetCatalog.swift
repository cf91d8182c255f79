import Foundation

/// Finds and loads datasets: `--data` first, then `$CNNLAB_DATA`, then `~/.cache/cnnlab`
/// (and, for Fashion-MNIST, Debian's /usr/share/datasets/fashion-mnist).
///
/// ```swift
/// let split = try DatasetCatalog.load(try DatasetSpec.parse("cifar10"))
/// for entry in DatasetCatalog.discover() { print(entry.name, entry.summary) }
/// ```
public struct DatasetCatalog: Sendable {
    /// The environment variable naming a data directory.
    public static let environmentVariable = "CNNLAB_DATA"

    public let environment: [String: String]
    public let homeDirectory: String

    /// A catalog reading the real environment and home directory.
    public init() {
        self.init(environment: ProcessInfo.processInfo.environment,
                  homeDirectory: FileManager.default.homeDirectoryForCurrentUser.path)
    }

    /// A catalog with a given environment and home (for tests).
    public init(environment: [String: String], homeDirectory: String) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// `~/.cache/cnnlab`, where `cnnlab data get` puts downloads.
    public var cacheDirectory: String { FileBytes.join(homeDirectory, ".cache/cnnlab") }

    /// Directories searched when no directory is given, in order.
    public var searchRoots: [String] {
        var roots: [String] = []
        if let variable = environment[Self.environmentVariable], !variable.isEmpty { roots.append(variable) }
        roots.append(cacheDirectory)
        return roots
    }

    /// Where CIFAR-10 would be loaded from, or nil.
    public func locateCIFAR10() -> String? {
        for root in searchRoots {
            if let folder = CIFAR10.dataDirectory(in: root) { return folder }
            if let folder = CIFAR10.dataDirectory(in: FileBytes.join(root, "cifar10")) { return folder }
        }
        return nil
    }

    /// Where Fashion-MNIST would be loaded from, or nil.
    public func locateFashionMNIST() -> String? {
        let candidates = searchRoots.flatMap { [$0, FileBytes.join($0, "fashion-mnist")] } + [FashionMNIST.systemDirectory]
        return candidates.first(where: FashionMNIST.looksLikeDataDirectory)
    }

    /// Loads what `spec` asks for, or throws a `DatasetError` saying what is missing or wrong.
    public func load(_ spec: DatasetSpec) throws -> DatasetSplit {
        switch spec {
        case .automatic:
            if let folder = locateCIFAR10() { return try CIFAR10.load(from: folder) }
            return SyntheticShapes.split()
        case let .synthetic(trainCount, testCount, seed):
            return SyntheticShapes.split(trainCount: trainCount, testCount: testCount, seed: seed)
        case let .cifar10(directory?):
            try requireDirectory(directory)
            return try CIFAR10.load(from: directory)
        case .cifar10(nil):
            guard let folder = locateCIFAR10() else {
                throw DatasetError.notFound(dataset: "CIFAR-10", searched: searchRoots, hint: CIFAR10.howToGet)
            }
            return try CIFAR10.load(from: folder)
        case let .fashionMNIST(directory?):
            try requireDirectory(directory)
            return try FashionMNIST.load(from: directory)
        case .fashionMNIST(nil):
            guard let folder = locateFashionMNIST() else {
                throw DatasetError.notFound(dataset: "Fashion-MNIST", searched: searchRoots + [FashionMNIST.systemDirectory],
                                            hint: FashionMNIST.howToGet)
            }
            return try FashionMNIST.load(from: folder)
        case let .directory(path):
            try requireDirectory(path)
            if CIFAR10.dataDirectory(in: path) != nil { return try CIFAR10.load(from: path) }
            if FashionMNIST.looksLikeDataDirectory(path) { return try FashionMNIST.load(from: path) }
            throw DatasetError.corruptFile(path: path, reason: Self.noDatasetFilesReason)
        }
    }

    /// Why a `--data DIR` holding neither dataset cannot be loaded.
    static let noDatasetFilesReason =
        "no dataset files here: expected CIFAR-10 binary files (data_batch_1.bin ... test_batch.bin, or a cifar-10-batches-bin folder) or Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz] ...)"

    func requireDirectory(_ path: String) throws {
        guard FileBytes.isDirectory(path) else {
            throw DatasetError.missingFile(path: path, hint: FileBytes.exists(path) ? "It is a file; --data needs a directory." : "No such directory.")
        }
        // Without read and search permission every file inside looks absent: say so, rather
        // than "no dataset files here".
        if access(path, R_OK | X_OK) != 0 {
            throw DatasetError.unreadable(path: path, reason: "permission denied: this user cannot list the folder (try chmod u+rx \(path))")
        }
    }

    /// What `cnnlab doctor` and `cnnlab data list` show: each dataset, and where it was found or why not.
    public func discover() -> [DiscoveredDataset] {
        let cifar = locateCIFAR10()
        let fashion = locateFashionMNIST()
        return [
            DiscoveredDataset(name: "cifar10", location: cifar, imageShape: [3, 32, 32],
                              summary: cifar.map { "found in \($0)" }
                                ?? "not found in \(searchRoots.joined(separator: ", ")); run `cnnlab data get cifar10`"),
            DiscoveredDataset(name: "fashion-mnist", location: fashion, imageShape: [1, 28, 28],
                              summary: fashion.map { "found in \($0)" }
                                ?? "not found; install Debian's dataset-fashion-mnist or pass --data DIR"),
            DiscoveredDataset(name: "synthetic", location: "built in", imageShape: [3, 32, 32],
                              summary: "built in: 32x32 shapes, 10 classes, generated from a seed"),
        ]
    }

    /// `DatasetCatalog().discover()`.
    public static func discover() -> [DiscoveredDataset] { DatasetCatalog().discover() }

    /// `DatasetCatalog().load(spec)`.
    public static func load(_ spec: DatasetSpec) throws -> DatasetSplit { try DatasetCatalog().load(spec) }
}

/// One line of the dataset discovery report.
public struct DiscoveredDataset: Sendable, Equatable {
    /// The name used with `--data`.
    public let name: String
    /// Where the files are (or "built in"); nil when not found.
    public let location: String?
    /// One image's shape [channels, height, width]: the input a `--layers` network must take.
    public let imageShape: [Int]
    /// One line for a person: "found in ..." or why not and how to get it.
    public let summary: String
}
