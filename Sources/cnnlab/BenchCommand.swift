import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import Kernels

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
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up must not be negative") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if steps != nil && epochs != nil { throw ValidationError("give --steps or --epochs, not both") }
    }

    mutating func run() throws {
        Compute.setThreadCount(threads)
        let (images, datasetName) = try BenchData.load(directory: data, random: random)
        var results: [BenchResult] = []
        for kind in model.kinds {
            let workload = BenchWorkload(kind: kind, images: images, batchSize: batchSize)
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
