import ArgumentParser
import Datasets
import NeuralNet
import Training

extension LossChoice: ExpressibleByArgument {}

/// `--layers TEXT|@FILE` and `--loss`, shared by train, evaluate and bench: a student's own
/// network in nn.Sequential's text, read by NeuralNet's one reader of layer text.
struct NetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Your own network, as the arguments of PyTorch's nn.Sequential, or @FILE with one layer a line (# comments).",
        discussion: "e.g. \"Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), Flatten(), Linear(4096, 10)\". "
            + "Used instead of --model.", valueName: "TEXT|@FILE"))
    var layers: String?

    @Option(help: "cross-entropy, sse (summed squared error / batch) or mse (default: follows the output: one value per class -> cross-entropy, the input's shape -> sse).")
    var loss: LossChoice?

    /// The network of `--layers`; else, for `--resume`/`--load` files that cnnlab saved from
    /// `--layers`, the text stored in the file; nil for a course network.
    func network(checkpoint: String?) throws -> NetworkText? {
        if let layers {
            do { return try NetworkText.read(argument: layers) } catch { throw CLIFailure("--layers: \(error)") }
        }
        guard let checkpoint, let contents = try? Safetensors.read(checkpoint), contents.metadata["model"] == "layers",
              let text = contents.metadata["layers"] else { return nil }
        do { return try NetworkText.parse(text) } catch { throw CLIFailure("\(checkpoint): its layers: \(error)") }
    }

    /// The recipe for `kind` or for the `--layers` network on `split`'s images, with `--loss`.
    func recipe(course kind: CourseModelKind, split: DatasetSplit, checkpoint: String? = nil) throws -> TrainingRecipe {
        guard let network = try network(checkpoint: checkpoint) else {
            var recipe = TrainingRecipe.course(kind)
            if let loss {
                switch (kind, loss) {
                case (.cnn, .crossEntropy), (.autoencoder, .sse), (.autoencoder, .mse): recipe.loss = loss
                case (.cnn, .sse), (.cnn, .mse), (.autoencoder, .crossEntropy):
                    throw CLIFailure("--loss \(loss.rawValue) does not fit the course \(kind.displayName) (\(kind.isClassifier ? "cross-entropy" : "sse or mse"))")
                }
            }
            return recipe
        }
        let input = [split.train.channels, split.train.height, split.train.width]
        do {
            return try TrainingRecipe.forNetwork(network, input: input, classCount: max(1, split.classNames.count),
                                                 datasetName: split.train.name, loss: loss)
        } catch {
            throw CLIFailure("\(error.message) (\(split.train.name) images are \(LayerSpec.shapeText(input)))")
        }
    }
}

/// `--optimizer`, `--lr`, `--momentum`, `--weight-decay`: the course recipe's by default.
struct OptimizerOptions: ParsableArguments {
    enum Name: String, ExpressibleByArgument, CaseIterable { case sgd, adam }

    @Option(help: "sgd or adam (default: the recipe's: SGD for a classifier, Adam for a reconstruction).")
    var optimizer: Name?

    @Option(parsing: .unconditional, help: "Learning rate (default: the recipe's: 0.01 with SGD, 0.001 with Adam).")
    var lr: Float?

    @Option(parsing: .unconditional, help: "SGD momentum (default 0.9, the course's).")
    var momentum: Float?

    @Option(parsing: .unconditional, help: "L2 weight decay added to each gradient (default 0).")
    var weightDecay: Float?

    /// Applies the options; switching optimiser brings that optimiser's course defaults.
    func apply(to recipe: inout TrainingRecipe) throws {
        if let optimizer {
            switch (optimizer, recipe.optimizer) {
            case (.sgd, .sgd), (.adam, .adam): break
            case (.sgd, .adam):
                recipe.optimizer = .sgd(momentum: 0.9)
                recipe.learningRate = 0.01
            case (.adam, .sgd):
                recipe.optimizer = .adam
                recipe.learningRate = 0.001
            }
        }
        if let momentum {
            guard case .sgd = recipe.optimizer else { throw CLIFailure("--momentum applies to --optimizer sgd (Adam keeps its own moments)") }
            recipe.optimizer = .sgd(momentum: momentum)
        }
        if let lr { recipe.learningRate = lr }
        if let weightDecay { recipe.weightDecay = weightDecay }
    }
}
