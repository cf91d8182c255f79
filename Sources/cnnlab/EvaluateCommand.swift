import ArgumentParser
import Datasets
import NeuralNet
import Training

/// `cnnlab evaluate`: measures a saved checkpoint on a test set, in eval mode.
///
///     cnnlab evaluate --model cnn --load cnn.safetensors --data ../shared/data/cifar10-sample
///     cnnlab evaluate --layers @mynet.txt --load mynet.safetensors
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Print a checkpoint's test accuracy (classifiers) or test loss (reconstructions), in eval mode.")

    @Option(help: "The network the checkpoint holds.")
    var model: CourseModelKind = .cnn

    @OptionGroup var network: NetworkOptions

    @Option(help: "The safetensors checkpoint (from cnnlab train --save, or PyTorch's state_dict).")
    var load: String

    @Option(help: "Dataset: auto, cifar10[:DIR], fashion-mnist[:DIR], synthetic[:N], or a directory.")
    var data: String = "auto"

    @Option(parsing: .unconditional, help: "Images per forward pass.")
    var batchSize: Int = 128

    @Option(parsing: .unconditional, help: "Threads the kernels split each batch across.")
    var threads: Int?

    mutating func run() throws {
        let kind = model
        guard (1...TrainingRecipe.maximumBatchSize).contains(batchSize) else {
            throw CLIFailure("--batch-size must be from 1 to \(TrainingRecipe.maximumBatchSize) (got \(batchSize))")
        }
        if let threads {
            guard (1...TrainingRecipe.maximumThreads).contains(threads) else {
                throw CLIFailure("--threads must be from 1 to \(TrainingRecipe.maximumThreads) (got \(threads))")
            }
            Compute.setThreadCount(threads)
        }
        do {
            let split = try DatasetCatalog().load(try DatasetSpec.parse(data))
            let recipe = try network.recipe(course: kind, split: split, checkpoint: load)
            let result = try CheckpointEvaluation.run(recipe: recipe, checkpoint: load, data: split, batchSize: batchSize)
            print("\(recipe.networkName) \(load) on \(split.test.name): \(result.line)")
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("\(error)")
        }
    }
}
