/// Settings of a convolution or transposed convolution, per axis as in PyTorch.
public struct ConvSettings: Equatable, Sendable {
    public var stride: Pair
    public var padding: Pair
    public var dilation: Pair
    /// Only for transposed convolution: extra rows/columns added at the bottom/right.
    public var outputPadding: Pair

    public init(stride: Pair = Pair(1), padding: Pair = Pair(0), dilation: Pair = Pair(1),
                outputPadding: Pair = Pair(0)) {
        self.stride = stride; self.padding = padding; self.dilation = dilation; self.outputPadding = outputPadding
    }
}

/// Settings of max pooling, as in `torch.nn.functional.max_pool2d`.
public struct PoolSettings: Equatable, Sendable {
    public var kernel: Pair
    public var stride: Pair
    public var padding: Pair
    public var dilation: Pair
    public var ceilMode: Bool

    public init(kernel: Pair = Pair(2), stride: Pair? = nil, padding: Pair = Pair(0), dilation: Pair = Pair(1),
                ceilMode: Bool = false) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
        self.dilation = dilation; self.ceilMode = ceilMode
    }
}

/// Checks shared by all operations, each failing with a message that says what would be valid.
enum SettingsCheck {
    static func positive(_ value: Pair, _ name: String) throws(ExploreError) {
        for v in [value.height, value.width] where v < 1 {
            throw ExploreError("\(name) must be at least 1 (got \(v))")
        }
    }

    /// The lower bounds every window shares, in the words the traces use: stride and dilation
    /// at least 1, padding 0 or more.
    static func window(stride: Pair, dilation: Pair, padding: Pair) throws(ExploreError) {
        try positive(stride, "stride")
        try positive(dilation, "dilation")
        try nonNegative(padding, "padding")
    }

    /// One bias value per output channel, when there is a bias (`channels` names them:
    /// "filter(s)", "output channel(s)"; `hint` ends the message).
    static func bias(_ bias: [Float]?, count: Int, channels: String, hint: String = "") throws(ExploreError) {
        if let bias, bias.count != count {
            throw ExploreError("there are \(count) \(channels) but \(bias.count) bias value(s)\(hint)")
        }
    }

    static func nonNegative(_ value: Pair, _ name: String) throws(ExploreError) {
        for v in [value.height, value.width] where v < 0 {
            throw ExploreError("\(name) must be 0 or more (got \(v))")
        }
    }

    /// The window must fit in the padded input, and the output must not be empty.
    static func windowFits(_ axis: AxisGeometry) throws(ExploreError) {
        let what = axis.axisName == "H" ? "rows" : "columns"
        if axis.span > axis.input + 2 * axis.padding {
            let spanText = axis.dilation == 1 ? "\(axis.span) \(what)"
                : "\(axis.span) \(what) (dilation \(axis.dilation) x (\(axis.kernel) - 1) + 1)"
            let largest = axis.dilation == 1 ? "a kernel of at most \(axis.input + 2 * axis.padding)"
                : "a smaller kernel or dilation"
            let padNeeded = (axis.span - axis.input + 1) / 2
            throw ExploreError("the kernel spans \(spanText) but the padded input has only "
                + "\(axis.input + 2 * axis.padding) (\(axis.input) + 2x\(axis.padding)): use \(largest), "
                + "or padding of at least \(padNeeded)")
        }
        if axis.output < 1 {
            throw ExploreError("these settings leave an empty output (\(axis.axisName)_out = \(axis.output)): "
                + "use a smaller stride, kernel or dilation, or more padding")
        }
    }
}
