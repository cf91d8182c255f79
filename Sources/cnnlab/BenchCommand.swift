import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import Kernels
import Training

/// `cnnlab bench`: how fast cnnlab trains the course's networks on this machine.
///
///     cnnlab bench --model cnn --threads 2 --epochs 3     # the work pytorch_peer.py cnn 3 2 does
///     cnnlab bench --model all --json
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark training speed: images per second, time per layer, peak memory.",
        discussion: """
            Trains the course CNN (cross-entropy, SGD lr 0.01 momentum 0.9) or autoencoder \
            (summed squared error / batch, Adam lr 1e-3) with the course's batch size, after a \
            warm-up, on CIFAR-10 when found (--data, $CNNLAB_DATA, ~/.cache/cnnlab, or \
            ../shared/data/cifar10-sample) and otherwise on seeded random CIFAR-shaped images. \
            Prints training images per second, the time per step of each layer's forward and \
            backward pass, and the process's peak resident memory (VmHWM). \
            scripts/bench_vs_pytorch.sh compares it with PyTorch.
            """)

    @Option(name: .long, help: "The network to time (ae is short for autoencoder).")
    var model: BenchModelChoice = .cnn

    @Option(name: .long, help: ArgumentHelp(
        "Your own network (nn.Sequential's arguments, or @FILE), trained as ../shared/bench/pytorch_best.py trains it.",
        valueName: "TEXT|@FILE"))
    var layers: String?

    @Option(name: .long, parsing: .unconditional, help: "Threads the kernels use.")
    var threads: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Timed training steps (default: 3 epochs of the training set).")
    var steps: Int?

    @Option(name: .long, parsing: .unconditional, help: "Timed epochs of the training set (instead of --steps).")
    var epochs: Int?

    @Option(name: .long, parsing: .unconditional, help: "Untimed warm-up steps.")
    var warmUp: Int = BenchRunner.defaultWarmUp

    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Images per training step.")
    var batchSize: Int = 128

    @Option(name: .long, help: "A CIFAR-10 binary folder (data_batch_1.bin ...).")
    var data: String?

    @Flag(name: .long, help: "Train on seeded random CIFAR-shaped images even when CIFAR-10 is found.")
    var random = false

    @Flag(name: .long, help: "Print one JSON object instead of tables.")
    var json = false

    @Flag(name: .long, help: "Also time drawing the training dashboard's frame.")
    var frame = false

    func validate() throws {
        // Upper bounds too: 2^63 - 1 images a step overflowed (a trap), and steps past a million
        // would run for days.
        guard (1...TrainingRecipe.maximumThreads).contains(threads) else {
            throw ValidationError("--threads must be from 1 to \(TrainingRecipe.maximumThreads) (got \(threads))")
        }
        guard (1...TrainingRecipe.maximumBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be from 1 to \(TrainingRecipe.maximumBatchSize) (got \(batchSize))")
        }
        guard (0...1_000_000).contains(warmUp) else { throw ValidationError("--warm-up must be from 0 to 1000000 (got \(warmUp))") }
        if let steps, !(1...1_000_000).contains(steps) { throw ValidationError("--steps must be from 1 to 1000000 (got \(steps))") }
        if let epochs, !(1...TrainingRecipe.maximumEpochs).contains(epochs) {
            throw ValidationError("--epochs must be from 1 to \(TrainingRecipe.maximumEpochs) (got \(epochs))")
        }
        if steps != nil && epochs != nil { throw ValidationError("give --steps or --epochs, not both") }
    }

    mutating func run() throws {
        Compute.setThreadCount(threads)
        let (images, datasetName) = try BenchData.load(directory: data, random: random)
        var results: [BenchResult] = []
        var workloads: [BenchWorkload] = []
        if let layers {
            do {
                let network = try NetworkText.read(argument: layers)
                workloads = [try BenchWorkload(layers: network, images: images, batchSize: batchSize)]
                if !json { print("layers: \(network)") }
            } catch {
                throw CLIFailure("--layers: \(error)")
            }
        } else {
            workloads = model.kinds.map { BenchWorkload(kind: $0, images: images, batchSize: batchSize) }
        }
        for workload in workloads {
            let batchesPerEpoch = (images.count + batchSize - 1) / batchSize
            let stepCount = steps ?? (epochs ?? 3) * batchesPerEpoch
            let result = BenchRunner.run(workload, steps: stepCount, warmUp: warmUp, datasetName: datasetName)
            results.append(result)
            if !json { print(BenchReport.text(result)) }
        }
        let frameResult = frame ? BenchFrame.measure() : nil
        if json {
            print(BenchReport.json(results, frame: frameResult))
        } else if let frameResult {
            print(BenchReport.text(frameResult))
        }
    }
}

/// Where the benchmark's images come from.
enum BenchData {
    /// The sample shipped beside the project (not in it), found from the project's root.
    static let sampleDirectory = "../shared/data/cifar10-sample"
    /// Random images when no CIFAR-10 is found: the sample's size, so epochs match.
    static let randomImageCount = 5085

    /// The CIFAR-10 training images (named by folder), or seeded random ones.
    static func load(directory: String?, random: Bool) throws -> (ImageDataset, String) {
        if !random {
            if let directory {
                return (try CIFAR10.load(from: directory).train, "CIFAR-10 \(directory)")
            }
            if let found = DatasetCatalog().locateCIFAR10() ?? CIFAR10.dataDirectory(in: sampleDirectory) {
                return (try CIFAR10.load(from: found).train, "CIFAR-10 \(found)")
            }
        }
        var rng = SplitMix64(seed: 7)
        let count = randomImageCount
        let pixels = (0..<(count * CIFAR10.imageBytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let labels = (0..<count).map { _ in UInt8(rng.below(10)) }
        let dataset = ImageDataset(name: "random", channels: 3, height: 32, width: 32,
                                   classNames: CIFAR10.standardClassNames, isSynthetic: true,
                                   pixels: pixels, labels: labels)
        return (dataset, "random CIFAR-shaped images (\(count))")
    }
}
