/// One output value of an operation written out as the terms that make it: what the inspector's
/// "why this value" shows. Positions come from the geometries, the arithmetic is the reference
/// ops' (products summed in Double, then rounded once), so a cell's `value` is what the reference
/// op writes there and agrees with the fast kernels to Float rounding.

/// One product of a convolution cell: an input value (or a padding zero) times a weight.
public struct ConvCellTerm: Sendable, Equatable {
    /// Input channel.
    public let channel: Int
    /// Kernel tap.
    public let kernelRow: Int
    public let kernelColumn: Int
    /// The input position read; outside the input (padding, read as 0) when `isPadding`.
    public let inputRow: Int
    public let inputColumn: Int
    public let isPadding: Bool
    public let input: Float
    public let weight: Float
    public var product: Float { input * weight }
}

/// One output cell of a convolution: every term, each input channel's sum, the bias, the value.
public struct ConvCell: Sendable, Equatable {
    /// Terms ordered by input channel, then kernel row and column (transposed convolution: only
    /// the taps that land on this cell).
    public let terms: [ConvCellTerm]
    /// The sum of each input channel's products.
    public let channelSums: [Float]
    public let bias: Float?
    /// The channel sums plus the bias, summed in Double and rounded once.
    public let value: Float

    /// The terms that read input channel `channel`.
    public func terms(channel: Int) -> [ConvCellTerm] { terms.filter { $0.channel == channel } }
}

extension Conv2dGeometry {
    /// The input row and column that kernel tap (ky, kx) reads for output (oy, ox); may lie in
    /// the padding (outside 0..<input).
    public func inputPosition(outputRow oy: Int, outputColumn ox: Int, kernelRow ky: Int, kernelColumn kx: Int) -> (row: Int, column: Int) {
        (rows.position(oy, tap: ky), columns.position(ox, tap: kx))
    }
}

/// Output [n, co, oy, ox] of a convolution, term by term (as `conv2dForwardReference` sums it).
public func conv2dCell(_ g: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, sample n: Int, outChannel co: Int, row oy: Int, column ox: Int) -> ConvCell {
    let (h, w) = (g.input.height, g.input.width)
    var terms: [ConvCellTerm] = []
    terms.reserveCapacity(g.inChannels * g.kernel.area)
    var channelSums: [Float] = []
    var total = Double(bias?[co] ?? 0)
    for ci in 0..<g.inChannels {
        var channelSum = 0.0
        for ky in 0..<g.kernel.height {
            for kx in 0..<g.kernel.width {
                let (iy, ix) = g.inputPosition(outputRow: oy, outputColumn: ox, kernelRow: ky, kernelColumn: kx)
                let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
                let x = inside ? input[((n * g.inChannels + ci) * h + iy) * w + ix] : 0
                let k = weight[((co * g.inChannels + ci) * g.kernel.height + ky) * g.kernel.width + kx]
                terms.append(ConvCellTerm(channel: ci, kernelRow: ky, kernelColumn: kx, inputRow: iy, inputColumn: ix,
                                          isPadding: !inside, input: x, weight: k))
                channelSum += Double(x) * Double(k)
            }
        }
        channelSums.append(Float(channelSum))
        total += channelSum
    }
    return ConvCell(terms: terms, channelSums: channelSums, bias: bias.map { $0[co] }, value: Float(total))
}

/// Output [n, co, oy, ox] of a transposed convolution: the input positions whose scatter lands
/// here (oy = iy·S − P + ky·D), as `convTranspose2dForwardReference` sums them.
public func convTranspose2dCell(_ g: ConvTranspose2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, sample n: Int, outChannel co: Int, row oy: Int, column ox: Int) -> ConvCell {
    let (h, w) = (g.input.height, g.input.width)
    var terms: [ConvCellTerm] = []
    var channelSums: [Float] = []
    var total = Double(bias?[co] ?? 0)
    for ci in 0..<g.inChannels {
        var channelSum = 0.0
        for ky in 0..<g.kernel.height {
            // Solve oy = iy * S - P + ky * D for a whole iy inside the input.
            let rowOffset = oy + g.padding.height - ky * g.dilation.height
            guard rowOffset >= 0, rowOffset % g.stride.height == 0, rowOffset / g.stride.height < h else { continue }
            let iy = rowOffset / g.stride.height
            for kx in 0..<g.kernel.width {
                let columnOffset = ox + g.padding.width - kx * g.dilation.width
                guard columnOffset >= 0, columnOffset % g.stride.width == 0, columnOffset / g.stride.width < w else { continue }
                let ix = columnOffset / g.stride.width
                let x = input[((n * g.inChannels + ci) * h + iy) * w + ix]
                let k = weight[((ci * g.outChannels + co) * g.kernel.height + ky) * g.kernel.width + kx]
                terms.append(ConvCellTerm(channel: ci, kernelRow: ky, kernelColumn: kx, inputRow: iy, inputColumn: ix,
                                          isPadding: false, input: x, weight: k))
                channelSum += Double(x) * Double(k)
            }
        }
        channelSums.append(Float(channelSum))
        total += channelSum
    }
    return ConvCell(terms: terms, channelSums: channelSums, bias: bias.map { $0[co] }, value: Float(total))
}

/// One tap of a pooling window: its input position (nil in the padding) and the value there.
public struct PoolWindowTap: Sendable, Equatable {
    public let inputRow: Int
    public let inputColumn: Int
    /// nil in the padding (max pooling reads it as minus infinity, so it never wins).
    public let value: Float?
}

/// One output cell of max pooling: the window's taps and the winner (PyTorch's first maximum).
public struct MaxPoolCell: Sendable, Equatable {
    public let taps: [PoolWindowTap]
    /// Index into `taps` of the winning tap (nil when the window holds no input position).
    public let winner: Int?
    public let value: Float
}

/// Output [plane, oy, ox] of max pooling (plane = n · channels + c), with the winner chosen by
/// the same rule as the reference op.
public func maxPool2dCell(_ g: MaxPool2dGeometry, input: UnsafePointer<Float>, plane: Int, row oy: Int, column ox: Int) -> MaxPoolCell {
    let planeInput = input + plane * g.input.area
    var taps: [PoolWindowTap] = []
    for ky in 0..<g.kernel.height {
        for kx in 0..<g.kernel.width {
            let y = g.rows.position(oy, tap: ky)
            let x = g.columns.position(ox, tap: kx)
            let inside = y >= 0 && y < g.input.height && x >= 0 && x < g.input.width
            taps.append(PoolWindowTap(inputRow: y, inputColumn: x, value: inside ? planeInput[y * g.input.width + x] : nil))
        }
    }
    let best = maxPool2dWinnerReference(g, plane: planeInput, oy: oy, ox: ox)
    let winner = best.flatMap { found in
        taps.firstIndex { $0.value != nil && $0.inputRow * g.input.width + $0.inputColumn == found.index }
    }
    return MaxPoolCell(taps: taps, winner: winner, value: best?.value ?? -Float.infinity)
}

/// One output of a fully connected layer as its dot product: each input times its weight.
public struct LinearCell: Sendable, Equatable {
    /// inputs[i] * weights[i], in input order.
    public let inputs: [Float]
    public let weights: [Float]
    public let bias: Float?
    /// The products summed in Double with the bias, rounded once.
    public let value: Float

    public func product(_ i: Int) -> Float { inputs[i] * weights[i] }
}

/// Output [n, o] of `linearForwardReference`, term by term.
public func linearCell(_ g: LinearGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                       bias: UnsafePointer<Float>?, sample n: Int, output o: Int) -> LinearCell {
    let inputs = Array(UnsafeBufferPointer(start: input + n * g.inFeatures, count: g.inFeatures))
    let weights = Array(UnsafeBufferPointer(start: weight + o * g.inFeatures, count: g.inFeatures))
    var sum = Double(bias?[o] ?? 0)
    for i in 0..<g.inFeatures { sum += Double(inputs[i]) * Double(weights[i]) }
    return LinearCell(inputs: inputs, weights: weights, bias: bias.map { $0[o] }, value: Float(sum))
}

/// One output cell of average pooling: the input values in the window, their sum and the divisor.
public struct AvgPoolCell: Sendable, Equatable {
    /// The window's input positions (inside the input) and values, row by row.
    public let taps: [PoolWindowTap]
    public let sum: Float
    /// The window's size counting padding (`count_include_pad`), else the number of taps.
    public let divisor: Int
    public let value: Float
}

/// Output [plane, oy, ox] of average pooling, with the window and divisor of `AvgPool2dGeometry.window`.
public func avgPool2dCell(_ g: AvgPool2dGeometry, input: UnsafePointer<Float>, plane: Int, row oy: Int, column ox: Int) -> AvgPoolCell {
    let planeInput = input + plane * g.input.area
    let window = g.window(oy: oy, ox: ox)
    var taps: [PoolWindowTap] = []
    var sum = 0.0
    for y in window.rows {
        for x in window.columns {
            let value = planeInput[y * g.input.width + x]
            taps.append(PoolWindowTap(inputRow: y, inputColumn: x, value: value))
            sum += Double(value)
        }
    }
    return AvgPoolCell(taps: taps, sum: Float(sum), divisor: window.divisor,
                       value: window.divisor == 0 ? 0 : Float(sum / Double(window.divisor)))
}

/// One output of batch normalisation in eval mode: (x − mean) / sqrt(var + eps) · weight + bias
/// with the channel's running statistics, in Double as the reference op.
public struct BatchNormCell: Sendable, Equatable {
    public let input: Float
    public let runningMean: Float
    public let runningVar: Float
    public let eps: Float
    /// 1 / sqrt(var + eps).
    public let inverseStd: Float
    /// (x − mean) · inverseStd.
    public let normalised: Float
    public let weight: Float?
    public let bias: Float?
    public let value: Float
}

/// Output of channel `c` for input value `x` of `batchNorm2dForwardEvalReference`.
public func batchNorm2dEvalCell(input x: Float, runningMean: Float, runningVar: Float, eps: Float,
                                weight: Float?, bias: Float?) -> BatchNormCell {
    let invStd = 1 / (Double(runningVar) + Double(eps)).squareRoot()
    let normalised = (Double(x) - Double(runningMean)) * invStd
    let value = normalised * Double(weight ?? 1) + Double(bias ?? 0)
    return BatchNormCell(input: x, runningMean: runningMean, runningVar: runningVar, eps: eps, inverseStd: Float(invStd),
                         normalised: Float(normalised), weight: weight, bias: bias, value: Float(value))
}
