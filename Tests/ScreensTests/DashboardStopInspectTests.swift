import Datasets
import Foundation
import Screens
import Terminal
import Testing
import Training

/// Stopping early (q) can open the inspector on the weights trained so far, and they are saved
/// as a plain stop saves them.
@Suite struct DashboardStopInspectTests {
    @Test func qThenIStopsSavesAndOpensTheInspector() throws {
        let folder = NSTemporaryDirectory() + "cnnlab-stop-inspect-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var recipe = TrainingRecipe.course(.cnn)
        recipe.epochs = 200          // far more than the test waits for: it is stopped early
        recipe.batchSize = 16
        let session = try TrainingSession(recipe: recipe, data: SyntheticShapes.split(trainCount: 64, testCount: 16, seed: 3),
                                          options: .init(savePath: folder + "/cnn.safetensors"))
        session.start()
        defer { session.controls.requestStop(); session.waitUntilDone() }
        var program = DashboardProgram(session: session)
        _ = program.receive(.snapshot(session.store.snapshot()))
        #expect(program.update(.key(.character("q"))) == .none)
        let asked = renderFrame(program, width: 80, height: 24, capabilities: .full).text
        #expect(asked.contains("i: stop + inspect  else: carry on"), "the stop question offers the inspector: \(asked)")
        let command = program.update(.key(.character("i")))
        #expect(command == .perform(.control(.stop)) && program.inspectWhenOver)
        #expect(renderFrame(program, width: 80, height: 24, capabilities: .full).text.contains("stopping the training"))
        program.run(command)
        session.waitUntilDone()
        if program.inspector == nil {
            // The next snapshot says it is over: the dashboard asks for the inspector, not to leave.
            let next = program.receive(.snapshot(session.store.snapshot()))
            #expect(next == .perform(.openInspector(gallery: nil)) && !next.quits)
            program.run(next)
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/cnn.safetensors"), "stopping saved the weights, as q, y does")
        let inspector = try #require(program.inspector, "\(program.model.hint ?? "")")
        #expect(inspector.embedded && program.loadingInspector == nil && !program.inspectWhenOver)
        // q comes back to the stopped dashboard, which still has i and leaves on q.
        _ = program.update(.key(.character("q")))
        #expect(program.inspector == nil)
        #expect(renderFrame(program, width: 80, height: 24, capabilities: .full).text.contains("i inspect"))
        #expect(program.update(.key(.character("q"))).quits)
    }

    @Test func anyOtherKeyStillCarriesOn() {
        var model = DashboardModel(snapshot: DashboardFixtures.snapshot(model: .cnn))
        _ = model.update(.key(.character("q")))
        #expect(model.confirmingQuit)
        #expect(model.update(.key(.character("x"))) == nil && !model.confirmingQuit)
        _ = model.update(.key(.character("q")))
        #expect(model.update(.key(.character("i"))) == .stopAndInspect)
    }
}
