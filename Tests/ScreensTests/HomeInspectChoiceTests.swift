import Foundation
import Inspection
import Lessons
import NeuralNet
import Screens
import Terminal
import Testing
import Training

/// Home's Inspect: one trained network opens at once, several give a list to choose from.
@Suite struct HomeInspectChoiceTests {
    static func save(_ model: Sequential, to path: String, metadata: [String: String] = [:], age: TimeInterval) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            metadata: metadata, to: path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
    }

    @Test func severalCheckpointsGiveAListAndTheChosenOneOpens() throws {
        let root = NSTemporaryDirectory() + "cnnlab-home-choice-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ProgressStore(directory: root + "/progress")
        try Self.save(CourseModels.cnn(seed: 2), to: root + "/models/cnn.safetensors", age: 60)
        let own = try NetworkText.parse("Conv2d(3, 4, 3), ReLU(), Flatten(), Linear(3600, 10)")
        try Self.save(own.makeSequential(seed: 2), to: root + "/models/07-own/mine-own.safetensors",
                      metadata: ["model": "layers", "layers": own.description], age: 10)
        var home = HomeScreen(library: .failure(LibraryError(message: "no lessons")), store: store)
        let command = home.update(.key(.character("i")))
        #expect(command.hasEffects && !home.isInspecting, "finding the files is an effect")
        _ = home.run(command)
        #expect(home.checkpointChoices?.count == 2)
        for (width, height) in [(80, 24), (120, 40)] {
            let text = renderFrame(home, width: width, height: height, capabilities: .full).text
            #expect(text.contains("Inspect: which network?"))
            #expect(text.contains("your network (4 layers)") && text.contains("lesson 07-own, train block 'mine'"), "newest first: \(text)")
            #expect(text.contains("the course CNN") && text.contains("Home's Train"))
            #expect(text.contains("q back"))
        }
        // Down to the course CNN, Enter: the loading notice, then the inspector on it.
        _ = home.update(.key(.down))
        let open = home.update(.key(.enter))
        #expect(renderFrame(home, width: 80, height: 24, capabilities: .full).text.contains("loading the course CNN's weights"))
        _ = home.run(open)
        #expect(home.isInspecting && home.loadingInspector == nil)
        #expect(renderFrame(home, width: 120, height: 40, capabilities: .full).text.contains("CNN classifier"))
        _ = home.update(.key(.character("q")))
        #expect(!home.isInspecting && home.checkpointChoices == nil)
        // Again, the own network (first in the list).
        _ = home.run(home.update(.key(.character("i"))))
        _ = home.run(home.update(.key(.enter)))
        #expect(home.isInspecting)
        #expect(renderFrame(home, width: 120, height: 40, capabilities: .full).text.contains("4-layer network"))
        // q in the list goes back to the menu.
        _ = home.update(.key(.character("q")))
        _ = home.run(home.update(.key(.character("i"))))
        _ = home.update(.key(.character("q")))
        #expect(home.checkpointChoices == nil && !home.isInspecting)
    }

    @Test func aFileSavedOutsideTheModelsFolderIsListedAndOpensOnItsOwnData() throws {
        let root = NSTemporaryDirectory() + "cnnlab-home-elsewhere-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ProgressStore(directory: root + "/state/progress")
        try FileManager.default.createDirectory(atPath: root + "/state/models", withIntermediateDirectories: true)
        // `cnnlab train --save` wrote it to the student's own folder, trained on 50 synthetic images.
        let saved = root + "/homework/run1.safetensors"
        try Self.save(CourseModels.cnn(seed: 2), to: saved, metadata: ["model": "cnn", "data": "synthetic:50"], age: 5)
        SavedElsewhere(stateDirectory: root + "/state").remember(saved)
        var home = HomeScreen(library: .failure(LibraryError(message: "no lessons")), store: store)
        _ = home.run(home.update(.key(.character("i"))))
        // The only checkpoint opens at once, on the data it was trained on (10 test images of
        // synthetic:50), not on whatever data is found today.
        #expect(home.isInspecting, "one checkpoint opens at once")
        let text = renderFrame(home, width: 80, height: 24, capabilities: .full).text
        #expect(text.contains("image 0/10"), "\(text)")
    }
}

