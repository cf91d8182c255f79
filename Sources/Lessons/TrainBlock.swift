import Formatting

/// A ```train block: a course model, a dataset and the hyperparameters; the player opens
/// the training dashboard with them.
public struct TrainBlock: Equatable, Sendable {
    public enum Model: String, Equatable, Sendable, CaseIterable { case cnn, autoencoder }
    public enum Optimizer: String, Equatable, Sendable, CaseIterable { case sgd, adam }

    public var model: Model
    /// The dataset as `cnnlab train --data` takes it: cifar10, synthetic, or a folder.
    public var data: String
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: Optimizer
    public var learningRate: Double
    public var momentum: Double
    public var seed: Int
    public var line: Int
    /// The file line of each key written in the block (1-based), e.g. keyLines["answer"].
    public var keyLines: [String: Int] = [:]

    /// The course recipe for `model`: CNN with SGD lr 0.01 momentum 0.9, autoencoder with
    /// Adam lr 1e-3; both batch 128, 10 epochs.
    public static func recipe(for model: Model, line: Int = 0) -> TrainBlock {
        switch model {
        case .cnn:
            return TrainBlock(model: .cnn, data: "cifar10", epochs: 10, batchSize: 128, optimizer: .sgd,
                              learningRate: 0.01, momentum: 0.9, seed: 0, line: line)
        case .autoencoder:
            return TrainBlock(model: .autoencoder, data: "cifar10", epochs: 10, batchSize: 128, optimizer: .adam,
                              learningRate: 0.001, momentum: 0, seed: 0, line: line)
        }
    }

    /// The headless command that runs the same training.
    public var command: String {
        "cnnlab train --model \(model.rawValue) --data \(data) --epochs \(epochs) --batch-size \(batchSize) "
            + "--lr \(NumberText.plain(learningRate)) --seed \(seed)"
    }

    static let keys = ["model", "data", "epochs", "batch_size", "optimizer", "lr", "momentum", "seed"]

    static func read(_ fields: inout BlockFields) -> TrainBlock? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        guard let modelText = fields.string("model") else {
            if !fields.has("model") {
                fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the train block needs 'model: cnn' or 'model: autoencoder'"))
            }
            return nil
        }
        guard let model = Model(rawValue: modelText) else {
            fields.problem("model", "unknown model '\(modelText)' (expected cnn or autoencoder)")
            return nil
        }
        var block = recipe(for: model, line: fields.fenceLine)
        block.keyLines = fields.keyLines
        if let data = fields.string("data") { block.data = data }
        if let epochs = fields.integer("epochs") {
            block.epochs = epochs
            if epochs < 1 { fields.problem("epochs", "epochs must be at least 1") }
        }
        if let batch = fields.integer("batch_size") {
            block.batchSize = batch
            if batch < 1 { fields.problem("batch_size", "batch_size must be at least 1") }
        }
        if let text = fields.string("optimizer") {
            if let optimizer = Optimizer(rawValue: text) { block.optimizer = optimizer } else {
                fields.problem("optimizer", "unknown optimizer '\(text)' (expected sgd or adam)")
            }
        }
        if let rate = fields.number("lr") {
            block.learningRate = rate
            if !(rate > 0) { fields.problem("lr", "lr must be greater than 0") }
        }
        if let momentum = fields.number("momentum") {
            block.momentum = momentum
            if momentum < 0 || momentum >= 1 { fields.problem("momentum", "momentum must be in [0, 1)") }
        }
        if let seed = fields.integer("seed") { block.seed = seed }
        return fields.problems.count == before ? block : nil
    }
}
