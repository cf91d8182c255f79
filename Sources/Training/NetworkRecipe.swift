import Datasets
import NeuralNet

extension CourseModelKind {
    /// The course network as layer text (the same weights as `CourseModels`, seed for seed).
    public static func text(_ kind: CourseModelKind) -> NetworkText {
        switch kind {
        case .cnn:
            // Fixed text, read by the tests (NetworkRecipeTests): it cannot fail.
            return try! NetworkText.parse("Conv2d(3, 8, 5), ReLU(), MaxPool2d(2, 2), Conv2d(8, 16, 5), ReLU(), "
                                          + "MaxPool2d(2, 2), Flatten(), Linear(400, 256), ReLU(), Linear(256, 10)")
        case .autoencoder:
            return try! NetworkText.parse("Conv2d(3, 8, 4, 2, 1), ReLU(), Conv2d(8, 16, 4, 2, 1), ReLU(), Conv2d(16, 32, 4, 2, 1), "
                                          + "ConvTranspose2d(32, 16, 4, 2, 1), ReLU(), ConvTranspose2d(16, 8, 4, 2, 1), ReLU(), "
                                          + "ConvTranspose2d(8, 3, 4, 2, 1), Sigmoid()")
        }
    }
}

extension TrainingRecipe {
    /// The recipe for a student's network on images of `input` ([C, H, W]) with `classCount`
    /// classes. The task follows the output: one value per class trains a classifier with
    /// cross-entropy (the course CNN's recipe: SGD lr 0.01 momentum 0.9); the input's shape
    /// trains a reconstruction with the summed squared error per image (the autoencoder's: Adam
    /// lr 0.001). `loss` overrides the loss when the output allows it. Any other output is refused
    /// before training, naming both shapes, as is a layer that does not fit its input.
    public static func forNetwork(_ network: NetworkText, input: [Int], classCount: Int, datasetName: String,
                                  loss requested: LossChoice? = nil) throws(TrainingError) -> TrainingRecipe {
        let output: [Int]
        do { output = try network.outputShape(input: input) } catch {
            throw TrainingError("\(error)")
        }
        let inputText = LayerSpec.shapeText(input), outputText = LayerSpec.shapeText(output)
        let isClassOutput = output == [classCount]
        let isReconstruction = output == input
        let loss: LossChoice
        switch requested {
        case nil:
            if isClassOutput { loss = .crossEntropy } else if isReconstruction { loss = .sse } else {
                throw TrainingError("the network's output is \(outputText) per image; a classifier of \(datasetName) needs "
                                    + "\(classCount) (one value per class) and a reconstruction needs \(inputText) "
                                    + "(the input's shape): change the last layer, or choose with --loss")
            }
        case .some(.crossEntropy):
            guard isClassOutput else {
                throw TrainingError("--loss cross-entropy needs an output of \(classCount) values (one per class of "
                                    + "\(datasetName)); the network's output is \(outputText)")
            }
            loss = .crossEntropy
        case .some(let choice):
            guard isReconstruction else {
                throw TrainingError("--loss \(choice.rawValue) compares the output with the input image, so the output must be "
                                    + "\(inputText) (the input's shape); the network's output is \(outputText)")
            }
            loss = choice
        }
        var recipe = TrainingRecipe.course(loss == .crossEntropy ? .cnn : .autoencoder)
        recipe.layers = network
        recipe.loss = loss
        return recipe
    }
}

extension TrainingSession {
    /// The data as the network takes it. The course networks take 3x32x32 colour images: other
    /// datasets (Fashion-MNIST's 1x28x28) go through the course's adapter (grey copied to every
    /// channel, centred on a 32x32 canvas). A student's network takes the dataset's own shape, and
    /// is refused here, before any training, when a layer does not fit or the output is neither
    /// one value per class nor the input's shape.
    static func fit(_ data: DatasetSplit, to recipe: TrainingRecipe) throws -> DatasetSplit {
        let input = [data.train.channels, data.train.height, data.train.width]
        guard let layers = recipe.layers else {
            if input == CourseModels.cnnImageShape { return data }
            guard let adapted = data.adapted(channels: 3, height: 32, width: 32) else {
                throw TrainingError("the course networks take 3x32x32 colour images; \(data.train.name) has "
                                    + LayerSpec.shapeText(input) + ", which cannot be adapted")
            }
            return adapted
        }
        let classCount = max(data.train.classNames.count, 1)
        let imagesAre = "(images of \(data.train.name) are \(LayerSpec.shapeText(input)))"
        do {
            _ = try TrainingRecipe.forNetwork(layers, input: input, classCount: classCount, datasetName: data.train.name,
                                              loss: recipe.loss)
        } catch {
            throw TrainingError("\(error.message) \(imagesAre)")
        }
        // Sizes for the whole batch: a layer too large for memory is refused here, not mid-step.
        do { try layers.checkTrainingMemory(input: input, batch: recipe.batchSize) } catch {
            throw TrainingError("\(error) \(imagesAre)")
        }
        return data
    }

}
