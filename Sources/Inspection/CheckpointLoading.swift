import NeuralNet
import Training

/// Loads a safetensors checkpoint into a network for inspection.
public enum InspectionCheckpoint {
    /// Reads `path` and copies its tensors into `network`'s parameters. When the file does not
    /// fit, the message names the first tensor (in the network's order) that differs, with both
    /// shapes: "... first difference: 3.weight is [16, 8, 3, 3] in the file, the network needs [16, 8, 5, 5]".
    public static func load(_ path: String, into network: Sequential) throws(InspectionError) {
        let contents: SafetensorsContents
        do { contents = try Safetensors.read(path) } catch {
            throw InspectionError("cannot load \(path): \(error)")
        }
        let expected = network.namedParameters()
        let found = Dictionary(contents.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (name, parameter) in expected {
            let shape = parameter.value.shape
            guard let tensor = found[name] else {
                throw InspectionError("\(path) does not fit this network: first difference: \(name) is missing from the file, "
                    + "the network needs \(TensorSpec.format(shape))")
            }
            guard tensor.shape == shape else {
                throw InspectionError("\(path) does not fit this network: first difference: \(name) is \(TensorSpec.format(tensor.shape)) "
                    + "in the file, the network needs \(TensorSpec.format(shape))")
            }
        }
        let names = Set(expected.map(\.name))
        if let extra = contents.tensors.first(where: { !names.contains($0.name) }) {
            throw InspectionError("\(path) does not fit this network: first difference: the file has \(extra.name) "
                + "\(TensorSpec.format(extra.shape)), which the network does not have")
        }
        for (name, parameter) in expected { parameter.value.scalars = found[name]!.values }
    }
}
