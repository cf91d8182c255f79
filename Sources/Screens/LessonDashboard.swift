import Datasets
import Foundation
import Lessons
import NeuralNet
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
        let recipe: TrainingRecipe
        switch recipeFor(block, split: split) {
        case .success(let made): recipe = made
        case .failure(let error): return .failure(error)
        }
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

    /// The block's recipe: a course model's with the block's settings, or, for its own `layers`,
    /// the recipe the network's output calls for (TrainingRecipe.forNetwork) with the optimiser
    /// settings the block wrote.
    static func recipeFor(_ block: TrainBlock, split: DatasetSplit) -> Result<TrainingRecipe, LessonDashboardError> {
        let optimizer: OptimizerChoice = block.optimizer == .sgd ? .sgd(momentum: Float(block.momentum)) : .adam
        var recipe: TrainingRecipe
        switch block.model {
        case .cnn, .autoencoder:
            recipe = TrainingRecipe(model: block.model == .cnn ? .cnn : .autoencoder, epochs: block.epochs,
                                    batchSize: block.batchSize, learningRate: Float(block.learningRate),
                                    optimizer: optimizer, seed: UInt64(max(0, block.seed)))
        case .own:
            do {
                let network = try NetworkText(layers: block.layers.map { try LayerSpec.parse($0) })
                recipe = try TrainingRecipe.forNetwork(network, input: [split.train.channels, split.train.height, split.train.width],
                                                       classCount: max(1, split.classNames.count), datasetName: split.train.name)
            } catch {
                return .failure(LessonDashboardError(message: "cannot train these layers on \(split.train.name): \(error)"))
            }
            recipe.epochs = block.epochs
            recipe.batchSize = block.batchSize
            recipe.seed = UInt64(max(0, block.seed))
            let written = block.writtenOptimizerKeys
            if written.contains("optimizer") {
                recipe.optimizer = optimizer
                if !written.contains("lr") { recipe.learningRate = block.optimizer == .sgd ? 0.01 : 0.001 }
            } else if written.contains("momentum"), case .sgd = recipe.optimizer {
                recipe.optimizer = .sgd(momentum: Float(block.momentum))
            }
            if written.contains("lr") { recipe.learningRate = Float(block.learningRate) }
        }
        return .success(recipe)
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
