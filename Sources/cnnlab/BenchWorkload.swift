import Datasets
import Foundation
import NeuralNet

/// What `cnnlab bench` trains: one course model with the course's recipe, the same as
/// ../shared/bench/pytorch_peer.py runs (CNN: cross-entropy, SGD lr 0.01 momentum 0.9;
/// autoencoder: summed squared error over the batch size, Adam lr 1e-3), or a `--layers` network
/// as ../shared/bench/pytorch_best.py trains it (the autoencoder's recipe when the output has the
/// input's shape, else the CNN's), on the CIFAR-10 images when found, otherwise on seeded random
/// CIFAR-shaped data.
final class BenchWorkload {
    enum Kind: String, CaseIterable {
        case cnn, autoencoder

        /// The name pytorch_peer.py uses.
        var peerName: String { self == .cnn ? "cnn" : "ae" }
    }

    /// "cnn", "autoencoder" or "layers".
    let name: String
    /// True when the loss compares the output with the input (the autoencoder's recipe).
    let reconstructs: Bool
    let model: Sequential
    let batchSize: Int
    private let optimizer: any Optimizer
    private let crossEntropy = CrossEntropyLoss()
    private let squaredError = SquaredErrorLoss(reduction: .sumOverBatch)
    private let images: ImageDataset
    /// The batch buffers, allocated once for the full batch size (the last batch of an epoch may be smaller).
    private let full: Tensor
    private let partial: Tensor
    private var labels: [Int]
    private var partialLabels: [Int]
    private var order: BatchOrder
    private var epoch = 0
    private var nextBatch = 0
    private let seed: UInt64 = 0

    convenience init(kind: Kind, images: ImageDataset, batchSize: Int) {
        let model = kind == .cnn ? CourseModels.cnn(seed: 0) : CourseModels.autoencoder(seed: 0)
        self.init(name: kind.rawValue, model: model, reconstructs: kind == .autoencoder, images: images, batchSize: batchSize)
    }

    /// A `--layers` network; nil (with the reason) when it does not fit the images.
    convenience init(layers: NetworkText, images: ImageDataset, batchSize: Int) throws(LayerTextError) {
        let input = [images.channels, images.height, images.width]
        let output = try layers.outputShape(input: input)
        try layers.checkTrainingMemory(input: input, batch: batchSize)
        self.init(name: "layers", model: layers.makeSequential(seed: 0), reconstructs: output == input,
                  images: images, batchSize: batchSize)
    }

    init(name: String, model: Sequential, reconstructs: Bool, images: ImageDataset, batchSize: Int) {
        self.name = name
        self.model = model
        self.reconstructs = reconstructs
        self.images = images
        self.batchSize = batchSize
        optimizer = reconstructs
            ? Adam(parameters: model.parameters, learningRate: 1e-3)
            : SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
        let shape = [images.channels, images.height, images.width]
        full = Tensor(zeros: [batchSize] + shape)
        let remainder = images.count % batchSize
        partial = Tensor(zeros: [max(remainder, 1)] + shape)
        labels = [Int](repeating: 0, count: batchSize)
        partialLabels = [Int](repeating: 0, count: max(remainder, 1))
        order = BatchOrder(count: images.count, batchSize: batchSize, seed: seed, epoch: 0)
    }

    /// The images of the training set (one epoch).
    var epochImages: Int { images.count }

    /// Loads the next batch of the current epoch (a new shuffled epoch after the last one) and
    /// returns it; `labels` then holds its classes.
    func nextInput() -> Tensor {
        if nextBatch == order.batchCount {
            epoch += 1
            nextBatch = 0
            order = BatchOrder(count: images.count, batchSize: batchSize, seed: seed, epoch: epoch)
        }
        let indices = order.batch(nextBatch)
        nextBatch += 1
        let isFull = indices.count == batchSize
        let input = isFull ? full : partial
        input.withBatchPointer { images.fillBatch(indices: indices, into: $0) }
        if isFull {
            labels.withUnsafeMutableBufferPointer { images.fillLabels(indices: indices, into: $0.baseAddress!) }
        } else {
            partialLabels.withUnsafeMutableBufferPointer { images.fillLabels(indices: indices, into: $0.baseAddress!) }
        }
        return input
    }

    /// One training step on `input`: forward, loss, zeroed gradients, backward, update. Returns the loss.
    @discardableResult
    func step(_ input: Tensor) -> Float {
        let output = model.forward(input)
        optimizer.zeroGradients()
        let value: Float
        if reconstructs {
            // The last layer may take the loss image by image (Sequential.backward(_:loss:target:...)).
            value = model.backward(output, loss: squaredError, target: input, needsInputGradient: false).value
        } else {
            let loss = crossEntropy(output, labels: currentLabels(input))
            _ = model.backward(loss.gradient, needsInputGradient: false)
            value = loss.value
        }
        optimizer.step()
        return value
    }

    /// The same step layer by layer, adding each layer's forward and backward seconds to `times`.
    /// Layers that `Sequential` runs as one pass (a ReLU and the max pooling after it, a batch norm
    /// and the ReLU or LeakyReLU after it; backward, also a convolution before such a pair) are
    /// timed together and reported under the last of them; the first one's row then stays at zero.
    @discardableResult
    /// The loss and the optimiser (zeroing the gradients, then the update) go to `lossTime` and
    /// `optimizerTime` (forward column).
    func timedStep(_ input: Tensor, into times: inout [LayerClock], lossTime: inout LayerClock,
                   optimizerTime: inout LayerClock) -> Float {
        var x = input
        var steps: [Range<Int>] = []
        var index = 0
        while index < model.layers.count {
            let step = index..<(index + model.fusedLength(at: index))
            steps.append(step)
            let start = LayerClock.Reading()
            x = model.forward(x, range: step)
            times[step.upperBound - 1].addForward(since: start)
            index = step.upperBound
        }
        // A reconstructing network's loss is taken by its last backward step (inside the last
        // layer's backward pass when it ends in ConvTranspose2d + Sigmoid on the direct kernels:
        // Sequential.backward(_:loss:target:...)), so it is timed there; the loss row then stays at zero.
        var value: Float = 0
        var gradient = x
        if !reconstructs {
            let lossStart = LayerClock.Reading()
            let loss = crossEntropy(x, labels: currentLabels(input))
            lossTime.addForward(since: lossStart)
            (value, gradient) = loss
        }
        let zeroStart = LayerClock.Reading()
        optimizer.zeroGradients()
        optimizerTime.addForward(since: zeroStart)
        // A convolution followed by ReLU and max pooling back-propagates as one step (from the
        // pooling's winners), timed on the pooling's row.
        var backwardSteps: [Range<Int>] = []
        index = 0
        while index < model.layers.count {
            backwardSteps.append(index..<(index + model.backwardFusedLength(at: index)))
            index = backwardSteps[backwardSteps.count - 1].upperBound
        }
        for (number, step) in backwardSteps.reversed().enumerated() {
            let start = LayerClock.Reading()
            // As Sequential.backward(_:needsInputGradient: false): the first layer skips its input gradient.
            if reconstructs && number == 0 {
                (value, gradient) = model.backward(x, loss: squaredError, target: input, range: step,
                                                   needsInputGradient: step.lowerBound > 0)
            } else {
                gradient = model.backward(gradient, range: step, needsInputGradient: step.lowerBound > 0)
            }
            times[step.upperBound - 1].addBackward(since: start)
        }
        let stepStart = LayerClock.Reading()
        optimizer.step()
        optimizerTime.addForward(since: stepStart)
        return value
    }

    /// The labels of the batch `nextInput` returned last (full or the epoch's short last one).
    private func currentLabels(_ input: Tensor) -> [Int] {
        input.shape[0] == batchSize ? labels : partialLabels
    }
}

extension Tensor {
    /// The values as a mutable pointer, for filling a batch in place.
    fileprivate func withBatchPointer(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}

/// Monotonic wall-clock seconds, and the CPU seconds used by every thread of the process (which
/// on a busy machine shows the work done apart from the time spent waiting for a core).
enum BenchClock {
    static func now() -> Double { read(CLOCK_MONOTONIC) }
    static func processCPU() -> Double { read(CLOCK_PROCESS_CPUTIME_ID) }

    private static func read(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// Seconds spent in one layer: wall clock and process CPU time, forward and backward.
struct LayerClock {
    struct Reading {
        let wall = BenchClock.now()
        let cpu = BenchClock.processCPU()
    }

    var forward = 0.0, backward = 0.0, forwardCPU = 0.0, backwardCPU = 0.0

    mutating func addForward(since start: Reading) {
        forward += BenchClock.now() - start.wall
        forwardCPU += BenchClock.processCPU() - start.cpu
    }

    mutating func addBackward(since start: Reading) {
        backward += BenchClock.now() - start.wall
        backwardCPU += BenchClock.processCPU() - start.cpu
    }
}
