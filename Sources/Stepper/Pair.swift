/// A setting that has a height value and a width value, like PyTorch's `stride=(2, 1)`.
public struct Pair: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value for both axes, like PyTorch's `stride=2`.
    public init(_ both: Int) { self.init(height: both, width: both) }

    /// True when height and width agree.
    public var isSquare: Bool { height == width }

    /// "2" when both axes agree, "(2, 1)" otherwise: the way PyTorch code spells it.
    public var pytorch: String { isSquare ? "\(height)" : "(\(height), \(width))" }

    /// "2" or "2x1", the way the command line spells it.
    public var description: String { isSquare ? "\(height)" : "\(height)x\(width)" }

    /// Applies `change` to both axes.
    public func map(_ change: (Int) -> Int) -> Pair { Pair(height: change(height), width: change(width)) }
}
