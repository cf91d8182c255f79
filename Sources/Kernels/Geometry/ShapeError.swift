/// A shape or parameter that an op cannot accept, as a value with a message a student can act on.
///
/// `field` names what is wrong (for example "params.stride" or "weight"), `reason` says why.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
