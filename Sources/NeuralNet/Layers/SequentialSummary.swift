/// One row of a model summary table: what `print(model)` and torchsummary show.
public struct LayerSummary: Sendable, Equatable {
    /// The layer's index in the Sequential (PyTorch's parameter-name prefix).
    public var index: Int
    /// PyTorch's description, for example "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))".
    public var description: String
    /// The layer's output shape for the summary's input shape.
    public var outputShape: [Int]
    /// Trainable values in the layer.
    public var parameterCount: Int
}

extension Sequential {
    /// One row per layer in `range` (all layers by default) for an input of `inputShape`;
    /// throws at the first layer that cannot take its input, naming it.
    ///
    ///     for row in try CourseModels.cnn(seed: 0).summary(inputShape: [1, 3, 32, 32]) {
    ///         print(row.index, row.description, row.outputShape, row.parameterCount)
    ///     }
    public func summary(inputShape: [Int], range: Range<Int>? = nil) throws(ShapeError) -> [LayerSummary] {
        let indices = range ?? layers.indices
        let shapes = try outputShapes(for: inputShape, range: indices)
        return zip(indices, shapes).map { index, shape in
            LayerSummary(index: index, description: layers[index].description, outputShape: shape,
                         parameterCount: layers[index].parameterCount)
        }
    }
}
