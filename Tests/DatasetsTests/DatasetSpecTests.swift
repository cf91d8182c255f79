import Foundation
import TestSupport
import Testing
@testable import Datasets

@Suite struct DatasetSpecTests {
    @Test func parsesNamesDirectoriesAndPaths() throws {
        #expect(try DatasetSpec.parse("cifar10") == .cifar10(directory: nil))
        #expect(try DatasetSpec.parse("CIFAR-10:/data/c") == .cifar10(directory: "/data/c"))
        #expect(try DatasetSpec.parse("fashion-mnist") == .fashionMNIST(directory: nil))
        #expect(try DatasetSpec.parse("fashion-mnist:/x") == .fashionMNIST(directory: "/x"))
        #expect(try DatasetSpec.parse("synthetic") == .synthetic())
        #expect(try DatasetSpec.parse("synthetic:200") == .synthetic(trainCount: 200, testCount: 40, seed: 0))
        #expect(try DatasetSpec.parse("auto") == .automatic)
        #expect(try DatasetSpec.parse("../shared/data/cifar10-sample") == .directory("../shared/data/cifar10-sample"))
        #expect(try DatasetSpec.parse("/tmp") == .directory("/tmp"))
    }

    @Test(arguments: [
        ("imagenet", "--data imagenet: unknown dataset 'imagenet'; use auto, cifar10[:DIR]"),
        ("cifar10:", "--data cifar10:: missing directory after ':'"),
        ("synthetic:lots", "--data synthetic:lots: synthetic:N needs a whole number"),
        ("", "--data '': empty"),
    ])
    func badSpecsSayWhatIsExpected(spec: String, message: String) {
        let error = #expect(throws: DatasetError.self) { try DatasetSpec.parse(spec) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }
}

@Suite struct DatasetCatalogTests {
    @Test func findsCIFARThroughTheVariableThenTheCache() throws {
        let variableRoot = TemporaryFolder("datasets"), home = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: home, subfolder: ".cache/cnnlab/" + CIFAR10.archiveFolder)
        var catalog = DatasetCatalog(environment: [:], homeDirectory: home.path)
        #expect(catalog.locateCIFAR10() == home.path + "/.cache/cnnlab/cifar-10-batches-bin")

        try Fixtures.writeCIFAR(in: variableRoot)
        catalog = DatasetCatalog(environment: ["CNNLAB_DATA": variableRoot.path], homeDirectory: home.path)
        #expect(catalog.locateCIFAR10() == variableRoot.path)
        #expect(try catalog.load(.cifar10(directory: nil)).train.count == 10)
        #expect(catalog.discover()[0].location == variableRoot.path)
    }

    @Test func missingCIFARSaysWhereItLookedAndHowToGetIt() throws {
        let home = TemporaryFolder("datasets")
        let catalog = DatasetCatalog(environment: [:], homeDirectory: home.path)
        let error = #expect(throws: DatasetError.self) { try catalog.load(.cifar10(directory: nil)) }
        let message = try #require(error).description
        #expect(message.hasPrefix("CIFAR-10 not found (looked in \(home.path)/.cache/cnnlab)"))
        #expect(message.contains("cnnlab data get cifar10"))
        #expect(catalog.discover()[0].location == nil)
        #expect(catalog.discover()[2].name == "synthetic")
    }

    @Test func autoFallsBackToSyntheticWithoutCIFAR() throws {
        let home = TemporaryFolder("datasets")
        let split = try DatasetCatalog(environment: [:], homeDirectory: home.path).load(.automatic)
        #expect(split.isSynthetic)
        #expect(split.train.count == SyntheticShapes.defaultTrainCount)
    }

    @Test func aDirectoryIsRecognisedByItsFiles() throws {
        let cifar = TemporaryFolder("datasets"), fashion = TemporaryFolder("datasets"), empty = TemporaryFolder("datasets")
        try Fixtures.writeCIFAR(in: cifar)
        try fashion.write("train-images-idx3-ubyte", Fixtures.idxImages(count: 1))
        try fashion.write("train-labels-idx1-ubyte", Fixtures.idxLabels([4]))
        try fashion.write("t10k-images-idx3-ubyte", Fixtures.idxImages(count: 1))
        try fashion.write("t10k-labels-idx1-ubyte", Fixtures.idxLabels([2]))
        let catalog = DatasetCatalog(environment: [:], homeDirectory: empty.path)
        #expect(try catalog.load(.directory(cifar.path)).train.name == "CIFAR-10 train")
        #expect(try catalog.load(.directory(fashion.path)).train.name == "Fashion-MNIST train")
        let error = #expect(throws: DatasetError.self) { try catalog.load(.directory(empty.path)) }
        #expect(try #require(error).description.contains("no dataset files here"))
        let missing = #expect(throws: DatasetError.self) { try catalog.load(.directory(empty.path + "/nope")) }
        #expect(try #require(missing).description.hasSuffix("nope: file not found. No such directory."))
    }
}
