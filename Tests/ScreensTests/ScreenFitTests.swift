import Foundation
import Inspection
import Lessons
import NeuralNet
import Stepper
import Terminal
import TestSupport
import Testing
import Training
@testable import Screens

/// Every screen a student can reach, rendered at 80x24 (and 120x40), fails when a box or a
/// line loses content without saying so: each cut must come with a "more" or scroll marker
/// (`Buffer.silentlyClipped`, fed by the widgets and `Buffer.write`).
@Suite("Every screen fits or says more")
struct ScreenFitTests {
    static let sizes = [(80, 24), (120, 40)]
    static let modes: [(String, TerminalCapabilities)] = [("colour", .full), ("mono", .monochrome)]

    /// Records one issue per frame that cut content silently, with the frame to look at.
    static func expectFits(_ buffer: Buffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let silent = buffer.silentlyClipped
        guard !silent.isEmpty else { return }
        let notes = silent.prefix(6).map(\.description).joined(separator: "\n  ")
        Issue.record(Comment(rawValue: "\(name): content cut without a \"more\" marker:\n  \(notes)\n\(buffer.text)"),
                     sourceLocation: sourceLocation)
    }

    static func render(_ draw: (inout Buffer, RenderContext) -> Void, width: Int, height: Int,
                       capabilities: TerminalCapabilities) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        draw(&buffer, RenderContext(capabilities: capabilities))
        return buffer
    }

    // MARK: the ledger itself

    @Test("a cut write is noted, a marked one is not, fillers are not")
    func ledgerNotesCuts() {
        var buffer = Buffer(width: 20, height: 4)
        let box = Rect(x: 0, y: 0, width: 10, height: 2)
        buffer.write("0123456789abc", x: 0, y: 0, clip: box)
        #expect(buffer.silentlyClipped.count == 1)
        buffer.write("row below", x: 0, y: 2, clip: box)
        #expect(buffer.silentlyClipped.count == 2)
        buffer.noteOverflowShown(in: box)
        #expect(buffer.silentlyClipped.isEmpty)
        var plain = Buffer(width: 20, height: 4)
        plain.write("fits      " + String(repeating: "─", count: 30), x: 0, y: 1, clip: box)
        #expect(plain.silentlyClipped.isEmpty)
        #expect(plain.write("abc   ", x: 8, y: 1, clip: box) == 10)   // the column returned is still the edge
    }

    @Test("a table or wrapped text that leaves rows out notes them")
    func widgetsNoteHiddenRows() {
        let context = RenderContext(capabilities: .monochrome)
        var buffer = Buffer(width: 30, height: 10)
        Table(columns: [.init("a")], rows: (0..<10).map { ["\($0)"] })
            .render(into: &buffer, area: Rect(x: 0, y: 0, width: 10, height: 5), context: context)
        #expect(buffer.silentlyClipped.count == 1)
        var text = Buffer(width: 30, height: 10)
        WrappedText("one two three four five six seven eight nine ten")
            .render(into: &text, area: Rect(x: 0, y: 0, width: 8, height: 2), context: context)
        #expect(text.silentlyClipped.count == 1)
    }

    // MARK: screens

    @Test("every step and pane of every lesson", arguments: sizes)
    func lessons(size: (Int, Int)) throws {
        let (width, height) = size
        for entry in LessonFiles.library.entries {
            let lesson = Lesson.load(path: entry.path)
            var player = LessonPlayer(lesson: lesson, name: entry.name, store: nil, screenSize: size)
            player.send(.resize(width: width, height: height))
            for index in 0..<lesson.steps.count {
                let name = "\(entry.name) step \(index + 1) at \(width)x\(height)"
                for (mode, capabilities) in Self.modes {
                    Self.expectFits(player.frame(width, height, capabilities), "\(name) \(mode)")
                }
                for pane in player.step!.paneBlocks.indices {
                    player.press(.tab)
                    Self.expectFits(player.frame(width, height), "\(name) pane \(pane + 1)")
                    if case .explore = player.step!.paneBlocks[pane] {
                        // Each view of the explorer, then back to the first.
                        for view in 1..<3 {
                            player.press(.character("v"))
                            Self.expectFits(player.frame(width, height), "\(name) pane \(pane + 1) view \(view + 1)")
                            Self.expectFits(player.frame(width, height, .full), "\(name) pane \(pane + 1) view \(view + 1) colour")
                        }
                        player.press(.character("v"))
                    }
                }
                if !player.step!.paneBlocks.isEmpty { player.press(.tab) }
                player.press(.end)
                Self.expectFits(player.frame(width, height), "\(name) scrolled to the end")
                player.press(.home)
                player.press(.right)
            }
        }
    }

    static let explorations: [(String, ExploreRequest)] = [
        ("conv", ExploreRequest(operation: .conv)),
        ("conv 2 channels 2 filters bias", ExploreRequest(
            operation: .conv, input: "1 2 0; 0 1 3; 2 2 1 | 0 1 1; 1 0 2; 3 1 0",
            kernel: "1 0; 0 1 | 0 1; 1 0 || 1 1; 0 0 | 0 0; 1 1", bias: "1, -1")),
        ("pool", ExploreRequest(operation: .pool)),
        ("convT", ExploreRequest(operation: .convT)),
    ]

    @Test("every explorer view, first and last step, and its help", arguments: sizes)
    func explorer(size: (Int, Int)) throws {
        let (width, height) = size
        for (label, request) in Self.explorations {
            var model = ExplorerModel(try request.resolve())
            for view in ExplorerView.cycle(for: model.operation) {
                model.show(view)
                for step in [0, model.stepCount - 1] {
                    model.go(to: step)
                    for (mode, capabilities) in Self.modes {
                        let frame = Self.render({ model.view(into: &$0, rect: $0.area, context: $1) },
                                                width: width, height: height, capabilities: capabilities)
                        Self.expectFits(frame, "explorer \(label) \(view.title) step \(step + 1) \(width)x\(height) \(mode)")
                    }
                }
            }
            var program = ExplorerProgram(model: model)
            _ = program.update(.key(.character("?")))
            Self.expectFits(renderFrame(program, width: width, height: height, capabilities: .monochrome),
                            "explorer \(label) help \(width)x\(height)")
        }
    }

    @Test("the dashboard, every panel, classifier and autoencoder, real and synthetic data, running and finished", arguments: sizes)
    func dashboard(size: (Int, Int)) {
        let (width, height) = size
        for model in [CourseModelKind.cnn, .autoencoder] {
            for synthetic in [false, true] {
                for over in [false, true] {
                    let snapshot = over ? DashboardFixtures.finished(model: model, synthetic: synthetic)
                        : DashboardFixtures.snapshot(model: model, synthetic: synthetic)
                    var dashboard = DashboardModel(snapshot: snapshot)
                    for panel in DashboardPanel.available(for: dashboard.snapshot) {
                        dashboard.panel = panel
                        for (mode, capabilities) in Self.modes {
                            let frame = Self.render({ DashboardView.render(dashboard, into: &$0, context: $1) },
                                                    width: width, height: height, capabilities: capabilities)
                            Self.expectFits(frame, "dashboard \(model.rawValue) \(synthetic ? "synthetic" : "CIFAR") "
                                            + "\(over ? "finished" : "running") \(panel) \(width)x\(height) \(mode)")
                        }
                    }
                }
            }
        }
    }

    @Test("home, its help and Explore's form", arguments: sizes)
    func home(size: (Int, Int)) {
        let (width, height) = size
        var home = HomeScreen(library: .success(LessonFiles.library), store: nil)
        _ = home.update(.resize(width: width, height: height))
        Self.expectFits(renderFrame(home, width: width, height: height, capabilities: .monochrome), "home \(width)x\(height)")
        _ = home.update(.key(.character("?")))
        Self.expectFits(renderFrame(home, width: width, height: height, capabilities: .full), "home help \(width)x\(height)")
        _ = home.update(.key(.escape))
        _ = home.update(.key(.character("e")))
        #expect(home.isChoosingExploreSettings)
        Self.expectFits(renderFrame(home, width: width, height: height, capabilities: .monochrome), "explore form \(width)x\(height)")
    }

    @Test("the inspector's panes", arguments: sizes)
    func inspector(size: (Int, Int)) throws {
        let (width, height) = size
        var screen = try InspectorScreenTests.screen()
        // The network pane, the layer pane, an explanation, the help.
        for (label, key) in [("network", nil), ("layer", Key.tab), ("explain", Key.enter), ("help", Key.character("?"))] {
            if let key { _ = screen.update(.key(key)) }
            for (mode, capabilities) in Self.modes {
                Self.expectFits(renderFrame(screen, width: width, height: height, capabilities: capabilities),
                                "inspector \(label) \(width)x\(height) \(mode)")
            }
        }
    }
}
