import NeuralNet

/// What a network's last output means, decided from its shape.
public enum NetworkHead: Sendable, Equatable {
    /// One value per class ([classes]): logits, read through softmax.
    case classifier(classes: Int)
    /// An output of the input's shape: a reconstruction (autoencoder).
    case reconstruction
    /// Anything else: shown, but not read as classes or pictures of the input.
    case other
}

/// Runs a trained `Sequential` on one image module by module and keeps every output.
///
/// Each module runs on its own (no fusion: a ReLU that training runs inside the max pooling after
/// it still gets its own output), on a batch of one, in eval mode (the network is switched to it,
/// as `model.eval()`). The parameters are not changed; `saliency` adds to their gradients and
/// zeroes them again.
///
///     let inspector = try NetworkInspector(network: CourseModels.cnn(seed: 0), inputShape: [3, 32, 32])
///     let run = inspector.run(image)           // image: 3 * 32 * 32 floats in [0, 1]
///     run.layers[0].shape                      // [8, 28, 28]
///     run.predicted                            // the class with the largest probability
public final class NetworkInspector: @unchecked Sendable {
    public let network: Sequential
    /// One image: [channels, height, width].
    public let inputShape: [Int]
    /// Each module's output shape without the batch dimension.
    public let outputShapes: [[Int]]
    public let head: NetworkHead

    /// Checks that every module takes the previous one's output; throws naming the first that does not.
    public init(network: Sequential, inputShape: [Int]) throws(InspectionError) {
        self.network = network
        self.inputShape = inputShape
        // As model.eval(): batch norm uses its running statistics, dropout passes values through.
        network.setMode(.evaluation)
        do {
            outputShapes = try network.outputShapes(for: [1] + inputShape).map { Array($0.dropFirst()) }
        } catch {
            throw InspectionError("the network cannot take a \(inputShape.map(String.init).joined(separator: "x")) image: \(error)")
        }
        let last = outputShapes.last ?? inputShape
        if last == inputShape {
            head = .reconstruction
        } else if last.count == 1, last[0] >= 2 {
            head = .classifier(classes: last[0])
        } else {
            head = .other
        }
    }

    /// The number of values of one image.
    public var inputCount: Int { inputShape.reduce(1, *) }

    /// Every module's output for `image` (`inputCount` values, channel-major).
    public func run(_ image: [Float]) -> NetworkActivations {
        precondition(image.count == inputCount, "NetworkInspector.run: \(image.count) values for an image of \(inputShape)")
        var x = Tensor(shape: [1] + inputShape, scalars: image)
        var layers: [LayerActivation] = []
        layers.reserveCapacity(network.layers.count)
        for (index, layer) in network.layers.enumerated() {
            x = layer.forward(x)
            layers.append(LayerActivation(index: index, layer: layer.description, shape: outputShapes[index], values: x.scalars))
        }
        var probabilities: [Float]? = nil
        if case .classifier = head, let last = layers.last { probabilities = softmax(last.values) }
        return NetworkActivations(input: image, inputShape: inputShape, layers: layers, probabilities: probabilities)
    }

    /// The gradient of output `classIndex` of the last module (a class's score, before softmax)
    /// with respect to every input value of `image`: how much each pixel moves that score.
    /// Runs the forward pass again (layers keep what their backward pass needs from it).
    public func saliency(_ image: [Float], classIndex: Int) -> [Float] {
        let outputCount = outputShapes.last?.reduce(1, *) ?? 0
        precondition(classIndex >= 0 && classIndex < outputCount, "NetworkInspector.saliency: class \(classIndex) outside 0..<\(outputCount)")
        var x = Tensor(shape: [1] + inputShape, scalars: image)
        for layer in network.layers { x = layer.forward(x) }
        var gradient = Tensor(zeros: x.shape)
        gradient.scalars[classIndex] = 1
        for layer in network.layers.reversed() {
            gradient = layer.backward(gradient)
        }
        network.zeroGradients()
        return gradient.scalars
    }
}

/// A saliency map: for each pixel, the largest |gradient| over its channels, scaled to [0, 1]
/// by the largest one (Simonyan et al., 2014).
public func saliencyMap(gradient: [Float], channels: Int, height: Int, width: Int) -> [Float] {
    let plane = height * width
    var map = [Float](repeating: 0, count: plane)
    for c in 0..<channels {
        for i in 0..<plane { map[i] = max(map[i], abs(gradient[c * plane + i])) }
    }
    let top = map.max() ?? 0
    return top > 0 ? map.map { $0 / top } : map
}
