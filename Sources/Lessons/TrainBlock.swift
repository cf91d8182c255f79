import Formatting
import Datasets
import Foundation
import NeuralNet

/// A ```train block: a course model or the lesson's own `layers`, a dataset and the
/// hyperparameters; the player opens the training dashboard with them.
public struct TrainBlock: Equatable, Sendable {
    /// The course CNN, the course autoencoder, or the block's own `layers` (`own`).
    public enum Model: String, Equatable, Sendable, CaseIterable { case cnn, autoencoder, own }
    public enum Optimizer: String, Equatable, Sendable, CaseIterable { case sgd, adam }

    public var model: Model
    /// The dataset as written (as `cnnlab train --data` takes it: cifar10, synthetic, or a folder).
    public var data: String
    /// The dataset it names, folders resolved against the lesson file's folder.
    public var dataSpec: DatasetSpec = .cifar10(directory: nil)
    /// The author's `id:`, if any.
    public var id: String?
    /// Names this block's saved weights among the lesson's train blocks: its `id:`, else
    /// "train-N" for the N-th train block of the lesson.
    public var checkpointName: String = "train-1"
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: Optimizer
    public var learningRate: Double
    public var momentum: Double
    public var seed: Int
    /// The network of a `layers:` list, one PyTorch constructor each (model `own`).
    public var layers: [String] = []
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
        case .own:
            // The task (and so the recipe) follows the network's output: see `writtenOptimizerKeys`.
            return TrainBlock(model: .own, data: "cifar10", epochs: 10, batchSize: 128, optimizer: .sgd,
                              learningRate: 0.01, momentum: 0.9, seed: 0, line: line)
        }
    }

    /// The network text of an `own` block, as `cnnlab train --layers` takes it.
    public var layersText: String { layers.joined(separator: ", ") }

    /// The keys of the optimiser the block wrote itself; for `own` blocks the others follow the
    /// task (a classifier: SGD lr 0.01 momentum 0.9; a reconstruction: Adam lr 0.001).
    public var writtenOptimizerKeys: Set<String> { Set(["optimizer", "lr", "momentum"]).intersection(keyLines.keys) }

    /// The image shape of one sample of `data` ([C, H, W]), when known from its name.
    static func imageShape(data: String) -> [Int]? {
        let name = data.split(separator: ":").first.map(String.init) ?? data
        switch name {
        case "cifar10", "synthetic", "auto": return [3, 32, 32]
        case "fashion-mnist": return [1, 28, 28]
        default: return nil
        }
    }

    /// The headless command that runs the same training.
    public var command: String {
        let network = model == .own ? "--layers \"\(layersText)\"" : "--model \(model.rawValue)"
        var text = "cnnlab train \(network) --data \(dataSpec.description) --epochs \(epochs) --batch-size \(batchSize)"
        if model != .own || !writtenOptimizerKeys.isEmpty {
            // The block's own optimiser choice, so the shell command trains what the pane trains
            // (an Adam block once showed a command that trained with SGD).
            if keyLines["optimizer"] != nil { text += " --optimizer \(optimizer.rawValue)" }
            text += " --lr \(NumberText.plain(learningRate))"
            if keyLines["momentum"] != nil && optimizer == .sgd { text += " --momentum \(NumberText.plain(momentum))" }
        }
        return text + " --seed \(seed)"
    }

    static let keys = ["model", "layers", "data", "epochs", "batch_size", "optimizer", "lr", "momentum", "seed", "id"]

    /// The largest epochs and batch_size a lesson may ask for (more is a typo, not a lesson).
    public static let maximumEpochs = 1_000
    public static let maximumBatchSize = 50_000

    /// Reads a train block. `directory` is the lesson file's folder (for `data:` folders);
    /// `ordinal` counts the lesson's train blocks from 1 (for the checkpoint's name).
    static func read(_ fields: inout BlockFields, directory: String?, ordinal: Int) -> TrainBlock? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        let model: Model
        var layers: [String] = []
        var layerLines: [Int] = []
        if fields.has("layers") {
            if fields.has("model") { fields.problem("layers", "write either 'model' or 'layers', not both") }
            guard case .sequence(let items)? = fields.node("layers"), !items.isEmpty else {
                fields.problem("layers", "'layers' must be a list of layers like - Conv2d(3, 8, 5)")
                return nil
            }
            for item in items {
                guard case .scalar(let scalar) = item else {
                    fields.problems.append(LessonProblem(line: fields.line(of: item), message: "each layer must be one line like Conv2d(3, 8, 5)"))
                    return nil
                }
                layers.append(scalar.string)
                layerLines.append(fields.line(of: item))
            }
            model = .own
        } else {
            guard let modelText = fields.string("model") else {
                if !fields.has("model") {
                    fields.problems.append(LessonProblem(line: fields.fenceLine, message: "the train block needs 'model: cnn', 'model: autoencoder' or a 'layers' list"))
                }
                return nil
            }
            guard let named = Model(rawValue: modelText), named != .own else {
                fields.problem("model", "unknown model '\(modelText)' (expected cnn or autoencoder, or a 'layers' list)")
                return nil
            }
            model = named
        }
        var block = recipe(for: model, line: fields.fenceLine)
        block.layers = layers
        block.keyLines = fields.keyLines
        if let id = fields.string("id")?.trimmingSpaces {
            if id.isEmpty || id.contains("/") || id.hasPrefix(".") {
                fields.problem("id", "'id' names the saved weights: use letters, digits and '-' (no '/', not starting with '.')")
            } else {
                block.id = id
            }
        }
        block.checkpointName = block.id ?? "train-\(ordinal)"
        if let data = fields.string("data") {
            block.data = data
            switch resolveData(data, directory: directory) {
            case .success(let spec): block.dataSpec = spec
            case .failure(let problem): fields.problem("data", problem.text)
            }
        }
        if let epochs = fields.integer("epochs") {
            block.epochs = epochs
            if epochs < 1 || epochs > maximumEpochs {
                fields.problem("epochs", "epochs must be from 1 to \(maximumEpochs) (got \(epochs))")
            }
        }
        if let batch = fields.integer("batch_size") {
            block.batchSize = batch
            if batch < 1 || batch > maximumBatchSize {
                fields.problem("batch_size", "batch_size must be from 1 to \(maximumBatchSize) (got \(batch))")
            }
        }
        if let text = fields.string("optimizer") {
            if let optimizer = Optimizer(rawValue: text) { block.optimizer = optimizer } else {
                fields.problem("optimizer", "unknown optimizer '\(text)' (expected sgd or adam)")
            }
        }
        if let rate = fields.number("lr") {
            block.learningRate = rate
            if !(rate > 0) || !rate.isFinite || rate > 10 { fields.problem("lr", "lr must be greater than 0 and at most 10") }
        }
        if let momentum = fields.number("momentum") {
            block.momentum = momentum
            if momentum < 0 || momentum >= 1 { fields.problem("momentum", "momentum must be in [0, 1)") }
        }
        if let seed = fields.integer("seed") {
            block.seed = seed
            if seed < 0 { fields.problem("seed", "seed must be 0 or more") }
        }
        if model == .own {
            checkLayers(layers, lines: layerLines, data: block.data, batch: min(max(block.batchSize, 1), maximumBatchSize),
                        fields: &fields)
        }
        return fields.problems.count == before ? block : nil
    }
}

extension TrainBlock {
    /// The dataset `data` names: a dataset name of `cnnlab train --data`, or a folder, which
    /// is resolved against the lesson file's `directory` and must exist.
    static func resolveData(_ data: String, directory: String?) -> Result<DatasetSpec, ComputedProblem> {
        let text = data.trimmingSpaces
        func resolved(_ path: String) -> String {
            let expanded = (path as NSString).expandingTildeInPath
            guard !expanded.hasPrefix("/"), let directory else { return expanded }
            return ((directory as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
        }
        func folder(_ path: String, wrap: (String) -> DatasetSpec) -> Result<DatasetSpec, ComputedProblem> {
            let full = resolved(path)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) else {
                let looked = full != path ? " (looked for \(full))" : ""
                return .failure("the data folder '\(path)' does not exist\(looked); folders are relative to the lesson file's folder")
            }
            guard isFolder.boolValue else { return .failure("'\(path)' is a file, not a data folder (\(full))") }
            return .success(wrap(full))
        }
        // A word that is no dataset name but a folder beside the lesson is that folder.
        if !text.contains(":"), !text.hasPrefix("/"), directory != nil {
            let named = (try? DatasetSpec.parse(text)).map { spec -> Bool in
                if case .directory = spec { return false } else { return true }
            } ?? false
            var isFolder: ObjCBool = false
            if !named, FileManager.default.fileExists(atPath: resolved(text), isDirectory: &isFolder), isFolder.boolValue {
                return .success(.directory(resolved(text)))
            }
        }
        let spec: DatasetSpec
        do {
            spec = try DatasetSpec.parse(text)
        } catch {
            let names = "auto, cifar10, fashion-mnist, synthetic, synthetic:N, or a folder (relative to the lesson file)"
            return .failure("unknown data '\(text)' (expected \(names))")
        }
        switch spec {
        case .directory(let path): return folder(path) { .directory($0) }
        case .cifar10(let path?): return folder(path) { .cifar10(directory: $0) }
        case .fashionMNIST(let path?): return folder(path) { .fashionMNIST(directory: $0) }
        case .automatic, .cifar10(nil), .fashionMNIST(nil), .synthetic: return .success(spec)
        }
    }
}

extension TrainBlock {
    /// Reads an own network's layers with NeuralNet's reader and, when the data's image shape is
    /// known, checks that every layer fits (sizes and memory for `batch` images at once) and that
    /// the output is one value per class (10) or the input's shape: each problem on the line of
    /// the layer at fault.
    static func checkLayers(_ layers: [String], lines: [Int], data: String, batch: Int, fields: inout BlockFields) {
        var specs: [LayerSpec] = []
        for (index, text) in layers.enumerated() {
            do { specs.append(try LayerSpec.parse(text)) } catch {
                fields.problems.append(LessonProblem(line: lines[index], message: "\(text.trimmingSpaces): \(error.message)"))
                return
            }
        }
        guard let input = imageShape(data: data) else { return }
        let output: [Int]
        let network = NetworkText(layers: specs)
        do {
            output = try network.outputShape(input: input, batch: batch)
            try network.checkTrainingMemory(input: input, batch: batch)
        } catch {
            guard let index = error.position else {  // the whole network: the memory it needs
                fields.problems.append(LessonProblem(line: lines.first ?? fields.fenceLine, message: error.message))
                return
            }
            fields.problems.append(LessonProblem(line: lines[index], message: "\(specs[index].text) \(error.message)"))
            return
        }
        if output != [10] && output != input {
            fields.problems.append(LessonProblem(
                line: lines.last ?? fields.fenceLine,
                message: "the network's output is \(LayerSpec.shapeText(output)) per image: a classifier needs 10 values "
                    + "(one per class), a reconstruction \(LayerSpec.shapeText(input)) (the input's shape)"))
        }
    }
}
