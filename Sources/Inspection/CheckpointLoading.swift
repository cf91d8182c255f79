import NeuralNet
import Training

/// Loads a safetensors checkpoint into a network for inspection.
public enum InspectionCheckpoint {
    /// Reads `path` and copies its tensors into `network`'s parameters and buffers (batch norm's
    /// running statistics). When the file does not
    /// fit, the message names the first tensor (in the network's order) that differs, with both
    /// shapes: "... first difference: 3.weight is [16, 8, 3, 3] in the file, the network needs [16, 8, 5, 5]".
    public static func load(_ path: String, into network: Sequential) throws(InspectionError) {
        let contents: SafetensorsContents
        do { contents = try Safetensors.read(path) } catch {
            throw InspectionError("cannot load \(path): \(error)")
        }
        // The state_dict in PyTorch's order: each module's parameters, then its buffers.
        var expected: [(name: String, shape: [Int], isInteger: Bool, store: (NamedTensor) -> Void)] = []
        for (index, layer) in network.layers.enumerated() {
            for parameter in layer.parameters {
                expected.append(("\(index).\(parameter.name)", parameter.value.shape, false, { parameter.value.scalars = $0.values }))
            }
            for buffer in layer.buffers {
                switch buffer.storage {
                case .float32:
                    expected.append(("\(index).\(buffer.name)", buffer.shape, false, { buffer.value.scalars = $0.values }))
                case .int64:
                    expected.append(("\(index).\(buffer.name)", buffer.shape, true, { buffer.integer = $0.integers?.first ?? 0 }))
                }
            }
        }
        let found = Dictionary(contents.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in expected {
            guard let tensor = found[entry.name] else {
                throw InspectionError("\(path) does not fit this network: first difference: \(entry.name) is missing from the file, "
                    + "the network needs \(TensorSpec.format(entry.shape))")
            }
            guard tensor.shape == entry.shape else {
                throw InspectionError("\(path) does not fit this network: first difference: \(entry.name) is \(TensorSpec.format(tensor.shape)) "
                    + "in the file, the network needs \(TensorSpec.format(entry.shape))")
            }
            guard (tensor.integers != nil) == entry.isInteger else {
                throw InspectionError("\(path) does not fit this network: \(entry.name) is \(entry.isInteger ? "float32" : "int64") in the file, "
                    + "the network needs \(entry.isInteger ? "int64" : "float32")")
            }
        }
        let names = Set(expected.map(\.name))
        if let extra = contents.tensors.first(where: { !names.contains($0.name) }) {
            throw InspectionError("\(path) does not fit this network: first difference: the file has \(extra.name) "
                + "\(TensorSpec.format(extra.shape)), which the network does not have")
        }
        for entry in expected { entry.store(found[entry.name]!) }
    }
}
