/// A (height, width) pair: kernel sizes, strides, paddings, dilations and spatial sizes.
///
/// Integer literals mean a square pair, as in PyTorch: `let stride: Size2D = 2` is (2, 2).
public struct Size2D: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    public init(height: Int, width: Int) {
        self.init(height, width)
    }

    /// The same value for height and width.
    public init(square: Int) {
        self.init(square, square)
    }

    public init(integerLiteral value: Int) {
        self.init(square: value)
    }

    /// height * width.
    public var area: Int { height * width }

    /// PyTorch's tuple notation, for example "(5, 5)".
    public var description: String { "(\(height), \(width))" }
}
