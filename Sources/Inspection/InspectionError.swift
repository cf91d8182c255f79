/// Why an inspection could not start: a one-line message a student can act on (which file,
/// which tensor, which range).
public struct InspectionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
