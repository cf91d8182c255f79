/// A problem with the values or settings of an exploration, as one line a student can act on:
/// what is wrong and what would be valid.
public struct ExploreError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
