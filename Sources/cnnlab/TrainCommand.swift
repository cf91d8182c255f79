import ArgumentParser
import Datasets
import Foundation
import Inspection
import Lessons
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
            Dashboard keys: p pause/resume, s save, + and - learning rate, Tab panels, q stop;
            once training is over: i inspects the trained network, arrows + Enter on the
            confusion matrix open that cell's test images in the inspector.
            """)

    @Option(help: "The network to train.")
    var model: CourseModelKind = .cnn

    @Option(help: "Dataset: auto, cifar10[:DIR], fashion-mnist[:DIR], synthetic[:N], or a directory.")
    var data: String = "auto"

    @Option(parsing: .unconditional, help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(parsing: .unconditional, help: "Images per step.")
    var batchSize: Int = 128

    @OptionGroup var network: NetworkOptions

    @OptionGroup var optimizerOptions: OptimizerOptions

    @Option(parsing: .unconditional, help: "Seed for the initial weights and the shuffling.")
    var seed: UInt64 = 0

    @Flag(help: "Train without the dashboard: one line per epoch.")
    var headless = false

    @Option(help: "Write per-epoch metrics to this CSV file.")
    var metrics: String?

    @Option(help: "Save the weights here (safetensors) at the end, on s, and on stop.")
    var save: String?

    @Option(help: "Start from the weights in this safetensors file.")
    var resume: String?

    @Option(parsing: .unconditional, help: "Threads the kernels split each batch across (default: one per core).")
    var threads: Int?

    @OptionGroup var display: DisplayOptions

    mutating func run() throws {
        if let threads {
            guard (1...TrainingRecipe.maximumThreads).contains(threads) else {
                throw CLIFailure("--threads must be from 1 to \(TrainingRecipe.maximumThreads) (got \(threads))")
            }
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
        // However the run ends, a checkpoint it saved is listed by Home's Inspect, even outside the models folder.
        defer {
            if let saved = session.store.snapshot().lastCheckpoint {
                let state = ProgressStore.stateDirectory(environment: ProcessInfo.processInfo.environment)
                SavedElsewhere(stateDirectory: state).remember(saved)
            }
        }
        if headless {
            try runHeadless(session, split: split, output: output)
        } else {
            try runDashboard(session)
        }
    }

    private func makeRecipe(split: DatasetSplit) throws -> TrainingRecipe {
        var recipe = try network.recipe(course: model, split: split, checkpoint: resume)
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
        let interrupt = InterruptHandler { signalNumber in
            let name = signalNumber == SIGHUP ? "the terminal closed (SIGHUP)" : signalNumber == SIGTERM ? "SIGTERM" : "Ctrl-C"
            output.message("\(name): stopping after this step" + (save.map { " and saving \($0)" } ?? "")
                           + " (a second signal quits at once)")
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
        // Saved: now tell scripts the run was cut short (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
        if let signalNumber = interrupt.receivedSignal { throw ExitCode(128 + signalNumber) }
    }

    private func runDashboard(_ session: TrainingSession) throws {
        let signal: Int32?
        do {
            let ended = try DashboardScreen.run(session: session, capabilities: display.capabilities)
            print(ended.summary)
            signal = ended.signal
        } catch let error as TerminalError {
            throw CLIFailure(error.suggesting("add --headless to train without the dashboard").description)
        } catch {
            throw CLIFailure("\(error)")
        }
        // The summary above names the failure; the status tells scripts the weights are not on disk.
        if session.store.snapshot().saveFailure != nil { throw ExitCode(1) }
        // Saved: tell scripts a signal cut the run short (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).
        if let signal { throw ExitCode(128 + signal) }
    }
}

/// A failure reported as one line on standard error, with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
