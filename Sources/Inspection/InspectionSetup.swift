import Datasets
import Foundation
import NeuralNet
import Training

/// Which network to inspect.
public enum InspectedNetwork: Sendable, Equatable {
    /// One of the course networks (`--model cnn|autoencoder`).
    case course(CourseModelKind)
    /// A network written as PyTorch layers (`--layers TEXT`).
    case layers(NetworkText)

    /// The network with fresh weights (the checkpoint replaces them).
    func build() -> Sequential {
        switch self {
        case .course(.cnn): return CourseModels.cnn(seed: 0)
        case .course(.autoencoder): return CourseModels.autoencoder(seed: 0)
        case .layers(let text): return text.makeSequential(seed: 0)
        }
    }

    /// The input shape of one image; nil when the data decides (a network text).
    var inputShape: [Int]? {
        switch self {
        case .course: return CourseModels.cnnImageShape
        case .layers: return nil
        }
    }

    /// The file Home's Train and the lessons save this network's weights under; nil for a
    /// network text (the newest checkpoint in the folder is tried).
    var checkpointName: String? {
        switch self {
        case .course(let kind): return kind.rawValue + ".safetensors"
        case .layers: return nil
        }
    }

    /// A short name for titles.
    public var displayName: String {
        switch self {
        case .course(let kind): return kind.displayName
        case .layers(let text): return text.layers.count <= 3 ? text.description : "\(text.layers.count)-layer network"
        }
    }

    /// How to train one, for the message when no checkpoint exists.
    var trainCommand: String {
        switch self {
        case .course(let kind): return "cnnlab train --model \(kind.rawValue) --save FILE"
        case .layers: return "cnnlab train --layers ... --save FILE"
        }
    }
}

/// A trained network with its test images: everything the inspector screen and `--json` need.
public struct InspectionSetup: @unchecked Sendable {
    public let network: InspectedNetwork
    public let inspector: NetworkInspector
    /// The checkpoint the weights came from.
    public let checkpoint: String
    /// The test set in the network's input shape (adapted like training does), nil without one.
    public let test: ImageDataset?
    /// Why there are no test images, or a note on them (synthetic shapes, adapted size).
    public let testNote: String?
    public let classNames: [String]

    /// Builds the network, loads `checkpoint` (or the last one saved in `modelsDirectory`) and the
    /// test set from `data` (only the test images: the training set is never read). Throws a
    /// message naming what is missing or does not fit.
    public static func open(network: InspectedNetwork, checkpoint: String?, modelsDirectory: String,
                            data: DatasetSpec = .automatic, catalog: DatasetCatalog = DatasetCatalog()) throws(InspectionError) -> InspectionSetup {
        let path: String
        if let checkpoint { path = checkpoint } else { path = try defaultCheckpoint(for: network, in: modelsDirectory) }
        var loaded: ImageDataset? = nil
        var note: String? = nil
        do { loaded = try catalog.loadTest(data).test } catch { note = "no test images: \(error)" }
        let shape = network.inputShape ?? loaded.map { [$0.channels, $0.height, $0.width] } ?? CourseModels.cnnImageShape
        let model = network.build()
        try InspectionCheckpoint.load(path, into: model)
        let inspector = try NetworkInspector(network: model, inputShape: shape)
        var test: ImageDataset? = nil
        if let loaded {
            if let adapted = loaded.adapted(channels: shape[0], height: shape[1], width: shape[2]) {
                test = adapted
                if loaded.isSynthetic { note = "synthetic shapes, not real photos (no CIFAR-10 found)" }
                if (loaded.channels, loaded.height, loaded.width) != (shape[0], shape[1], shape[2]) {
                    note = "\(loaded.name) adapted from \(loaded.channels)x\(loaded.height)x\(loaded.width)"
                }
            } else {
                note = "the test images (\(loaded.channels) channels) do not fit a \(shape[0])-channel network"
            }
        }
        let names = test?.classNames ?? (0..<10).map { "class \($0)" }
        return InspectionSetup(network: network, inspector: inspector, checkpoint: path, test: test, testNote: note, classNames: names)
    }

    /// The checkpoint Home's Train or the lessons saved for `network`: <models>/<model>.safetensors,
    /// or for a network text the newest checkpoint in the folder. Throws saying how to train one.
    static func defaultCheckpoint(for network: InspectedNetwork, in folder: String) throws(InspectionError) -> String {
        let manager = FileManager.default
        if let name = network.checkpointName, manager.fileExists(atPath: folder + "/" + name) { return folder + "/" + name }
        if network.checkpointName == nil {
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".safetensors") }
            let dated = files.map { name -> (String, Date) in
                let date = (try? manager.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date) ?? .distantPast
                return (folder + "/" + name, date)
            }
            if let newest = dated.max(by: { $0.1 < $1.1 }) { return newest.0 }
        }
        throw InspectionError("no trained \(network.displayName) yet: nothing saved at \(folder + "/" + (network.checkpointName ?? "*.safetensors")). "
            + "Train one first (the home screen's Train, lesson 6, or `\(network.trainCommand)`), or pass --load FILE")
    }

    /// Test image `index` as the network's input, or a message giving the valid range.
    public func testImage(_ index: Int) throws(InspectionError) -> (values: [Float], label: Int) {
        guard let test else { throw InspectionError(testNote ?? "no test images") }
        guard index >= 0 && index < test.count else {
            throw InspectionError("image \(index) is out of range: the test set (\(test.name)) has images 0 to \(test.count - 1)")
        }
        var values = [Float](repeating: 0, count: test.imageSize)
        values.withUnsafeMutableBufferPointer { test.fillBatch(indices: [index], into: $0.baseAddress!) }
        return (values, test.label(at: index))
    }

    /// An image file decoded and resized to the network's input; `note` says what was done.
    public func fileImage(_ path: String) throws(InspectionError) -> (values: [Float], original: DecodedImage, resized: DecodedImage, note: String?) {
        let shape = inspector.inputShape
        guard shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
            throw InspectionError("this network takes \(shape) inputs, not 1- or 3-channel pictures")
        }
        let original = try DecodedImage.read(path, channels: shape[0])
        let resized = original.resized(width: shape[2], height: shape[1])
        let note = resized == original ? nil
            : "\(path) is \(original.width)x\(original.height): resized to \(shape[2])x\(shape[1]) for the network"
        return (resized.channelMajorFloats, original, resized, note)
    }
}
