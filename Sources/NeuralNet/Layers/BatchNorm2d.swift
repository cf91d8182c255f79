/// Batch normalisation over the channels of images, as PyTorch's `nn.BatchNorm2d`.
///
/// In training each channel is normalised with the batch's mean and biased variance, and the
/// running statistics move towards them by `momentum` (the variance unbiased, as PyTorch);
/// in evaluation the running statistics are used. weight (ones) and bias (zeros) exist with
/// `affine`; buffers running_mean (zeros), running_var (ones), num_batches_tracked (int64).
public final class BatchNorm2d: Layer, @unchecked Sendable {
    public let numFeatures: Int
    public let eps: Float
    public let momentum: Float
    public let weight: Parameter?
    public let bias: Parameter?
    public let runningMean: LayerBuffer
    public let runningVar: LayerBuffer
    public let numBatchesTracked: LayerBuffer
    public private(set) var mode: LayerMode = .training

    private var input: Tensor?
    /// Plane moments of the next input, written by the layer before (Sequential: a Conv2d) while it
    /// wrote that input: for the tensor `momentsInput` of shape `momentsShape`.
    private var moments: UnsafeMutablePointer<Float>?
    private var momentsCapacity = 0
    private var momentsShape: [Int] = []
    private var momentsInput: Tensor?
    private var modeOfLastForward: LayerMode = .training
    private let output = Tensor(zeros: [0])
    private let gradInput = Tensor(zeros: [0])
    private let noGradient = Tensor(zeros: [0])
    /// Per channel: the mean and 1/sqrt(var + eps) the last forward used, and the batch variance.
    private var savedMean: [Float]
    private var savedInvStd: [Float]
    private var batchVariance: [Float]
    /// The activation the last forward pass applied to its output (`forwardApplying`), and its slope.
    private(set) var appliedActivation: BatchNormActivation = .none
    private var appliedSlope: Float = 0
    /// The backward pass's terms per channel (`batchNormTermsPerChannel` floats a channel).
    private let backwardTerms: UnsafeMutablePointer<Float>
    /// Every plane's gradient sums (`batchNormSumsPerPlane` floats a plane), taken by the layer after
    /// this one (`takingGradientSums`) from `sumsGradient` as it wrote it; they serve one backward pass.
    private var gradientSums: UnsafeMutablePointer<Float>?
    private var gradientSumsCapacity = 0
    private var sumsGradient: Tensor?

    public init(_ numFeatures: Int, eps: Float = 1e-5, momentum: Float = 0.1, affine: Bool = true) {
        precondition(numFeatures >= 1, "BatchNorm2d: num_features must be at least 1")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Parameter(name: "weight", value: Tensor(shape: [numFeatures], repeating: 1)) : nil
        bias = affine ? Parameter(name: "bias", value: Tensor(zeros: [numFeatures])) : nil
        runningMean = LayerBuffer(name: "running_mean", value: Tensor(zeros: [numFeatures]))
        runningVar = LayerBuffer(name: "running_var", value: Tensor(shape: [numFeatures], repeating: 1))
        numBatchesTracked = LayerBuffer(name: "num_batches_tracked", integer: 0)
        savedMean = [Float](repeating: 0, count: numFeatures)
        savedInvStd = [Float](repeating: 0, count: numFeatures)
        batchVariance = [Float](repeating: 0, count: numFeatures)
        backwardTerms = .allocate(capacity: batchNormTermsPerChannel * numFeatures)
        deferredScaleShift = .allocate(capacity: 2 * numFeatures)
    }

    deinit {
        moments?.deallocate()
        gradientSums?.deallocate()
        backwardTerms.deallocate()
        deferredScaleShift.deallocate()
    }

    /// Room for the plane moments (`batchNorm2dPlaneMoments`) of an input of `shape` [N, C, H, W],
    /// for the layer that writes that input.
    func planeMomentsBuffer(for shape: [Int]) -> UnsafeMutablePointer<Float> {
        let count = max(3 * shape[0] * shape[1], 1)
        if count > momentsCapacity {
            moments?.deallocate()
            moments = .allocate(capacity: count)
            momentsCapacity = count
        }
        momentsShape = shape
        return moments!
    }

    /// The buffer of `planeMomentsBuffer` holds the moments of `input`: the next forward pass in
    /// training takes its statistics from them instead of reading `input` again (the same bits).
    func expectPlaneMoments(of input: Tensor) {
        momentsInput = input
    }

    /// The moments for this forward pass's `input` if the layer before wrote them (training only);
    /// they serve one forward pass.
    private func takePlaneMoments(for input: Tensor) -> UnsafePointer<Float>? {
        defer { momentsInput = nil }
        statisticsFromPlaneMoments = false
        guard mode == .training, let expected = momentsInput, expected === input, input.shape == momentsShape,
              let moments else { return nil }
        statisticsFromPlaneMoments = true
        return UnsafePointer(moments)
    }

    /// Whether the last forward pass took its statistics from the plane moments of the layer before.
    private(set) var statisticsFromPlaneMoments = false

    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }
    public var buffers: [LayerBuffer] { [runningMean, runningVar, numBatchesTracked] }
    public func setMode(_ mode: LayerMode) { self.mode = mode }

    public var description: String {
        "BatchNorm2d(\(numFeatures), eps=\(PythonFloat.text(eps)), momentum=\(PythonFloat.text(momentum)), "
            // PyTorch 2.15 prints its keyword-only `bias` too; here it follows `affine`.
            + "affine=\(weight == nil ? "False" : "True"), bias=\(bias == nil ? "False" : "True"), track_running_stats=True)"
    }

    public func outputShape(for inputShape: [Int]) throws(ShapeError) -> [Int] {
        try requireImageBatch(inputShape, channels: numFeatures, layer: "BatchNorm2d")
        if mode == .training && inputShape[0] * inputShape[2] * inputShape[3] <= 1 {
            throw ShapeError(field: "input", reason: "BatchNorm2d in training needs more than one value per channel, got \(inputShape)")
        }
        return inputShape
    }

    public func forward(_ input: Tensor) -> Tensor {
        forwardApplying(.none, slope: 0, input)
    }

    /// What every fused forward pass starts with: checks the input's shape, takes the plane moments a
    /// convolution before may have gathered, and records what the backward pass will need (the input,
    /// the mode, the activation applied, the pool written into, whether the output was deferred).
    private func beginFusedForward(_ input: Tensor, activation: BatchNormActivation, slope: Float, pooledInto pool: MaxPool2d?,
                                   deferred: Bool) -> (shape: BatchNorm2dShape, moments: UnsafePointer<Float>?) {
        precondition(input.rank == 4 && input.shape[1] == numFeatures,
                     "\(description) cannot take input shape \(input.shape)")
        let moments = takePlaneMoments(for: input)
        self.input = input
        sumsGradient = nil
        modeOfLastForward = mode
        appliedActivation = activation
        appliedSlope = slope
        pooledInto = pool
        deferredApply = deferred
        return (BatchNorm2dShape(input.shape), moments)
    }

    /// The forward pass followed by ReLU or LeakyReLU of `slope` (>= 0) in the same pass over the
    /// output, as Sequential runs a batch norm and the activation after it: the same bits as the two
    /// layers, and the activation's output is never written separately. `backwardThroughActivation`
    /// is its backward pass.
    func forwardApplying(_ activation: BatchNormActivation, slope: Float, _ input: Tensor) -> Tensor {
        let (s, moments) = beginFusedForward(input, activation: activation, slope: slope, pooledInto: nil, deferred: false)
        output.resize(to: input.shape)
        withAffine { w, b in
            input.withPointer { x in
                output.withMutablePointer { y in
                    switch mode {
                    case .training:
                        batchNorm2dForwardTraining(s, input: x, weight: w, bias: b, eps: eps, output: y,
                                                   saveMean: &savedMean, saveInvStd: &savedInvStd, batchVariance: &batchVariance,
                                                   activation: activation, slope: slope, moments: moments)
                        updateRunningStatistics(s)
                    case .evaluation:
                        runningMean.value.withPointer { rm in
                            runningVar.value.withPointer { rv in
                                batchNorm2dForwardEval(s, input: x, weight: w, bias: b, runningMean: rm, runningVar: rv,
                                                       eps: eps, output: y, activation: activation, slope: slope)
                                for c in 0..<numFeatures {
                                    savedMean[c] = rm[c]
                                    savedInvStd[c] = Float(1 / (Double(rv[c]) + Double(eps)).squareRoot())
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Per channel the scale, then the shift, of the last `forwardDeferringApply` (2 * numFeatures floats).
    private let deferredScaleShift: UnsafeMutablePointer<Float>

    /// Whether the last forward pass left its output unwritten (`forwardDeferringApply`).
    private(set) var deferredApply = false

    /// The training forward pass with `activation` (as `forwardApplying`) for a convolution that
    /// takes this layer's output next and copies each image of it anyway (`Sequential`): the
    /// statistics over the whole batch and the running statistics now, then the output image by
    /// image as the convolution asks for it (`ImageInput`, the bits of `forwardApplying`'s output),
    /// in its forward pass and again in its backward pass; valid until this layer's next forward
    /// pass. The returned tensor has the output's shape but is NOT written: only that convolution
    /// may take it. The backward passes are those of `forwardApplying`.
    func forwardDeferringApply(_ activation: BatchNormActivation, slope: Float, _ input: Tensor) -> (output: Tensor, images: ImageInput) {
        precondition(mode == .training, "BatchNorm2d.forwardDeferringApply: training only")
        let (s, moments) = beginFusedForward(input, activation: activation, slope: slope, pooledInto: nil, deferred: true)
        output.resize(to: input.shape)
        let scale = deferredScaleShift, shift = deferredScaleShift + numFeatures
        withAffine { w, b in
            input.withPointer { x in
                batchNorm2dStatisticsTraining(s, input: x, weight: w, bias: b, eps: eps, saveMean: &savedMean,
                                              saveInvStd: &savedInvStd, batchVariance: &batchVariance,
                                              scale: scale, shift: shift, moments: moments)
            }
        }
        updateRunningStatistics(s)
        let (height, width) = (input.shape[2], input.shape[3])
        let images = ImageInput({ image, into in
            input.withPointer { x in
                batchNorm2dApplyImage(s, input: x, image: image, scale: scale, shift: shift, activation: activation,
                                      slope: slope, output: into)
            }
        }, rows: { image, into, plane, rowStride in
            input.withPointer { x in
                batchNorm2dApplyImage(s, height: height, width: width, input: x, image: image, scale: scale, shift: shift,
                                      activation: activation, slope: slope, output: into, outputPlane: plane,
                                      outputRowStride: rowStride)
            }
        })
        return (output, images)
    }

    /// The pooling layer the last forward pass wrote into (`forwardApplyingReLUAndPooling`), else nil.
    private(set) var pooledInto: MaxPool2d?

    /// The forward pass followed by ReLU and `pool` (2x2 windows that tile the input:
    /// `pool.tilesTwoByTwo(input.shape)`), as Sequential runs `BatchNorm2d, ReLU, MaxPool2d(2)`: one
    /// pass after the statistics writes the pooled output and argmax into `pool` (the same bits as
    /// the three layers); neither the batch norm's output nor the ReLU's is written. Returns the
    /// pooled output; `backwardThroughReLUAndPooling` is its backward pass.
    func forwardApplyingReLUAndPooling(_ pool: MaxPool2d, _ input: Tensor) -> Tensor {
        let (s, moments) = beginFusedForward(input, activation: .none, slope: appliedSlope, pooledInto: pool, deferred: false)
        let training = mode == .training
        let pooled = pool.poolForBatchNorm(input.shape) { pooled, argmax in
            withAffine { w, b in
                input.withPointer { x in
                    withRunningStatistics(training ? nil : (runningMean.value, runningVar.value)) { rm, rv in
                        batchNorm2dReLUMaxPool2x2Forward(s, height: input.shape[2], width: input.shape[3], input: x,
                                                         weight: w, bias: b, eps: eps, runningMean: rm, runningVar: rv,
                                                         pooled: pooled, argmax: argmax, saveMean: &savedMean,
                                                         saveInvStd: &savedInvStd, batchVariance: &batchVariance,
                                                         moments: moments)
                    }
                }
            }
        }
        if training { updateRunningStatistics(s) }
        return pooled
    }

    /// The backward pass of `forwardApplyingReLUAndPooling`: `gradOutput` is the gradient of the
    /// pooled output; returns the gradient at the batch norm's input.
    func backwardThroughReLUAndPooling(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        gaveGradientByImage = false
        guard let input, let pool = pooledInto else {
            preconditionFailure("BatchNorm2d.backwardThroughReLUAndPooling: the last forward pass did not pool")
        }
        let s = BatchNorm2dShape(input.shape)
        gradInput.resize(to: input.shape)
        let training = modeOfLastForward == .training
        withAffine { w, _ in
            withAffineGradients { dw, db in
                input.withPointer { x in
                    gradOutput.withPointer { dy in
                        gradInput.withMutablePointer { dx in
                            pool.withPooling { pooled, argmax in
                                batchNorm2dReLUMaxPool2x2Backward(s, height: input.shape[2], width: input.shape[3], input: x,
                                                                  pooledGradient: dy, pooled: pooled, argmax: argmax,
                                                                  weight: w, mean: savedMean, invStd: savedInvStd,
                                                                  training: training, gradInput: needsInputGradient ? dx : nil,
                                                                  gradWeight: dw, gradBias: db)
                            }
                        }
                    }
                }
            }
        }
        return needsInputGradient ? gradInput : noGradient
    }

    /// Per channel, what the input gradient of `withImageGradients` needs between its two halves.
    private var pooledCoefficients: [Float] = []

    /// Whether the last backward pass gave its input gradient image by image (`withImageGradients`).
    private(set) var gaveGradientByImage = false

    /// The backward pass for a convolution before this layer that takes its output gradient image by
    /// image (`Sequential`): the sums over the batch and the parameter gradients now, then `body`
    /// gets the input gradient as an `ImageGradient` (the bits of `backwardThroughReLUAndPooling`'s
    /// after `forwardApplyingReLUAndPooling`, else of `backwardThroughActivation`'s, image by image),
    /// valid during `body` only. The whole batch's input gradient is never written: each image's
    /// goes into the convolution's buffer.
    func withImageGradients<R>(_ gradOutput: Tensor, _ body: (ImageGradient) -> R) -> R {
        gaveGradientByImage = true
        return pooledInto == nil ? withActivationImageGradients(gradOutput, body) : withPooledImageGradients(gradOutput, body)
    }

    /// `withImageGradients` after `forwardApplyingReLUAndPooling`.
    private func withPooledImageGradients<R>(_ gradOutput: Tensor, _ body: (ImageGradient) -> R) -> R {
        guard let input, let pool = pooledInto else {
            preconditionFailure("BatchNorm2d.withImageGradients: the last forward pass did not pool")
        }
        let s = BatchNorm2dShape(input.shape)
        let (height, width) = (input.shape[2], input.shape[3])
        let training = modeOfLastForward == .training
        let count = batchNormPooledCoefficientsPerChannel * numFeatures
        if pooledCoefficients.count != count { pooledCoefficients = [Float](repeating: 0, count: count) }
        return withAffine { w, _ in
            input.withPointer { x in
                gradOutput.withPointer { dy in
                    savedMean.withUnsafeBufferPointer { mean in
                        savedInvStd.withUnsafeBufferPointer { invStd in
                            pooledCoefficients.withUnsafeMutableBufferPointer { coefficients in
                                let k = coefficients.baseAddress!, m = mean.baseAddress!, v = invStd.baseAddress!
                                return pool.withPooling { pooled, argmax in
                                    withAffineGradients { dw, db in
                                        batchNorm2dReLUMaxPool2x2BackwardSums(
                                            s, height: height, width: width, input: x, pooledGradient: dy, pooled: pooled,
                                            argmax: argmax, weight: w, mean: m, invStd: v, gradWeight: dw, gradBias: db,
                                            coefficients: k)
                                    }
                                    return body(ImageGradient { image, into in
                                        batchNorm2dReLUMaxPool2x2InputGradient(s, height: height, width: width, input: x,
                                                                               pooledGradient: dy, pooled: pooled, argmax: argmax,
                                                                               image: image, mean: m, invStd: v, training: training,
                                                                               coefficients: k, gradInput: into)
                                    })
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `withImageGradients` after `forwardApplying` (any activation): the terms of the input gradient
    /// from the planes' sums (the reader's of `takingGradientSums`, or taken here), then each image's
    /// input gradient on the convolution's threads (`batchNorm2dImageInputGradient`).
    private func withActivationImageGradients<R>(_ gradOutput: Tensor, _ body: (ImageGradient) -> R) -> R {
        guard let input else { preconditionFailure("BatchNorm2d.withImageGradients called before forward") }
        precondition(gradOutput.shape == input.shape, "BatchNorm2d.backward: gradient shape \(gradOutput.shape), expected \(input.shape)")
        let s = BatchNorm2dShape(input.shape)
        let training = modeOfLastForward == .training
        let (activation, slope, terms) = (appliedActivation, appliedSlope, backwardTerms)
        let sums = takeGradientSums(for: gradOutput)
        return input.withPointer { x in
            gradOutput.withPointer { dy in
                savedMean.withUnsafeBufferPointer { mean in
                    savedInvStd.withUnsafeBufferPointer { invStd in
                        let m = mean.baseAddress!, v = invStd.baseAddress!
                        withAffine { w, b in
                            withAffineGradients { dw, db in
                                batchNorm2dGradientGate(s, weight: w, bias: b, mean: m, invStd: v, terms: terms)
                                batchNorm2dGradientTerms(s, input: x, gradOutput: dy, weight: w, mean: m, invStd: v,
                                                         activation: activation, slope: slope, sums: sums,
                                                         gradWeight: dw, gradBias: db, terms: terms)
                            }
                        }
                        return body(ImageGradient { image, into in
                            batchNorm2dImageInputGradient(s, input: x, gradOutput: dy, image: image, mean: m, invStd: v,
                                                          training: training, activation: activation, slope: slope,
                                                          terms: terms, gradInput: into)
                        })
                    }
                }
            }
        }
    }

    /// Whether the last backward pass took its plane sums from the layer after it (`takingGradientSums`).
    private(set) var gradientSumsFromReader = false

    /// For the layer after this one (after the activation it applies: `forwardApplying`), whose
    /// backward pass writes this layer's output gradient (`Sequential`: a convolution): `body` runs
    /// that pass with a reader that takes this layer's plane sums from each image of the gradient
    /// as it is written (still in cache), and returns the gradient. When it has this layer's input
    /// shape, this layer's next backward pass from it uses those sums instead of reading it for
    /// them (the same bits: each plane's sums are its own; `batchNorm2dImageGradientSums`).
    func takingGradientSums(_ body: (InputGradientReader) -> Tensor) -> Tensor {
        guard let input, pooledInto == nil else {
            preconditionFailure("BatchNorm2d.takingGradientSums: no forward pass, or a pooled one")
        }
        let s = BatchNorm2dShape(input.shape)
        let count = max(batchNormSumsPerPlane * s.batch * s.channels, 1)
        if count > gradientSumsCapacity {
            gradientSums?.deallocate()
            gradientSums = .allocate(capacity: count)
            gradientSumsCapacity = count
        }
        let (activation, slope, terms, sums) = (appliedActivation, appliedSlope, backwardTerms, gradientSums!)
        let gradient = input.withPointer { x in
            savedMean.withUnsafeBufferPointer { mean in
                let m = mean.baseAddress!
                savedInvStd.withUnsafeBufferPointer { invStd in
                    withAffine { w, b in
                        batchNorm2dGradientGate(s, weight: w, bias: b, mean: m, invStd: invStd.baseAddress!, terms: terms)
                    }
                }
                return body(InputGradientReader { image, gradient in
                    batchNorm2dImageGradientSums(s, input: x, image: image, gradient: gradient, mean: m,
                                                 terms: terms, activation: activation, slope: slope, sums: sums)
                })
            }
        }
        sumsGradient = gradient.shape == input.shape ? gradient : nil
        return gradient
    }

    /// The plane sums `takingGradientSums` took from `gradOutput`, or nil; they serve one backward pass.
    private func takeGradientSums(for gradOutput: Tensor) -> UnsafePointer<Float>? {
        defer { sumsGradient = nil }
        gradientSumsFromReader = false
        guard let expected = sumsGradient, expected === gradOutput, let gradientSums else { return nil }
        gradientSumsFromReader = true
        return UnsafePointer(gradientSums)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        backward(gradOutput, needsInputGradient: true)
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        precondition(appliedActivation == .none, "BatchNorm2d.backward: the last forward pass applied an activation; "
                     + "use backwardThroughActivation")
        return backwardThroughActivation(gradOutput, needsInputGradient: needsInputGradient)
    }

    /// The backward pass of `forwardApplying` (of `forward` when it applied none): `gradOutput` is
    /// the gradient of the activation's output.
    func backwardThroughActivation(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let input else { preconditionFailure("BatchNorm2d.backward called before forward") }
        precondition(gradOutput.shape == input.shape, "BatchNorm2d.backward: gradient shape \(gradOutput.shape), expected \(input.shape)")
        gaveGradientByImage = false
        let s = BatchNorm2dShape(input.shape)
        gradInput.resize(to: input.shape)
        let training = modeOfLastForward == .training
        let sums = takeGradientSums(for: gradOutput)
        withAffine { w, b in
            withAffineGradients { dw, db in
                input.withPointer { x in
                    gradOutput.withPointer { dy in
                        gradInput.withMutablePointer { dx in
                            batchNorm2dBackward(s, input: x, gradOutput: dy, weight: w, mean: savedMean, invStd: savedInvStd,
                                                training: training, activation: appliedActivation, slope: appliedSlope,
                                                bias: b, gradInput: needsInputGradient ? dx : nil,
                                                gradWeight: dw, gradBias: db, sums: sums)
                        }
                    }
                }
            }
        }
        return needsInputGradient ? gradInput : noGradient
    }

    /// After a training forward pass: the running statistics move towards the batch's.
    private func updateRunningStatistics(_ s: BatchNorm2dShape) {
        runningMean.value.withMutablePointer { rm in
            runningVar.value.withMutablePointer { rv in
                batchNorm2dUpdateRunningStatistics(s, batchMean: savedMean, batchVariance: batchVariance,
                                                   momentum: momentum, runningMean: rm, runningVar: rv)
            }
        }
        numBatchesTracked.integer += 1
    }

    /// `body` with pointers to the running mean and variance of `statistics`, or nil and nil.
    private func withRunningStatistics<R>(_ statistics: (Tensor, Tensor)?,
                                          _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
        guard let (mean, variance) = statistics else { return body(nil, nil) }
        return mean.withPointer { rm in variance.withPointer { rv in body(rm, rv) } }
    }

    private func withAffine<R>(_ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
        guard let weight, let bias else { return body(nil, nil) }
        return weight.value.withPointer { w in bias.value.withPointer { b in body(w, b) } }
    }

    private func withAffineGradients<R>(_ body: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> R) -> R {
        guard let weight, let bias else { return body(nil, nil) }
        return weight.gradient.withMutablePointer { w in bias.gradient.withMutablePointer { b in body(w, b) } }
    }
}

/// Python's repr of a float, as PyTorch prints eps, momentum and slopes: 1e-05, 0.1, 0.01
/// (Swift's shortest round-trip text is written the same way for these).
enum PythonFloat {
    static func text(_ value: Float) -> String { "\(value)" }
}
