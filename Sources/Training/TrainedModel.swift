import Datasets
import NeuralNet

/// A network a session has finished training, with the test images its confusion matrix
/// counted: what the dashboard hands to the inspector (`TrainingSession.trainedModel()`).
public struct TrainedModel: @unchecked Sendable {
    // @unchecked: the network is a copy nobody else holds; it is used on one thread at a time.

    /// A copy of the trained layers and weights.
    public let network: Sequential
    /// How it was built and trained (course model or the student's own layers).
    public let recipe: TrainingRecipe
    /// The test set in the network's input shape, as the session evaluated it.
    public let test: ImageDataset
    /// Whether the images are the synthetic shapes (no CIFAR-10 found).
    public let isSynthetic: Bool
}
