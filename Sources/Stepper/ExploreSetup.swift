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
    public static let maximumTaps = 2_000_000

    /// Checks the settings and computes the traces, or says what is wrong.
    public func build() throws(ExploreError) -> Exploration {
        let taps = estimatedTaps
        if taps > Self.maximumTaps {
            throw ExploreError("this case has \(taps) multiplications to show; the explorer keeps at most "
                + "\(Self.maximumTaps): use a smaller input, kernel, or fewer channels or filters")
        }
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

    /// Roughly how many taps the traces will hold (an upper bound from the shapes).
    var estimatedTaps: Int {
        let k = kernelSize
        let s = operation == .pool ? pool.stride : conv.stride
        let p = operation == .pool ? pool.padding : conv.padding
        // Upper bound on output positions: every stride position over the padded input.
        let positions = ((input.height + 2 * p.height) / max(1, s.height) + 1) * ((input.width + 2 * p.width) / max(1, s.width) + 1)
        switch operation {
        case .pool: return input.batch * input.channels * positions * k.height * k.width
        case .conv: return input.batch * (weight?.batch ?? 1) * input.channels * positions * k.height * k.width
        case .convT:
            // The scatter touches every input value times the kernel; the direct view about as many taps again.
            let outChannels = weight?.channels ?? 1
            let scatter = input.batch * outChannels * input.channels * input.height * input.width * k.height * k.width
            return scatter * (1 + conv.stride.height * conv.stride.width)
        }
    }

    /// The kernel's height and width (the pool window for pooling).
    public var kernelSize: Pair {
        guard let weight else { return pool.kernel }
        return Pair(height: weight.height, width: weight.width)
    }
}
