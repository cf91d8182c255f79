import Kernels

/// One kernel tap of a transposed-convolution scatter: input value × weight added into one
/// output cell.
public struct ScatterContribution: Equatable, Sendable {
    public let weightRow: Int
    public let weightColumn: Int
    public let weight: Float
    /// The output cell, in coordinates before the padding crop; `isCropped` when it falls in
    /// the border that padding P removes (or past the output), so it is discarded.
    public let outputRow: Int
    public let outputColumn: Int
    public let isCropped: Bool
    public let amount: Float
    /// The output cell's value before and after (equal when cropped).
    public let before: Float
    public let after: Float
}

/// One step of a transposed convolution: one input value scattered through the kernel into
/// one output channel, or (the last step of a channel) the bias added to every cell.
public struct ScatterStep: Equatable, Sendable {
    public let sample: Int
    /// Output channel.
    public let filter: Int
    /// Input channel, row and column scattered; nil for the bias step.
    public let channel: Int?
    public let inputRow: Int
    public let inputColumn: Int
    public let inputValue: Float
    public let contributions: [ScatterContribution]
    /// Set on the bias step.
    public let bias: Float?
    public var isBiasStep: Bool { channel == nil }
}

/// A transposed convolution (`torch.nn.functional.conv_transpose2d`) as a scatter: each input
/// value times the kernel, added into its output window; overlaps accumulate.
///
/// Shapes: input N x C_in x H x W, weight C_in x C_out x kH x kW, bias C_out (or none),
/// output N x C_out x H_out x W_out with H_out = (H − 1)S − 2P + D(kH − 1) + OP + 1.
public struct ConvTransposeTrace: Equatable, Sendable {
    public let input: Tensor4
    public let weight: Tensor4
    public let bias: [Float]?
    public let settings: ConvSettings
    public let height: AxisGeometry
    public let width: AxisGeometry
    /// Steps ordered by sample, output channel, input channel, input row, input column; a bias
    /// step closes each output channel when there is a bias.
    public let steps: [ScatterStep]
    public let output: Tensor4
    /// The Kernels geometry: output size, scatter positions, the reference op's values and the
    /// zero-insertion view's sizes.
    public let geometry: ConvTranspose2dGeometry

    public var outputChannels: Int { weight.channels }

    public init(input: Tensor4, weight: Tensor4, bias: [Float]?, settings: ConvSettings) throws(ExploreError) {
        try SettingsCheck.window(stride: settings.stride, dilation: settings.dilation, padding: settings.padding)
        try SettingsCheck.nonNegative(settings.outputPadding, "output padding")
        for (op, s, d, axis) in [(settings.outputPadding.height, settings.stride.height, settings.dilation.height, "height"),
                                 (settings.outputPadding.width, settings.stride.width, settings.dilation.width, "width")]
            where op >= s && op >= d {
            throw ExploreError("output padding \(op) (\(axis)) must be smaller than the stride \(s) or the dilation \(d)")
        }
        guard weight.batch == input.channels else {
            throw ExploreError("a transposed-convolution kernel has one slice per input channel: the input has "
                + "\(input.channels) channel(s) but the kernel \(weight.batch)")
        }
        try SettingsCheck.bias(bias, count: weight.channels, channels: "output channel(s)")
        let (height, width) = AxisGeometry.axes(.transposed, input: input, kernel: Pair(height: weight.height, width: weight.width),
                                                stride: settings.stride, padding: settings.padding,
                                                dilation: settings.dilation, outputPadding: settings.outputPadding)
        for axis in [height, width] where axis.output < 1 {
            throw ExploreError("these settings leave an empty output (\(axis.axisName)_out = \(axis.output)): "
                + "use less padding, or a larger stride or kernel")
        }
        let geometry = try EngineGeometry.convTranspose(input, weight, settings)
        self.input = input; self.weight = weight; self.bias = bias; self.settings = settings
        self.height = height; self.width = width; self.geometry = geometry
        // The output is the reference op's; the steps show the scatter arriving in their order.
        output = Tensor4(shape: geometry.outputShape,
                         values: geometry.forwardReference(input: input.values, weight: weight.values, bias: bias))
        let (rows, columns) = (geometry.rows, geometry.columns)
        var partial = Tensor4(shape: geometry.outputShape, values: Array(repeating: 0, count: geometry.outputCount))
        var steps: [ScatterStep] = []
        for n in 0..<input.batch {
            for f in 0..<weight.channels {
                for c in 0..<input.channels {
                    for iy in 0..<input.height {
                        for ix in 0..<input.width {
                            let x = input[n, c, iy, ix]
                            var contributions: [ScatterContribution] = []
                            for ky in 0..<weight.height {
                                for kx in 0..<weight.width {
                                    let oy = rows.position(iy, tap: ky)
                                    let ox = columns.position(ix, tap: kx)
                                    let w = weight[c, f, ky, kx]
                                    let cropped = oy < 0 || ox < 0 || oy >= geometry.output.height || ox >= geometry.output.width
                                    let before = cropped ? 0 : partial[n, f, oy, ox]
                                    let after = cropped ? 0 : before + x * w
                                    if !cropped { partial[n, f, oy, ox] = after }
                                    contributions.append(ScatterContribution(
                                        weightRow: ky, weightColumn: kx, weight: w, outputRow: oy, outputColumn: ox,
                                        isCropped: cropped, amount: x * w, before: before, after: after))
                                }
                            }
                            steps.append(ScatterStep(sample: n, filter: f, channel: c, inputRow: iy, inputColumn: ix,
                                                     inputValue: x, contributions: contributions, bias: nil))
                        }
                    }
                }
                if let b = bias?[f] {
                    var contributions: [ScatterContribution] = []
                    for oy in 0..<geometry.output.height {
                        for ox in 0..<geometry.output.width {
                            let before = partial[n, f, oy, ox]
                            partial[n, f, oy, ox] = before + b
                            contributions.append(ScatterContribution(
                                weightRow: 0, weightColumn: 0, weight: 1, outputRow: oy, outputColumn: ox,
                                isCropped: false, amount: b, before: before, after: before + b))
                        }
                    }
                    steps.append(ScatterStep(sample: n, filter: f, channel: nil, inputRow: 0, inputColumn: 0,
                                             inputValue: 0, contributions: contributions, bias: b))
                }
            }
        }
        self.steps = steps
    }

    /// Indices into `steps` for one sample and output channel.
    public func stepRange(sample: Int, filter: Int) -> Range<Int> {
        let perChannel = input.channels * input.height * input.width + (bias == nil ? 0 : 1)
        let start = (sample * weight.channels + filter) * perChannel
        return start..<(start + perChannel)
    }

    /// The output after the first `count` steps.
    public func output(afterSteps count: Int) -> Tensor4 {
        var result = Tensor4(batch: output.batch, channels: output.channels, height: output.height, width: output.width)
        for step in steps.prefix(count) {
            for item in step.contributions where !item.isCropped {
                result[step.sample, step.filter, item.outputRow, item.outputColumn] = item.after
            }
        }
        return result
    }

    /// The same operation as a direct convolution: zeros inserted between input values, extra
    /// padding, and the kernel flipped.
    public func directConvolution() throws(ExploreError) -> ZeroInsertionView {
        try ZeroInsertionView(self)
    }
}
