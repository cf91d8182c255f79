import Kernels

/// What a student asked to explore, as typed (command-line flags or a lesson's explore block).
/// `resolve()` turns it into checked tensors and settings, or one clear error.
///
///     var request = ExploreRequest(operation: .conv)
///     request.stride = "2"
///     let exploration = try request.resolve()
public struct ExploreRequest: Equatable, Sendable {
    public var operation: ExploreOperation
    /// A matrix (see `MatrixParser`), or nil for the course's worked example / random values.
    public var input: String?
    /// conv/convT: kernel values, or a size like "3x3" for random values; pool: the window size ("2" or "2x3").
    public var kernel: String?
    public var stride: String?
    public var padding: String?
    public var dilation: String?
    public var outputPadding: String?
    /// One value per filter ("0.5" or "1, -1"); one value is used for every filter.
    public var bias: String?
    /// The upstream gradient for backward views (default: ones).
    public var upstream: String?
    public var channels: Int?
    public var filters: Int?
    /// "HxW": random whole numbers for the input (and the kernel when none is given).
    public var random: String?
    public var seed: UInt64
    public var backward: Bool
    public var ceilMode: Bool
    /// For `--json`: refuses a trace over `TraceSize.jsonLimit` (which writes every product),
    /// before it is built.
    public var forJSON = false

    public init(operation: ExploreOperation, input: String? = nil, kernel: String? = nil, stride: String? = nil,
                padding: String? = nil, dilation: String? = nil, outputPadding: String? = nil, bias: String? = nil,
                upstream: String? = nil, channels: Int? = nil, filters: Int? = nil, random: String? = nil,
                seed: UInt64 = 1, backward: Bool = false, ceilMode: Bool = false) {
        self.operation = operation; self.input = input; self.kernel = kernel; self.stride = stride
        self.padding = padding; self.dilation = dilation; self.outputPadding = outputPadding; self.bias = bias
        self.upstream = upstream; self.channels = channels; self.filters = filters; self.random = random
        self.seed = seed; self.backward = backward; self.ceilMode = ceilMode
    }

    /// The course's worked example input.
    public static let workedInput = Matrix([[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]])
    /// The course's worked example kernel.
    public static let workedKernel = Matrix([[1, 0], [0, -1]])

    /// Checks everything and computes the trace.
    public func resolve() throws(ExploreError) -> Exploration {
        var generator = SplitMix64(seed: seed)
        if let c = channels, !(1...16).contains(c) { throw ExploreError("--channels must be between 1 and 16 (got \(c))") }
        if let f = filters, !(1...16).contains(f) { throw ExploreError("--filters must be between 1 and 16 (got \(f))") }
        if operation == .pool, filters != nil { throw ExploreError("pooling has no filters: drop --filters") }
        if operation == .pool, bias != nil { throw ExploreError("pooling has no bias: drop --bias") }
        if operation != .convT, outputPadding != nil {
            throw ExploreError("--output-padding is only for convT (transposed convolution)")
        }
        let randomSize = try random.map { (text) throws(ExploreError) in try MatrixParser.parseSize(text, name: "--random") }
        let input = try resolveInput(randomSize, &generator)
        let stride = try stride.map { (t) throws(ExploreError) in try MatrixParser.parsePair(t, name: "--stride") } ?? Pair(1)
        let padding = try padding.map { (t) throws(ExploreError) in try MatrixParser.parsePair(t, name: "--padding") } ?? Pair(0)
        let dilation = try dilation.map { (t) throws(ExploreError) in try MatrixParser.parsePair(t, name: "--dilation") } ?? Pair(1)
        let outputPadding = try outputPadding.map { (t) throws(ExploreError) in
            try MatrixParser.parsePair(t, name: "--output-padding") } ?? Pair(0)

        var setup = ExploreSetup(operation: operation, input: input, backward: backward)
        switch operation {
        case .pool:
            let size = try kernel.map { (t) throws(ExploreError) in
                try MatrixParser.parsePair(t, name: "--kernel (the pool window size)") } ?? Pair(2)
            setup.pool = PoolSettings(kernel: size, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
        case .conv, .convT:
            if operation == .convT && backward {
                throw ExploreError("--backward is for conv and pool; convT shows its scatter and direct views (Tab)")
            }
            let weight = try resolveKernel(inputChannels: input.channels, &generator, randomized: randomSize != nil)
            setup.weight = weight
            setup.bias = try resolveBias(count: operation == .conv ? weight.batch : weight.channels)
            setup.conv = ConvSettings(stride: stride, padding: padding, dilation: dilation, outputPadding: outputPadding)
        }
        if forJSON {
            let size = try setup.traceSize()
            if size.total > TraceSize.jsonLimit.maximum { throw size.jsonRefusal() }
        }
        let exploration = try setup.build()
        guard upstream != nil else { return exploration }
        if operation == .convT { throw ExploreError("--upstream is for the backward views of conv and pool") }
        setup.upstream = try resolveUpstream(like: exploration.output)
        return try setup.build()
    }

    private func resolveInput(_ randomSize: Pair?, _ generator: inout SplitMix64) throws(ExploreError) -> Tensor4 {
        if let input {
            if randomSize != nil { throw ExploreError("give either --input or --random, not both") }
            let groups = try MatrixParser.parse(input, name: "--input")
            let tensor = Tensor4(grouped: groups)
            if let c = channels, c != tensor.channels {
                throw ExploreError("--channels is \(c) but --input has \(tensor.channels) channel(s): separate channels with '|'")
            }
            return tensor
        }
        let count = channels ?? 1
        if randomSize == nil && count == 1 { return Tensor4(matrix: Self.workedInput) }
        let size = randomSize ?? Pair(height: 4, width: 4)
        return Tensor4(channels: (0..<count).map { _ in Matrix.random(rows: size.height, columns: size.width, in: -5...9, using: &generator) })
    }

    /// conv: F x C x kH x kW; convT: C x F x kH x kW (PyTorch's layouts).
    private func resolveKernel(inputChannels: Int, _ generator: inout SplitMix64, randomized: Bool) throws(ExploreError) -> Tensor4 {
        let outCount = filters ?? 1
        var size: Pair? = nil
        if let kernel, MatrixParser.isSize(kernel) {
            size = try MatrixParser.parseSize(kernel, name: "--kernel")
        } else if let kernel {
            let groups = try MatrixParser.parse(kernel, name: "--kernel")
            var tensor = Tensor4(grouped: groups)
            // One matrix typed for a multi-channel input: PyTorch would reject it, so say how to fix it.
            if operation == .conv {
                if tensor.channels != inputChannels {
                    throw ExploreError("the kernel has \(tensor.channels) channel(s) but the input has \(inputChannels): "
                        + "give one kernel slice per input channel, separated by '|'")
                }
                if let f = filters, f != tensor.batch {
                    throw ExploreError("--filters is \(f) but --kernel has \(tensor.batch) filter(s): separate filters with '||'")
                }
            } else {
                // convT: typed as [input channel][output channel]; a single group means one output channel per input.
                if tensor.batch == 1 && tensor.channels == inputChannels && inputChannels > 1 {
                    tensor = Tensor4(grouped: groups[0].map { [$0] })
                }
                if tensor.batch != inputChannels {
                    throw ExploreError("a convT kernel needs one slice per input channel (\(inputChannels)), got \(tensor.batch): "
                        + "separate input channels with '||' and output channels with '|'")
                }
                if let f = filters, f != tensor.channels {
                    throw ExploreError("--filters is \(f) but --kernel has \(tensor.channels) output channel(s)")
                }
            }
            return tensor
        }
        if size == nil && !randomized && inputChannels == 1 && outCount == 1 { return Tensor4(matrix: Self.workedKernel) }
        let shape = size ?? Pair(2)
        let slices = (0..<outCount).map { _ in
            (0..<inputChannels).map { _ in Matrix.random(rows: shape.height, columns: shape.width, in: -2...2, using: &generator) }
        }
        let convLayout = Tensor4(grouped: slices)   // F x C x kH x kW
        guard operation == .convT else { return convLayout }
        var transposed = Tensor4(batch: inputChannels, channels: outCount, height: shape.height, width: shape.width)
        for f in 0..<outCount { for c in 0..<inputChannels { transposed.setMatrix(convLayout.matrix(f, c), c, f) } }
        return transposed
    }

    private func resolveBias(count: Int) throws(ExploreError) -> [Float]? {
        guard let bias else { return nil }
        let values = bias.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" })
            .map { Float($0.replacingOccurrences(of: "−", with: "-")) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ExploreError("--bias must be numbers like 0.5 or \"1, -1\" (got '\(bias)')")
        }
        let numbers = values.compactMap { $0 }
        if let bad = numbers.first(where: { !$0.isFinite }) {
            throw ExploreError("--bias \(bad) is not a finite float32 number (float32 holds magnitudes up to about 3.4e38)")
        }
        if numbers.count == 1 { return Array(repeating: numbers[0], count: count) }
        guard numbers.count == count else {
            throw ExploreError("--bias has \(numbers.count) values but there are \(count) filters: give one per filter (or one for all)")
        }
        return numbers
    }

    private func resolveUpstream(like output: Tensor4) throws(ExploreError) -> Tensor4? {
        guard let upstream else { return nil }
        let tensor = Tensor4(grouped: try MatrixParser.parse(upstream, name: "--upstream"))
        guard tensor.shape == output.shape || (tensor.count == output.count && tensor.height == output.height) else {
            throw ExploreError("--upstream must match the output's shape, \(output.height)x\(output.width) "
                + "per channel (got \(tensor.height)x\(tensor.width))")
        }
        var shaped = output
        shaped.values = tensor.values
        return shaped
    }
}
