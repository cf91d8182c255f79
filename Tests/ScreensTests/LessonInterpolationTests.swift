import Datasets
import Foundation
import Lessons
import NeuralNet
import Terminal
import TestSupport
import Testing
import Training
@testable import Screens

/// Lesson 8's latent interpolation, from weights saved the way a lesson's training saves them.
@Suite("Lesson latent interpolation")
struct LessonInterpolationTests {
    @Test func decodesMixturesOfTwoCodes() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        // Weights of a (seeded, untrained) autoencoder, saved under PyTorch's names.
        let source = CourseModels.autoencoder(seed: 7)
        let path = state.path + "/models/autoencoder.safetensors"
        try FileManager.default.createDirectory(atPath: state.path + "/models", withIntermediateDirectories: true)
        try Checkpoint.save(source.namedParameters().map {
            NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars)
        }, to: path)

        // The data of the block the weights came from (here the synthetic shapes), not whatever is found.
        var view = try LessonInterpolation.open(checkpoint: path, data: LessonDataChoice.choose(.synthetic())).get()
        #expect(view.test.name == (try Datasets.DatasetCatalog().load(.synthetic()).test.name))
        #expect(view.decoded.count == 5)
        #expect(view.decoded.allSatisfy { $0.pixels.count == 3 * 32 * 32 && $0.pixels.allSatisfy { $0 >= 0 && $0 <= 1 } })
        // t = 0 is image a's own reconstruction; t = 1 is b's; the middle is neither.
        let a = Tensor(shape: [1, 3, 32, 32], scalars: view.image(0))
        let reconstruction = source.forward(a).scalars
        #expect(zip(view.decoded[0].pixels, reconstruction).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(view.decoded[2].pixels != view.decoded[0].pixels && view.decoded[2].pixels != view.decoded[4].pixels)
        let frame = renderFrame(Frame(view: view), width: 100, height: 32, capabilities: .monochrome).text
        #expect(frame.contains("t = 0.5") && frame.contains("image a: #0"))
        let stays = view.handle(.right)
        #expect(stays)
        #expect(view.first == 1)
        let closes = !view.handle(.character("q"))
        #expect(closes)
    }

    @Test func withoutTrainedWeightsItSaysWhatToDo() throws {
        guard case .failure(let error) = LessonInterpolation.open(checkpoint: "/nowhere/autoencoder.safetensors",
                                                                 data: LessonDataChoice.choose(.synthetic())) else {
            Issue.record("a missing checkpoint must be a message"); return
        }
        #expect(error.message.contains("no trained autoencoder yet"))
        let entry = try #require(LessonFiles.library.entry(named: "8"))
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: state.store)
        // The train block of "The loss" (step 2) still offers i.
        player.press(.right, .tab, .character("i"))
        #expect(!player.isInterpolating)
        #expect(player.message?.contains("no trained autoencoder yet") == true)
        // Step 3 interpolates in the inspector, on that block's weights: not trained yet either.
        player.press(.tab, .right, .tab, .enter)
        #expect(player.inspector == nil)
        #expect(player.message?.contains("not trained yet") == true, "\(player.message ?? "")")
    }

    /// Wraps the view as a program for `renderFrame`.
    struct Frame: TerminalProgram {
        var view: LessonInterpolation
        mutating func update(_ event: Event) -> ProgramCommand<Never> { .none }
        func view(into buffer: inout Buffer, context: RenderContext) { view.render(into: &buffer, context: context) }
    }
}
