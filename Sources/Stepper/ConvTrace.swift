import Kernels

/// One multiplication of a convolution step: an input value (or a padding zero) times a weight.
public struct ConvTap: Equatable, Sendable {
    /// Input channel.
    public let channel: Int
    /// Position in the input without padding; outside 0..<H or 0..<W when `isPadding`.
    public let inputRow: Int
    public let inputColumn: Int
    public let isPadding: Bool
    public let weightRow: Int
    public let weightColumn: Int
    public let inputValue: Float
    public let weight: Float
    public let product: Float
}

/// One output value of a convolution: where the window sits, its taps, and their sum.
public struct ConvStep: Equatable, Sendable {
    public let sample: Int
    public let filter: Int
    public let outputRow: Int
    public let outputColumn: Int
    /// Top-left tap of the window in input coordinates (negative inside the top/left padding).
    public let windowRow: Int
    public let windowColumn: Int
    /// Taps in order: channel, kernel row, kernel column.
    public let taps: [ConvTap]
    /// The sum of the products of each input channel.
    public let channelSums: [Float]
    public let bias: Float?
    /// The output value: the channel sums plus the bias.
    public let value: Float

    /// The taps that read input channel `channel`.
    public func taps(channel: Int) -> ArraySlice<ConvTap> {
        let perChannel = taps.count / max(1, channelSums.count)
        return taps[(channel * perChannel)..<((channel + 1) * perChannel)]
    }
}

/// A convolution (`torch.nn.functional.conv2d`) written out one output value at a time.
///
/// Shapes: input N x C x H x W, weight F x C x kH x kW, bias F (or none), output N x F x H_out x W_out.
public struct ConvTrace: Equatable, Sendable {
    public let input: Tensor4
    public let weight: Tensor4
    public let bias: [Float]?
    public let settings: ConvSettings
    public let height: AxisGeometry
    public let width: AxisGeometry
    /// Steps ordered by sample, filter, output row, output column.
    public let steps: [ConvStep]
    public let output: Tensor4
    /// The Kernels geometry: output size, window positions, and the reference op's values.
    public let geometry: Conv2dGeometry

    /// Checks the shapes and settings, then computes every step.
    public init(input: Tensor4, weight: Tensor4, bias: [Float]?, settings: ConvSettings) throws(ExploreError) {
        try SettingsCheck.window(stride: settings.stride, dilation: settings.dilation, padding: settings.padding)
        guard weight.channels == input.channels else {
            throw ExploreError("the kernel has \(weight.channels) input channel(s) but the input has "
                + "\(input.channels): give one kernel slice per input channel")
        }
        try SettingsCheck.bias(bias, count: weight.batch, channels: "filter(s)", hint: ": give one bias per filter")
        let (height, width) = AxisGeometry.axes(.convolution, input: input, kernel: Pair(height: weight.height, width: weight.width),
                                                stride: settings.stride, padding: settings.padding, dilation: settings.dilation)
        try SettingsCheck.windowFits(height)
        try SettingsCheck.windowFits(width)

        let geometry = try EngineGeometry.conv(input, weight, settings)
        self.input = input; self.weight = weight; self.bias = bias; self.settings = settings
        self.height = height; self.width = width
        // The values are the reference op's; the trace only adds the order of visits and the taps.
        let output = Tensor4(shape: geometry.outputShape,
                             values: geometry.forwardReference(input: input.values, weight: weight.values, bias: bias))
        var steps: [ConvStep] = []
        steps.reserveCapacity(output.count)
        for n in 0..<input.batch {
            for f in 0..<weight.batch {
                for oy in 0..<geometry.output.height {
                    for ox in 0..<geometry.output.width {
                        steps.append(Self.step(n, f, oy, ox, geometry, input, weight, bias, value: output[n, f, oy, ox]))
                    }
                }
            }
        }
        self.steps = steps
        self.output = output
        self.geometry = geometry
    }

    private static func step(_ n: Int, _ f: Int, _ oy: Int, _ ox: Int, _ g: Conv2dGeometry, _ input: Tensor4,
                             _ weight: Tensor4, _ bias: [Float]?, value: Float) -> ConvStep {
        let (rows, columns) = (g.rows, g.columns)
        var taps: [ConvTap] = []
        var channelSums: [Float] = []
        for c in 0..<input.channels {
            var sum: Float = 0
            for ky in 0..<weight.height {
                for kx in 0..<weight.width {
                    let row = rows.position(oy, tap: ky)
                    let column = columns.position(ox, tap: kx)
                    let inside = row >= 0 && row < input.height && column >= 0 && column < input.width
                    let x: Float = inside ? input[n, c, row, column] : 0
                    let w = weight[f, c, ky, kx]
                    let product = x * w
                    sum += product
                    taps.append(ConvTap(channel: c, inputRow: row, inputColumn: column, isPadding: !inside,
                                        weightRow: ky, weightColumn: kx, inputValue: x, weight: w,
                                        product: product))
                }
            }
            channelSums.append(sum)
        }
        return ConvStep(sample: n, filter: f, outputRow: oy, outputColumn: ox, windowRow: rows.start(oy),
                        windowColumn: columns.start(ox), taps: taps, channelSums: channelSums, bias: bias?[f], value: value)
    }

    /// Indices into `steps` for one sample and filter, in output order.
    public func stepRange(sample: Int, filter: Int) -> Range<Int> {
        let perMap = height.output * width.output
        let start = (sample * weight.batch + filter) * perMap
        return start..<(start + perMap)
    }

    /// One channel's products written out: "2×1 + 3×0 + 1×0 + 5×(−1) = −3".
    public static func channelExpression(_ step: ConvStep, channel: Int, _ n: Notation) -> String {
        let terms = step.taps(channel: channel).map { "\(n.factor($0.inputValue))\(n.times)\(n.factor($0.weight))" }
        return terms.joined(separator: " + ") + " = " + n.number(step.channelSums[channel])
    }

    /// The whole step written out. One channel without bias: the products and their sum.
    /// Several channels or a bias: the channel sums, the bias, and the total.
    public static func sumExpression(_ step: ConvStep, _ n: Notation) -> String {
        if step.channelSums.count == 1 && step.bias == nil { return channelExpression(step, channel: 0, n) }
        if step.channelSums.count == 1, let b = step.bias {
            let products = step.taps(channel: 0).map { "\(n.factor($0.inputValue))\(n.times)\(n.factor($0.weight))" }
            return products.joined(separator: " + ") + " + bias \(n.factor(b)) = " + n.number(step.value)
        }
        var text = step.channelSums.enumerated().map { n.term($0.element, first: $0.offset == 0) }.joined()
        if let b = step.bias { text += " + bias \(n.factor(b))" }
        return text + " = " + n.number(step.value)
    }
}
