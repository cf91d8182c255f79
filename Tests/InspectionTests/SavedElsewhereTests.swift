import Datasets
import Foundation
import NeuralNet
import Testing
import Training
@testable import Inspection

/// Checkpoints saved outside the models folder (`cnnlab train --save FILE`) are remembered and
/// listed by Home's Inspect; each checkpoint's recorded data opens it on the images it learned.
@Suite struct SavedElsewhereTests {
    static func temporaryFolder() -> String {
        NSTemporaryDirectory() + "cnnlab-elsewhere-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    @Test func rememberedPathsAreAbsoluteUniqueNewestLastAndBounded() throws {
        let state = Self.temporaryFolder() + "/state"
        defer { try? FileManager.default.removeItem(atPath: (state as NSString).deletingLastPathComponent) }
        let list = SavedElsewhere(stateDirectory: state)
        #expect(list.paths().isEmpty, "no list yet")
        #expect(list.remember("/a/one.safetensors") == nil, "the state folder is created")
        list.remember("/b/two.safetensors")
        list.remember("/a/./one.safetensors")
        #expect(list.paths() == ["/b/two.safetensors", "/a/one.safetensors"], "a second save of one file moves it to the end")
        list.remember("relative.safetensors")
        let cwd = FileManager.default.currentDirectoryPath
        #expect(list.paths().last == ((cwd as NSString).appendingPathComponent("relative.safetensors") as NSString).standardizingPath)
        for index in 0 ..< SavedElsewhere.limit + 5 { list.remember("/many/\(index).safetensors") }
        #expect(list.paths().count == SavedElsewhere.limit)
        #expect(list.paths().first == "/many/5.safetensors", "the oldest go first")
    }

    @Test func anUnwritableListSaysWhyAndKeepsGoing() {
        let list = SavedElsewhere(stateDirectory: "/proc/cnnlab-cannot-write-here")
        #expect(list.remember("/x.safetensors")?.contains("could not remember /x.safetensors") == true)
        #expect(list.paths().isEmpty)
    }

    @Test func filesSavedElsewhereAreListedOnceWithWhereTheyCameFrom() throws {
        let root = try SavedCheckpointsTests.folder()
        let outside = Self.temporaryFolder()
        defer { for path in [root, outside] { try? FileManager.default.removeItem(atPath: path) } }
        try SavedCheckpointsTests.save(CourseModels.cnn(seed: 2), to: outside + "/my-run.safetensors",
                                       metadata: ["model": "cnn", "data": "synthetic:50"])
        let found = SavedCheckpoints.find(in: root, elsewhere: [outside + "/my-run.safetensors", root + "/cnn.safetensors",
                                                                outside + "/deleted.safetensors"])
        #expect(found.count == 4, "three in the folder, one outside; the folder's own file once; a missing file left out")
        let mine = try #require(found.first { $0.path.hasSuffix("my-run.safetensors") })
        #expect(mine.title == "the course CNN \u{00B7} saved with --save")
        #expect(mine.data == .synthetic(trainCount: 50, testCount: 10, seed: SyntheticShapes.defaultSeed))
        #expect(found.filter { $0.path.hasSuffix("/cnn.safetensors") }.count == 1)
    }

    @Test func recordedDataIsUsedOnlyWhileItIsThere() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/net.safetensors"
        try SavedCheckpointsTests.save(CourseModels.cnn(seed: 2), to: path, metadata: ["model": "cnn", "data": "cifar10:" + folder])
        #expect(SavedCheckpoints.trainedOn(checkpoint: path) == .cifar10(directory: folder))
        try SavedCheckpointsTests.save(CourseModels.cnn(seed: 2), to: path, metadata: ["model": "cnn", "data": "cifar10:/gone/away"])
        #expect(SavedCheckpoints.trainedOn(checkpoint: path) == nil, "a folder that is gone falls back to finding data as training does")
        try SavedCheckpointsTests.save(CourseModels.cnn(seed: 2), to: path, metadata: ["model": "cnn"])
        #expect(SavedCheckpoints.trainedOn(checkpoint: path) == nil, "older checkpoints record no data")
    }

    @Test func aSplitNamesTheDataThatLoadsItAgain() {
        let shapes = SyntheticShapes.split(trainCount: 40, testCount: 10)
        #expect(shapes.reloadSpec?.description == "synthetic:40")
        let cifar = DatasetSplit(train: ImageDataset(name: "CIFAR-10 train", channels: 3, height: 1, width: 1, classNames: ["a"], pixels: [], labels: []),
                                 test: ImageDataset(name: "CIFAR-10 test", channels: 3, height: 1, width: 1, classNames: ["a"], pixels: [], labels: []),
                                 location: "/data/cifar")
        #expect(cifar.reloadSpec == .cifar10(directory: "/data/cifar"))
        let fashion = DatasetSplit(train: ImageDataset(name: "Fashion-MNIST train", channels: 1, height: 1, width: 1, classNames: ["a"], pixels: [], labels: []),
                                   test: ImageDataset(name: "Fashion-MNIST test", channels: 1, height: 1, width: 1, classNames: ["a"], pixels: [], labels: []),
                                   location: "/data/fmnist")
        #expect(fashion.reloadSpec?.description == "fashion-mnist:/data/fmnist")
    }
}
