import Kernels

/// The values and settings of an exploration after parsing: what the explorer screen edits
/// (stride keys, matrix editing, new random values) before it builds the traces again.
public struct ExploreSetup: Equatable, Sendable {
    public var operation: ExploreOperation
    /// N x C x H x W.
    public var input: Tensor4
    /// conv: F x C x kH x kW; convT: C x F x kH x kW; nil for pooling.
    public var weight: Tensor4?
    public var bias: [Float]?
    public var conv: ConvSettings
    public var pool: PoolSettings
    /// The upstream gradient for backward views; nil (or a shape that no longer fits) means ones.
    public var upstream: Tensor4?
    public var backward: Bool

    public init(operation: ExploreOperation, input: Tensor4, weight: Tensor4? = nil, bias: [Float]? = nil,
                conv: ConvSettings = ConvSettings(), pool: PoolSettings = PoolSettings(stride: Pair(1)),
                upstream: Tensor4? = nil, backward: Bool = false) {
        self.operation = operation; self.input = input; self.weight = weight; self.bias = bias
        self.conv = conv; self.pool = pool; self.upstream = upstream; self.backward = backward
    }

    /// The most multiplications a trace may hold: every one is kept for display, so a huge
    /// case would exhaust memory instead of teaching anything.
    public static var maximumTaps: Int { SizeLimits.explorerTaps.maximum }

    /// Checks the settings and computes the traces, or says what is wrong.
    public func build() throws(ExploreError) -> Exploration {
        try checkSizes()
        switch operation {
        case .pool:
            let probe = try PoolTrace(input: input, settings: pool)
            let up = upstream?.shape == probe.output.shape ? upstream : nil
            return Exploration(operation: .pool, pool: up == nil ? probe : try PoolTrace(input: input, settings: pool, upstream: up),
                               backward: backward, setup: self)
        case .conv:
            guard let weight else { throw ExploreError("a convolution needs a kernel") }
            let forward = try ConvTrace(input: input, weight: weight, bias: bias, settings: conv)
            let up = upstream?.shape == forward.output.shape ? upstream : nil
            return Exploration(operation: .conv, conv: forward, convBackward: try ConvBackward(forward: forward, upstream: up),
                               backward: backward, setup: self)
        case .convT:
            guard let weight else { throw ExploreError("a transposed convolution needs a kernel") }
            let trace = try ConvTransposeTrace(input: input, weight: weight, bias: bias, settings: conv)
            return Exploration(operation: .convT, convT: trace, zeroInsertion: try trace.directConvolution(),
                               backward: false, setup: self)
        }
    }

    /// Every size, setting and count against `SizeLimits`' explorer bounds, before any trace is
    /// allocated: a padding of 2^63 - 1 or a dilation of 4000 is refused here, naming the field
    /// and the limit, instead of trapping on overflow or building gigabytes of trace.
    @discardableResult
    func checkSizes() throws(ExploreError) -> TraceSize {
        let settings: (kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, outputPadding: Pair)
        switch operation {
        case .pool: settings = (pool.kernel, pool.stride, pool.padding, pool.dilation, Pair(0))
        case .conv, .convT: settings = (kernelSize, conv.stride, conv.padding, conv.dilation, conv.outputPadding)
        }
        // The lower bounds first, in the words the traces use.
        if operation == .pool { try SettingsCheck.positive(settings.kernel, "kernel size") }
        try SettingsCheck.window(stride: settings.stride, dilation: settings.dilation, padding: settings.padding)
        try SettingsCheck.nonNegative(settings.outputPadding, "output padding")
        let size: TraceSize
        do {
            try SizeLimits.check(input.batch, field: "input (samples)", minimum: 1, in: SizeLimits.explorerChannels)
            try SizeLimits.check(input.channels, field: "input (channels)", minimum: 1, in: SizeLimits.explorerChannels)
            let filters = operation == .convT ? (weight?.channels ?? 1) : (weight?.batch ?? 1)
            try SizeLimits.check(filters, field: "kernel (filters)", minimum: 1, in: SizeLimits.explorerChannels)
            let fields = SizeLimits.AxisFields(input: "input (rows or columns)", kernel: "kernel (rows or columns)",
                                               stride: "stride", padding: "padding", dilation: "dilation",
                                               outputPadding: "output padding")
            var padded: [Int] = [], output: [Int] = [], expanded: [Int] = []
            for (i, k, s, p, d, op) in [
                (input.height, settings.kernel.height, settings.stride.height, settings.padding.height,
                 settings.dilation.height, settings.outputPadding.height),
                (input.width, settings.kernel.width, settings.stride.width, settings.padding.width,
                 settings.dilation.width, settings.outputPadding.width)] {
                let axis = try SizeLimits.explorerAxis(input: i, kernel: k, stride: s, padding: p, dilation: d,
                                                       outputPadding: op, transposed: operation == .convT, fields: fields)
                padded.append(axis.padded)
                output.append(max(0, axis.output))
                // convT's direct view: S - 1 zeros between values, D(K - 1) - P on each side.
                expanded.append(max(0, (i - 1) * s + 1 + 2 * (d * (k - 1) - p) + op))
            }
            let channels = input.batch * input.channels
            _ = try SizeLimits.product([channels] + padded, field: "padded input", in: SizeLimits.explorerCells)
            _ = try SizeLimits.product([input.batch, filters] + output, field: "output", in: SizeLimits.explorerCells)
            if operation == .convT {
                _ = try SizeLimits.product([channels] + expanded, field: "zero-inserted input", in: SizeLimits.explorerCells)
            }
            size = try TraceSize(operation: operation, batch: input.batch, channels: input.channels,
                                 filters: operation == .pool ? 1 : filters, kernel: settings.kernel,
                                 input: Pair(height: input.height, width: input.width),
                                 output: Pair(height: output[0], width: output[1]))
        } catch {
            throw ExploreError(error)
        }
        if size.total > SizeLimits.explorerTaps.maximum { throw size.refusal(SizeLimits.explorerTaps) }
        return size
    }

    /// How many products the trace keeps (`TraceSize`), after checking every size as `build`
    /// does: `--json` holds it against its own, lower bound (`TraceSize.jsonLimit`).
    public func traceSize() throws(ExploreError) -> TraceSize {
        try checkSizes()
    }

    /// The kernel's height and width (the pool window for pooling).
    public var kernelSize: Pair {
        guard let weight else { return pool.kernel }
        return Pair(height: weight.height, width: weight.width)
    }
}
