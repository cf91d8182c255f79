import Datasets
import Foundation
import Terminal
import NeuralNet
import TestSupport
import Testing
import Training
@testable import Screens

/// Frames of the dashboard rendered from fixed metrics, compared with the golden text files in
/// `__Snapshots__` (set CNNLAB_RECORD_SNAPSHOTS=1 to rewrite them after a deliberate change),
/// plus checks of what each frame must say.
@Suite("Dashboard frames")
struct DashboardFrameTests {
    static let sizes = [(80, 24), (120, 40)]

    static func render(_ model: DashboardModel, width: Int, height: Int, capabilities: TerminalCapabilities) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        DashboardView.render(model, into: &buffer, context: RenderContext(capabilities: capabilities))
        return buffer
    }

    static func snapshotPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__").appendingPathComponent(name + ".txt").path
    }

    /// Compares `text` with the stored frame (or records it when asked to).
    static func assertMatchesSnapshot(_ text: String, name: String) {
        for difference in Snapshot.differences(text, path: snapshotPath(name)) { Issue.record(Comment(rawValue: difference)) }
    }

    /// The frame's text plus, for colour frames, a map of which cells are half-block pixels.
    static func describe(_ buffer: Buffer) -> String {
        buffer.text
    }

    @Test(arguments: [CourseModelKind.cnn, .autoencoder], [true, false])
    func framesMatchTheirSnapshots(model: CourseModelKind, colour: Bool) throws {
        for (width, height) in Self.sizes {
            let snapshot = DashboardFixtures.snapshot(model: model)
            let buffer = Self.render(DashboardModel(snapshot: snapshot), width: width, height: height,
                                     capabilities: colour ? .full : .monochrome)
            let name = "\(model.rawValue)-\(width)x\(height)-\(colour ? "colour" : "mono")"
            Self.assertMatchesSnapshot(Self.describe(buffer), name: name)

            let text = buffer.text
            #expect(text.contains("RUNNING"))
            #expect(text.contains("epoch 4/10"))
            #expect(text.contains("9,876 img/s"))
            #expect(text.contains("Loss"))
            #expect(text.contains("0.01") || text.contains("0.001"))
            #expect(text.contains("step")) // the x axis label of the loss chart
            #expect(buffer.lines.last?.contains("p pause") == true)
            // Images: half-blocks with colours in 256-colour mode, the ASCII ramp without colour.
            let halfBlocks = buffer.cells.filter { $0.character == "▀" }
            if colour {
                #expect(halfBlocks.count > 100)
                #expect(halfBlocks.allSatisfy { if case .indexed = $0.style.foreground { true } else { false } })
            } else {
                #expect(halfBlocks.isEmpty)
                #expect(buffer.cells.allSatisfy { $0.style.foreground == .none && $0.style.background == .none })
            }
            if model.isClassifier {
                #expect(text.contains("test acc"))
                #expect(text.contains("prediction (right/wrong)"))
                #expect(text.contains("airplane") || text.contains("xautomob") || text.contains("automobile"))
            } else {
                #expect(text.contains("reconstructions"))
                #expect(text.contains("in") && text.contains("out"))
                #expect(!text.contains("test acc"))
            }
        }
    }

    @Test func wideClassifierShowsAccuracyAndConfusionTogether() {
        let buffer = Self.render(DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn)), width: 120, height: 40,
                                 capabilities: .full)
        let text = buffer.text
        #expect(text.contains("Accuracy"))
        #expect(text.contains("Confusion matrix"))
        #expect(text.contains("true\\pred"))
        // The diagonal of row 0 (airplane) holds 30 correct; accuracy 30 / row total.
        let row = DashboardFixtures.snapshot(model: .cnn).confusion[0]
        let percent = Int((Double(row[0]) / Double(row.reduce(0, +)) * 100).rounded())
        #expect(buffer.lines.contains { $0.hasPrefix("│airplane") && $0.contains("\(percent)%") }
                || buffer.lines.contains { $0.contains("airplane") && $0.contains("\(percent)%") })
    }

    @Test func tabCyclesThePanelsAt80x24() {
        var model = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn))
        var titles: [String] = []
        let panels = ["prediction (right/wrong)", "Confusion matrix", "Accuracy ", "First-layer filters", "Network (10 layers"]
        for _ in 0..<5 {
            let text = Self.render(model, width: 80, height: 24, capabilities: .full).text
            titles.append(panels.first { text.contains($0) } ?? "?")
            #expect(model.update(.key(.tab)) == nil)
        }
        #expect(titles == panels)
        #expect(model.panel == .samples) // back to the start
        var ae = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .autoencoder))
        _ = ae.update(.key(.tab))
        #expect(ae.panel == .filters)
        let filtersText = Self.render(ae, width: 80, height: 24, capabilities: .monochrome).text
        #expect(filtersText.contains("layer 0: 8 filters 3x4x4"))
    }

    /// A student's network: its layers in one line in the title, the whole table on `?`, no
    /// filters panel when layer 0 is not a Conv2d.
    @Test func ownNetworkTitleAndLayerTable() throws {
        var snapshot = DashboardFixtures.snapshot(model: .cnn)
        let text = "AvgPool2d(2), Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), Flatten(), Linear(4096, 10)"
        var recipe = TrainingRecipe.course(.cnn)
        recipe.layers = try NetworkText.parse(text)
        snapshot.network = NetworkSummary(recipe: recipe, inputShape: [3, 32, 32])
        snapshot.filters = []
        var model = DashboardModel(snapshot: snapshot)
        let wide = Self.render(model, width: 200, height: 60, capabilities: .full)
        #expect(wide.lines[0].contains("cnnlab train · " + text + " · CIFAR-10"))
        #expect(!DashboardPanel.available(for: snapshot).contains(.filters))
        let narrow = Self.render(model, width: 80, height: 24, capabilities: .monochrome)
        #expect(narrow.lines[0].contains("AvgPool2d(2), Conv2d"), "the title is cut, not dropped")
        _ = model.update(.key(.character("?")))
        #expect(model.panel == .network)
        let table = Self.render(model, width: 80, height: 24, capabilities: .monochrome).text
        #expect(table.contains("Network (6 layers, 41,450 parameters)"))
        #expect(table.contains("BatchNorm2d(16)") && table.contains("16x16x16") && table.contains("40,970"))
        _ = model.update(.key(.character("?")))
        #expect(model.panel == .samples)
    }

    @Test func syntheticDataSaysSoAndHowToGetCIFAR() {
        let snapshot = DashboardFixtures.snapshot(model: .cnn, synthetic: true)
        let text = Self.render(DashboardModel(snapshot: snapshot), width: 80, height: 24, capabilities: .full).text
        #expect(text.contains("Synthetic shapes, not real photos"))
        #expect(text.contains("cnnlab data get cifar10"))
    }

    /// Once training is over, at 80x24: step, speed and the losses in the Progress box, all ten
    /// classes in the confusion matrix, one message line ("Finished; saved …", with "synthetic
    /// shapes" on the shapes), for both networks, both data sets, colour and mono (snapshots too).
    @Test(arguments: [CourseModelKind.cnn, .autoencoder], [false, true])
    func finishedRunKeepsStepSpeedLossesAndEveryClassAt80x24(model: CourseModelKind, synthetic: Bool) {
        for colour in [true, false] {
            for over in [false, true] {
                let snapshot = over ? DashboardFixtures.finished(model: model, synthetic: synthetic)
                    : DashboardFixtures.snapshot(model: model, synthetic: synthetic)
                var dashboard = DashboardModel(snapshot: snapshot)
                let capabilities: TerminalCapabilities = colour ? .full : .monochrome
                let name = "\(model.rawValue)-\(synthetic ? "synthetic" : "cifar")-\(over ? "finished" : "running")"
                    + "-80x24-\(colour ? "colour" : "mono")"
                if model.isClassifier { dashboard.panel = .confusion }
                let buffer = Self.render(dashboard, width: 80, height: 24, capabilities: capabilities)
                if !(over == false && synthetic == false) { Self.assertMatchesSnapshot(buffer.text, name: name) }
                let text = buffer.text
                guard over else { continue }
                #expect(buffer.lines[0].hasSuffix("FINISHED"))
                #expect(text.contains("step       400/400, epoch 10/10") || text.contains("step       400/400"), "\(name)\n\(text)")
                #expect(text.contains("9,876 img/s"), "\(name)")
                #expect(text.contains("train loss") && text.contains("test loss"), "\(name)")
                #expect(!text.contains("ETA"), "\(name): nothing is left to wait for")
                // lr and the image counts may go below the box's edge, counted there.
                #expect(!text.contains("more rows") || text.contains("↓2 more rows") || text.contains("2 more rows"), "\(name)\n\(text)")
                #expect(text.contains("Finished; saved /home/student/.local/state/cnnlab/models/cnn.safetensors"), "\(name)")
                #expect(!text.contains("Synthetic shapes, not real photos"), "\(name): one message line once over")
                #expect(buffer.lines[0].contains("synthetic shapes") == synthetic, "\(name): the header names the data")
                #expect(buffer.lines.last?.contains("training is over") == true)
                if model.isClassifier {
                    #expect(text.contains("test acc"), "\(name)")
                    for className in DashboardFixtures.classNames {
                        #expect(buffer.lines.contains { $0.dropFirst().hasPrefix(className.prefix(10) + " ") },
                                "\(name): \(className)'s row\n\(text)")
                    }
                    #expect(!text.contains("more class"), "\(name)")
                }
            }
        }
    }

    /// Finished on the shapes: the advice joins the last message's line when it fits there.
    @Test func finishedOnShapesAddsTheAdviceToTheLastLineWhenItFits() {
        let short = DashboardFixtures.finished(model: .cnn, synthetic: true, savedTo: "cnn.safetensors")
        let lines = Self.render(DashboardModel(snapshot: short), width: 80, height: 24, capabilities: .monochrome).lines
        #expect(lines[1] == "Finished; saved cnn.safetensors. For CIFAR-10: cnnlab data get cifar10")
        let wide = Self.render(DashboardModel(snapshot: short), width: 120, height: 40, capabilities: .monochrome).lines
        #expect(wide[1].hasPrefix("Finished; saved cnn.safetensors. Trained on synthetic shapes; for CIFAR-10: cnnlab data get cifar10"))
        #expect(wide[2].hasPrefix("┌") || wide[2].hasPrefix("+"), "one message row")
        let long = DashboardFixtures.finished(model: .cnn, synthetic: true)
        let longLines = Self.render(DashboardModel(snapshot: long), width: 80, height: 24, capabilities: .monochrome).lines
        #expect(longLines[1] == "Finished; saved /home/student/.local/state/cnnlab/models/cnn.safetensors")
        #expect(DashboardScreen.summary(long).contains("for CIFAR-10 run `cnnlab data get cifar10`"), "the shell says it after q")
    }

    /// The synthetic shapes' longest class name ("checkerboard") shows whole in the matrix at 80x24.
    @Test func confusionRowsShowWholeClassNames() {
        var snapshot = DashboardFixtures.finished(model: .cnn, synthetic: true)
        snapshot.classNames = SyntheticShapes.classNames
        var model = DashboardModel(snapshot: snapshot)
        for capabilities in [TerminalCapabilities.full, .monochrome] {
          // 80x24: the matrix focused; 120x40: beside the images (the narrower right panel) and focused.
          for (width, height, panel) in [(80, 24, DashboardPanel.confusion), (120, 40, .samples), (120, 40, .confusion)] {
            model.panel = panel
            let buffer = Self.render(model, width: width, height: height, capabilities: capabilities)
            for name in SyntheticShapes.classNames {
                #expect(buffer.lines.contains { $0.contains("│" + name + " ") || $0.contains("┃" + name + " ") }, "\(name)\n\(buffer.text)")
            }
            #expect(!buffer.text.contains("…"), "\(width)x\(height)\n\(buffer.text)")
          }
        }
    }

    /// Wide screens put a second, narrower panel beside the first: its title takes a short form
    /// and the layer table wraps a long layer rather than cutting either with "…".
    @Test func sidePanelsShortenTitlesAndWrapLayers() {
        for (width, height) in [(120, 40), (200, 60)] {
            for model in [CourseModelKind.cnn, .autoencoder] {
                var dashboard = DashboardModel(snapshot: DashboardFixtures.finished(model: model))
                for panel in DashboardPanel.available(for: dashboard.snapshot) {
                    dashboard.panel = panel
                    let buffer = Self.render(dashboard, width: width, height: height, capabilities: .monochrome)
                    #expect(!buffer.text.contains("…"), "\(model) \(panel) \(width)x\(height)\n\(buffer.text)")
                }
            }
        }
        var ae = DashboardModel(snapshot: DashboardFixtures.finished(model: .autoencoder))
        ae.panel = .filters
        let text = Self.render(ae, width: 120, height: 40, capabilities: .monochrome).text
        #expect(text.contains("ConvTranspose2d(") && text.contains("  32, 16, 4, 2,"), "\(text)")
        #expect(DashboardPanels.wrapLayer("ConvTranspose2d(32, 16, 4, 2, 1)", width: 17) == ["ConvTranspose2d(", "32, 16, 4, 2,", "1)"])
        #expect(DashboardPanels.wrapLayer("ConvTranspose2d(32, 16, 4, 2, 1)", width: 20) == ["ConvTranspose2d(32,", "16, 4, 2, 1)"])
        #expect(DashboardPanels.wrapLayer("Conv2d(3, 8, 4, 2, 1)", width: 40) == ["Conv2d(3, 8, 4, 2, 1)"])
        #expect(DashboardView.panelTitle(.network, ae.snapshot, width: 30) == "Network")
    }

    @Test func tooSmallTerminalSaysWhatItNeeds() {
        let text = Self.render(DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn)), width: 60, height: 20,
                               capabilities: .full).text
        #expect(text.contains("need at least 80x24"))
        #expect(text.contains("have 60x20"))
    }

    @Test func pausedAndNaNNoticeShow() {
        var snapshot = DashboardFixtures.snapshot(model: .cnn)
        snapshot.state = .paused
        snapshot.event = .diverged(Divergence(value: .nan, step: 133, learningRate: 10, epoch: 1))
        var buffer = Buffer(width: 80, height: 24)
        DashboardView.render(DashboardModel(snapshot: snapshot), into: &buffer, context: RenderContext(capabilities: .full))
        #expect(buffer.lines[0].hasSuffix("PAUSED"))
        #expect(buffer.lines[1].hasPrefix("The loss became NaN"))
        #expect(buffer[0, 1].style == RenderContext(capabilities: .full).style(.error))
        #expect(buffer.lines.last?.contains("p resume") == true)
    }

    @Test func aFailedFinalSaveStaysOnScreenAndInTheSummary() {
        var snapshot = DashboardFixtures.snapshot(model: .cnn)
        snapshot.state = .finished
        let failure = TrainingEvent.saveFailed(path: "/gone/cnn.safetensors", reason: "the folder /gone does not exist")
        snapshot.event = failure
        snapshot.saveFailure = failure
        snapshot.lastCheckpoint = "/gone/cnn.safetensors"
        var buffer = Buffer(width: 80, height: 24)
        DashboardView.render(DashboardModel(snapshot: snapshot), into: &buffer, context: RenderContext(capabilities: .full))
        #expect(buffer.lines.last?.contains("the weights were NOT saved") == true)
        #expect(buffer.lines.contains { $0.contains("/gone/cnn.safetensors") })
        let summary = DashboardScreen.summary(snapshot)
        #expect(summary.contains("/gone/cnn.safetensors still holds the checkpoint saved before"))
        #expect(!summary.contains("Saved /gone"))
    }

    @Test func keysBecomeCommandsAndQuitAsksFirst() {
        var model = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn))
        #expect(model.update(.key(.character("p"))) == .togglePause)
        #expect(model.update(.key(.character("s"))) == .save)
        #expect(model.update(.key(.character("+"))) == .scaleLearningRate(2))
        #expect(model.update(.key(.character("-"))) == .scaleLearningRate(0.5))
        #expect(model.update(.tick) == nil)
        #expect(model.update(.key(.character("q"))) == nil)
        #expect(model.confirmingQuit)
        let asking = Self.render(model, width: 80, height: 24, capabilities: .monochrome).text
        #expect(asking.contains("Stop training? y"))
        #expect(model.update(.key(.character("n"))) == nil) // carry on
        #expect(!model.confirmingQuit)
        _ = model.update(.key(.character("q")))
        #expect(model.update(.key(.character("y"))) == .stop)
        model.snapshot.state = .finished
        #expect(model.update(.key(.character("p"))) == nil)
        #expect(model.update(.key(.character("q"))) == .exit)
    }
}
