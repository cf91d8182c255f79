import Datasets
import Foundation
import NeuralNet
import Training

/// A checkpoint found in cnnlab's models folder: Home's Train (`cnn.safetensors`), a lesson's
/// train block (`<lesson>/<block>-<model>.safetensors`), any other file cnnlab saved there, or a
/// file `cnnlab train --save` wrote elsewhere.
public struct SavedCheckpoint: Equatable, Sendable {
    public let path: String
    /// The network the weights belong to.
    public let network: InspectedNetwork
    /// Where it came from, for a list: "Home's Train", "lesson 06-look-inside, train block 'base'".
    public let origin: String
    public let modified: Date
    /// The data the network was trained on, as its checkpoint records it (`cifar10:DIR`,
    /// `fashion-mnist:DIR`, `synthetic:N`); nil when not recorded or no longer there.
    public let data: DatasetSpec?

    public init(path: String, network: InspectedNetwork, origin: String, modified: Date, data: DatasetSpec? = nil) {
        self.path = path
        self.network = network
        self.origin = origin
        self.modified = modified
        self.data = data
    }

    /// "the course CNN", "the course autoencoder" or "your network (N layers)".
    public var networkName: String {
        switch network {
        case .course(.cnn): return "the course CNN"
        case .course(.autoencoder): return "the course autoencoder"
        case .layers(let text): return "your network (\(text.layers.count) layers)"
        }
    }

    /// One line for a list: "the course CNN · Home's Train".
    public var title: String { networkName + " \u{00B7} " + origin }
}

/// Finds the checkpoints the inspector can open in the models folder.
public enum SavedCheckpoints {
    /// Every `.safetensors` file in `folder` and its subfolders (one level: the lessons') whose
    /// network is known, newest first. The network comes from the metadata cnnlab writes
    /// ("model", "layers"); a file without it is known by its name (`cnn`, `...-autoencoder`).
    /// Files whose network cannot be told are left out.
    ///
    /// `elsewhere` adds files saved outside the folder (`cnnlab train --save FILE`, see
    /// `SavedElsewhere`) that still exist and whose network is known.
    public static func find(in folder: String, elsewhere: [String] = []) -> [SavedCheckpoint] {
        let manager = FileManager.default
        var relative: [String] = []
        for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                for inner in (try? manager.contentsOfDirectory(atPath: path)) ?? [] where inner.hasSuffix(".safetensors") {
                    relative.append(name + "/" + inner)
                }
            } else if name.hasSuffix(".safetensors") {
                relative.append(name)
            }
        }
        let inFolder = relative.map { (path: folder + "/" + $0, name: $0, origin: origin(of: $0)) }
        let inFolderPaths = Set(inFolder.map { ($0.path as NSString).standardizingPath })
        let outside = elsewhere.filter { !inFolderPaths.contains(($0 as NSString).standardizingPath) && manager.fileExists(atPath: $0) }
            .map { (path: $0, name: ($0 as NSString).lastPathComponent, origin: "saved with --save") }
        let found = (inFolder + outside).compactMap { file -> SavedCheckpoint? in
            let metadata = headerMetadata(file.path)
            guard let network = network(metadata: metadata, name: file.name) else { return nil }
            let modified = (try? manager.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) ?? .distantPast
            return SavedCheckpoint(path: file.path, network: network, origin: file.origin, modified: modified,
                                   data: trainedOn(metadata: metadata))
        }
        return found.sorted { ($0.modified, $1.path) > ($1.modified, $0.path) }
    }

    /// The data recorded in a checkpoint's header, when it is still there to load.
    public static func trainedOn(checkpoint path: String) -> DatasetSpec? {
        trainedOn(metadata: headerMetadata(path))
    }

    static func trainedOn(metadata: [String: String]) -> DatasetSpec? {
        guard let text = metadata["data"], let spec = try? DatasetSpec.parse(text), spec.isAvailable else { return nil }
        return spec
    }

    /// "Home's Train" for `cnn.safetensors`, "lesson L, train block 'B'" for `L/B-model.safetensors`,
    /// "saved in the models folder" for any other file there.
    static func origin(of name: String) -> String {
        let stem = String(name.dropLast(".safetensors".count))
        let parts = stem.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            // Home's Train saves only the CNN there; other files were put there with --save.
            return stem == CourseModelKind.cnn.rawValue ? "Home's Train" : "saved in the models folder"
        }
        var block = parts[1]
        for kind in ["-cnn", "-autoencoder", "-own"] where block.hasSuffix(kind) {
            block = String(block.dropLast(kind.count))
            break
        }
        return "lesson \(parts[0]), train block '\(block)'"
    }

    /// The network of a checkpoint: from its metadata, else from its file name.
    static func network(metadata: [String: String], name: String) -> InspectedNetwork? {
        switch metadata["model"] {
        case "cnn"?: return .course(.cnn)
        case "autoencoder"?: return .course(.autoencoder)
        case "layers"?:
            guard let text = metadata["layers"], let network = try? NetworkText.parse(text) else { return nil }
            return .layers(network)
        default:
            let stem = String(name.dropLast(".safetensors".count))
            if stem == "cnn" || stem.hasSuffix("-cnn") { return .course(.cnn) }
            if stem == "autoencoder" || stem.hasSuffix("-autoencoder") { return .course(.autoencoder) }
            return nil
        }
    }

    /// The `__metadata__` of a safetensors file, reading only its header (empty when unreadable).
    static func headerMetadata(_ path: String) -> [String: String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [:] }
        defer { try? handle.close() }
        guard let lengthBytes = try? handle.read(upToCount: 8), lengthBytes.count == 8 else { return [:] }
        let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length > 0, length <= 1 << 24, let header = try? handle.read(upToCount: Int(length)),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
              let metadata = object["__metadata__"] as? [String: String] else { return [:] }
        return metadata
    }
}
