import Formatting

/// The symbols used when arithmetic is written out for a student: proper mathematical
/// symbols where the terminal can show them, plain ASCII where it cannot (`--ascii`).
public struct Notation: Equatable, Sendable {
    public let times: String
    public let minus: String
    public let arrow: String
    public let floorOpen: String
    public let floorClose: String
    public let ceilOpen: String
    public let ceilClose: String
    public let dot: String

    public static let unicode = Notation(times: "×", minus: "−", arrow: "→", floorOpen: "⌊", floorClose: "⌋",
                                         ceilOpen: "⌈", ceilClose: "⌉", dot: "·")
    public static let ascii = Notation(times: "x", minus: "-", arrow: "->", floorOpen: "floor(", floorClose: ")",
                                       ceilOpen: "ceil(", ceilClose: ")", dot: "*")

    /// A number as a student reads it: "3", "−1", "0.25" (with this notation's minus sign).
    public func number(_ value: Float) -> String {
        let text = NumberText.plain(value)
        return text.hasPrefix("-") ? minus + text.dropFirst() : text
    }

    /// A number as a factor of a product: negative values in parentheses, "(−1)".
    public func factor(_ value: Float) -> String {
        let text = number(value)
        return value < 0 ? "(" + text + ")" : text
    }

    /// A term of a sum: " + 3" or " − 3" (the first term is written without its sign gap).
    public func term(_ value: Float, first: Bool) -> String {
        if first { return number(value) }
        return value < 0 ? " \(minus) " + NumberText.plain(-value) : " + " + NumberText.plain(value)
    }
}
