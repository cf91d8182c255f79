import Kernels

/// Which implementation evaluates a case.
public enum KernelPath: Sendable, CaseIterable {
    /// The kernels training uses (`DirectConvolution.active`): the direct convolutions in their
    /// best form for this CPU (or the one `CNNLAB_KERNELS` names), otherwise the same as `portable`.
    case fast
    /// The direct convolutions in AVX2 + FMA form, as on a CPU without AVX-512 (on a CPU without
    /// AVX2 + FMA, the same as `portable`).
    case avx2
    /// im2col + OpenBLAS convolutions, which run on any CPU.
    case portable
    /// The plain loops, summing in Double.
    case reference

    /// The convolution kernels of the path; nil for the reference loops.
    public var convolutionKernels: ConvolutionKernels? {
        switch self {
        case .fast: DirectConvolution.active
        case .avx2: ConvolutionKernels.avx2.runs(on: DirectConvolution.best) ? .avx2 : .portable
        case .portable: .portable
        case .reference: nil
        }
    }
}

/// What `cnnlab eval` prints for one case: the forward output and the gradients of the inputs
/// for the case's grad_output. Flat row-major values with their shapes.
public struct OpCaseResult: Sendable {
    public var name: String
    public var output: [Float]
    public var outputShape: [Int]
    public var gradInput: [Float]
    public var inputShape: [Int]
    /// nil for pooling.
    public var gradWeight: [Float]?
    public var weightShape: [Int]?
    /// nil for pooling and for convolutions without bias.
    public var gradBias: [Float]?
    /// batch_norm2d: the running statistics after the call (moved in training, unchanged in eval).
    public var runningMean: [Float]? = nil
    public var runningVar: [Float]? = nil
}

extension OpCase {
    /// Runs the case forward and backward. The case was validated when parsed, so this cannot fail.
    public func evaluate(_ path: KernelPath) -> OpCaseResult {
        var output = [Float](repeating: 0, count: geometry.outputShape.reduce(1, *))
        var gradInput = [Float](repeating: 0, count: input.count)
        var gradWeight = weight.map { [Float](repeating: 0, count: $0.count) }
        var gradBias = bias.map { [Float](repeating: 0, count: $0.count) }
        let weightValues = weight ?? [0], biasValues = bias ?? [0], hasBias = bias != nil
        var gradWeightBuffer = gradWeight ?? [0], gradBiasBuffer = gradBias ?? [0]
        var statistics: (mean: [Float], variance: [Float])?
        input.withUnsafeBufferPointer { x in
        weightValues.withUnsafeBufferPointer { w in
        biasValues.withUnsafeBufferPointer { b in
        gradOutput.withUnsafeBufferPointer { dy in
        output.withUnsafeMutableBufferPointer { y in
        gradInput.withUnsafeMutableBufferPointer { dx in
        gradWeightBuffer.withUnsafeMutableBufferPointer { dw in
        gradBiasBuffer.withUnsafeMutableBufferPointer { db in
            let (x, w, dy, y, dx, dw) = (x.baseAddress!, w.baseAddress!, dy.baseAddress!, y.baseAddress!,
                                          dx.baseAddress!, dw.baseAddress!)
            let bias = hasBias ? b.baseAddress! : nil
            let gradBias = hasBias ? db.baseAddress! : nil
            switch (geometry, path.convolutionKernels) {
            case (.conv2d(let g), .some(let kernels)):
                let workspace = Conv2dWorkspace(g, kernels: kernels)
                conv2dForward(g, input: x, weight: w, bias: bias, output: y, workspace: workspace)
                conv2dBackward(g, gradOutput: dy, weight: w, gradInput: dx, gradWeight: dw, gradBias: gradBias,
                               workspace: workspace)
            case (.conv2d(let g), .none):
                conv2dForwardReference(g, input: x, weight: w, bias: bias, output: y)
                conv2dBackwardReference(g, input: x, weight: w, gradOutput: dy, gradInput: dx, gradWeight: dw,
                                        gradBias: gradBias)
            case (.convTranspose2d(let g), .some(let kernels)):
                let workspace = ConvTranspose2dWorkspace(g, kernels: kernels)
                convTranspose2dForward(g, input: x, weight: w, bias: bias, output: y, workspace: workspace)
                convTranspose2dBackward(g, gradOutput: dy, weight: w, gradInput: dx, gradWeight: dw,
                                        gradBias: gradBias, workspace: workspace)
            case (.convTranspose2d(let g), .none):
                convTranspose2dForwardReference(g, input: x, weight: w, bias: bias, output: y)
                convTranspose2dBackwardReference(g, input: x, weight: w, gradOutput: dy, gradInput: dx,
                                                 gradWeight: dw, gradBias: gradBias)
            case (.maxPool2d(let g), .some):
                var argmax = [Int32](repeating: -1, count: g.outputCount)
                argmax.withUnsafeMutableBufferPointer { a in
                    maxPool2dForward(g, input: x, output: y, argmax: a.baseAddress!)
                    maxPool2dBackward(g, gradOutput: dy, argmax: a.baseAddress!, gradInput: dx)
                }
            case (.maxPool2d(let g), .none):
                maxPool2dForwardReference(g, input: x, output: y)
                maxPool2dBackwardReference(g, input: x, gradOutput: dy, gradInput: dx)
            case (.avgPool2d(let g), .some):
                avgPool2dForward(g, input: x, output: y)
                avgPool2dBackward(g, gradOutput: dy, gradInput: dx)
            case (.avgPool2d(let g), .none):
                avgPool2dForwardReference(g, input: x, output: y)
                avgPool2dBackwardReference(g, gradOutput: dy, gradInput: dx)
            case (.batchNorm2d(let settings), _):
                let affine = weight != nil
                statistics = evaluateBatchNorm(settings, path: path, input: x, weight: affine ? w : nil, bias: affine ? b.baseAddress! : nil,
                                               gradOutput: dy, output: y, gradInput: dx,
                                               gradWeight: affine ? dw : nil, gradBias: affine ? db.baseAddress! : nil)
            case (.leakyReLU(_, let slope), .some):
                leakyReLUForward(input: x, output: y, count: input.count, slope: slope)
                leakyReLUBackward(input: x, gradOutput: dy, gradInput: dx, count: input.count, slope: slope)
            case (.leakyReLU(_, let slope), .none):
                leakyReLUForwardReference(input: x, output: y, count: input.count, slope: slope)
                leakyReLUBackwardReference(input: x, gradOutput: dy, gradInput: dx, count: input.count, slope: slope)
            case (.tanh, .some):
                tanhForward(input: x, output: y, count: input.count)
                tanhBackward(output: y, gradOutput: dy, gradInput: dx, count: input.count)
            case (.tanh, .none):
                tanhForwardReference(input: x, output: y, count: input.count)
                tanhBackwardReference(input: x, gradOutput: dy, gradInput: dx, count: input.count)
            }
        }}}}}}}}
        if gradWeight != nil { gradWeight = gradWeightBuffer }
        if gradBias != nil { gradBias = gradBiasBuffer }
        let dropBatch = unbatched ? 1 : 0
        return OpCaseResult(name: name, output: output, outputShape: Array(geometry.outputShape.dropFirst(dropBatch)),
                            gradInput: gradInput, inputShape: Array(geometry.inputShape.dropFirst(dropBatch)),
                            gradWeight: gradWeight,
                            weightShape: geometry.weightShape, gradBias: gradBias,
                            runningMean: statistics?.mean, runningVar: statistics?.variance)
    }

    /// Batch norm forward and backward as the layer runs them: in training with the batch's
    /// statistics, then the running ones moved by momentum; in eval with the running ones.
    /// Returns the running statistics after the call.
    private func evaluateBatchNorm(_ settings: BatchNormSettings, path: KernelPath, input x: UnsafePointer<Float>,
                                   weight w: UnsafePointer<Float>?, bias b: UnsafePointer<Float>?,
                                   gradOutput dy: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                                   gradInput dx: UnsafeMutablePointer<Float>, gradWeight dw: UnsafeMutablePointer<Float>?,
                                   gradBias db: UnsafeMutablePointer<Float>?) -> (mean: [Float], variance: [Float]) {
        let s = settings.shape
        let reference = path == .reference
        var runningMean = self.runningMean ?? [Float](repeating: 0, count: s.channels)
        var runningVar = self.runningVar ?? [Float](repeating: 1, count: s.channels)
        var mean = [Float](repeating: 0, count: s.channels), invStd = mean, variance = mean
        if settings.training {
            (reference ? batchNorm2dForwardTrainingReference : batchNorm2dForwardTraining)(
                s, x, w, b, settings.eps, y, &mean, &invStd, &variance)
            (reference ? batchNorm2dUpdateRunningStatisticsReference : batchNorm2dUpdateRunningStatistics)(
                s, mean, variance, settings.momentum, &runningMean, &runningVar)
        } else {
            (reference ? batchNorm2dForwardEvalReference : batchNorm2dForwardEval)(
                s, x, w, b, runningMean, runningVar, settings.eps, y)
            mean = runningMean
            invStd = runningVar.map { Float(1 / (Double($0) + Double(settings.eps)).squareRoot()) }
        }
        (reference ? batchNorm2dBackwardReference : batchNorm2dBackward)(
            s, x, dy, w, mean, invStd, settings.training, dx, dw, db)
        return (runningMean, runningVar)
    }
}
