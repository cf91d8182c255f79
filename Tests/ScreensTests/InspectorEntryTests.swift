import Datasets
import Foundation
import Inspection
import NeuralNet
@testable import Screens
import Terminal
import Testing
import Training

/// The ways into the inspector beyond the command line: the dashboard when training is over
/// (`i`, and Enter on a confusion-matrix cell), and the step-through explorer opened from an
/// explanation on the cell's real numbers. Pure updates are checked without threads; the round
/// trips run the effects as the program loop does.
@Suite struct InspectorEntryTests {
    // MARK: - Dashboard: pure keys

    static func frame(_ model: DashboardModel) -> String {
        var buffer = Buffer(width: 80, height: 24)
        DashboardView.render(model, into: &buffer, context: RenderContext(capabilities: .monochrome))
        return buffer.text
    }

    static func finishedModel() -> DashboardModel {
        var snapshot = DashboardFixtures.snapshot(model: .cnn)
        snapshot.state = .finished
        return DashboardModel(snapshot: snapshot)
    }

    @Test func iOpensTheInspectorOnlyOnceTrainingIsOver() {
        var running = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn))
        #expect(running.update(.key(.character("i"))) == nil)
        #expect(running.hint?.contains("once training is over") == true)
        let frame = Self.frame(running)
        #expect(frame.contains("the inspector opens on the trained weights"), "the hint shows: \(frame)")
        var over = Self.finishedModel()
        #expect(over.update(.key(.character("i"))) == .inspect)
        #expect(over.hint == nil)
    }

    @Test func arrowsChooseAConfusionCellAndEnterOpensItsImages() {
        var model = Self.finishedModel()
        // The fixture's largest off-diagonal count: (row + 2 column) % 9 = 8, first at row 0, column 4.
        #expect(model.selectedCell == ConfusionCell(trueClass: 0, predicted: 4))
        _ = model.update(.key(.down))                       // not on the matrix yet: nothing moves
        #expect(model.confusionCell == nil)
        _ = model.update(.key(.tab))
        #expect(model.panel == .confusion)
        _ = model.update(.key(.down)); _ = model.update(.key(.down)); _ = model.update(.key(.left))
        #expect(model.selectedCell == ConfusionCell(trueClass: 2, predicted: 3))
        for _ in 0..<12 { _ = model.update(.key(.right)) }
        #expect(model.selectedCell == ConfusionCell(trueClass: 2, predicted: 9), "stops at the last column")
        #expect(model.update(.key(.enter)) == .inspectCell(ConfusionCell(trueClass: 2, predicted: 9)))
        // The chosen cell is marked on the matrix (>n< without colour) and the keys say how.
        let frame = Self.frame(model)
        let count = model.snapshot.confusion[2][9]
        #expect(frame.contains(">\(count)<"), "\(frame)")
        #expect(frame.contains("arrows+Enter: a cell's images"))
    }

    @Test func theChosenRowScrollsIntoViewWhenTheMatrixDoesNotFit() {
        // The synthetic notice and a two-row NaN notice take three rows: at 80x24 the matrix loses
        // its last rows (a finished run keeps all ten: its messages share one line).
        var snapshot = DashboardFixtures.snapshot(model: .cnn, synthetic: true)
        snapshot.state = .paused
        snapshot.event = .diverged(Divergence(value: .nan, step: 133, learningRate: 10, epoch: 1))
        var model = DashboardModel(snapshot: snapshot)
        _ = model.update(.key(.tab))
        var top = Buffer(width: 80, height: 24)
        DashboardView.render(model, into: &top, context: RenderContext(capabilities: .monochrome))
        #expect(!top.text.contains("truck"), "at 80x24 the last row does not fit while the chosen cell is above")
        for _ in 0..<12 { _ = model.update(.key(.down)) }
        let cell = model.selectedCell!
        #expect(cell.trueClass == 9)
        var buffer = Buffer(width: 80, height: 24)
        DashboardView.render(model, into: &buffer, context: RenderContext(capabilities: .monochrome))
        let count = model.snapshot.confusion[9][cell.predicted]
        #expect(buffer.text.contains("truck") && buffer.text.contains(">\(count)<"), "\(buffer.text)")
    }

    @Test func enterOnACellWhileTrainingSaysToWait() {
        var model = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn))
        _ = model.update(.key(.tab))
        #expect(model.update(.key(.enter)) == nil)
        #expect(model.hint?.contains("once training is over") == true)
    }

    // MARK: - Dashboard: the round trip on a real, finished session

    static func finishedSession() throws -> TrainingSession {
        var recipe = TrainingRecipe.course(.cnn)
        recipe.epochs = 1
        recipe.batchSize = 16
        let session = try TrainingSession(recipe: recipe, data: SyntheticShapes.split(trainCount: 32, testCount: 24, seed: 2))
        session.start()
        session.waitUntilDone()
        return session
    }

    @Test func theDashboardOpensTheInspectorOnTheJustTrainedWeights() throws {
        let session = try Self.finishedSession()
        var program = DashboardProgram(session: session)
        _ = program.receive(.snapshot(session.store.snapshot()))
        let command = program.update(.key(.character("i")))
        #expect(command == .perform(.openInspector(gallery: nil)))
        #expect(program.inspector == nil, "update only asks; the loop opens it")
        // The loop draws this frame before it runs the effect: the student sees it loading.
        #expect(program.loadingInspector == .trained)
        #expect(renderFrame(program, width: 80, height: 24, capabilities: .full).text.contains("opening the inspector on the weights just trained ..."))
        program.run(command)
        #expect(program.loadingInspector == nil)
        let inspector = try #require(program.inspector)
        #expect(program.tickInterval == nil, "no snapshot ticks while the inspector is open")
        // The same weights: the inspector's forward pass of layer 0 is the session's network's.
        let trained = try #require(session.trainedModel())
        #expect(inspector.run.layers.count == trained.network.layers.count)
        let text = renderFrame(program, width: 80, height: 24, capabilities: .full).text
        #expect(text.contains("image 0/24"))
        #expect(inspector.embedded && inspector.paneKeys.contains("q back"), "embedded: q goes back to the dashboard")
        #expect(!program.update(.key(.character("q"))).quits)
        #expect(program.inspector == nil)
        #expect(renderFrame(program, width: 80, height: 24, capabilities: .full).text.contains("training is over"))
    }

    @Test func aConfusionCellOpensTheGalleryOfTheImagesItCounted() throws {
        let session = try Self.finishedSession()
        var program = DashboardProgram(session: session)
        let snapshot = session.store.snapshot()
        _ = program.receive(.snapshot(snapshot))
        _ = program.update(.key(.tab))
        let cell = try #require(program.model.selectedCell)
        let command = program.update(.key(.enter))
        #expect(command == .perform(.openInspector(gallery: cell)))
        program.run(command)
        let inspector = try #require(program.inspector)
        let count = snapshot.confusion[cell.trueClass][cell.predicted]
        #expect(inspector.pane == .gallery(trueClass: cell.trueClass, predicted: cell.predicted))
        if count > 0 {
            #expect(inspector.image.label == cell.trueClass && inspector.run.predicted == cell.predicted,
                    "the image shown beside the gallery is its first")
        }
        let text = renderFrame(program, width: 80, height: 24, capabilities: .full).text
        #expect(text.contains(": \(count) test image"), "the gallery holds the \(count) images the matrix counted: \(text)")
    }

    @Test func aSessionStillRunningRefusesWithAReason() throws {
        let session = try TrainingSession(recipe: .course(.cnn), data: SyntheticShapes.split(trainCount: 8, testCount: 4, seed: 1))
        var program = DashboardProgram(session: session)   // never started
        #expect(session.trainedModel() == nil)
        program.run(.perform(.openInspector(gallery: nil)))
        #expect(program.inspector == nil)
        #expect(program.model.hint?.contains("still running") == true)
    }

    // MARK: - Why this value: the step-through explorer on the real numbers

    static func screen(_ kind: CourseModelKind, seed: UInt64 = 3) throws -> InspectorScreen {
        let folder = NSTemporaryDirectory() + "cnnlab-stepper-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let model = kind == .cnn ? CourseModels.cnn(seed: seed) : CourseModels.autoencoder(seed: seed)
        try Checkpoint.save(model.namedParameters().map { NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars) },
                            to: folder + "/\(kind.rawValue).safetensors")
        let setup = try InspectionSetup.open(network: .course(kind), checkpoint: nil, modelsDirectory: folder,
                                             data: .synthetic(trainCount: 10, testCount: 12, seed: 1))
        return try InspectorScreen.open(setup: setup, testImage: 3).get()
    }

    /// Layer `layer`, channel `channel`, explained at the map's middle moved by `moves`, then Enter.
    static func stepInto(_ screen: inout InspectorScreen, layer: Int, channel: Int, moves: [Key] = []) {
        for _ in 0..<layer { _ = screen.update(.key(.down)) }
        _ = screen.update(.key(.enter))                              // channels
        for _ in 0..<channel { _ = screen.update(.key(.character("]"))) }
        _ = screen.update(.key(.enter))                              // explain
        for key in moves { _ = screen.update(.key(key)) }
        _ = screen.update(.key(.enter))                              // step through
    }

    @Test(arguments: [(0, 5, [Key.up, .left, .left]), (3, 7, [Key.down]), (2, 4, [Key.right]),
                      (0, 1, Array(repeating: Key.up, count: 20))])      // the top edge: two outputs high
    func theExplorerOpensOnTheCellWithTheMapsValue(layer: Int, channel: Int, moves: [Key]) throws {
        var screen = try Self.screen(.cnn)
        Self.stepInto(&screen, layer: layer, channel: channel, moves: moves)
        #expect(screen.pane == .stepper)
        let explorer = try #require(screen.stepper)
        let shown = screen.run.layers[layer].value(channel: channel, row: screen.row, column: screen.column)
        let value = try #require(explorer.currentValue)
        #expect(abs(value - shown) <= 1e-5 + 1e-5 * abs(shown), "explorer \(value), map \(shown)")
        // The explorer's step is this cell (counted from the part of the map it holds), its window
        // over the previous layer's real output: the same window as the explanation's.
        let position = try #require(explorer.outputPosition(ofStep: explorer.stepIndex))
        let crop = try #require(screen.stepperCrop)
        #expect((crop.outputRows.lowerBound + position.row, crop.outputColumns.lowerBound + position.column) == (screen.row, screen.column))
        #expect(crop.outputRows.count <= 3 && crop.outputColumns.count <= 3)
        let (shape, previous) = screen.run.input(of: layer)
        let input = explorer.setup.input
        for c in 0..<input.channels {
            for y in 0..<input.height {
                for x in 0..<input.width {
                    let (sy, sx) = (crop.inputRow + y, crop.inputColumn + x)
                    let plane = input.channels == 1 ? channel : c         // pooling holds its own channel
                    let expected: Float = sy >= 0 && sy < shape[1] && sx >= 0 && sx < shape[2]
                        ? previous[(plane * shape[1] + sy) * shape[2] + sx] : 0
                    #expect(input.values[(c * input.height + y) * input.width + x] == expected)
                }
            }
        }
        #expect(explorer.stepCount == crop.outputRows.count * crop.outputColumns.count)
        let text = renderFrame(screen, width: 80, height: 24, capabilities: .full).text
        #expect(text.contains("Step through"))
        #expect(text.contains("on the real numbers"))
        // q gives the explanation back, on the same cell.
        _ = screen.update(.key(.character("q")))
        #expect(screen.pane == .explain)
        #expect(screen.stepper == nil)
    }

    @Test func withoutUnicodeTheExplorersSumsAreASCII() throws {
        var screen = try Self.screen(.cnn)
        Self.stepInto(&screen, layer: 0, channel: 1)
        let ascii = renderFrame(screen, width: 120, height: 40, capabilities: TerminalCapabilities(colorMode: .none, unicode: false)).text
        #expect(!ascii.contains("×") && !ascii.contains("−") && !ascii.contains("Σ"), "LANG=C cannot draw them: \(ascii)")
        #expect(ascii.contains("ch1: "))
        #expect(renderFrame(screen, width: 120, height: 40, capabilities: .full).text.contains("×"))
    }

    @Test func anEditedExplorerSaysItsNumbersAreNoLongerTheNetworks() throws {
        var screen = try Self.screen(.cnn)
        Self.stepInto(&screen, layer: 3, channel: 0)
        #expect(renderFrame(screen, width: 120, height: 40, capabilities: .full).text.contains("on the real numbers"))
        _ = screen.update(.key(.character("]")))                   // the explorer's stride + 1
        let text = renderFrame(screen, width: 120, height: 40, capabilities: .full).text
        #expect(text.contains("edited: no longer the network's numbers"), "\(text)")
    }

    @Test func convolutionWeightsAndBiasAreTheLayersOwn() throws {
        var screen = try Self.screen(.cnn)
        Self.stepInto(&screen, layer: 3, channel: 2)
        let explorer = try #require(screen.stepper)
        let conv = try #require(screen.network.layers[3] as? Conv2d)
        let per = 8 * 5 * 5
        #expect(explorer.setup.weight?.values == Array(conv.weight.value.scalars[(2 * per)..<(3 * per)]))
        #expect(explorer.setup.bias == [conv.bias!.value.scalars[2]])
    }

    @Test func transposedConvolutionStepsTheDirectViewToTheSameValue() throws {
        var screen = try Self.screen(.autoencoder)
        // Layer 7: ConvTranspose2d(16, 8, 4, stride=2, padding=1).
        Self.stepInto(&screen, layer: 7, channel: 3, moves: [.up, .right])
        #expect(screen.pane == .stepper)
        let explorer = try #require(screen.stepper)
        let shown = screen.run.layers[7].value(channel: 3, row: screen.row, column: screen.column)
        let value = try #require(explorer.currentValue)
        #expect(abs(value - shown) <= 1e-5 + 1e-5 * abs(shown), "explorer \(value), map \(shown)")
        #expect(explorer.view == .direct)
    }

    @Test func layersTheExplorerCannotHoldSayWhy() throws {
        var screen = try Self.screen(.cnn)
        Self.stepInto(&screen, layer: 1, channel: 0)               // ReLU
        #expect(screen.pane == .explain)
        #expect(screen.message?.contains("step-through is for Conv2d") == true)
        var autoencoder = try Self.screen(.autoencoder)
        Self.stepInto(&autoencoder, layer: 5, channel: 0)          // ConvTranspose2d(32, 16, ...): 32 channels
        #expect(autoencoder.pane == .explain)
        #expect(autoencoder.message?.contains("cannot hold this layer") == true, "\(autoencoder.message ?? "")")
    }

    // MARK: - The key line

    @Test func everyKeyLineEndsWithHelpAt80Columns() throws {
        var screen = try Self.screen(.cnn)
        for step in [Key.character("]"), .character("?"), .enter, .enter, .enter] {
            let last = renderFrame(screen, width: 80, height: 24, capabilities: .full).text
                .split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            if screen.pane != .help && screen.pane != .stepper && screen.message == nil {
                #expect(last.trimmingCharacters(in: .whitespaces).hasSuffix("? help"), "\(screen.pane): \(last)")
                #expect(!last.contains("…"))
            }
            _ = screen.update(.key(step))
            if screen.pane == .help { _ = screen.update(.key(.escape)) }
        }
    }
}
