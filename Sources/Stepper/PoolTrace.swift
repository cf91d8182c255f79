import Formatting
import Kernels

/// One cell of a pooling window.
public struct PoolTap: Equatable, Sendable {
    /// Position in the input without padding; outside it when `isPadding`.
    public let row: Int
    public let column: Int
    /// Padding (and, in ceil mode, cells past the input) count as −∞: they never win.
    public let isPadding: Bool
    public let value: Float
}

/// One output value of max pooling, and what the backward pass routes through it.
public struct PoolStep: Equatable, Sendable {
    public let sample: Int
    public let channel: Int
    public let outputRow: Int
    public let outputColumn: Int
    public let windowRow: Int
    public let windowColumn: Int
    /// Window cells in row-major order.
    public let taps: [PoolTap]
    /// Index into `taps` of the winner: the first maximum in row-major order, as in PyTorch.
    public let winner: Int
    /// Other taps holding the same maximum, which lose the tie.
    public let tiedTaps: [Int]
    public var value: Float { taps[winner].value }
    public var hasTie: Bool { !tiedTaps.isEmpty }
    /// The upstream gradient of this output, all routed to the winner.
    public let upstream: Float
    /// The winner's input gradient before and after this step's gradient arrives.
    public let gradientBefore: Float
    public let gradientAfter: Float
}

/// Max pooling (`torch.nn.functional.max_pool2d`) forward and backward, one window at a time.
///
/// Shapes: input N x C x H x W, output and upstream N x C x H_out x W_out, grad input like the input.
public struct PoolTrace: Equatable, Sendable {
    public let input: Tensor4
    public let settings: PoolSettings
    public let height: AxisGeometry
    public let width: AxisGeometry
    /// Steps ordered by sample, channel, output row, output column.
    public let steps: [PoolStep]
    public let output: Tensor4
    public let upstream: Tensor4
    public let gradInput: Tensor4

    /// `upstream` defaults to ones.
    public init(input: Tensor4, settings: PoolSettings, upstream: Tensor4? = nil) throws(ExploreError) {
        try SettingsCheck.positive(settings.kernel, "kernel size")
        try SettingsCheck.window(stride: settings.stride, dilation: settings.dilation, padding: settings.padding)
        for (pad, kernel) in [(settings.padding.height, settings.kernel.height),
                              (settings.padding.width, settings.kernel.width)] where pad * 2 > kernel {
            throw ExploreError("pooling padding \(pad) is more than half the window \(kernel): use padding of at most \(kernel / 2)")
        }
        let (height, width) = AxisGeometry.axes(.pooling(ceilMode: settings.ceilMode), input: input, kernel: settings.kernel,
                                                stride: settings.stride, padding: settings.padding, dilation: settings.dilation)
        try SettingsCheck.windowFits(height)
        try SettingsCheck.windowFits(width)
        let outShape = (input.batch, input.channels, height.output, width.output)
        let up = upstream ?? Tensor4(batch: outShape.0, channels: outShape.1, height: outShape.2, width: outShape.3, fill: 1)
        guard up.shape == [outShape.0, outShape.1, outShape.2, outShape.3] else {
            throw ExploreError("the upstream gradient must have the output's shape "
                + "\([outShape.0, outShape.1, outShape.2, outShape.3]) (got \(up.shape))")
        }
        let geometry = try EngineGeometry.pool(input, settings)
        self.input = input; self.settings = settings; self.height = height; self.width = width; self.upstream = up
        // Output, winners and routed gradient are the reference op's; the steps show them in order.
        output = Tensor4(shape: geometry.outputShape, values: geometry.forwardReference(input: input.values))
        gradInput = Tensor4(shape: input.shape, values: geometry.backwardReference(input: input.values, gradOutput: up.values))
        let (rows, columns) = (geometry.rows, geometry.columns)
        var grad = Tensor4(batch: input.batch, channels: input.channels, height: input.height, width: input.width)
        var steps: [PoolStep] = []
        for n in 0..<input.batch {
            for c in 0..<input.channels {
                for oy in 0..<geometry.output.height {
                    for ox in 0..<geometry.output.width {
                        var taps: [PoolTap] = []
                        for ky in 0..<settings.kernel.height {
                            for kx in 0..<settings.kernel.width {
                                let row = rows.position(oy, tap: ky)
                                let column = columns.position(ox, tap: kx)
                                let inside = row >= 0 && row < input.height && column >= 0 && column < input.width
                                taps.append(PoolTap(row: row, column: column, isPadding: !inside,
                                                    value: inside ? input[n, c, row, column] : -.infinity))
                            }
                        }
                        // With a large dilation every tap of a window can land on padding (PyTorch
                        // then outputs -inf and routes no gradient): refuse that case plainly.
                        guard let cell = geometry.winnerReference(input: input.values, plane: n * input.channels + c,
                                                                  row: oy, column: ox),
                              let winner = taps.firstIndex(where: { !$0.isPadding && $0.row == cell.row && $0.column == cell.column })
                        else {
                            throw ExploreError("window (\(oy),\(ox)) covers only padding (dilation \(settings.dilation), "
                                + "padding \(settings.padding)): use less padding or a smaller dilation")
                        }
                        let best = taps[winner]
                        let tied = taps.indices.filter { $0 != winner && !taps[$0].isPadding && taps[$0].value == best.value }
                        let g = up[n, c, oy, ox]
                        let before = grad[n, c, best.row, best.column]
                        grad[n, c, best.row, best.column] = before + g
                        steps.append(PoolStep(sample: n, channel: c, outputRow: oy, outputColumn: ox,
                                              windowRow: rows.start(oy), windowColumn: columns.start(ox), taps: taps,
                                              winner: winner, tiedTaps: tied, upstream: g, gradientBefore: before,
                                              gradientAfter: before + g))
                    }
                }
            }
        }
        self.steps = steps
    }

    /// Indices into `steps` for one sample and channel, in output order.
    public func stepRange(sample: Int, channel: Int) -> Range<Int> {
        let perMap = height.output * width.output
        let start = (sample * input.channels + channel) * perMap
        return start..<(start + perMap)
    }

    /// The input gradient after the first `count` steps have routed theirs.
    public func gradInput(afterSteps count: Int) -> Tensor4 {
        var grad = Tensor4(batch: input.batch, channels: input.channels, height: input.height, width: input.width)
        for step in steps.prefix(count) {
            let best = step.taps[step.winner]
            grad[step.sample, step.channel, best.row, best.column] += step.upstream
        }
        return grad
    }

    /// "max(2, 3, 1, 5) = 5": the window's values and the winner.
    public static func maxExpression(_ step: PoolStep, _ n: Notation) -> String {
        let values = step.taps.map { $0.isPadding ? "\(n.minus)inf" : n.number($0.value) }
        return "max(" + values.joined(separator: ", ") + ") = " + n.number(step.value)
    }

    /// How a tie was resolved, or nil when there was none.
    public static func tieExplanation(_ step: PoolStep, _ n: Notation) -> String? {
        guard step.hasTie else { return nil }
        let best = step.taps[step.winner]
        let others = step.tiedTaps.map { "(\(step.taps[$0].row),\(step.taps[$0].column))" }
        return "tie: \(n.number(best.value)) also at \(others.joined(separator: ", ")); PyTorch keeps the first "
            + "in row-major order, (\(best.row),\(best.column)), and only it gets the gradient"
    }

    /// The routing of this step's gradient: "+1 → 4" at the winner.
    public static func routeExpression(_ step: PoolStep, _ n: Notation) -> String {
        let best = step.taps[step.winner]
        let sign = step.upstream < 0 ? n.minus : "+"
        return "grad(\(best.row),\(best.column)) \(n.number(step.gradientBefore)) \(sign)\(NumberText.plain(abs(step.upstream))) \(n.arrow) \(n.number(step.gradientAfter))"
    }
}
