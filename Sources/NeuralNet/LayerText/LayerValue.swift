/// One argument value in a layer's text, as Python writes it: `3`, `(3, 3)`, `0.1`, `True`,
/// `None`, `'zeros'`.
public enum LayerValue: Equatable, Sendable, CustomStringConvertible {
    case integer(Int)
    /// A two-number tuple such as `kernel_size=(3, 5)` (height, width).
    case pair(Int, Int)
    case number(Double)
    case boolean(Bool)
    case pythonNone
    case string(String)

    public var description: String {
        switch self {
        case .integer(let value): return "\(value)"
        case .pair(let height, let width): return "(\(height), \(width))"
        case .number(let value): return "\(value)"
        case .boolean(let value): return value ? "True" : "False"
        case .pythonNone: return "None"
        case .string(let value): return "'\(value)'"
        }
    }

    /// Reads one Python literal; nil when the text is none of the forms above.
    static func parse(_ raw: String) -> LayerValue? {
        let text = raw.trimmingLayerSpaces
        switch text {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .pythonNone
        default: break
        }
        if let value = Int(text) { return .integer(value) }
        if text.first == "(" && text.last == ")" {
            let inside = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                .map { String($0).trimmingLayerSpaces }
            // (3,) is a one-tuple in Python; PyTorch repeats it for both axes.
            let parts = inside.last == "" && inside.count == 2 ? [inside[0]] : inside
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count else { return nil }
            switch numbers.count {
            case 1: return .pair(numbers[0], numbers[0])
            case 2: return .pair(numbers[0], numbers[1])
            default: return nil
            }
        }
        if text.count >= 2, let quote = text.first, quote == "'" || quote == "\"", text.last == quote {
            return .string(String(text.dropFirst().dropLast()))
        }
        if let value = Double(text), value.isFinite { return .number(value) }
        return nil
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingLayerSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
