import Datasets
import NeuralNet

/// One of the course networks with its loss and optimiser: the only file of Training that
/// talks to the engine (NeuralNet), so the loop reads as plain steps.
final class CourseNetwork {
    let kind: CourseModelKind
    let model: Sequential
    private(set) var optimizer: any Optimizer
    private let recipe: TrainingRecipe
    private let crossEntropy = CrossEntropyLoss()
    private let squaredError = SquaredErrorLoss(reduction: .sumOverBatch)
    /// Input tensors by batch size (a full batch and the epoch's short last one), made once.
    private var inputs: [Int: Tensor] = [:]
    private var labels: [Int] = []
    /// Parameter values at the start of the current epoch, to go back to when the loss stops
    /// being finite. (Undoing a single step is not enough: weights that blew up but are still
    /// finite produce NaN again at the next step.)
    private var epochStartParameters: [[Float]] = []

    init(recipe: TrainingRecipe) throws {
        kind = recipe.model
        self.recipe = recipe
        model = recipe.model == .cnn ? CourseModels.cnn(seed: recipe.seed) : CourseModels.autoencoder(seed: recipe.seed)
        optimizer = Self.makeOptimizer(recipe: recipe, model: model, learningRate: recipe.learningRate)
    }

    private static func makeOptimizer(recipe: TrainingRecipe, model: Sequential, learningRate: Float) -> any Optimizer {
        switch recipe.optimizer {
        case .sgd(let momentum):
            return SGD(parameters: model.parameters, learningRate: learningRate, momentum: momentum)
        case .adam:
            return Adam(parameters: model.parameters, learningRate: learningRate)
        }
    }

    func setLearningRate(_ value: Float) { optimizer.learningRate = value }

    struct StepResult { var loss: Float; var correct: Int }

    /// Forward, loss, backward and (when the loss is finite) one optimiser step on a batch.
    func trainStep(dataset: ImageDataset, indices: ArraySlice<Int>) -> StepResult {
        let input = batch(dataset: dataset, indices: indices)
        optimizer.zeroGradients()
        let output = model.forward(input)
        let loss: Float
        var correct = 0
        let gradient: Tensor
        if kind == .cnn {
            (loss, gradient) = crossEntropy(output, labels: labels)
            correct = countCorrect(output, labels: labels)
        } else {
            (loss, gradient) = squaredError(output, target: input)
        }
        guard loss.isFinite else { return StepResult(loss: loss, correct: 0) }
        _ = model.backward(gradient, needsInputGradient: false)  // the images need no gradient
        optimizer.step()
        return StepResult(loss: loss, correct: correct)
    }

    /// Saves the parameter values at the start of an epoch into buffers kept for the purpose.
    func keepEpochStartParameters() {
        let parameters = model.parameters
        if epochStartParameters.count != parameters.count {
            epochStartParameters = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        }
        for (index, parameter) in parameters.enumerated() {
            epochStartParameters[index].withUnsafeMutableBufferPointer { saved in
                parameter.value.scalars.withUnsafeBufferPointer { current in _ = saved.update(fromContentsOf: current) }
            }
        }
    }

    /// After a non-finite loss: puts back the weights from the start of the epoch and starts the
    /// optimiser afresh (its momentum or moments came from the bad steps too).
    func restoreEpochStartParameters(learningRate: Float) {
        for (index, parameter) in model.parameters.enumerated() where index < epochStartParameters.count {
            parameter.value.scalars.withUnsafeMutableBufferPointer { current in
                epochStartParameters[index].withUnsafeBufferPointer { saved in _ = current.update(fromContentsOf: saved) }
            }
        }
        optimizer = Self.makeOptimizer(recipe: recipe, model: model, learningRate: learningRate)
    }

    struct Evaluation {
        /// Mean loss per image as the recipe defines it (cross-entropy; summed squared error per image).
        var loss: Float
        var accuracy: Float
        var confusion: ConfusionMatrix?
        var sampleOutputs: [SampleOutput]
    }

    struct SampleOutput {
        var predictedLabel: Int?
        var reconstruction: PixelImage?
    }

    /// Loss (and accuracy, confusion) over the whole of `dataset`, in batches of `batchSize`.
    func evaluate(dataset: ImageDataset, batchSize: Int) -> Evaluation {
        let order = BatchOrder.sequential(count: dataset.count, batchSize: batchSize)
        var lossSum = 0.0
        var confusion = ConfusionMatrix(classCount: max(10, dataset.classNames.count))
        var samples: [SampleOutput] = []
        for number in 0..<order.batchCount {
            let indices = order.batch(number)
            let input = batch(dataset: dataset, indices: indices)
            let output = model.forward(input)
            if kind == .cnn {
                lossSum += Double(crossEntropy(output, labels: labels).value) * Double(indices.count)
                let predictions = predictedLabels(output)
                for (position, predicted) in predictions.enumerated() {
                    confusion.add(trueLabel: labels[position], predicted: predicted)
                }
            } else {
                lossSum += Double(squaredError(output, target: input).value) * Double(indices.count)
            }
            if number == 0 { samples = sampleOutputs(output, count: min(SampleStrip.size, indices.count)) }
        }
        return Evaluation(loss: Float(lossSum / Double(max(1, dataset.count))), accuracy: confusion.accuracy,
                          confusion: kind == .cnn ? confusion : nil, sampleOutputs: samples)
    }

    /// Predictions or reconstructions for the first `count` images of `dataset`.
    func predictSamples(dataset: ImageDataset, count: Int) -> [SampleOutput] {
        let n = min(count, dataset.count)
        guard n > 0 else { return [] }
        let output = model.forward(batch(dataset: dataset, indices: ArraySlice(0..<n)))
        return sampleOutputs(output, count: n)
    }

    private func sampleOutputs(_ output: Tensor, count: Int) -> [SampleOutput] {
        if kind == .cnn {
            return predictedLabels(output).prefix(count).map { SampleOutput(predictedLabel: $0) }
        }
        let size = 3 * 32 * 32
        return (0..<count).map { index in
            let pixels = Array(output.scalars[index * size..<(index + 1) * size])
            return SampleOutput(reconstruction: PixelImage(width: 32, height: 32, channels: 3, pixels: pixels))
        }
    }

    /// The first convolution's filters, one image per output channel, each scaled to [0, 1].
    func firstLayerFilters() -> [PixelImage] {
        guard let weight = model.namedParameters().first(where: { $0.name == "0.weight" })?.parameter.value,
              weight.shape.count == 4 else { return [] }
        let (outChannels, inChannels, height, width) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let size = inChannels * height * width
        return (0..<outChannels).map { filter in
            PixelImage.normalised(width: width, height: height, channels: inChannels,
                                  values: weight.scalars[filter * size..<(filter + 1) * size])
        }
    }

    // MARK: - Checkpoints

    /// Writes the weights under PyTorch's state_dict names and layouts, atomically.
    func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        do {
            try Checkpoint.save(namedTensors(), metadata: ["model": kind.rawValue].merging(metadata) { $1 }, to: path)
        } catch {
            throw TrainingError("\(error)")
        }
    }

    /// Loads weights saved by cnnlab or PyTorch; names every missing, extra or misshapen tensor.
    func loadCheckpoint(from path: String) throws {
        let expected = namedTensors().map { TensorSpec(name: $0.name, shape: $0.shape) }
        let tensors: [NamedTensor]
        do { tensors = try Checkpoint.load(path, expecting: expected) } catch {
            throw TrainingError("\(error)")
        }
        for ((_, parameter), tensor) in zip(model.namedParameters(), tensors) {
            parameter.value.scalars = tensor.values
        }
    }

    private func namedTensors() -> [NamedTensor] {
        model.namedParameters().map {
            NamedTensor(name: $0.name, shape: $0.parameter.value.shape, values: $0.parameter.value.scalars)
        }
    }

    // MARK: - Batches

    private func batch(dataset: ImageDataset, indices: ArraySlice<Int>) -> Tensor {
        let n = indices.count
        let tensor = inputs[n] ?? Tensor(zeros: [n, dataset.channels, dataset.height, dataset.width])
        tensor.scalars.withUnsafeMutableBufferPointer { dataset.fillBatch(indices: indices, into: $0.baseAddress!) }
        inputs[n] = tensor
        if labels.count != n { labels = Array(repeating: 0, count: n) }
        labels.withUnsafeMutableBufferPointer { dataset.fillLabels(indices: indices, into: $0.baseAddress!) }
        return tensor
    }

    private func predictedLabels(_ logits: Tensor) -> [Int] {
        let classes = logits.shape.last ?? 1
        let rows = logits.scalars.count / max(1, classes)
        return logits.scalars.withUnsafeBufferPointer { values in
            (0..<rows).map { argmax(values, offset: $0 * classes, count: classes) }
        }
    }

    private func countCorrect(_ logits: Tensor, labels: [Int]) -> Int {
        zip(predictedLabels(logits), labels).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
    }
}
