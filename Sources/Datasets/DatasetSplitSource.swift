/// Where a split can be loaded from again, so a checkpoint can remember the data its network was
/// trained on and the inspector can open it on the same images.
extension DatasetSplit {
    /// The `--data` value that loads this split again: `cifar10:DIR`, `fashion-mnist:DIR` or
    /// `synthetic:N`; nil for data cnnlab cannot name (a split built in code).
    public var reloadSpec: DatasetSpec? {
        if isSynthetic {
            return .synthetic(trainCount: train.count, testCount: test.count, seed: SyntheticShapes.defaultSeed)
        }
        // The loaders name their sets "CIFAR-10 train", "Fashion-MNIST train"; an adapted split keeps the name.
        if train.name.hasPrefix("CIFAR-10") { return .cifar10(directory: location) }
        if train.name.hasPrefix("Fashion-MNIST") { return .fashionMNIST(directory: location) }
        return nil
    }
}

extension DatasetSpec {
    /// False when the spec names a folder that is not there any more (moved, deleted, another
    /// machine); the generated and automatic sets are always available.
    public var isAvailable: Bool {
        switch self {
        case .automatic, .synthetic: return true
        case let .cifar10(directory), let .fashionMNIST(directory): return directory.map(FileBytes.isDirectory) ?? true
        case let .directory(path): return FileBytes.isDirectory(path)
        }
    }
}
