import Datasets
import Foundation
import Lessons
import Terminal
import Training

/// The training dashboard opened from a lesson's ```train block (or the home screen's Train):
/// a running session and the dashboard program that shows it. `start` and `stop` have side
/// effects (data on disk, a thread): only the hosts' `perform` calls them.
public struct LessonDashboard {
    private(set) var program: DashboardProgram
    let session: TrainingSession
    /// Said once, when the lesson asked for CIFAR-10 and it was not found.
    let note: String?

    /// Loads the data `choice` names and starts training; a one-line message when that cannot
    /// be done. With `savePath`, the weights are saved there when training stops or finishes.
    static func start(_ block: TrainBlock, data choice: LessonDataChoice? = nil,
                      savePath: String? = nil) -> Result<LessonDashboard, LessonDashboardError> {
        let choice = choice ?? LessonDataChoice.choose(block.dataSpec)
        let split: DatasetSplit
        do {
            split = try DatasetCatalog().load(choice.used)
        } catch {
            return .failure(LessonDashboardError(message: "cannot load the data '\(block.data)': \(error)"))
        }
        let note = choice.isSubstitute
            ? "CIFAR-10 not found: training on synthetic shapes (cnnlab data get cifar10 fetches it)" : nil
        let optimizer: OptimizerChoice = block.optimizer == .sgd ? .sgd(momentum: Float(block.momentum)) : .adam
        let recipe = TrainingRecipe(model: block.model == .cnn ? .cnn : .autoencoder, epochs: block.epochs,
                                    batchSize: block.batchSize, learningRate: Float(block.learningRate),
                                    optimizer: optimizer, seed: UInt64(max(0, block.seed)))
        do {
            if let savePath {
                try FileManager.default.createDirectory(atPath: (savePath as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
            }
            let session = try TrainingSession(recipe: recipe, data: split,
                                              options: TrainingSession.Options(savePath: savePath, previewInterval: 2))
            session.start()
            return .success(LessonDashboard(program: DashboardProgram(session: session), session: session, note: note))
        } catch {
            return .failure(LessonDashboardError(message: "cannot start training: \(error)"))
        }
    }

    /// Passes an event on; the command `quits` once the student has left the dashboard (the
    /// host then asks for `stop` as an effect of its own).
    mutating func update(_ event: Event) -> ProgramCommand<DashboardProgram.Effect> {
        program.update(event)
    }

    /// Runs one of the dashboard's effects (for the host's `perform`).
    func perform(_ effect: DashboardProgram.Effect) -> DashboardProgram.Message? {
        program.perform(effect)
    }

    /// Takes an effect's result (for the host's `receive`).
    mutating func receive(_ message: DashboardProgram.Message) -> ProgramCommand<DashboardProgram.Effect> {
        program.receive(message)
    }

    /// Stops training and waits for its thread (also on Ctrl-C).
    func stop() {
        if !session.store.snapshot().state.isOver { session.controls.requestStop() }
        session.waitUntilDone()
    }
}

/// Why the dashboard could not be opened.
public struct LessonDashboardError: Error, Sendable {
    var message: String
}
