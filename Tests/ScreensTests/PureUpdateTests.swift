import Datasets
import Foundation
import Lessons
import Terminal
import TestSupport
import Testing
import Training
@testable import Screens

/// `update` never touches files or threads: it returns effects, and nothing happens until the
/// run loop performs them. These tests call `update` alone and look at what it asked for.
@Suite("Pure update")
struct PureUpdateTests {
    @Test func homeAsksToOpenALessonAndToTrainWithoutDoingIt() {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        var home = HomeScreen(library: .success(LessonFiles.library), store: state.store)
        let open = home.update(.key(.character("2")))
        guard case .perform(.openLesson(index: 1)) = open else {
            Issue.record("expected an effect opening lesson 2, got \(open)")
            return
        }
        #expect(home.openLesson == nil)     // nothing read yet: the loop has not run the effect

        let train = home.update(.key(.character("t")))
        guard case .perform(.findTrainingData(let block, let savePath)) = train else {
            Issue.record("expected an effect looking for the data before training, got \(train)")
            return
        }
        #expect(block.model == .cnn)
        #expect(savePath == state.path + "/models/cnn.safetensors")
        #expect(!home.isTraining)
        #expect(!FileManager.default.fileExists(atPath: state.path))   // no folder made, no file written
    }

    @Test func aLessonStepAsksToSaveProgressWithoutWriting() throws {
        let state = TemporaryFolder("screens", create: false)
        defer { state.remove() }
        let entry = try #require(LessonFiles.library.entry(named: "1"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: state.store)
        let command = player.update(.key(.right))
        let saves = command.effects.compactMap { effect -> LessonProgress? in
            if case .saveProgress(let progress, entry.name, _) = effect { return progress }
            return nil
        }
        #expect(saves.last?.step == 1)
        #expect(saves.last?.visited == [0, 1])
        #expect(!FileManager.default.fileExists(atPath: state.store.path(for: entry.name)))
        // Running the command as the loop does writes the file.
        player.run(command)
        #expect(state.store.load(entry.name).progress.step == 1)
    }

    @Test func aTrainBlockAsksToStartTrainingWithoutAThread() throws {
        let entry = try #require(LessonFiles.library.entry(named: "6"))
        var player = LessonPlayer(lesson: Lesson.load(path: entry.path), name: entry.name, store: nil,
                                  screenSize: (120, 40))
        _ = player.update(.key(.tab))
        // CIFAR-10 found (missing, Enter asks first: LessonTrainingDataChoiceTests).
        _ = player.receive(.dataFound(step: 0, pane: 0, LessonDataChoice(
            requested: .cifar10(directory: nil), used: .cifar10(directory: nil), lines: ["data: CIFAR-10 (found in /data)"])))
        let command = player.update(.key(.enter))
        guard command.effects.count == 1, case .startTraining(let block, let data, nil)? = command.effects.first else {
            Issue.record("expected an effect starting training, got \(command)")
            return
        }
        #expect(block.data == "cifar10")
        // The data the pane announced before Enter is the data the run uses.
        #expect(data.requested == .cifar10(directory: nil))
        #expect(player.frame(120, 40).text.contains("data: CIFAR-10"))
        #expect(!player.isTraining)
        // A failure to start comes back as a message and shows on the status line.
        _ = player.receive(.trainingStarted(.failure(LessonDashboardError(message: "cannot load the data"))))
        #expect(player.frame(120, 40).text.contains("cannot load the data"))
    }

    @Test func dashboardKeysBecomeEffectsAndLeaveOnceTheSessionStopped() throws {
        let session = try TrainingSession(recipe: .course(.cnn), data: SyntheticShapes.split(trainCount: 8, testCount: 4, seed: 1))
        var program = DashboardProgram(session: session)   // never started: no thread
        #expect(program.update(.tick) == .perform(.readSnapshot))
        #expect(program.update(.key(.character("p"))) == .perform(.control(.togglePause)))
        #expect(program.update(.key(.character("+"))) == .perform(.control(.scaleLearningRate(2))))
        #expect(program.update(.key(.character("q"))) == .none)           // asks first
        #expect(program.update(.key(.character("y"))) == .perform(.control(.stop)))
        var running = program.model.snapshot
        running.state = .running
        #expect(program.receive(.snapshot(running)) == .none)             // still stopping
        var stopped = running
        stopped.state = .stopped
        stopped.event = .saved(path: "/tmp/x.safetensors", moment: .stopped)
        #expect(program.receive(.snapshot(stopped)) == .quit)
        #expect(!session.controls.isStopRequested)                        // update asked; only perform acts
    }

    @Test func afterTrainingSaveSaysWhereTheWeightsAreAndKeepsSaying() throws {
        let session = try TrainingSession(recipe: .course(.cnn), data: SyntheticShapes.split(trainCount: 8, testCount: 4, seed: 1))
        var program = DashboardProgram(session: session)
        var finished = program.model.snapshot
        finished.state = .finished
        finished.lastCheckpoint = "/tmp/cnn.safetensors"
        finished.event = .saved(path: "/tmp/cnn.safetensors", moment: .finished)
        _ = program.receive(.snapshot(finished))
        #expect(program.update(.key(.character("s"))) == .none)
        _ = program.receive(.snapshot(finished))   // the next tick
        let text = renderFrame(program, width: 80, height: 24, capabilities: .monochrome).text
        #expect(text.contains("Already saved /tmp/cnn.safetensors"), "\(text)")
    }
}
