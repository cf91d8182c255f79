import NeuralNet

/// Which of the course's two networks a session trains.
public enum CourseModelKind: String, CaseIterable, Sendable {
    /// The worksheet CNN classifier (two conv/pool blocks, two linear layers, 10 classes).
    case cnn
    /// The worksheet convolutional autoencoder (3 strided convs down, 3 transposed convs up).
    case autoencoder

    /// True for the classifier, whose test metric is accuracy; the autoencoder reports loss.
    public var isClassifier: Bool { self == .cnn }

    /// The name a student sees.
    public var displayName: String { self == .cnn ? "CNN classifier" : "conv autoencoder" }
}

/// The loss a recipe minimises.
public enum LossChoice: String, CaseIterable, Sendable {
    /// Cross-entropy of the logits against the labels, averaged over the batch (a classifier's).
    case crossEntropy = "cross-entropy"
    /// The course's reconstruction loss: squared errors summed over each image, averaged over the batch.
    case sse
    /// Squared errors averaged over every value (PyTorch's `nn.MSELoss()`).
    case mse
}

/// The optimiser a recipe uses, with its settings.
public enum OptimizerChoice: Equatable, Sendable {
    case sgd(momentum: Float)
    case adam
}

/// How to train: the course's recipe for each model, which flags may override.
///
/// CNN: cross-entropy, SGD lr 0.01 momentum 0.9, batch 128. Autoencoder: summed squared
/// error divided by the batch size, Adam lr 1e-3, batch 128. Both 10 epochs.
public struct TrainingRecipe: Equatable, Sendable {
    public var model: CourseModelKind
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var optimizer: OptimizerChoice
    public var seed: UInt64
    /// A student's own network (`--layers`): trained instead of the course network, whose recipe
    /// (`model`: cnn for a classifier, autoencoder for a reconstruction) gives the defaults.
    public var layers: NetworkText?
    public var loss: LossChoice
    /// L2 penalty added to each gradient (PyTorch's `weight_decay`).
    public var weightDecay: Float = 0

    public init(model: CourseModelKind, epochs: Int, batchSize: Int, learningRate: Float,
                optimizer: OptimizerChoice, seed: UInt64, layers: NetworkText? = nil, loss: LossChoice? = nil) {
        self.model = model
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
        self.layers = layers
        self.loss = loss ?? (model.isClassifier ? .crossEntropy : .sse)
    }

    /// True when the network's output is one value per class (trained with cross-entropy).
    public var isClassifier: Bool { loss == .crossEntropy }

    /// What the network is called on screen: "CNN classifier", "your network".
    public var networkName: String { layers == nil ? model.displayName : "your network" }

    /// The network in one line, as PyTorch's nn.Sequential arguments.
    public var networkText: String { (layers ?? CourseModelKind.text(model)).description }

    /// The course's recipe for `model`, with seed 0.
    public static func course(_ model: CourseModelKind) -> TrainingRecipe {
        switch model {
        case .cnn:
            return TrainingRecipe(model: .cnn, epochs: 10, batchSize: 128, learningRate: 0.01,
                                  optimizer: .sgd(momentum: 0.9), seed: 0)
        case .autoencoder:
            return TrainingRecipe(model: .autoencoder, epochs: 10, batchSize: 128, learningRate: 1e-3,
                                  optimizer: .adam, seed: 0)
        }
    }

    /// A one-line problem with the recipe, or nil when it can run.
    /// The most epochs a run may ask for (years of training on this machine).
    public static let maximumEpochs = 100_000
    /// The most images a step may take (far past what fits in memory for a course network).
    public static let maximumBatchSize = 65_536
    /// The most threads `--threads` takes.
    public static let maximumThreads = 256

    public var problem: String? {
        // Upper bounds too: 2^63 - 1 epochs or images a step overflowed the step counts (a trap).
        if !(1...Self.maximumEpochs).contains(epochs) {
            return "--epochs must be from 1 to \(Self.maximumEpochs) (got \(epochs))"
        }
        if !(1...Self.maximumBatchSize).contains(batchSize) {
            return "--batch-size must be from 1 to \(Self.maximumBatchSize) (got \(batchSize))"
        }
        if !(learningRate.isFinite && learningRate > 0) {
            return "--lr must be a positive number (got \(learningRate))"
        }
        if case .sgd(let momentum) = optimizer, !(momentum >= 0 && momentum < 1) {
            return "--momentum must be at least 0 and below 1 (got \(momentum))"
        }
        if !(weightDecay.isFinite && weightDecay >= 0) {
            return "--weight-decay must be 0 or more (got \(weightDecay))"
        }
        return nil
    }
}
