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

    public init(model: CourseModelKind, epochs: Int, batchSize: Int, learningRate: Float,
                optimizer: OptimizerChoice, seed: UInt64) {
        self.model = model
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
    }

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
    public var problem: String? {
        if epochs < 1 { return "--epochs must be at least 1 (got \(epochs))" }
        if batchSize < 1 { return "--batch-size must be at least 1 (got \(batchSize))" }
        if !(learningRate.isFinite && learningRate > 0) {
            return "--lr must be a positive number (got \(learningRate))"
        }
        return nil
    }
}
