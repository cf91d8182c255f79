/// The named upper bounds on every size, setting and count that cnnlab reads from a person or a
/// file, and the overflow-checked arithmetic that enforces them.
///
/// One place, so the explorer's flags, lesson explore and model blocks, layer text, checkpoint
/// and dataset headers all refuse the same absurd numbers the same way: before anything is
/// allocated, with a `ShapeError` naming the field and the limit. A typo such as a padding of
/// 9223372036854775807 must never trap on overflow or ask for terabytes.
///
///     try SizeLimits.check(padding, field: "--padding", in: SizeLimits.explorerSetting)
///     let count = try SizeLimits.product([n, c, h, w], field: "input")
public enum SizeLimits {
    /// Any one size, stride, padding, dilation, channel or feature count of an op. Keeps every
    /// product of two of them far from overflowing.
    public static let dimension = Limit(1 << 24, "cnnlab's largest size")
    /// Values in one tensor or working buffer (4 GiB as Float).
    public static let elementCount = Limit(1 << 30, "cnnlab's largest tensor")
    /// Rows or columns of one matrix the explorer shows (command line or lesson block).
    public static let explorerSide = Limit(64, "the explorer's largest matrix side")
    /// Stride, padding, dilation or output padding on one axis in the explorer.
    public static let explorerSetting = Limit(64, "the explorer's largest setting")
    /// Input channels or filters in the explorer.
    public static let explorerChannels = Limit(16, "the explorer's most channels")
    /// Multiplications one explorer trace keeps for display (every one is drawn on request).
    public static let explorerTaps = Limit(2_000_000, "the explorer's most multiplications")
    /// Cells of one grid the explorer builds (padded input, output, zero-inserted input).
    public static let explorerCells = Limit(1 << 20, "the explorer's largest grid")

    /// An upper bound with the words that name it in a message.
    public struct Limit: Sendable, Equatable, CustomStringConvertible {
        public let maximum: Int
        /// What the bound is, e.g. "the explorer's largest setting".
        public let name: String

        public init(_ maximum: Int, _ name: String) {
            self.maximum = maximum
            self.name = name
        }

        /// "64 (the explorer's largest setting)".
        public var description: String { "\(maximum) (\(name))" }
    }

    /// Checks `minimum <= value <= limit.maximum`, or throws an error naming `field` and the bound.
    public static func check(_ value: Int, field: String, minimum: Int = 0, in limit: Limit = dimension) throws(ShapeError) {
        if value < minimum {
            let rule = minimum == 0 ? "must not be negative" : "must be at least \(minimum)"
            throw ShapeError(field: field, reason: "\(rule), got \(value)")
        }
        if value > limit.maximum {
            throw ShapeError(field: field, reason: "must be at most \(limit), got \(value)")
        }
    }

    /// The product of `factors` (each expected non-negative), or an error naming `field` and the
    /// bound when it overflows or passes `limit`.
    public static func product(_ factors: [Int], field: String, in limit: Limit = elementCount) throws(ShapeError) -> Int {
        var result = 1
        for factor in factors {
            if factor < 0 { throw ShapeError(field: field, reason: "must not be negative, got \(factor) in \(factors)") }
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow || next > limit.maximum {
                let shown = factors.map(String.init).joined(separator: " x ")
                throw ShapeError(field: field, reason: "too large: \(shown) exceeds \(limit)")
            }
            result = next
        }
        return result
    }

    /// The sum of `terms`, or an error naming `field` and the bound when it overflows or passes `limit`.
    public static func sum(_ terms: [Int], field: String, in limit: Limit = elementCount) throws(ShapeError) -> Int {
        var result = 0
        for term in terms {
            let (next, overflow) = result.addingReportingOverflow(term)
            if overflow || next > limit.maximum {
                throw ShapeError(field: field, reason: "too large: exceeds \(limit)")
            }
            result = next
        }
        return result
    }

    /// `elements * bytesPerElement` as a byte count, or an error naming `field` when the element
    /// count passes `elementCount` (so the product cannot overflow).
    public static func byteCount(elements: Int, bytesPerElement: Int, field: String) throws(ShapeError) -> Int {
        try check(elements, field: field, in: elementCount)
        return elements * bytesPerElement
    }

    /// One axis of a convolution, pooling or transposed convolution in the explorer's bounds,
    /// with its sizes computed without overflow. Throws naming `fields` (flag or key names).
    ///
    /// Returns the padded input length (I + 2P) and the output length (may be 0 or less when
    /// the settings leave no output: the caller explains that in its own words).
    public static func explorerAxis(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int,
                                    outputPadding: Int = 0, transposed: Bool,
                                    fields: AxisFields = AxisFields()) throws(ShapeError) -> (padded: Int, output: Int) {
        try check(input, field: fields.input, minimum: 1, in: explorerSide)
        try check(kernel, field: fields.kernel, minimum: 1, in: explorerSide)
        try check(stride, field: fields.stride, minimum: 1, in: explorerSetting)
        try check(padding, field: fields.padding, minimum: 0, in: explorerSetting)
        try check(dilation, field: fields.dilation, minimum: 1, in: explorerSetting)
        try check(outputPadding, field: fields.outputPadding, minimum: 0, in: explorerSetting)
        // All terms are at most 64 here: plain arithmetic cannot overflow.
        let padded = input + 2 * padding
        let output = transposed
            ? OutputSize.transposedConvolution(input: input, kernel: kernel, stride: stride, padding: padding,
                                               dilation: dilation, outputPadding: outputPadding)
            : OutputSize.convolution(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        return (padded, output)
    }

    /// The names one axis's settings go by in messages (command-line flags by default).
    public struct AxisFields: Sendable {
        public var input, kernel, stride, padding, dilation, outputPadding: String

        public init(input: String = "--input (rows or columns)", kernel: String = "--kernel (rows or columns)",
                    stride: String = "--stride", padding: String = "--padding", dilation: String = "--dilation",
                    outputPadding: String = "--output-padding") {
            self.input = input; self.kernel = kernel; self.stride = stride
            self.padding = padding; self.dilation = dilation; self.outputPadding = outputPadding
        }

        /// The keys of a lesson's explore block.
        public static let lessonKeys = AxisFields(input: "input (rows or columns)", kernel: "kernel (rows or columns)",
                                                  stride: "stride", padding: "padding", dilation: "dilation",
                                                  outputPadding: "output_padding")
    }
}

/// Sizes above this are refused so that a typo (a padding of 10^9) cannot ask for terabytes.
public var maximumElementCount: Int { SizeLimits.elementCount.maximum }

/// The largest size, stride, padding or dilation accepted by the op geometries.
public var maximumDimension: Int { SizeLimits.dimension.maximum }

/// The product of `factors`, or an error naming `field` when it would exceed `SizeLimits.elementCount`.
public func checkedElementCount(_ factors: [Int], field: String) throws(ShapeError) -> Int {
    try SizeLimits.product(factors, field: field)
}

/// Checks that every entry of a size is at least `minimum` (and at most `SizeLimits.dimension`).
func requireAtLeast(_ minimum: Int, _ value: Size2D, field: String) throws(ShapeError) {
    if value.height < minimum || value.width < minimum {
        let rule = minimum == 0 ? "must not be negative" : "must be at least \(minimum)"
        throw ShapeError(field: field, reason: "\(rule), got \(value)")
    }
    if value.height > maximumDimension || value.width > maximumDimension {
        throw ShapeError(field: field, reason: "must be at most \(SizeLimits.dimension), got \(value)")
    }
}

/// Checks that a single count is at least `minimum` (and at most `SizeLimits.dimension`).
func requireAtLeast(_ minimum: Int, _ value: Int, field: String) throws(ShapeError) {
    try SizeLimits.check(value, field: field, minimum: minimum, in: SizeLimits.dimension)
}
