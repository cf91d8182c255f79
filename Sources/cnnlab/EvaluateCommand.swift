import ArgumentParser
import Datasets
import NeuralNet
import Training

/// `cnnlab evaluate`: measures a saved checkpoint on a test set.
///
///     cnnlab evaluate --model cnn --load cnn.safetensors --data ../shared/data/cifar10-sample
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Print a checkpoint's test accuracy (cnn) or test loss (autoencoder).")

    @Option(help: "The network the checkpoint holds.")
    var model: CourseModelKind = .cnn

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
        guard batchSize >= 1 else { throw CLIFailure("--batch-size must be at least 1 (got \(batchSize))") }
        if let threads { Compute.setThreadCount(max(1, threads)) }
        do {
            let split = try DatasetCatalog().load(try DatasetSpec.parse(data))
            let result = try CheckpointEvaluation.run(model: kind, checkpoint: load, data: split, batchSize: batchSize)
            print("\(kind.displayName) \(load) on \(split.test.name): \(result.line)")
        } catch let failure as CLIFailure {
            throw failure
        } catch {
            throw CLIFailure("\(error)")
        }
    }
}
