import NeuralNet

/// A ```model block: a network as a table of layers, each with its output shape and
/// parameter count, computed here from the layers' PyTorch constructors.
public struct ModelBlock: Equatable, Sendable {
    /// One row of the table.
    public struct Row: Equatable, Sendable {
        /// The layer as written, e.g. "Conv2d(3, 8, 5)".
        public var layer: String
        /// The shape after the layer, without the batch: [C, H, W] or [features].
        public var outputShape: [Int]
        public var parameters: Int
    }

    public var title: String?
    public var inputShape: [Int]
    public var rows: [Row]
    public var line: Int
    /// The file line of each key written in the block (1-based), e.g. keyLines["answer"].
    public var keyLines: [String: Int] = [:]

    public var totalParameters: Int { rows.reduce(0) { $0 + $1.parameters } }

    /// The course's networks, as in the worksheet (and shared/bench/pytorch_peer.py).
    public static let courseModels: [String: (input: [Int], layers: [String])] = [
        "cnn": ([3, 32, 32], ["Conv2d(3, 8, 5)", "ReLU()", "MaxPool2d(2, 2)", "Conv2d(8, 16, 5)", "ReLU()",
                              "MaxPool2d(2, 2)", "Flatten()", "Linear(400, 256)", "ReLU()", "Linear(256, 10)"]),
        "mlp": ([3, 32, 32], ["Flatten()", "Linear(3072, 256)", "ReLU()", "Linear(256, 100)", "ReLU()",
                              "Linear(100, 10)"]),
        "autoencoder": ([3, 32, 32], ["Conv2d(3, 8, 4, 2, 1)", "ReLU()", "Conv2d(8, 16, 4, 2, 1)", "ReLU()",
                                      "Conv2d(16, 32, 4, 2, 1)", "ConvTranspose2d(32, 16, 4, 2, 1)", "ReLU()",
                                      "ConvTranspose2d(16, 8, 4, 2, 1)", "ReLU()", "ConvTranspose2d(8, 3, 4, 2, 1)",
                                      "Sigmoid()"]),
    ]

    /// Shape text as a student reads it: "8×28×28", "400".
    public static func shapeText(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "×")
    }

    /// Builds the table for `layers` applied to `input`, with NeuralNet's reader of layer text
    /// (the one `cnnlab train --layers` uses); returns the first problem instead (with the index
    /// of the layer at fault) when a layer cannot be read or does not fit.
    public static func table(input: [Int], layers: [String]) -> Result<[Row], LayerProblem> {
        var specs: [LayerSpec] = []
        for (index, text) in layers.enumerated() {
            do { specs.append(try LayerSpec.parse(text)) } catch {
                return .failure(LayerProblem(index: index, message: "\(text.trimmingSpaces): \(error.message)"))
            }
        }
        do {
            return .success(try NetworkText(layers: specs).shapes(input: input).map {
                Row(layer: $0.layer.text, outputShape: $0.outputShape, parameters: $0.parameterCount)
            })
        } catch {
            let index = error.position ?? 0
            return .failure(LayerProblem(index: index, message: "\(specs[index].text) \(error.message)"))
        }
    }

    /// A layer that does not fit, and which one.
    public struct LayerProblem: Error, Equatable {
        public var index: Int
        public var message: String
    }
}
