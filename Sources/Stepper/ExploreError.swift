import Kernels

/// A problem with the values or settings of an exploration, as one line a student can act on:
/// what is wrong and what would be valid.
public struct ExploreError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ExploreError {
    /// A size refused by `SizeLimits`, naming the field and the limit:
    /// "padding must be at most 64 (the explorer's largest setting), got 100000".
    public init(_ error: ShapeError) {
        let hint = error.reason.hasPrefix("too large")
            ? ": use a smaller input, kernel, stride or dilation, less padding, or fewer channels or filters" : ""
        self.init("\(error.field) \(error.reason)\(hint)")
    }
}
