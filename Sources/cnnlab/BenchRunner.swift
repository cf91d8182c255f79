import Datasets
import Foundation
import NeuralNet

/// One model's benchmark figures.
struct BenchResult {
    struct LayerTime {
        var name: String
        /// Milliseconds per step, wall clock.
        var forward: Double
        var backward: Double
        /// CPU milliseconds per step, all threads.
        var forwardCPU: Double
        var backwardCPU: Double
    }

    var model: String
    var dataset: String
    var batchSize: Int
    var threads: Int
    var steps: Int
    var images: Int
    var seconds: Double
    /// CPU seconds of the whole process during the timed steps.
    var cpuSeconds: Double
    var layers: [LayerTime]
    /// The loss and the optimiser (zeroing gradients and the update), milliseconds per step in
    /// `forward` (timed in the layer-by-layer steps).
    var loss = LayerTime(name: "loss", forward: 0, backward: 0, forwardCPU: 0, backwardCPU: 0)
    var optimizer = LayerTime(name: "zero grads + optimizer", forward: 0, backward: 0, forwardCPU: 0, backwardCPU: 0)
    /// The process's peak resident memory so far, in MB (VmHWM).
    var peakResidentMB: Double?
    var finalLoss: Float

    var imagesPerSecond: Double { Double(images) / seconds }
    var millisecondsPerStep: Double { seconds * 1000 / Double(steps) }
}

/// Runs the training steps of a `BenchWorkload` and times them.
enum BenchRunner {
    /// Steps run before timing starts: workspaces are allocated and caches warmed.
    static let defaultWarmUp = 3
    /// Steps timed layer by layer for the breakdown (after the main measurement).
    static let breakdownSteps = 20

    /// Warms up, then times `steps` training steps through `Sequential`'s own forward and backward
    /// (the figure reported), then a shorter run timing each layer on its own.
    static func run(_ workload: BenchWorkload, steps: Int, warmUp: Int = defaultWarmUp,
                    datasetName: String) -> BenchResult {
        for _ in 0..<warmUp { workload.step(workload.nextInput()) }
        var images = 0
        var inputTime = 0.0
        var loss: Float = 0
        let start = BenchClock.now(), startCPU = BenchClock.processCPU()
        for _ in 0..<steps {
            let loadStart = BenchClock.now()
            let input = workload.nextInput()
            inputTime += BenchClock.now() - loadStart
            images += input.shape[0]
            loss = workload.step(input)
        }
        let seconds = BenchClock.now() - start, cpuSeconds = BenchClock.processCPU() - startCPU

        let layers = workload.model.layers
        var times = [LayerClock](repeating: LayerClock(), count: layers.count)
        let timedSteps = min(steps, breakdownSteps)
        var lossTime = LayerClock(), optimizerTime = LayerClock()
        for _ in 0..<timedSteps {
            workload.timedStep(workload.nextInput(), into: &times, lossTime: &lossTime, optimizerTime: &optimizerTime)
        }
        var breakdown = zip(layers, times).enumerated().map { index, pair in
            let perStep = 1000 / Double(timedSteps)
            // A ReLU run inside the max pooling after it is timed on the pooling's row.
            let length = workload.model.fusedLength(at: index)
            let backwardLength = workload.model.backwardFusedLength(at: index)
            let fused = length > 1 ? " (in \(index + length - 1))"
                : backwardLength > 1 ? " (bwd in \(index + backwardLength - 1))" : ""
            return BenchResult.LayerTime(name: "\(index) \(shortName(pair.0))\(fused)",
                                         forward: pair.1.forward * perStep, backward: pair.1.backward * perStep,
                                         forwardCPU: pair.1.forwardCPU * perStep, backwardCPU: pair.1.backwardCPU * perStep)
        }
        let loading = inputTime * 1000 / Double(steps)
        breakdown.insert(BenchResult.LayerTime(name: "batch loading", forward: loading, backward: 0,
                                               forwardCPU: loading, backwardCPU: 0), at: 0)
        var result = BenchResult(model: workload.name, dataset: datasetName, batchSize: workload.batchSize,
                                 threads: Compute.threadCount, steps: steps, images: images, seconds: seconds,
                                 cpuSeconds: cpuSeconds, layers: breakdown, peakResidentMB: ResidentMemory.peakMB(),
                                 finalLoss: loss)
        let perStep = 1000 / Double(timedSteps)
        result.loss.forward = lossTime.forward * perStep
        result.loss.forwardCPU = lossTime.forwardCPU * perStep
        result.optimizer.forward = optimizerTime.forward * perStep
        result.optimizer.forwardCPU = optimizerTime.forwardCPU * perStep
        return result
    }

    /// PyTorch's description without its defaults and long keywords, to fit a table column:
    /// "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))" -> "Conv2d(3, 8, k=(5, 5), s=(1, 1))".
    static func shortName(_ layer: any Layer) -> String {
        let replacements = [("kernel_size=", "k="), ("stride=", "s="), ("padding=", "p="),
                            ("in_features=", ""), ("out_features=", ""), (", bias=True", ""),
                            (", p=0, dilation=1, ceil_mode=False", ""), (", dilation=1", ""), (", ceil_mode=False", "")]
        return replacements.reduce(layer.description) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
    }
}

/// The process's resident memory, from /proc/self/status (Linux).
enum ResidentMemory {
    /// VmHWM (peak resident set size) in MB, or nil where /proc is not available.
    static func peakMB() -> Double? { field("VmHWM:") }

    /// VmRSS (current resident set size) in MB.
    static func currentMB() -> Double? { field("VmRSS:") }

    private static func field(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            // "VmHWM:\t   91164 kB": a tab, spaces, the number of kB.
            let number = line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Double($0) }
            return number.map { $0 / 1024 }   // kB -> MB
        }
        return nil
    }
}
