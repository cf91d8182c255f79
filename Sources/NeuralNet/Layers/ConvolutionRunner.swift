import Kernels

/// One kind of convolution's geometry and fast kernels, as `ConvolutionLayer` runs them
/// (`Conv2d`, `ConvTranspose2d`).
protocol ConvolutionKind {
    associatedtype Geometry: ConvolutionGeometry
    associatedtype Workspace
    /// The layer's name in messages ("Conv2d").
    static var layerName: String { get }
    /// The validated geometry for `batch` images of size `input` (channels checked already).
    static func geometry(_ s: ConvolutionSettings, batch: Int, input: Size2D) throws(ShapeError) -> Geometry
    /// A workspace for the layer, which keeps its input unchanged until the backward pass.
    static func workspace(_ g: Geometry) -> Workspace
    /// `activation`: applied to the output (a fused ReLU or Sigmoid, see `Sequential`).
    /// `planeMoments`: nil, or room for every output plane's batch-norm moments (3 floats a plane).
    /// `imageInput`: the input image by image (the direct plans only; `input` is then not read).
    static func forward(_ g: Geometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, workspace: Workspace,
                        activation: ConvolutionActivation, planeMoments: UnsafeMutablePointer<Float>?,
                        imageInput: ImageInput?)
    /// Whether the workspace runs the direct kernels (which take an input image by image).
    static func runsDirect(_ workspace: Workspace) -> Bool
    /// `gradOutput` is the gradient after `activation`; `output` is the forward's (activated) output.
    /// `upstream` (no activation): the output gradient image by image (`gradOutput` is not read);
    /// `inputReader`: given each image's input gradient once written.
    static func backward(_ g: Geometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                         gradBias: UnsafeMutablePointer<Float>?, workspace: Workspace, input: UnsafePointer<Float>,
                         activation: ConvolutionActivation, output: UnsafePointer<Float>,
                         upstream: ImageGradient?, inputReader: InputGradientReader?)
}

enum Conv2dKind: ConvolutionKind {
    static let layerName = "Conv2d"
    static func geometry(_ s: ConvolutionSettings, batch: Int, input: Size2D) throws(ShapeError) -> Conv2dGeometry {
        try Conv2dGeometry(batch: batch, inChannels: s.inChannels, outChannels: s.outChannels, input: input,
                           kernel: s.kernelSize, stride: s.stride, padding: s.padding, dilation: s.dilation)
    }
    static func workspace(_ g: Conv2dGeometry) -> Conv2dWorkspace { Conv2dWorkspace(g, keepsInputCopy: false) }
    static func forward(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, workspace: Conv2dWorkspace,
                        activation: ConvolutionActivation, planeMoments: UnsafeMutablePointer<Float>?,
                        imageInput: ImageInput?) {
        conv2dForward(g, input: input, weight: weight, bias: bias, output: output, workspace: workspace, activation: activation,
                      planeMoments: planeMoments, imageInput: imageInput)
    }
    static func runsDirect(_ workspace: Conv2dWorkspace) -> Bool { workspace.runsDirect }
    static func backward(_ g: Conv2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                         gradBias: UnsafeMutablePointer<Float>?, workspace: Conv2dWorkspace, input: UnsafePointer<Float>,
                         activation: ConvolutionActivation, output: UnsafePointer<Float>,
                         upstream: ImageGradient?, inputReader: InputGradientReader?) {
        conv2dBackward(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, gradWeight: gradWeight,
                       gradBias: gradBias, workspace: workspace, input: input, activation: activation, output: output,
                       upstream: upstream, inputReader: inputReader)
    }
}

enum ConvTranspose2dKind: ConvolutionKind {
    static let layerName = "ConvTranspose2d"
    static func geometry(_ s: ConvolutionSettings, batch: Int, input: Size2D) throws(ShapeError) -> ConvTranspose2dGeometry {
        try ConvTranspose2dGeometry(batch: batch, inChannels: s.inChannels, outChannels: s.outChannels, input: input,
                                    kernel: s.kernelSize, stride: s.stride, padding: s.padding,
                                    outputPadding: s.outputPadding, dilation: s.dilation)
    }
    static func workspace(_ g: ConvTranspose2dGeometry) -> ConvTranspose2dWorkspace {
        ConvTranspose2dWorkspace(g, keepsInputCopy: false)
    }
    static func forward(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                        workspace: ConvTranspose2dWorkspace, activation: ConvolutionActivation,
                        planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?) {
        convTranspose2dForward(g, input: input, weight: weight, bias: bias, output: output, workspace: workspace,
                               activation: activation, planeMoments: planeMoments, imageInput: imageInput)
    }
    static func runsDirect(_ workspace: ConvTranspose2dWorkspace) -> Bool { workspace.runsDirect }
    static func backward(_ g: ConvTranspose2dGeometry, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                         gradBias: UnsafeMutablePointer<Float>?, workspace: ConvTranspose2dWorkspace,
                         input: UnsafePointer<Float>, activation: ConvolutionActivation, output: UnsafePointer<Float>,
                         upstream: ImageGradient?, inputReader: InputGradientReader?) {
        convTranspose2dBackward(g, gradOutput: gradOutput, weight: weight, gradInput: gradInput, gradWeight: gradWeight,
                                gradBias: gradBias, workspace: workspace, input: input, activation: activation, output: output,
                                upstream: upstream, inputReader: inputReader)
    }
}

extension ConvolutionKind {
    /// The validated geometry for an input shape [N, inChannels, H, W].
    static func geometry(_ s: ConvolutionSettings, inputShape shape: [Int]) throws(ShapeError) -> Geometry {
        try requireImageBatch(shape, channels: s.inChannels, layer: layerName)
        return try geometry(s, batch: shape[0], input: Size2D(shape[2], shape[3]))
    }
}

/// The passes of a `ConvolutionLayer`, whatever its kind (a `ConvolutionRunner`).
protocol ConvolutionPasses: AnyObject {
    func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int]
    /// How many workspaces the passes have built (one per new input shape; tests check reuse).
    var workspacesBuilt: Int { get }
    /// `imageInput`: `input`'s values image by image, `input` itself not written (see `ImageInput`).
    func forward(_ input: Tensor, layer: ConvolutionLayer, activation: ConvolutionActivation,
                 planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?) -> Tensor
    /// `inputReader`: given each image's input gradient once written (with `needsInputGradient`).
    func backward(_ gradOutput: Tensor, layer: ConvolutionLayer, needsInputGradient: Bool,
                  inputReader: InputGradientReader?) -> Tensor
    /// The backward pass (after a forward pass that applied no activation) from an output gradient
    /// given image by image by the layers after this one; the same bits as `backward`.
    func backward(from upstream: ImageGradient, layer: ConvolutionLayer, needsInputGradient: Bool,
                  inputReader: InputGradientReader?) -> Tensor
}

/// What a convolution layer keeps between its passes: the workspace and output buffers for the
/// last input shape (rebuilt only when it changes; the previous shape's workspace is kept too) and the last input itself, which the
/// backward pass reads again (layers keep their outputs unchanged until their next forward), so
/// the kernels need not copy it.
final class ConvolutionRunner<Kind: ConvolutionKind>: ConvolutionPasses {
    private let settings: ConvolutionSettings
    private var workspace: Kind.Workspace?
    private var geometry: Kind.Geometry?
    private var lastInput: Tensor?
    private var lastInputShape: [Int] = []
    /// The shape before the last one and its geometry and workspace, kept so that a batch size
    /// that alternates between two values (an epoch's short last batch, then full batches again)
    /// takes the workspace back instead of building and zero-filling a new one on one thread.
    private var previousShape: (shape: [Int], geometry: Kind.Geometry, workspace: Kind.Workspace)?
    private(set) var workspacesBuilt = 0
    /// The activation the last forward pass applied to `output` (the backward pass takes it back).
    private var lastActivation: ConvolutionActivation = .none
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])
    /// Returned by a backward pass asked not to compute the input gradient.
    private let noGradient = Tensor(zeros: [0])

    init(settings: ConvolutionSettings) { self.settings = settings }

    func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try Kind.geometry(settings, inputShape: inputShape).outputShape
    }

    /// Runs the forward pass (it traps with the layer's message on a shape the layer cannot take).
    /// With `imageInput` on the im2col path, `input` is written from it first (the direct plans ask
    /// it image by image, in this pass and the backward pass after it, and never read `input`).
    func forward(_ input: Tensor, layer: ConvolutionLayer, activation: ConvolutionActivation,
                 planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?) -> Tensor {
        let (weight, bias) = (layer.weight, layer.bias)
        let (g, ws) = prepare(input.shape) { shape in
            validated(layer, shape) { (s) throws(ShapeError) in try Kind.geometry(settings, inputShape: s) }
        }
        lastInput = input
        lastActivation = activation
        var imageInput = imageInput
        if let images = imageInput, !Kind.runsDirect(ws) {
            let imageSize = input.count / max(input.shape[0], 1)
            input.withMutablePointer { x in
                for n in 0..<input.shape[0] { images.write(n, x + n * imageSize) }
            }
            imageInput = nil
        }
        input.withPointer { x in
            weight.value.withPointer { w in
                output.withMutablePointer { y in
                    withOptionalPointer(bias?.value) { b in
                        Kind.forward(g, input: x, weight: w, bias: b, output: y, workspace: ws, activation: activation,
                                     planeMoments: planeMoments, imageInput: imageInput)
                    }
                }
            }
        }
        return output
    }

    func backward(_ gradOutput: Tensor, layer: ConvolutionLayer, needsInputGradient: Bool,
                  inputReader: InputGradientReader?) -> Tensor {
        gradOutput.withPointer { dy in
            backward(gradOutput: dy, shape: gradOutput.shape, upstream: nil, layer: layer,
                     needsInputGradient: needsInputGradient, inputReader: inputReader)
        }
    }

    func backward(from upstream: ImageGradient, layer: ConvolutionLayer, needsInputGradient: Bool,
                  inputReader: InputGradientReader?) -> Tensor {
        precondition(lastActivation == .none, "\(Kind.layerName).backward(from:): the last forward pass applied an activation")
        // gradOutput is not read (upstream gives it); the output stands in.
        return output.withPointer { y in
            backward(gradOutput: y, shape: output.shape, upstream: upstream, layer: layer,
                     needsInputGradient: needsInputGradient, inputReader: inputReader)
        }
    }

    /// Both backward passes: from `gradOutput` (of `shape`), or from `upstream` (then `gradOutput`
    /// is not read).
    private func backward(gradOutput dy: UnsafePointer<Float>, shape: [Int], upstream: ImageGradient?,
                          layer: ConvolutionLayer, needsInputGradient: Bool,
                          inputReader: InputGradientReader?) -> Tensor {
        guard let ws = workspace, let g = geometry, let lastInput else {
            preconditionFailure("\(Kind.layerName).backward called before forward")
        }
        precondition(shape == output.shape, "\(Kind.layerName).backward: gradient shape \(shape), expected \(output.shape)")
        withBackwardPointers(input: lastInput, layer: layer, needsInputGradient: needsInputGradient) { p in
            Kind.backward(g, gradOutput: dy, weight: p.weight, gradInput: p.gradInput, gradWeight: p.gradWeight,
                          gradBias: p.gradBias, workspace: ws, input: p.input, activation: lastActivation,
                          output: p.output, upstream: upstream, inputReader: inputReader)
        }
        return needsInputGradient ? gradInput : noGradient
    }

    /// The pointers every backward pass reads or writes, valid only inside `withBackwardPointers`.
    fileprivate struct BackwardPointers {
        /// The forward pass's input and (activated) output.
        let input: UnsafePointer<Float>, output: UnsafePointer<Float>
        let weight: UnsafePointer<Float>
        let gradWeight: UnsafeMutablePointer<Float>
        /// nil when the caller does not need the input gradient.
        let gradInput: UnsafeMutablePointer<Float>?
        /// nil for a layer without bias.
        let gradBias: UnsafeMutablePointer<Float>?
    }

    /// `body` with the pointers of `input` (the last forward's), the output, the layer's weight
    /// and the gradients the backward pass writes (one place for the nest of `with...Pointer`s).
    fileprivate func withBackwardPointers<R>(input: Tensor, layer: ConvolutionLayer, needsInputGradient: Bool,
                                             _ body: (BackwardPointers) -> R) -> R {
        let (weight, bias) = (layer.weight, layer.bias)
        return input.withPointer { x in
            output.withPointer { y in
                weight.value.withPointer { w in
                    weight.gradient.withMutablePointer { dw in
                        gradInput.withMutablePointer { dx in
                            withOptionalMutablePointer(bias?.gradient) { db in
                                body(BackwardPointers(input: x, output: y, weight: w, gradWeight: dw,
                                                      gradInput: needsInputGradient ? dx : nil, gradBias: db))
                            }
                        }
                    }
                }
            }
        }
    }

    private func prepare(_ shape: [Int], _ makeGeometry: ([Int]) -> Kind.Geometry) -> (Kind.Geometry, Kind.Workspace) {
        if let workspace, let geometry, shape == lastInputShape { return (geometry, workspace) }
        let current = workspace.flatMap { ws in geometry.map { (shape: lastInputShape, geometry: $0, workspace: ws) } }
        let (g, ws): (Kind.Geometry, Kind.Workspace)
        if let previous = previousShape, previous.shape == shape {
            (g, ws) = (previous.geometry, previous.workspace)
        } else {
            g = makeGeometry(shape)
            ws = Kind.workspace(g)
            workspacesBuilt += 1
        }
        previousShape = current
        workspace = ws
        geometry = g
        lastInputShape = shape
        output.resize(to: g.outputShape)
        gradInput.resize(to: g.inputShape)
        return (g, ws)
    }
}

extension ConvolutionRunner where Kind == Conv2dKind {
    /// After `forward` and ReLU + 2x2 max pooling of its output (the pooling layer's
    /// `forwardApplyingReLU`): the backward pass of the three from the gradient at the pooling's
    /// output, through the pooling's winners only (`conv2dBackwardThroughReLUAndPooling`). nil,
    /// doing nothing, when that does not run for these shapes or kernels: the caller then runs
    /// the pooling's, ReLU's and this layer's backward passes.
    func backwardThroughReLUAndPooling(_ pool: MaxPool2d, _ gradOutput: Tensor, layer: ConvolutionLayer,
                                       needsInputGradient: Bool) -> Tensor? {
        guard let ws = workspace, let g = geometry, let lastInput, let poolGeometry = pool.lastGeometry,
              poolGeometry.inputShape == g.outputShape else { return nil }
        precondition(gradOutput.shape == poolGeometry.outputShape,
                     "Conv2d.backwardThroughReLUAndPooling: gradient shape \(gradOutput.shape), expected \(poolGeometry.outputShape)")
        let ran = pool.withPooling { pooled, argmax in
            gradOutput.withPointer { dy in
                withBackwardPointers(input: lastInput, layer: layer, needsInputGradient: needsInputGradient) { p in
                    let winners = PooledWinners(geometry: poolGeometry, gradient: dy, pooled: pooled, argmax: argmax)
                    return conv2dBackwardThroughReLUAndPooling(
                        g, winners: winners, input: p.input, weight: p.weight, gradInput: p.gradInput,
                        gradWeight: p.gradWeight, gradBias: p.gradBias, workspace: ws)
                }
            }
        }
        guard ran else { return nil }
        return needsInputGradient ? gradInput : noGradient
    }
}

extension ConvolutionRunner where Kind == ConvTranspose2dKind {
    /// Whether `backward(from:prediction:target:...)` runs: the direct plan, after a forward pass
    /// that applied a sigmoid and produced `prediction` (this layer's output buffer).
    func takesSquaredError(of prediction: Tensor) -> Bool {
        guard let ws = workspace, prediction === output else { return false }
        return ws.takesSquaredError(after: lastActivation)
    }

    /// The backward pass from `loss` of `prediction` against `target` (only when
    /// `takesSquaredError(of: prediction)`), which this layer takes image by image
    /// (`SquaredErrorImages`; the loss's gradient is never written for the whole batch). Returns
    /// the loss value and the input gradient. `inputReader`: as `backward`'s.
    func backward(from loss: SquaredErrorLoss, prediction: Tensor, target: Tensor, layer: ConvolutionLayer,
                  needsInputGradient: Bool, inputReader: InputGradientReader?) -> (value: Float, gradient: Tensor) {
        precondition(takesSquaredError(of: prediction), "ConvTranspose2d.backward(from:): not after a fused sigmoid on the direct kernels")
        guard let ws = workspace, let g = geometry, let lastInput else {
            preconditionFailure("\(Kind.layerName).backward called before forward")
        }
        let value = loss.takenByImages(prediction: prediction, target: target) { squaredError in
            withBackwardPointers(input: lastInput, layer: layer, needsInputGradient: needsInputGradient) { p in
                // gradOutput is not read (the loss gives it); the output stands in.
                convTranspose2dBackward(g, gradOutput: p.output, weight: p.weight, gradInput: p.gradInput,
                                        gradWeight: p.gradWeight, gradBias: p.gradBias, workspace: ws, input: p.input,
                                        activation: lastActivation, output: p.output,
                                        inputReader: inputReader, squaredError: squaredError)
            }
        }
        return (value, needsInputGradient ? gradInput : noGradient)
    }
}

/// `body` with a pointer to the tensor's values, or nil without a tensor.
@inline(__always)
private func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withPointer { body($0) }
}

/// `body` with a mutable pointer to the tensor's values, or nil without a tensor.
@inline(__always)
private func withOptionalMutablePointer<R>(_ tensor: Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withMutablePointer { body($0) }
}

extension ConvolutionRunner where Kind == Conv2dKind {
    /// The forward pass and `pool`'s as one (`ConvolutionLayer.forwardAveraging`): the pooling's
    /// output, or nil (nothing run) unless `conv2dPointwiseMeanRuns` for this shape.
    func forwardAveraging(_ pool: AvgPool2d, _ input: Tensor, layer: ConvolutionLayer) -> Tensor? {
        guard let shape = try? Kind.geometry(settings, inputShape: input.shape).outputShape,
              let poolGeometry = try? pool.geometry(for: shape) else { return nil }
        let (weight, bias) = (layer.weight, layer.bias)
        let (g, ws) = prepare(input.shape) { _ in
            validated(layer, input.shape) { (s) throws(ShapeError) in try Kind.geometry(settings, inputShape: s) }
        }
        guard conv2dPointwiseMeanRuns(g, pool: poolGeometry, workspace: ws) else { return nil }
        lastInput = input
        lastActivation = .none
        return pool.poolForConvolution(shape) { poolGeometry, pooled in
            input.withPointer { x in
                weight.value.withPointer { w in
                    withOptionalPointer(bias?.value) { b in
                        conv2dPointwiseMeanForward(g, pool: poolGeometry, input: x, weight: w, bias: b, pooled: pooled,
                                                   workspace: ws)
                    }
                }
            }
            return true
        }
    }

    /// The backward pass of `forwardAveraging` (`ConvolutionLayer.backwardThroughAveraging`).
    func backwardThroughAveraging(_ pool: AvgPool2d, _ gradOutput: Tensor, layer: ConvolutionLayer,
                                  needsInputGradient: Bool, inputReader: InputGradientReader?) -> Tensor {
        guard let ws = workspace, let g = geometry, let lastInput, let poolGeometry = try? pool.geometry(for: g.outputShape)
        else { preconditionFailure("Conv2d.backwardThroughAveraging called before forwardAveraging") }
        precondition(gradOutput.shape == poolGeometry.outputShape,
                     "Conv2d.backwardThroughAveraging: gradient shape \(gradOutput.shape), expected \(poolGeometry.outputShape)")
        gradOutput.withPointer { dy in
            withBackwardPointers(input: lastInput, layer: layer, needsInputGradient: needsInputGradient) { p in
                conv2dPointwiseMeanBackward(g, pool: poolGeometry, gradPooled: dy, input: p.input, weight: p.weight,
                                            gradInput: p.gradInput, gradWeight: p.gradWeight, gradBias: p.gradBias,
                                            workspace: ws, inputReader: needsInputGradient ? inputReader : nil)
            }
        }
        return needsInputGradient ? gradInput : noGradient
    }
}
