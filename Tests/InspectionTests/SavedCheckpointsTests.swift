import Foundation
import NeuralNet
import Testing
import Training
@testable import Inspection

/// Home's Inspect lists what was trained: each checkpoint's network comes from the metadata
/// cnnlab writes, or from the file name Home and the lessons give it.
@Suite struct SavedCheckpointsTests {
    static func save(_ model: Sequential, to path: String, metadata: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            metadata: metadata, to: path)
    }

    static let ownText = "Conv2d(3, 4, 3), ReLU(), Flatten(), Linear(3600, 10)"

    /// cnn.safetensors (no metadata), a lesson's autoencoder, a lesson's own network (metadata),
    /// and a file nothing says anything about; dated so the order is known.
    static func folder() throws -> String {
        let root = NSTemporaryDirectory() + "cnnlab-saved-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try save(CourseModels.cnn(seed: 1), to: root + "/cnn.safetensors")
        try save(CourseModels.autoencoder(seed: 1), to: root + "/08-autoencoders/ae-autoencoder.safetensors")
        let own = try NetworkText.parse(ownText)
        try save(own.makeSequential(seed: 1), to: root + "/07-own/mine-own.safetensors", metadata: ["model": "layers", "layers": own.description])
        try save(CourseModels.cnn(seed: 1), to: root + "/mystery.safetensors")
        let dates: [(String, TimeInterval)] = [("/cnn.safetensors", 100), ("/08-autoencoders/ae-autoencoder.safetensors", 300),
                                               ("/07-own/mine-own.safetensors", 200), ("/mystery.safetensors", 400)]
        for (name, seconds) in dates {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000 + seconds)], ofItemAtPath: root + name)
        }
        return root
    }

    @Test func findsEachNetworkNewestFirstAndLeavesOutUnknownFiles() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let found = SavedCheckpoints.find(in: root)
        #expect(found.map { ($0.path as NSString).lastPathComponent } == ["ae-autoencoder.safetensors", "mine-own.safetensors", "cnn.safetensors"],
                "mystery.safetensors has no metadata and no telling name")
        #expect(found[0].network == .course(.autoencoder))
        #expect(found[0].title == "the course autoencoder \u{00B7} lesson 08-autoencoders, train block 'ae'")
        #expect(found[1].network == .layers(try NetworkText.parse(Self.ownText)))
        #expect(found[1].title == "your network (4 layers) \u{00B7} lesson 07-own, train block 'mine'")
        #expect(found[2].network == .course(.cnn) && found[2].origin == "Home's Train")
    }

    @Test func anEmptyOrMissingFolderHasNone() {
        #expect(SavedCheckpoints.find(in: "/nonexistent/cnnlab/models").isEmpty)
    }

    @Test func eachFoundCheckpointOpens() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for checkpoint in SavedCheckpoints.find(in: root) {
            let setup = try InspectionSetup.open(network: checkpoint.network, checkpoint: checkpoint.path, modelsDirectory: root,
                                                 data: .synthetic(trainCount: 0, testCount: 4, seed: 1))
            #expect(setup.checkpoint == checkpoint.path && setup.test?.count == 4)
        }
    }
}
