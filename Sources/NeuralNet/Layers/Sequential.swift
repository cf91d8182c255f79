/// Layers applied in order, as PyTorch's `nn.Sequential`: parameter names are the layer's index
/// and the parameter's name ("0.weight", "0.bias", "3.weight", ...), so checkpoints line up with
/// the equivalent PyTorch model.
///
/// A sub-range runs part of the network, for example an autoencoder's encoder or decoder alone:
///
///     let code = model.forward(images, range: CourseModels.autoencoderEncoderRange)
///     let pictures = model.forward(code, range: CourseModels.autoencoderDecoderRange)
public final class Sequential: Layer, @unchecked Sendable {
    public let layers: [any Layer]
    /// Which layers have parameters (fixed at construction; read every backward pass).
    private let trainable: [Bool]
    private let noGradient = Tensor(zeros: [0])
    /// For a `ReLU` at index i followed by a `MaxPool2d`: the pair, which runs as one pass of the
    /// pooling layer (`MaxPool2d.forwardApplyingReLU`); nil elsewhere.
    private let fusedPairs: [(relu: ReLU, pool: MaxPool2d)?]
    /// For a `BatchNorm2d` at index i followed by a ReLU (not itself fused with pooling) or a
    /// LeakyReLU with a slope >= 0: the batch norm and what it applies, which run as one pass of
    /// the batch norm (`BatchNorm2d.forwardApplying`); nil elsewhere.
    private let fusedNorms: [(norm: BatchNorm2d, activation: BatchNormActivation, slope: Float)?]
    /// For a `BatchNorm2d` at index i followed by a ReLU and a `MaxPool2d`: the three, which run as
    /// one pass of the batch norm (`BatchNorm2d.forwardApplyingReLUAndPooling`) when the pooling's
    /// windows are 2x2 and tile its input; nil elsewhere.
    private let fusedTriples: [(norm: BatchNorm2d, relu: ReLU, pool: MaxPool2d)?]
    /// For a `Conv2d` or `ConvTranspose2d` at index i followed by a `BatchNorm2d`: the two. In
    /// training the convolution takes each output plane's batch-norm moments right after writing it
    /// (from the cache), and the batch norm's statistics use them instead of reading its input
    /// again (the same bits).
    private let convNorms: [(conv: ConvolutionLayer, norm: BatchNorm2d)?]
    /// For a `Conv2d` at index i followed by a ReLU and a `MaxPool2d` (a fused pair): the
    /// convolution and the pooling, whose backward passes (with ReLU's) run as one, from the
    /// pooling's winners only, when its windows are 2x2 with stride 2
    /// (`Conv2d.backwardThroughReLUAndPooling`); nil elsewhere. The forward pass is unchanged.
    private let pooledConvolutions: [(conv: Conv2d, pool: MaxPool2d)?]
    /// For a `Conv2d` or `ConvTranspose2d` at index i followed by a ReLU (not itself fused with
    /// pooling) or a Sigmoid: the convolution and the activation it applies to each image of its
    /// output (`ConvolutionLayer.forwardApplying`); nil elsewhere.
    private let fusedConvolutions: [(conv: ConvolutionLayer, activation: ConvolutionActivation)?]
    /// For a `Conv2d` at index i followed by an `AvgPool2d`: the two, which run as one pass of the
    /// convolution (`ConvolutionLayer.forwardAveraging`: the same bits, the convolution's output
    /// not written) when it is 1x1 and the pooling's window covers each whole plane on the direct
    /// kernels (`conv2dPointwiseMeanRuns`); nil elsewhere.
    private let averagedConvolutions: [(conv: Conv2d, pool: AvgPool2d)?]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        trainable = layers.map { !$0.parameters.isEmpty }
        fusedPairs = layers.indices.map { i in
            guard i + 1 < layers.count, let relu = layers[i] as? ReLU, let pool = layers[i + 1] as? MaxPool2d else { return nil }
            return (relu, pool)
        }
        fusedNorms = layers.indices.map { [fusedPairs] i in
            guard i + 1 < layers.count, let norm = layers[i] as? BatchNorm2d else { return nil }
            if layers[i + 1] is ReLU && (i + 2 >= layers.count || fusedPairs[i + 1] == nil) { return (norm, .relu, 0) }
            if let leaky = layers[i + 1] as? LeakyReLU, leaky.negativeSlope >= 0 { return (norm, .leakyReLU, leaky.negativeSlope) }
            return nil
        }
        fusedTriples = layers.indices.map { [fusedPairs] i in
            guard i + 2 < layers.count, let norm = layers[i] as? BatchNorm2d, let pair = fusedPairs[i + 1] else { return nil }
            return (norm, pair.relu, pair.pool)
        }
        convNorms = layers.indices.map { i in
            guard i + 1 < layers.count, let conv = layers[i] as? ConvolutionLayer, let norm = layers[i + 1] as? BatchNorm2d else { return nil }
            return (conv, norm)
        }
        pooledConvolutions = layers.indices.map { [fusedPairs] i in
            guard i + 2 < layers.count, let conv = layers[i] as? Conv2d, let pair = fusedPairs[i + 1] else { return nil }
            return (conv, pair.pool)
        }
        fusedConvolutions = layers.indices.map { [fusedPairs] i in
            guard i + 1 < layers.count, let conv = layers[i] as? ConvolutionLayer else { return nil }
            if layers[i + 1] is ReLU && (i + 2 >= layers.count || fusedPairs[i + 1] == nil) { return (conv, .relu) }
            if layers[i + 1] is Sigmoid { return (conv, .sigmoid) }
            return nil
        }
        averagedConvolutions = layers.indices.map { i in
            guard i + 1 < layers.count, let conv = layers[i] as? Conv2d, let pool = layers[i + 1] as? AvgPool2d else { return nil }
            return (conv, pool)
        }
    }

    public convenience init(_ layers: any Layer...) {
        self.init(layers)
    }

    /// The number of layers that `forward(_:range:)` runs as one step from `index`: 3 for a batch
    /// norm followed by ReLU and max pooling (one pass of the batch norm when the pooling windows
    /// are 2x2 and tile its input; else the batch norm, then the other two as one pass), 2 for a
    /// ReLU followed by max pooling (one pass of the pooling layer) and for a batch norm followed by
    /// its activation (one pass of the batch norm), for a convolution followed by ReLU or
    /// Sigmoid (applied by the convolution) and for a Conv2d followed by average pooling (one pass
    /// when the convolution is 1x1 and the pooling covers whole planes), else 1. For timing layer by layer.
    /// In training, a batch norm + activation pair followed by a convolution runs with it as one
    /// step (`forwardDeferringApply`): 2 + the convolution's length.
    public func fusedLength(at index: Int) -> Int {
        if deferringConvolution(at: index, end: layers.count) != nil { return 2 + pairLength(at: index + 2) }
        return pairLength(at: index)
    }

    /// `fusedLength` without the batch norm's hand-over to a convolution (one layer's own fusion).
    private func pairLength(at index: Int) -> Int {
        if fusedTriples[index] != nil { return 3 }
        return index + 1 < layers.count
            && (fusedPairs[index] != nil || fusedNorms[index] != nil || fusedConvolutions[index] != nil
                || averagedConvolutions[index] != nil) ? 2 : 1
    }

    /// For a batch norm + activation pair at `index` (training) followed by a convolution before
    /// `end`: that convolution, which then takes the pair's output image by image
    /// (`BatchNorm2d.forwardDeferringApply`); nil elsewhere. Not before a Conv2d whose backward
    /// pass runs from a pooling's winners (that pass reads the whole input).
    private func deferringConvolution(at index: Int, end: Int) -> ConvolutionLayer? {
        guard index + 2 < end, let fused = fusedNorms[index], fused.norm.mode == .training,
              let conv = layers[index + 2] as? ConvolutionLayer,
              index + 4 >= end || pooledConvolutions[index + 2] == nil else { return nil }
        return conv
    }

    /// The number of layers that `backward(_:range:)` runs as one step down to `index`: 3 for a
    /// `Conv2d` followed by ReLU and max pooling (one pass from the pooling's winners when its
    /// windows are 2x2 with stride 2, else the three one by one), else `fusedLength(at:)`. For
    /// timing layer by layer.
    public func backwardFusedLength(at index: Int) -> Int {
        pooledConvolutions[index] != nil ? 3 : pairLength(at: index)
    }

    public var parameters: [Parameter] { layers.flatMap { $0.parameters } }

    /// Every parameter with its PyTorch name, in PyTorch's order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { index, layer in
            layer.parameters.map { (name: "\(index).\($0.name)", parameter: $0) }
        }
    }

    /// The number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    public var buffers: [LayerBuffer] { layers.flatMap { $0.buffers } }

    /// Every buffer with its PyTorch name ("1.running_mean", ...).
    public func namedBuffers() -> [(name: String, buffer: LayerBuffer)] {
        layers.enumerated().flatMap { index, layer in
            layer.buffers.map { (name: "\(index).\($0.name)", buffer: $0) }
        }
    }

    /// Training or evaluation for every layer, as PyTorch's `model.train()` / `model.eval()`.
    public private(set) var mode: LayerMode = .training

    public func setMode(_ mode: LayerMode) {
        self.mode = mode
        layers.forEach { $0.setMode(mode) }
    }

    /// The number of trainable values of the layers in `range`.
    public func parameterCount(range: Range<Int>) -> Int {
        layers[range].reduce(0) { $0 + $1.parameterCount }
    }

    /// PyTorch's multi-line description of the model.
    public var description: String {
        let lines = layers.enumerated().map { "  (\($0)): \($1.description)" }
        return (["Sequential("] + lines + [")"]).joined(separator: "\n")
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try outputShapes(for: inputShape, range: layers.indices).last ?? inputShape
    }

    /// The output shape of each layer in `range` in turn, for summary tables; throws at the first
    /// layer that cannot take its input, naming it.
    public func outputShapes(for inputShape: [Int], range: Range<Int>? = nil) throws(ShapeError) -> [[Int]] {
        var shape = inputShape
        var shapes: [[Int]] = []
        for index in range ?? layers.indices {
            do {
                shape = try layers[index].outputShape(for: shape)
            } catch {
                throw ShapeError(field: "layer \(index) (\(layers[index].description))", reason: error.description)
            }
            shapes.append(shape)
        }
        return shapes
    }

    public func forward(_ input: Tensor) -> Tensor {
        forward(input, range: layers.indices)
    }

    /// Runs the layers in `range` only.
    ///
    /// A ReLU followed by max pooling runs as one pass of the pooling layer (same bits; ReLU's own
    /// output buffer is then not written): its output is large and only the pooling reads it.
    /// Likewise a batch norm followed by ReLU or LeakyReLU runs as one pass of the batch norm, and a
    /// batch norm followed by ReLU and 2x2 max pooling (windows tiling the input) as one pass of the
    /// batch norm writing the pooled output (neither the batch norm's output nor ReLU's is written).
    /// A convolution followed by ReLU (not fused with pooling) or Sigmoid applies it to each image
    /// of its output while the image is in cache (the activation layer's output is not written).
    /// A Conv2d followed by a batch norm in training takes the batch norm's per-plane moments of
    /// each image while it is in cache, so the batch norm's statistics do not read it again.
    /// A 1x1 Conv2d followed by an average pooling over each whole plane runs as one pass of the
    /// convolution on the direct kernels (same bits; the convolution's output is not written).
    /// In training, a batch norm + ReLU or LeakyReLU followed by a convolution in the range takes
    /// its statistics, then gives its output to the convolution image by image as that copies it
    /// (`BatchNorm2d.forwardDeferringApply`, `ImageInput`): the output is never written for the
    /// whole batch; the same bits.
    public func forward(_ input: Tensor, range: Range<Int>) -> Tensor {
        var x = input
        var index = range.lowerBound
        while index < range.upperBound {
            if index + 2 < range.upperBound, let triple = fusedTriples[index], triple.pool.tilesTwoByTwo(x.shape) {
                triple.relu.skippedByFusion = true
                x = triple.norm.forwardApplyingReLUAndPooling(triple.pool, x)
                index += 3
            } else if index + 1 < range.upperBound, let pair = fusedPairs[index] {
                pair.relu.skippedByFusion = true
                x = pair.pool.forwardApplyingReLU(x)
                index += 2
            } else if deferringConvolution(at: index, end: range.upperBound) != nil, let fused = fusedNorms[index] {
                // The convolution copies each image of the pair's output anyway: it asks for it then.
                (layers[index + 1] as? ElementwiseLayer)?.skippedByFusion = true
                let deferred = fused.norm.forwardDeferringApply(fused.activation, slope: fused.slope, x)
                (x, index) = forwardConvolution(at: index + 2, deferred.output, range: range, imageInput: deferred.images)
            } else if index + 1 < range.upperBound, let fused = fusedNorms[index] {
                (layers[index + 1] as? ElementwiseLayer)?.skippedByFusion = true
                x = fused.norm.forwardApplying(fused.activation, slope: fused.slope, x)
                index += 2
            } else if layers[index] is ConvolutionLayer {
                (x, index) = forwardConvolution(at: index, x, range: range, imageInput: nil)
            } else {
                x = layers[index].forward(x)
                index += 1
            }
        }
        return x
    }

    /// The convolution at `index` (in `range`) on `x`, given image by image by `imageInput` if set:
    /// with the ReLU or Sigmoid after it applied to each output image, with a whole-plane average
    /// pooling after it as one pass (1x1 Conv2d, not given image by image), or taking the batch
    /// norm's plane moments after it (training). Returns the output and the index after the step.
    private func forwardConvolution(at index: Int, _ x: Tensor, range: Range<Int>,
                                    imageInput: ImageInput?) -> (Tensor, Int) {
        guard let conv = layers[index] as? ConvolutionLayer else {
            preconditionFailure("Sequential.forwardConvolution: layer \(index) is not a convolution")
        }
        if index + 1 < range.upperBound, let fused = fusedConvolutions[index] {
            (layers[index + 1] as? ElementwiseLayer)?.skippedByFusion = true
            return (conv.forwardApplying(fused.activation, x, imageInput: imageInput), index + 2)
        }
        if index + 1 < range.upperBound, imageInput == nil, let pair = averagedConvolutions[index],
           let pooled = pair.conv.forwardAveraging(pair.pool, x) {
            return (pooled, index + 2)
        }
        if index + 1 < range.upperBound, let pair = convNorms[index], pair.norm.mode == .training,
           let shape = try? conv.outputShape(for: x.shape), shape.count == 4 {
            let y = conv.forwardApplying(.none, x, planeMoments: pair.norm.planeMomentsBuffer(for: shape), imageInput: imageInput)
            pair.norm.expectPlaneMoments(of: y)
            return (y, index + 1)
        }
        return (conv.forwardApplying(.none, x, imageInput: imageInput), index + 1)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, range: layers.indices)
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        backward(gradOutput, range: layers.indices, needsInputGradient: needsInputGradient)
    }

    /// The backward pass from `loss` of `prediction` against `target`, where `prediction` is the
    /// output of the last `forward(_:range:)` on `range` (all layers by default): returns the loss
    /// value and the gradient with respect to the range's input (empty, as in
    /// `backward(_:range:needsInputGradient:)`, when `needsInputGradient` is false).
    ///
    /// When the range ends in a ConvTranspose2d followed by Sigmoid that ran fused on the direct
    /// kernels (own network 3, the course autoencoder), that layer takes the loss image by image
    /// inside its backward pass (`ConvolutionLayer.backward(from:prediction:target:needsInputGradient:)`):
    /// the loss's gradient is never written for the whole batch. The gradients have the same bits
    /// as `loss(prediction, target:)` followed by `backward`, which runs otherwise; the value is
    /// the same up to the order of its double sum (per image, then in image order).
    public func backward(_ prediction: Tensor, loss: SquaredErrorLoss, target: Tensor, range: Range<Int>? = nil,
                         needsInputGradient: Bool = true) -> (value: Float, gradient: Tensor) {
        let range = range ?? layers.indices
        let top = range.upperBound - 1
        if range.count >= 2, let fused = fusedConvolutions[top - 1], fused.conv.takesSquaredError(of: prediction) {
            let below = range.lowerBound..<(top - 1)
            let needsConvolutionInput = needsInputGradient || below.contains { trainable[$0] }
            var value: Float = 0
            let gradient = withGradientSums(below: top - 1, range: range, needsInputGradient: needsConvolutionInput) { reader in
                let taken = fused.conv.backward(from: loss, prediction: prediction, target: target,
                                                needsInputGradient: needsConvolutionInput, inputReader: reader)
                value = taken.value
                return taken.gradient
            }
            guard needsConvolutionInput, !below.isEmpty else { return (value, needsInputGradient ? gradient : noGradient) }
            return (value, backward(gradient, range: below, needsInputGradient: needsInputGradient))
        }
        let (value, gradient) = loss(prediction, target: target)
        return (value, backward(gradient, range: range, needsInputGradient: needsInputGradient))
    }

    /// Back-propagates through the layers in `range` only (after `forward(_:range:)` on them) and
    /// returns the gradient with respect to their input.
    ///
    /// A Conv2d followed by a batch norm, ReLU and 2x2 max pooling run as one pass takes the batch
    /// norm's input gradient image by image (`BatchNorm2d.withImageGradients`): the same bits.
    ///
    /// A convolution followed by ReLU and 2x2 max pooling (run as a fused pair) back-propagates
    /// from the pooling's winners only: the same gradients as layer by layer up to the order of
    /// float sums (the convolution's gradients are summed over the winners instead of every
    /// position).
    ///
    /// A training step needs only the parameter gradients: pass `needsInputGradient: false` to
    /// skip the work below the first layer with parameters (for the course CNN, the first
    /// convolution's input gradient, a large share of its backward pass); an empty tensor is
    /// returned then.
    public func backward(_ gradOutput: Tensor, range: Range<Int>, needsInputGradient: Bool = true) -> Tensor {
        var gradient = gradOutput
        let firstTrainable = needsInputGradient ? range.lowerBound : (range.first { trainable[$0] } ?? range.upperBound)
        var index = range.upperBound - 1
        while index >= range.lowerBound {
            if index < firstTrainable { return noGradient }
            if index > range.lowerBound + 1, let block = pooledConvolutions[index - 2], block.pool.appliedReLU,
               !block.pool.pooledByBatchNorm,
               let through = block.conv.backwardThroughReLUAndPooling(
                   block.pool, gradient, needsInputGradient: needsInputGradient || index - 2 > firstTrainable) {
                // The pair ran fused after the convolution (see forward): one backward pass covers all three.
                gradient = through
                index -= 3
                continue
            }
            if index > range.lowerBound + 2, let triple = fusedTriples[index - 2], triple.norm.pooledInto === triple.pool,
               triple.pool.pooledByBatchNorm, let pair = convNorms[index - 3], pair.norm === triple.norm,
               pair.conv.appliedActivation == .none {
                // Conv2d, then the three as one pass of the batch norm.
                gradient = backward(gradient, from: triple.norm, into: pair.conv, at: index - 3, range: range,
                                    needsInputGradient: needsInputGradient || index - 3 > firstTrainable)
                index -= 4
                continue
            }
            if index > range.lowerBound + 1, let fused = fusedNorms[index - 1], fused.norm.appliedActivation != .none,
               let pair = convNorms[index - 2], pair.norm === fused.norm, pair.conv.appliedActivation == .none {
                // A convolution, then the batch norm and its activation as one pass.
                gradient = backward(gradient, from: fused.norm, into: pair.conv, at: index - 2, range: range,
                                    needsInputGradient: needsInputGradient || index - 2 > firstTrainable)
                index -= 3
                continue
            }
            if index > range.lowerBound, let pair = averagedConvolutions[index - 1], pair.conv.averagedInto === pair.pool,
               pair.pool.averagedByConvolution {
                // The convolution ran the pooling (see forward): its backward covers both.
                let needsConvolutionInput = needsInputGradient || index - 1 > firstTrainable
                gradient = withGradientSums(below: index - 1, range: range, needsInputGradient: needsConvolutionInput) { reader in
                    pair.conv.backwardThroughAveraging(gradient, needsInputGradient: needsConvolutionInput, inputReader: reader)
                }
                index -= 2
                continue
            }
            if index > range.lowerBound + 1, let triple = fusedTriples[index - 2], triple.norm.pooledInto === triple.pool,
               triple.pool.pooledByBatchNorm {
                // The three ran as one pass of the batch norm (see forward): its backward covers them.
                gradient = triple.norm.backwardThroughReLUAndPooling(gradient, needsInputGradient: needsInputGradient || index - 2 > firstTrainable)
                index -= 3
            } else if index > range.lowerBound, let pair = fusedPairs[index - 1], pair.pool.appliedReLU {
                // The pair ran fused (see forward): the pooling layer's backward covers the ReLU too.
                gradient = pair.pool.backwardThroughReLU(gradient)
                index -= 2
            } else if index > range.lowerBound, let fused = fusedNorms[index - 1], fused.norm.appliedActivation != .none {
                // The batch norm ran with this activation (see forward): its backward covers both.
                gradient = fused.norm.backwardThroughActivation(gradient, needsInputGradient: needsInputGradient || index - 1 > firstTrainable)
                index -= 2
            } else if index > range.lowerBound, let fused = fusedConvolutions[index - 1], fused.conv.appliedActivation != .none {
                // The convolution applied this activation (see forward): its backward covers both.
                let needsConvolutionInput = needsInputGradient || index - 1 > firstTrainable
                gradient = withGradientSums(below: index - 1, range: range, needsInputGradient: needsConvolutionInput) { reader in
                    fused.conv.backwardThroughActivation(gradient, needsInputGradient: needsConvolutionInput, inputReader: reader)
                }
                index -= 2
            } else if let conv = layers[index] as? ConvolutionLayer, conv.appliedActivation == .none {
                let needsConvolutionInput = needsInputGradient || index > firstTrainable
                gradient = withGradientSums(below: index, range: range, needsInputGradient: needsConvolutionInput) { reader in
                    conv.backwardThroughActivation(gradient, needsInputGradient: needsConvolutionInput, inputReader: reader)
                }
                index -= 1
            } else {
                gradient = layers[index].backward(gradient, needsInputGradient: needsInputGradient || index > firstTrainable)
                index -= 1
            }
        }
        return gradient
    }

    /// Runs a convolution's backward pass (`body`, at index `convolution`) with a reader for the
    /// batch norm + activation run as one pass just below it in `range`, if any: the batch norm's
    /// plane sums are then taken from each image of the convolution's input gradient as it is
    /// written (`BatchNorm2d.takingGradientSums`), not read again by its backward pass.
    /// The backward pass of `norm` (run fused with its activation, or with ReLU and pooling) and of
    /// the convolution at `convolution` before it: the batch norm's input gradient goes to the
    /// convolution image by image, into its per-image buffer (never written for the whole batch,
    /// nor read back from memory).
    private func backward(_ gradient: Tensor, from norm: BatchNorm2d, into conv: ConvolutionLayer, at convolution: Int,
                          range: Range<Int>, needsInputGradient: Bool) -> Tensor {
        norm.withImageGradients(gradient) { upstream in
            withGradientSums(below: convolution, range: range, needsInputGradient: needsInputGradient) { reader in
                conv.backward(from: upstream, needsInputGradient: needsInputGradient, inputReader: reader)
            }
        }
    }

    private func withGradientSums(below convolution: Int, range: Range<Int>, needsInputGradient: Bool,
                                  _ body: (InputGradientReader?) -> Tensor) -> Tensor {
        let below = convolution - 2
        guard needsInputGradient, below >= range.lowerBound, let fused = fusedNorms[below],
              fused.norm.appliedActivation != .none else { return body(nil) }
        return fused.norm.takingGradientSums(body)
    }
}
