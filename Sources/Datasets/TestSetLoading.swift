/// Loading only a dataset's test images: the inspector needs nothing else, and reading (or
/// generating) the training set too made it slow to open.

extension CIFAR10 {
    /// Loads only test_batch.bin from `directory` (or its `cifar-10-batches-bin` subfolder): the
    /// same images, in the same order, as `load(from:).test`.
    public static func loadTest(from directory: String) throws -> ImageDataset {
        let folder = dataDirectory(in: directory) ?? directory
        let path = FileBytes.join(folder, testFile)
        guard FileBytes.exists(path) else {
            throw DatasetError.missingFile(path: path, hint: "The CIFAR-10 test images are in test_batch.bin. " + howToGet)
        }
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        try readBatchFile(path, pixels: &pixels, labels: &labels)
        return ImageDataset(name: "CIFAR-10 test", channels: 3, height: 32, width: 32,
                            classNames: readClassNames(in: folder), pixels: pixels, labels: labels)
    }
}

extension FashionMNIST {
    /// Loads only the t10k files from `directory`: the same images as `load(from:).test`.
    public static func loadTest(from directory: String) throws -> ImageDataset {
        var paths: [String] = []
        for stem in fileStems[2...] {
            guard let path = file(stem, in: directory) else {
                throw DatasetError.missingFile(path: FileBytes.join(directory, stem) + "[.gz]", hint: howToGet)
            }
            paths.append(path)
        }
        return try loadPair(images: paths[0], labels: paths[1], name: "Fashion-MNIST test")
    }
}

extension SyntheticShapes {
    /// Only the test set of `split(testCount:seed:)`, without generating the training images.
    public static func test(count: Int = defaultTestCount, seed: UInt64 = defaultSeed) -> ImageDataset {
        generate(count: count, seed: seed ^ testStreamSalt, name: "Synthetic shapes test")
    }
}

extension DatasetCatalog {
    /// The test images `load(spec).test` would give, and where they came from, read without the
    /// training set. Throws the same messages as `load` when the data is missing or broken.
    public func loadTest(_ spec: DatasetSpec) throws -> (test: ImageDataset, location: String) {
        switch spec {
        case .automatic:
            if let folder = locateCIFAR10() { return (try CIFAR10.loadTest(from: folder), folder) }
            return (SyntheticShapes.test(), "generated in memory (seed \(SyntheticShapes.defaultSeed))")
        case let .synthetic(_, testCount, seed):
            return (SyntheticShapes.test(count: testCount, seed: seed), "generated in memory (seed \(seed))")
        case let .cifar10(directory?):
            try requireDirectory(directory)
            return (try CIFAR10.loadTest(from: directory), CIFAR10.dataDirectory(in: directory) ?? directory)
        case .cifar10(nil):
            guard let folder = locateCIFAR10() else {
                throw DatasetError.notFound(dataset: "CIFAR-10", searched: searchRoots, hint: CIFAR10.howToGet)
            }
            return (try CIFAR10.loadTest(from: folder), folder)
        case let .fashionMNIST(directory?):
            try requireDirectory(directory)
            return (try FashionMNIST.loadTest(from: directory), directory)
        case .fashionMNIST(nil):
            guard let folder = locateFashionMNIST() else {
                throw DatasetError.notFound(dataset: "Fashion-MNIST", searched: searchRoots + [FashionMNIST.systemDirectory],
                                            hint: FashionMNIST.howToGet)
            }
            return (try FashionMNIST.loadTest(from: folder), folder)
        case let .directory(path):
            try requireDirectory(path)
            if CIFAR10.dataDirectory(in: path) != nil { return (try CIFAR10.loadTest(from: path), CIFAR10.dataDirectory(in: path) ?? path) }
            if FashionMNIST.looksLikeDataDirectory(path) { return (try FashionMNIST.loadTest(from: path), path) }
            throw DatasetError.corruptFile(path: path, reason: DatasetCatalog.noDatasetFilesReason)
        }
    }
}
