/// One module's output for one image, as a PyTorch forward hook sees it in eval mode.
public struct LayerActivation: Sendable, Equatable {
    /// The module's index in the Sequential (its state_dict prefix).
    public let index: Int
    /// PyTorch's description, e.g. "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))".
    public let layer: String
    /// The output shape without the batch dimension: [channels, height, width] or [features].
    public let shape: [Int]
    /// The values, row-major.
    public let values: [Float]

    public init(index: Int, layer: String, shape: [Int], values: [Float]) {
        self.index = index
        self.layer = layer
        self.shape = shape
        self.values = values
    }

    /// Channels of a map output; the feature count of a flat one.
    public var channels: Int { shape.first ?? 0 }
    /// True for [channels, height, width] outputs (drawn as pictures), false for flat ones (bars).
    public var isMap: Bool { shape.count == 3 }
    /// Height and width of a map (1 x 1 for flat outputs).
    public var height: Int { isMap ? shape[1] : 1 }
    public var width: Int { isMap ? shape[2] : 1 }

    /// The values of channel `c` of a map (the whole output when flat).
    public func channel(_ c: Int) -> ArraySlice<Float> {
        guard isMap else { return values[...] }
        let size = height * width
        return values[(c * size)..<((c + 1) * size)]
    }

    /// The value at (channel, row, column); for flat outputs `channel` is the feature.
    public func value(channel c: Int, row: Int = 0, column: Int = 0) -> Float {
        isMap ? values[(c * height + row) * width + column] : values[c]
    }
}

/// Every module's output for one image, and the classifier's reading of the last one.
public struct NetworkActivations: Sendable, Equatable {
    /// The image as the network sees it: [channels, height, width], values in [0, 1].
    public let input: [Float]
    public let inputShape: [Int]
    /// One entry per module, in order.
    public let layers: [LayerActivation]
    /// softmax of the last output for a classifier (a flat output of one value per class); nil otherwise.
    public let probabilities: [Float]?

    /// The class with the largest probability (the first on ties, as torch.argmax); nil without a classifier head.
    public var predicted: Int? {
        guard let probabilities, !probabilities.isEmpty else { return nil }
        var best = 0
        for (i, p) in probabilities.enumerated() where p > probabilities[best] { best = i }
        return best
    }

    /// The input of module `index`: the previous module's output, or the image.
    public func input(of index: Int) -> (shape: [Int], values: [Float]) {
        index == 0 ? (inputShape, input) : (layers[index - 1].shape, layers[index - 1].values)
    }
}
