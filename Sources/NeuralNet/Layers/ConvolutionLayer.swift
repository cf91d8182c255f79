/// A convolution layer's settings, as PyTorch's constructors take them (groups = 1).
/// `outputPadding` is the transposed convolution's and stays 0 for `Conv2d`.
public struct ConvolutionSettings: Sendable, Equatable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Size2D
    public let dilation: Size2D
    public let outputPadding: Size2D
}

/// What `Conv2d` and `ConvTranspose2d` share: their settings, a weight and an optional bias
/// initialised as PyTorch does (uniform in ±1/sqrt(fan-in), the fan-in being the weight's
/// dimension 1 times the kernel area), PyTorch's description, and the passes, which run through
/// a `ConvolutionRunner` of the subclass's kind. A subclass adds only its geometry.
public class ConvolutionLayer: Layer, @unchecked Sendable {
    public let settings: ConvolutionSettings
    public let weight: Parameter
    public let bias: Parameter?
    /// PyTorch's class name ("Conv2d").
    let name: String
    /// Buffers and the last input between the passes.
    private let passes: any ConvolutionPasses

    init<Kind: ConvolutionKind>(_ kind: Kind.Type, settings s: ConvolutionSettings, bias: Bool, rng: inout SeededRandom) {
        name = Kind.layerName
        precondition(s.inChannels >= 1 && s.outChannels >= 1 && s.kernelSize.height >= 1 && s.kernelSize.width >= 1,
                     "\(Kind.layerName): channels and kernel size must be at least 1")
        settings = s
        let weightShape = Kind.Geometry.weightShape(inChannels: s.inChannels, outChannels: s.outChannels, kernel: s.kernelSize)
        let fanIn = weightShape[1] * s.kernelSize.area
        weight = Parameter(name: "weight", value: PyTorchInit.uniform(shape: weightShape, fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(name: "bias", value: PyTorchInit.uniform(shape: [s.outChannels], fanIn: fanIn, rng: &rng)) : nil
        passes = ConvolutionRunner<Kind>(settings: s)
    }

    /// How many workspaces this layer has built: one per new input shape, none for a batch size it
    /// had just before the last one (an epoch's short last batch and the full ones after it).
    var workspacesBuilt: Int { passes.workspacesBuilt }

    public var inChannels: Int { settings.inChannels }
    public var outChannels: Int { settings.outChannels }
    public var kernelSize: Size2D { settings.kernelSize }
    public var stride: Size2D { settings.stride }
    public var padding: Size2D { settings.padding }
    public var dilation: Size2D { settings.dilation }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// PyTorch's repr: the settings that differ from the defaults, in PyTorch's order (padding,
    /// dilation, output_padding).
    public var description: String {
        var text = "\(name)(\(inChannels), \(outChannels), kernel_size=\(kernelSize), stride=\(stride)"
        if padding != 0 { text += ", padding=\(padding)" }
        if dilation != 1 { text += ", dilation=\(dilation)" }
        if settings.outputPadding != 0 { text += ", output_padding=\(settings.outputPadding)" }
        if bias == nil { text += ", bias=False" }
        return text + ")"
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try passes.outputShape(for: inputShape)
    }

    /// The activation the last forward pass applied to the output (`forwardApplying`), or none.
    private(set) var appliedActivation: ConvolutionActivation = .none

    public func forward(_ input: Tensor) -> Tensor {
        forwardApplying(.none, input)
    }

    /// The forward pass followed by `activation` (a ReLU or Sigmoid layer after this one, which
    /// `Sequential` then skips): the activated output with the same bits as the two layers, without
    /// the activation's own passes over the batch.
    /// With `planeMoments` (3 floats per output plane), also every output plane's batch-norm moments
    /// (`batchNorm2dPlaneMoments`) for the BatchNorm2d that takes the output next (`Sequential`).
    /// With `imageInput`, `input`'s values are given image by image by the layers before (`input`
    /// is not written: `BatchNorm2d.forwardDeferringApply`), here and in the backward pass after
    /// this one.
    func forwardApplying(_ activation: ConvolutionActivation, _ input: Tensor,
                         planeMoments: UnsafeMutablePointer<Float>? = nil, imageInput: ImageInput? = nil) -> Tensor {
        appliedActivation = activation
        averagedInto = nil
        return passes.forward(input, layer: self, activation: activation, planeMoments: planeMoments,
                              imageInput: imageInput)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, needsInputGradient: true)
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(appliedActivation == .none, "\(name).backward: the last forward pass applied an activation; "
                     + "use backwardThroughActivation")
        return backwardThroughActivation(gradOutput, needsInputGradient: needsInputGradient)
    }

    /// The backward pass of `forwardApplying` (of `forward` when it applied none): `gradOutput` is
    /// the gradient at the activation's output. `inputReader` (with `needsInputGradient`): the
    /// layers before this one read each image's input gradient once written (see `InputGradientReader`).
    func backwardThroughActivation(_ gradOutput: Tensor, needsInputGradient: Bool,
                                   inputReader: InputGradientReader? = nil) -> Tensor {
        passes.backward(gradOutput, layer: self, needsInputGradient: needsInputGradient, inputReader: inputReader)
    }

    /// The backward pass of `forward` (no activation applied) from the output gradient given image
    /// by image (`upstream`, see `ImageGradient`): the same bits as `backward` on the whole batch's.
    func backward(from upstream: ImageGradient, needsInputGradient: Bool,
                  inputReader: InputGradientReader? = nil) -> Tensor {
        precondition(appliedActivation == .none, "\(name).backward(from:): the last forward pass applied an activation")
        return passes.backward(from: upstream, layer: self, needsInputGradient: needsInputGradient,
                               inputReader: inputReader)
    }

    /// Whether `backward(from:prediction:target:...)` runs: a ConvTranspose2d on the direct kernels
    /// whose last forward pass applied a sigmoid and produced `prediction`.
    func takesSquaredError(of prediction: Tensor) -> Bool {
        appliedActivation == .sigmoid
            && (passes as? ConvolutionRunner<ConvTranspose2dKind>)?.takesSquaredError(of: prediction) == true
    }

    /// The backward pass from `loss` of `prediction` against `target` (only when
    /// `takesSquaredError(of: prediction)`), taken image by image inside this layer's backward
    /// pass (`SquaredErrorLoss.takenByImages`). Returns the loss value and the input gradient.
    /// `inputReader`: as `backwardThroughActivation`'s.
    func backward(from loss: SquaredErrorLoss, prediction: Tensor, target: Tensor, needsInputGradient: Bool,
                  inputReader: InputGradientReader? = nil) -> (value: Float, gradient: Tensor) {
        guard takesSquaredError(of: prediction), let runner = passes as? ConvolutionRunner<ConvTranspose2dKind> else {
            preconditionFailure("\(name).backward(from:): needs a ConvTranspose2d after a fused sigmoid on the direct kernels")
        }
        return runner.backward(from: loss, prediction: prediction, target: target, layer: self,
                               needsInputGradient: needsInputGradient, inputReader: inputReader)
    }

    /// After `forward`, then ReLU and 2x2 max pooling of its output as one pass of `pool`
    /// (`MaxPool2d.forwardApplyingReLU`): the backward pass of all three from the gradient at the
    /// pooling's output, through the pooling's winners only (a quarter of the work; see
    /// `conv2dBackwardThroughReLUAndPooling`). nil, doing nothing, for a transposed convolution or
    /// when the winners' path does not run for these shapes or kernels.
    func backwardThroughReLUAndPooling(_ pool: MaxPool2d, _ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        (passes as? ConvolutionRunner<Conv2dKind>)?.backwardThroughReLUAndPooling(
            pool, gradOutput, layer: self, needsInputGradient: needsInputGradient)
    }

    /// The pooling the last forward pass ran inside this layer (`forwardAveraging`), or nil.
    private(set) var averagedInto: AvgPool2d?

    /// The forward pass followed by `pool` (an average pooling whose one window covers each whole
    /// output plane), as `Sequential` runs a 1x1 `Conv2d` and `AvgPool2d(H)`: one pass over the
    /// batch writing only the pooled output (`conv2dPointwiseMeanForward`: the same bits as the two
    /// layers; this layer's own output is not written). Returns the pooling's output, or nil,
    /// running nothing, when that pass does not run for this layer, shape or kernels
    /// (`conv2dPointwiseMeanRuns`).
    func forwardAveraging(_ pool: AvgPool2d, _ input: Tensor) -> Tensor? {
        guard let runner = passes as? ConvolutionRunner<Conv2dKind>,
              let pooled = runner.forwardAveraging(pool, input, layer: self) else { return nil }
        appliedActivation = .none
        averagedInto = pool
        return pooled
    }

    /// The backward pass of `forwardAveraging` from the gradient at the pooling's output: this
    /// layer's parameter gradients and its input gradient (empty without `needsInputGradient`), the
    /// same bits as the pooling's and this layer's backward passes. `inputReader`: as
    /// `backwardThroughActivation`'s.
    func backwardThroughAveraging(_ gradOutput: Tensor, needsInputGradient: Bool,
                                  inputReader: InputGradientReader? = nil) -> Tensor {
        guard let pool = averagedInto, let runner = passes as? ConvolutionRunner<Conv2dKind> else {
            preconditionFailure("\(name).backwardThroughAveraging: the last forward pass did not average")
        }
        return runner.backwardThroughAveraging(pool, gradOutput, layer: self, needsInputGradient: needsInputGradient,
                                               inputReader: inputReader)
    }
}
