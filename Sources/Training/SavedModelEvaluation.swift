import Datasets

/// Test metrics of a saved checkpoint, for `cnnlab evaluate`.
public struct CheckpointEvaluation: Equatable, Sendable {
    public var model: CourseModelKind
    /// Mean test loss per image (cross-entropy, or summed squared error per image).
    public var loss: Float
    /// Test accuracy for the classifier; nil for the autoencoder.
    public var accuracy: Float?
    public var imageCount: Int

    /// Loads `checkpoint` into a fresh `model` and measures it on `data.test`.
    /// Throws a `TrainingError` naming any missing, extra or misshapen tensor.
    public static func run(model: CourseModelKind, checkpoint: String, data: DatasetSplit,
                           batchSize: Int = 128) throws -> CheckpointEvaluation {
        try run(recipe: TrainingRecipe.course(model), checkpoint: checkpoint, data: data, batchSize: batchSize)
    }

    /// Loads `checkpoint` into a fresh network of `recipe` (a course network or `--layers`) and
    /// measures it on `data.test` in eval mode, with the recipe's loss.
    public static func run(recipe: TrainingRecipe, checkpoint: String, data: DatasetSplit,
                           batchSize: Int = 128) throws -> CheckpointEvaluation {
        var recipe = recipe
        recipe.batchSize = max(1, batchSize)
        let data = try TrainingSession.fit(data, to: recipe)
        let network = try SessionNetwork(recipe: recipe)
        try network.loadCheckpoint(from: checkpoint)
        let result = network.evaluate(dataset: data.test, batchSize: recipe.batchSize)
        return CheckpointEvaluation(model: recipe.model, loss: result.loss,
                                    accuracy: recipe.isClassifier ? result.accuracy : nil, imageCount: data.test.count)
    }

    /// "test accuracy 0.3760  test loss 1.7421  (1017 images)".
    public var line: String {
        var parts: [String] = []
        if let accuracy { parts.append("test accuracy \(HeadlessFormat.fixed(accuracy, 4))") }
        parts.append("test loss \(HeadlessFormat.fixed(loss, 4))")
        parts.append("(\(imageCount) images)")
        return parts.joined(separator: "  ")
    }
}
