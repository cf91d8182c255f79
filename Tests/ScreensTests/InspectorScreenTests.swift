import Datasets
import Foundation
import Lessons
import Inspection
import NeuralNet
import Screens
import Terminal
import Testing
import Training

/// The inspector screen: keys change image, layer, pane and cell; frames at 80x24 hold what is
/// essential; the explanation ends at the value on the map.
@Suite struct InspectorScreenTests {
    /// A CNN with seeded weights saved to a temporary checkpoint, over 40 synthetic test images.
    static func setup() throws -> InspectionSetup {
        let folder = NSTemporaryDirectory() + "cnnlab-inspector-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let model = CourseModels.cnn(seed: 3)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            to: folder + "/cnn.safetensors")
        return try InspectionSetup.open(network: .course(.cnn), checkpoint: nil, modelsDirectory: folder,
                                        data: .synthetic(trainCount: 10, testCount: 40, seed: 1))
    }

    static func screen() throws -> InspectorScreen {
        try InspectorScreen.open(setup: setup(), testImage: 0).get()
    }

    static func frame(_ screen: InspectorScreen, _ width: Int = 80, _ height: Int = 24, mono: Bool = false) -> String {
        renderFrame(screen, width: width, height: height, capabilities: mono ? .monochrome : .full).text
    }

    @Test func networkPaneAt80x24ShowsImageLayersAndProbabilities() throws {
        let screen = try Self.screen()
        let text = Self.frame(screen)
        // The title shortens "test image 0 of 40" rather than cut the prediction at 80 columns.
        #expect(text.contains("image 0/40") && text.contains("predicted: h-stripes 10.7% (wrong)"))
        #expect(Self.frame(screen, 120, 40).contains("test image 0 of 40"))
        for line in ["0 Conv2d(3, 8, 5)", "1 ReLU()", "2 MaxPool2d(2", "9 Linear(256, 10)", "class probabilities"] {
            #expect(text.contains(line), "missing \(line)")
        }
        // Every class has its labelled bar, the predicted one marked.
        let classes = screen.run.probabilities?.count ?? 0
        #expect(classes == 10)
        #expect(text.components(separatedBy: "%").count - 1 >= 10)
    }

    /// At 80x24 the layer list keeps every layer's name whole (the ranges go first) and an
    /// explanation wraps rather than being cut.
    @Test func layerNamesAndExplanationsAreWholeAt80x24() throws {
        var screen = try Self.screen()
        let list = renderFrame(screen, width: 80, height: 24, capabilities: .full)
        #expect(list.text.contains("2 MaxPool2d(2, stride=2)"), "\(list.text)")
        #expect(!list.text.contains("…"), "\(list.text)")
        #expect(list.silentlyClipped.isEmpty)
        #expect(Self.frame(screen, 120, 40).contains("to "), "wider: the ranges are back")
        _ = screen.update(.key(.down))
        _ = screen.update(.key(.enter))
        _ = screen.update(.key(.enter))
        let explained = renderFrame(screen, width: 80, height: 24, capabilities: .full)
        #expect(explained.text.contains("ReLU of the value at the same place in"), "\(explained.text)")
        #expect(explained.text.contains("layer 0's output:") || explained.text.contains("0's output:"), "\(explained.text)")
        #expect(!explained.text.contains("…"), "\(explained.text)")
    }

    @Test func keysChangeImageLayerPaneAndCell() throws {
        var screen = try Self.screen()
        _ = screen.update(.key(.right))
        #expect(screen.testIndex == 1)
        _ = screen.update(.key(.left)); _ = screen.update(.key(.left))
        #expect(screen.testIndex == 39, "wraps around the test set")
        _ = screen.update(.key(.down)); _ = screen.update(.key(.down))
        #expect(screen.layer == 2)
        _ = screen.update(.key(.enter))
        #expect(screen.pane == .layer)
        _ = screen.update(.key(.character("]")))
        #expect(screen.channel == 1)
        _ = screen.update(.key(.enter))
        #expect(screen.pane == .explain)
        #expect((screen.row, screen.column) == (7, 7))
        _ = screen.update(.key(.right)); _ = screen.update(.key(.up))
        #expect((screen.row, screen.column) == (6, 8))
        let text = Self.frame(screen)
        #expect(text.contains("Why"))
        #expect(text.contains("winner"))
        #expect(text.contains("cell (6, 8)"))
        #expect(screen.update(.key(.escape)) == .none)
        #expect(screen.pane == .layer)
        _ = screen.update(.key(.escape))
        #expect(screen.pane == .network)
        #expect(screen.update(.key(.character("q"))).quits)
    }

    @Test func convolutionExplanationAgreesWithTheMap() throws {
        var screen = try Self.screen()
        _ = screen.update(.key(.enter)); _ = screen.update(.key(.enter))
        for size in [(80, 24), (120, 40)] {
            let text = Self.frame(screen, size.0, size.1)
            #expect(text.contains("the same"), "the written-out sum equals the map's value at \(size)")
            #expect(text.contains("input channel 0 of 3"))
        }
        _ = screen.update(.key(.character(">")))
        #expect(Self.frame(screen, 120, 40).contains("input channel 1 of 3"))
    }

    @Test func classJumpMisclassifiedAndSaliency() throws {
        var screen = try Self.screen()
        _ = screen.update(.key(.character("c"))); _ = screen.update(.key(.character("4")))
        #expect(screen.image.label == 4)
        _ = screen.update(.key(.character("m")))
        if let message = screen.message, message.hasPrefix("misclassified") {
            #expect(screen.run.predicted != screen.image.label)
        } else {
            #expect(screen.message == "every test image is classified correctly")
        }
        _ = screen.update(.key(.character("s")))
        #expect(screen.saliency?.count == 32 * 32)
        #expect(screen.saliency?.max() == 1)
        #expect(Self.frame(screen).contains("saliency"))
        _ = screen.update(.key(.character("g")))
        guard case .gallery(let trueClass, let predicted) = screen.pane else { Issue.record("no gallery"); return }
        #expect(trueClass == screen.image.label && predicted == screen.run.predicted)
        #expect(Self.frame(screen).contains("test image"))
    }

    @Test func monochromeTellsSignsApartAndFlatOutputsAreBars() throws {
        var screen = try Self.screen()
        _ = screen.update(.key(.enter))
        let text = Self.frame(screen, 80, 24, mono: true)
        #expect(text.contains("@#+:. >0  %=~-, <0"), "the legend of the sign characters")
        for _ in 0..<9 { _ = screen.update(.key(.down)) }
        #expect(screen.layer == 9)
        let bars = Self.frame(screen, 80, 24, mono: true)
        let names = try Self.setup().classNames
        #expect(bars.contains(names[0]) && bars.contains(names[9]), "the scores as labelled bars")
    }

    @Test func homeScreenOpensTheInspectorOnTheSavedCNN() throws {
        let root = NSTemporaryDirectory() + "cnnlab-home-inspect-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let store = ProgressStore(directory: root + "/progress")
        var home = HomeScreen(library: .failure(LibraryError(message: "no lessons")), store: store)
        // Nothing trained yet: a message offering to train.
        var command = home.update(.key(.character("i")))
        _ = home.run(command)
        #expect(!home.isInspecting)
        #expect(home.message?.contains("press t to train one") == true)
        // After Train saved the weights: the inspector opens on them, q comes back.
        try FileManager.default.createDirectory(atPath: root + "/models", withIntermediateDirectories: true)
        let model = CourseModels.cnn(seed: 5)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            to: root + "/models/cnn.safetensors")
        command = home.update(.key(.character("i")))
        #expect(renderFrame(home, width: 80, height: 24, capabilities: .full).text.contains("looking for the networks you trained ..."),
                "the loop draws this frame while it loads")
        _ = home.run(command)
        #expect(home.loadingInspector == nil)
        #expect(home.isInspecting)
        // At 80 columns a long title drops the word "Inspect" before the network's name.
        #expect(renderFrame(home, width: 80, height: 24, capabilities: .full).text.contains("CNN classifier"))
        command = home.update(.key(.character("q")))
        #expect(!command.quits, "q leaves the inspector, not the program")
        #expect(!home.isInspecting)
    }
}
