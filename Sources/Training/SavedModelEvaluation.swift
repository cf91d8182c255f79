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
        var recipe = TrainingRecipe.course(model)
        recipe.batchSize = max(1, batchSize)
        let network = try CourseNetwork(recipe: recipe)
        try network.loadCheckpoint(from: checkpoint)
        let result = network.evaluate(dataset: data.test, batchSize: recipe.batchSize)
        return CheckpointEvaluation(model: model, loss: result.loss,
                                    accuracy: model.isClassifier ? result.accuracy : nil, imageCount: data.test.count)
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
