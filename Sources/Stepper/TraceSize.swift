import Kernels

/// How many products (pooling: window reads) an explorer trace keeps, and what multiplies up to
/// that, in words a student can act on. The explorer keeps every one to show it; `--json`
/// writes every one (about 180 bytes each), so it has its own, lower bound.
///
///     let size = try TraceSize(setup)        // throws only on overflow
///     if size.total > SizeLimits.explorerTaps.maximum { print(size.refusal(SizeLimits.explorerTaps)) }
public struct TraceSize: Sendable, Equatable {
    /// The products (or window reads) in all.
    public let total: Int
    /// What makes them, e.g. "3364 output cells (58x58) x 16 filters x 49 kernel taps (7x7) x
    /// 16 input channels, once forward and once backward".
    public let explanation: String

    /// The most a `--json` trace writes: about a second of writing (release build).
    public static let jsonLimit = SizeLimits.Limit(60_000, "the most products --json writes, about a second of output")

    /// "products", or "window reads" for pooling.
    public let unit: String

    private static let anyCount = SizeLimits.Limit(Int.max, "a count that fits in 64 bits")

    /// Counts a trace of these sizes (`output` from `SizeLimits.explorerAxis`); only a product
    /// past Int.max fails. `ExploreSetup.traceSize()` gives an exploration's.
    public init(operation: ExploreOperation, batch: Int, channels: Int, filters: Int, kernel: Pair, input: Pair, output: Pair)
        throws(ShapeError) {
        unit = operation == .pool ? "window reads" : "products"
        func count(_ value: Int, _ one: String, _ many: String) -> String { "\(value) \(value == 1 ? one : many)" }
        let samples = batch > 1 ? " x \(batch) samples" : ""
        let taps = kernel.height * kernel.width
        let outputs = "\(count(output.height * output.width, "output cell", "output cells")) (\(output.height)x\(output.width))"
        let kernelWords = "\(count(taps, "kernel tap", "kernel taps")) (\(kernel.height)x\(kernel.width))"
        let channelWords = count(channels, "input channel", "input channels")
        let filterWords = count(filters, "filter", "filters")
        switch operation {
        case .pool:
            total = try SizeLimits.product([batch, channels, taps, output.height, output.width], field: "trace", in: Self.anyCount)
            explanation = "\(outputs) x \(count(channels, "channel", "channels"))\(samples) x "
                + "\(count(taps, "window cell", "window cells")) (\(kernel.height)x\(kernel.width)) read"
        case .conv:
            total = try SizeLimits.product([2, batch, channels, filters, taps, output.height, output.width], field: "trace",
                                           in: Self.anyCount)
            explanation = "\(outputs) x \(filterWords) x \(kernelWords) x \(channelWords)\(samples), "
                + "once forward and once more for the backward pass"
        case .convT:
            let scatter = try SizeLimits.product([batch, channels, filters, taps, input.height, input.width], field: "trace",
                                                 in: Self.anyCount)
            let direct = try SizeLimits.product([batch, channels, filters, taps, output.height, output.width], field: "trace",
                                                in: Self.anyCount)
            total = try SizeLimits.sum([scatter, direct], field: "trace", in: Self.anyCount)
            explanation = "\(count(input.height * input.width, "input cell", "input cells")) (\(input.height)x\(input.width)) x "
                + "\(channelWords)\(samples) scattered through \(kernelWords) into \(filterWords), and again as the direct "
                + "view computes \(outputs) of each filter"
        }
    }

    /// The error for a trace over `limit`, naming both numbers, what makes them and what to change.
    public func refusal(_ limit: SizeLimits.Limit) -> ExploreError {
        ExploreError("trace too large: \(total) \(unit), more than \(limit): \(explanation). "
            + "Use a smaller input, kernel, stride or dilation, less padding, or fewer channels or filters")
    }

    /// The error for `--json` of a trace the screen shows but --json does not write.
    public func jsonRefusal() -> ExploreError {
        ExploreError("trace too large for --json: \(total) \(unit), more than \(Self.jsonLimit): \(explanation). "
            + "--json writes each one with its indices, about 180 bytes. Leave out --json to step through it on screen "
            + "(up to \(SizeLimits.explorerTaps.maximum)), or make it smaller: a smaller input, kernel, stride or "
            + "dilation, less padding, or fewer channels or filters")
    }
}
