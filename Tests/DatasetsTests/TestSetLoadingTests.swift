import Foundation
import TestSupport
import Testing
@testable import Datasets

/// The inspector reads only test images: they must be the very images `load(...).test` gives.
@Suite struct TestSetLoadingTests {
    private let catalog = DatasetCatalog(environment: [:], homeDirectory: "/nonexistent-home")

    @Test func syntheticTestImagesEqualTheSplitsWithoutTheTrainingSet() throws {
        let split = SyntheticShapes.split(trainCount: 7, testCount: 20, seed: 3)
        let (test, location) = try catalog.loadTest(.synthetic(trainCount: 7, testCount: 20, seed: 3))
        #expect(test.pixels == split.test.pixels && test.labels == split.test.labels)
        #expect(test.name == split.test.name && test.isSynthetic)
        #expect(location == split.location)
        // Not the training stream: the first training image differs from the first test image.
        #expect(test.imageBytes(at: 0) != split.train.imageBytes(at: 0))
    }

    @Test func cifarTestBatchAloneIsEnoughAndMatchesTheFullLoad() throws {
        let full = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: full, subfolder: "cifar-10-batches-bin", meta: (0 ..< 10).map { "n\($0)" }.joined(separator: "\n"))
        let split = try CIFAR10.load(from: full.path)
        let (test, location) = try catalog.loadTest(.cifar10(directory: full.path))
        #expect(test.pixels == split.test.pixels && test.labels == split.test.labels)
        #expect(test.classNames == split.classNames && test.classNames[3] == "n3")
        #expect(location.hasSuffix("cifar-10-batches-bin"))

        let onlyTest = TemporaryFolder("datasets")
        try onlyTest.write("test_batch.bin", Fixtures.cifarBatch(labels: [3, 8, 0]))
        #expect(try catalog.loadTest(.directory(onlyTest.path)).test.labels == [3, 8, 0])
    }

    @Test func aMissingCifarTestBatchIsNamed() throws {
        let folder = TemporaryFolder("datasets")
        try folder.write("data_batch_1.bin", Fixtures.cifarBatch(labels: [1]))
        #expect {
            _ = try catalog.loadTest(.cifar10(directory: folder.path))
        } throws: { error in
            "\(error)".contains("test_batch.bin")
        }
    }

    @Test func fashionTestFilesMatchTheFullLoad() throws {
        let folder = TemporaryFolder("datasets")
        let files = [("train-images-idx3-ubyte", Fixtures.idxImages(count: 3)), ("train-labels-idx1-ubyte", Fixtures.idxLabels([0, 1, 2])),
                     ("t10k-images-idx3-ubyte", Fixtures.idxImages(count: 2)), ("t10k-labels-idx1-ubyte", Fixtures.idxLabels([7, 5]))]
        for (name, bytes) in files { try folder.write(name, bytes) }
        let split = try FashionMNIST.load(from: folder.path)
        let test = try catalog.loadTest(.fashionMNIST(directory: folder.path)).test
        #expect(test.pixels == split.test.pixels && test.labels == [7, 5] && test.name == "Fashion-MNIST test")
    }

    @Test func automaticWithoutCifarGivesTheDefaultSyntheticTestSet() throws {
        let test = try catalog.loadTest(.automatic).test
        let split = SyntheticShapes.split()
        #expect(test.count == split.test.count && test.pixels == split.test.pixels)
    }
}
