import Datasets
import NeuralNet

/// The network a session trains (a course network or a student's own), with its loss and
/// optimiser: the only file of Training that talks to the engine (NeuralNet), so the loop reads
/// as plain steps. Training steps run in training mode; evaluation and previews in eval mode
/// (running statistics, no dropout), as PyTorch's `model.eval()`.
final class SessionNetwork {
    let model: Sequential
    private(set) var optimizer: any Optimizer
    private let recipe: TrainingRecipe
    private var isClassifier: Bool { recipe.isClassifier }
    private let crossEntropy = CrossEntropyLoss()
    private let squaredError: SquaredErrorLoss
    /// Input tensors by batch size (a full batch and the epoch's short last one), made once.
    private var inputs: [Int: Tensor] = [:]
    private var labels: [Int] = []
    /// Parameter values at the start of the current epoch, to go back to when the loss stops
    /// being finite. (Undoing a single step is not enough: weights that blew up but are still
    /// finite produce NaN again at the next step.)
    private var epochStartParameters: [[Float]] = []

    init(recipe: TrainingRecipe) throws {
        self.recipe = recipe
        if let layers = recipe.layers {
            model = layers.makeSequential(seed: recipe.seed)
        } else {
            model = recipe.model == .cnn ? CourseModels.cnn(seed: recipe.seed) : CourseModels.autoencoder(seed: recipe.seed)
        }
        switch recipe.loss {
        case .crossEntropy, .sse: squaredError = SquaredErrorLoss(reduction: .sumOverBatch)
        case .mse: squaredError = SquaredErrorLoss(reduction: .mean)
        }
        model.setMode(.training)
        optimizer = Self.makeOptimizer(recipe: recipe, model: model, learningRate: recipe.learningRate)
    }

    private static func makeOptimizer(recipe: TrainingRecipe, model: Sequential, learningRate: Float) -> any Optimizer {
        switch recipe.optimizer {
        case .sgd(let momentum):
            return SGD(parameters: model.parameters, learningRate: learningRate, momentum: momentum, weightDecay: recipe.weightDecay)
        case .adam:
            return Adam(parameters: model.parameters, learningRate: learningRate, weightDecay: recipe.weightDecay)
        }
    }

    func setLearningRate(_ value: Float) { optimizer.learningRate = value }

    /// A new network of the same layers holding this one's parameters and buffers (running
    /// statistics included), for looking inside after training.
    func copyOfModel() -> Sequential {
        let copy = recipe.layers.map { $0.makeSequential(seed: recipe.seed) }
            ?? (recipe.model == .cnn ? CourseModels.cnn(seed: recipe.seed) : CourseModels.autoencoder(seed: recipe.seed))
        for (target, source) in zip(copy.parameters, model.parameters) { target.value.scalars = source.value.scalars }
        for (target, source) in zip(copy.buffers, model.buffers) {
            target.value.scalars = source.value.scalars
            target.integer = source.integer
        }
        return copy
    }

    struct StepResult { var loss: Float; var correct: Int }

    /// Forward, loss, backward and (when the loss is finite) one optimiser step on a batch.
    func trainStep(dataset: ImageDataset, indices: ArraySlice<Int>) -> StepResult {
        let input = batch(dataset: dataset, indices: indices)
        optimizer.zeroGradients()
        let output = model.forward(input)
        let loss: Float
        var correct = 0
        if isClassifier {
            let gradient: Tensor
            (loss, gradient) = crossEntropy(output, labels: labels)
            correct = countCorrect(output, labels: labels)
            guard loss.isFinite else { return StepResult(loss: loss, correct: 0) }
            _ = model.backward(gradient, needsInputGradient: false)  // the images need no gradient
        } else {
            // The last layer may take the loss inside its backward pass (Sequential.backward(_:loss:...)),
            // so the value is known after it; a non-finite one only skips the update (the gradients
            // are zeroed before the next step).
            loss = model.backward(output, loss: squaredError, target: input, needsInputGradient: false).value
            guard loss.isFinite else { return StepResult(loss: loss, correct: 0) }
        }
        optimizer.step()
        return StepResult(loss: loss, correct: correct)
    }

    /// The tensors to keep at an epoch's start: parameters and float buffers (running statistics,
    /// which a diverging step spoils too).
    private var stateTensors: [Tensor] {
        model.parameters.map(\.value) + model.buffers.filter { $0.storage == .float32 }.map(\.value)
    }

    /// Saves the parameter values at the start of an epoch into buffers kept for the purpose.
    func keepEpochStartParameters() {
        let tensors = stateTensors
        if epochStartParameters.count != tensors.count {
            epochStartParameters = tensors.map { [Float](repeating: 0, count: $0.count) }
        }
        for (index, tensor) in tensors.enumerated() {
            epochStartParameters[index].withUnsafeMutableBufferPointer { saved in
                tensor.scalars.withUnsafeBufferPointer { current in _ = saved.update(fromContentsOf: current) }
            }
        }
    }

    /// After a non-finite loss: puts back the weights from the start of the epoch and starts the
    /// optimiser afresh (its momentum or moments came from the bad steps too).
    func restoreEpochStartParameters(learningRate: Float) {
        for (index, tensor) in stateTensors.enumerated() where index < epochStartParameters.count {
            tensor.scalars.withUnsafeMutableBufferPointer { current in
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

    /// Loss (and accuracy, confusion) over the whole of `dataset`, in batches of `batchSize`,
    /// in eval mode.
    func evaluate(dataset: ImageDataset, batchSize: Int) -> Evaluation {
        model.setMode(.evaluation)
        defer { model.setMode(.training) }
        let order = BatchOrder.sequential(count: dataset.count, batchSize: batchSize)
        var lossSum = 0.0
        var confusion = ConfusionMatrix(classCount: max(10, dataset.classNames.count))
        var samples: [SampleOutput] = []
        for number in 0..<order.batchCount {
            let indices = order.batch(number)
            let input = batch(dataset: dataset, indices: indices)
            let output = model.forward(input)
            if isClassifier {
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
                          confusion: isClassifier ? confusion : nil, sampleOutputs: samples)
    }

    /// Predictions or reconstructions for the first `count` images of `dataset`, in eval mode.
    func predictSamples(dataset: ImageDataset, count: Int) -> [SampleOutput] {
        let n = min(count, dataset.count)
        guard n > 0 else { return [] }
        model.setMode(.evaluation)
        defer { model.setMode(.training) }
        let output = model.forward(batch(dataset: dataset, indices: ArraySlice(0..<n)))
        return sampleOutputs(output, count: n)
    }

    private func sampleOutputs(_ output: Tensor, count: Int) -> [SampleOutput] {
        if isClassifier {
            return predictedLabels(output).prefix(count).map { SampleOutput(predictedLabel: $0) }
        }
        // A reconstruction has the input's shape [N, C, H, W].
        guard output.rank == 4 else { return [] }
        let (channels, height, width) = (output.shape[1], output.shape[2], output.shape[3])
        let size = channels * height * width
        return (0..<count).map { index in
            // Values outside [0, 1] (a network without a final Sigmoid) are clipped for display.
            let pixels = output.scalars[index * size..<(index + 1) * size].map { min(max($0, 0), 1) }
            return SampleOutput(reconstruction: PixelImage(width: width, height: height, channels: channels, pixels: pixels))
        }
    }

    /// The first layer's filters when layer 0 is a Conv2d, one image per output channel, each
    /// scaled to [0, 1]; empty otherwise.
    func firstLayerFilters() -> [PixelImage] {
        guard let conv = model.layers.first as? Conv2d else { return [] }
        let weight = conv.weight.value
        let (outChannels, inChannels, height, width) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let size = inChannels * height * width
        return (0..<outChannels).map { filter in
            PixelImage.normalised(width: width, height: height, channels: inChannels,
                                  values: weight.scalars[filter * size..<(filter + 1) * size])
        }
    }

    // MARK: - Checkpoints

    /// Writes the state_dict (parameters and BatchNorm2d's buffers) under PyTorch's names and
    /// layouts, atomically, so `nn.Sequential(<the same text>).load_state_dict(..., strict=True)` works.
    func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        var info = ["model": recipe.layers == nil ? recipe.model.rawValue : "layers", "layers": recipe.networkText]
        info.merge(metadata) { $1 }
        do {
            try Checkpoint.save(namedTensors(), metadata: info, to: path)
        } catch {
            throw TrainingError("\(error)")
        }
    }

    /// Loads a state_dict saved by cnnlab or PyTorch; names the first tensor that differs (in
    /// state_dict order) with both shapes, and every other problem.
    func loadCheckpoint(from path: String) throws {
        let expected = namedTensors().map { TensorSpec(name: $0.name, shape: $0.shape) }
        let tensors: [NamedTensor]
        do { tensors = try Checkpoint.load(path, expecting: expected) } catch {
            throw TrainingError("\(error)")
        }
        var loaded = tensors.makeIterator()
        for entry in stateEntries() {
            guard let tensor = loaded.next() else { break }
            switch entry {
            case .parameter(_, let parameter): parameter.value.scalars = tensor.values
            case .buffer(_, let buffer):
                switch buffer.storage {
                case .float32: buffer.value.scalars = tensor.values
                case .int64: buffer.integer = tensor.integers?.first ?? Int64(tensor.values.first ?? 0)
                }
            }
        }
    }

    /// One state_dict entry: a parameter or a buffer, with its PyTorch name.
    private enum StateEntry {
        case parameter(String, Parameter)
        case buffer(String, LayerBuffer)
    }

    /// The state_dict in PyTorch's order: layer by layer, parameters then buffers.
    private func stateEntries() -> [StateEntry] {
        model.layers.enumerated().flatMap { index, layer in
            layer.parameters.map { StateEntry.parameter("\(index).\($0.name)", $0) }
                + layer.buffers.map { StateEntry.buffer("\(index).\($0.name)", $0) }
        }
    }

    private func namedTensors() -> [NamedTensor] {
        stateEntries().map { entry in
            switch entry {
            case .parameter(let name, let parameter):
                return NamedTensor(name: name, shape: parameter.value.shape, values: parameter.value.scalars)
            case .buffer(let name, let buffer):
                switch buffer.storage {
                case .float32: return NamedTensor(name: name, shape: buffer.shape, values: buffer.value.scalars)
                case .int64: return NamedTensor(name: name, shape: [], integers: [buffer.integer])
                }
            }
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
