import Foundation
import Lessons
import NeuralNet
import Terminal
import TestSupport
import Testing
import Training
@testable import Screens

/// A lesson's ```inspect block in the player: Enter opens the inspector over the lesson on the
/// weights its train block saved, where the block says; q in it comes back to the lesson.
@Suite("Lesson inspect blocks")
struct LessonInspectTests {
    /// Saves seeded weights of `kind` where `block`'s training would save them.
    static func saveWeights(_ kind: CourseModelKind, for block: TrainBlock, player: LessonPlayer) throws {
        let path = try #require(player.checkpointPath(for: block))
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let model = kind == .cnn ? CourseModels.cnn(seed: 4) : CourseModels.autoencoder(seed: 4)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            to: path)
    }

    static func trainBlocks(_ lesson: Lesson) -> [TrainBlock] {
        lesson.steps.flatMap(\.items).compactMap { if case .train(let block) = $0 { return block } else { return nil } }
    }

    static let source = """
        # Inside

        ## Train and look

        Some text.

        ```train
        model: cnn
        data: synthetic
        id: base
        ```

        ```inspect
        train: base
        image: 2
        layer: 3
        channel: 2
        cell: [4, 5]
        view: explain
        ```
        """

    @Test func enterOpensTheInspectorWhereTheBlockSaysAndQComesBack() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var player = LessonPlayer(lesson: LessonParser.parse(Self.source), name: "inside", store: state.store)
        #expect(player.lesson.problems.isEmpty, "\(player.lesson.problems)")
        try Self.saveWeights(.cnn, for: try #require(Self.trainBlocks(player.lesson).first), player: player)
        player.press(.tab, .tab)                                   // the train block, then the inspect block
        #expect(player.frame(100, 30).text.contains("Press Enter to open the inspector"))
        let command = player.update(.key(.enter))
        guard case .openInspector(let block, _)? = command.effects.first else {
            Issue.record("Enter asks for the inspector as an effect, got \(command)"); return
        }
        #expect(block.layer == 3)
        #expect(player.inspector == nil, "update only asks")
        #expect(player.frame(80, 24, .full).text.contains("loading the course CNN's weights and the test images ..."),
                "the loop draws this frame while it loads")
        player.run(command)
        #expect(player.inspectorLoading == nil)
        let inspector = try #require(player.inspector)
        #expect(inspector.testIndex == 2 && inspector.layer == 3 && inspector.channel == 2)
        #expect((inspector.row, inspector.column) == (4, 5))
        #expect(inspector.pane == .explain)
        let frame = player.frame(80, 24, .full).text
        #expect(frame.contains("Why channel 2 at (4, 5)"), "\(frame)")
        player.press(.character("q"), .character("q"))             // explanation -> channels -> network
        #expect(player.inspector != nil)
        player.press(.character("q"))
        #expect(player.inspector == nil, "the last q comes back to the lesson")
        #expect(!player.isClosed)
        #expect(player.frame(100, 30).text.contains("Look inside the course CNN"))
    }

    @Test func beforeTrainingItSaysWhatToDo() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var player = LessonPlayer(lesson: LessonParser.parse(Self.source), name: "inside", store: state.store)
        player.press(.tab, .tab, .enter)
        #expect(player.inspector == nil)
        #expect(player.message?.contains("not trained yet: the train block 'base' saves its weights") == true, "\(player.message ?? "")")
    }

    @Test func lessonSixEndsByInspectingTheNetworkItTrained() throws {
        let entry = try #require(LessonFiles.library.entry(named: "6"))
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: state.store)
        try Self.saveWeights(.cnn, for: try #require(Self.trainBlocks(player.lesson).first), player: player)
        for _ in 1..<player.stepCount { player.press(.right) }
        #expect(player.step?.heading == "Look inside your network")
        player.press(.tab, .enter)
        let inspector = try #require(player.inspector, "\(player.message ?? "")")
        #expect(inspector.pane == .layer && inspector.layer == 0 && inspector.testIndex == 4)
    }

    @Test func lessonEightInterpolatesWithTheInspector() throws {
        let entry = try #require(LessonFiles.library.entry(named: "8"))
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: state.store)
        // The weights of the train block of "The loss", the step before.
        try Self.saveWeights(.autoencoder, for: try #require(Self.trainBlocks(player.lesson).first), player: player)
        player.press(.right, .right)
        #expect(player.step?.heading == "Interpolating in latent space")
        player.press(.tab, .enter)
        let inspector = try #require(player.inspector, "\(player.message ?? "")")
        #expect(inspector.pane == .interpolation && inspector.testIndex == 4)
        #expect(player.frame(120, 40, .full).text.contains("Interpolation in the code"))
        player.press(.character("q"), .character("q"))
        #expect(player.inspector == nil)
    }
}
