import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import Screens
import Terminal
import Training

/// `cnnlab train`: trains the course CNN or autoencoder, or a network of the student's own
/// (`--layers`), with the live dashboard or headless.
///
///     cnnlab train --model cnn --data ../shared/data/cifar10-sample --epochs 10 --headless \
///         --metrics cnn.csv --save cnn.safetensors
///     cnnlab train --layers "Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), Flatten(), Linear(4096, 10)"
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train a course network or your own (live dashboard, or --headless).",
        discussion: """
            Recipes (the course's): cnn = cross-entropy, SGD lr 0.01 momentum 0.9, batch 128;
            autoencoder = summed squared error / batch, Adam lr 0.001, batch 128. 10 epochs.
            --layers trains your own network on the dataset's images (CIFAR-10 and the shapes
            3x32x32, Fashion-MNIST 1x28x28): an output of one value per class trains a
            classifier with the cnn recipe, an output of the input's shape a reconstruction
            with the autoencoder's; --loss, --optimizer, --lr, --momentum, --weight-decay
            change them. Test figures are taken in eval mode (model.eval()).
            Checkpoints are safetensors with PyTorch state_dict names, so
            model.load_state_dict(safetensors.torch.load_file(path)) loads them.
            Dashboard keys: p pause/resume, s save, + and - learning rate, Tab panels, q stop.
            """)

    @Option(help: "cnn or autoencoder.")
    var model: String = "cnn"

    @Option(help: "Dataset: auto, cifar10[:DIR], fashion-mnist[:DIR], synthetic[:N], or a directory.")
    var data: String = "auto"

    @Option(help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(help: "Images per step.")
    var batchSize: Int = 128

    @OptionGroup var network: NetworkOptions

    @OptionGroup var optimizerOptions: OptimizerOptions

    @Option(help: "Seed for the initial weights and the shuffling.")
    var seed: UInt64 = 0

    @Flag(help: "Train without the dashboard: one line per epoch.")
    var headless = false

    @Option(help: "Write per-epoch metrics to this CSV file.")
    var metrics: String?

    @Option(help: "Save the weights here (safetensors) at the end, on s, and on stop.")
    var save: String?

    @Option(help: "Start from the weights in this safetensors file.")
    var resume: String?

    @Option(help: "Threads the kernels split each batch across (default: one per core).")
    var threads: Int?

    @Flag(help: "Dashboard without colour (as NO_COLOR does): images drawn with an ASCII ramp.")
    var noColor = false

    @Flag(help: "Dashboard with ASCII characters only.")
    var ascii = false

    mutating func run() throws {
        if let threads {
            guard threads >= 1 else { throw CLIFailure("--threads must be at least 1 (got \(threads))") }
            Compute.setThreadCount(threads)
        }
        let split: DatasetSplit
        do { split = try DatasetCatalog().load(try DatasetSpec.parse(data)) } catch {
            throw CLIFailure("\(error)")
        }
        let recipe = try makeRecipe(split: split)
        let output = HeadlessOutput.standard()
        let totalEpochs = recipe.epochs
        let printEpoch: @Sendable (EpochMetrics) -> Void = { metrics in
            output.line(HeadlessFormat.epochLine(metrics, totalEpochs: totalEpochs))
        }
        let options = TrainingSession.Options(savePath: save, resumePath: resume, metricsPath: metrics,
                                              previewInterval: headless ? 0 : 2)
        let session: TrainingSession
        do {
            session = try TrainingSession(recipe: recipe, data: split, options: options,
                                          onEpoch: headless ? printEpoch : nil)
        } catch {
            throw CLIFailure("\(error)")
        }
        if headless {
            try runHeadless(session, split: split, output: output)
        } else {
            try runDashboard(session)
        }
    }

    private func makeRecipe(split: DatasetSplit) throws -> TrainingRecipe {
        guard let kind = CourseModelKind(rawValue: model.lowercased()) ?? (model.lowercased() == "ae" ? .autoencoder : nil) else {
            throw CLIFailure("--model \(model): use cnn or autoencoder")
        }
        var recipe = try network.recipe(course: kind, split: split, checkpoint: resume)
        recipe.epochs = epochs
        recipe.batchSize = batchSize
        recipe.seed = seed
        try optimizerOptions.apply(to: &recipe)
        if let problem = recipe.problem { throw CLIFailure(problem) }
        return recipe
    }

    private func runHeadless(_ session: TrainingSession, split: DatasetSplit, output: HeadlessOutput) throws {
        let recipe = session.recipe
        let optimizer: String
        switch recipe.optimizer {
        case .sgd(let momentum): optimizer = "SGD lr \(HeadlessFormat.lr(recipe.learningRate)) momentum \(momentum)"
        case .adam: optimizer = "Adam lr \(HeadlessFormat.lr(recipe.learningRate))"
        }
        let decay = recipe.weightDecay > 0 ? " weight decay \(HeadlessFormat.lr(recipe.weightDecay))" : ""
        if let layers = recipe.layers {
            output.line("your network: \(layers)")
            output.line("  \(session.store.snapshot().network.parameterCount) parameters, \(recipe.loss.rawValue) loss")
        }
        output.line("\(recipe.networkName) on \(split.train.name) (\(split.location)): "
                    + "\(split.train.count) train / \(split.test.count) test images, \(recipe.epochs) epochs, "
                    + "batch \(recipe.batchSize), \(optimizer)\(decay), seed \(recipe.seed), threads \(Compute.threadCount)")
        if split.isSynthetic { output.message(DatasetSplit.syntheticNotice) }
        if let resume { output.message("resuming from \(resume)") }
        let interrupt = InterruptHandler {
            output.message("stopping after this step" + (save.map { " and saving \($0)" } ?? "") + " (Ctrl-C again to quit now)")
            session.controls.requestStop()
        }
        defer { interrupt.cancel() }
        let outcome = HeadlessRunner(session: session, output: output).run()
        let final = session.store.snapshot()
        switch outcome {
        case .finished, .stopped:
            if let path = final.lastCheckpoint { output.message("saved \(path)") }
            if case .stopped = outcome { output.message("stopped at step \(final.step) of \(final.totalSteps)") }
        case .diverged(let divergence, let savedTo):
            throw CLIFailure(HeadlessFormat.divergenceStop(divergence, savedTo: savedTo))
        case .failed(let message):
            throw CLIFailure(message)
        }
        if let failure = final.saveFailure { throw CLIFailure(HeadlessFormat.text(for: failure)) }
    }

    private func runDashboard(_ session: TrainingSession) throws {
        let capabilities = TerminalCapabilities.detect(noColor: noColor, ascii: ascii)
        do { print(try DashboardScreen.run(session: session, capabilities: capabilities)) } catch {
            throw CLIFailure("\(error)")
        }
    }
}

/// A failure reported as one line on standard error, with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
