/// How cnnlab writes a string into JSON: `cnnlab eval`'s results, the inspector's `--json`, and
/// the safetensors header all quote their strings here, so every file agrees on one escaping.
public enum JSONText {
    /// `text` as a JSON string literal, escaped as serde_json (the safetensors reference) does:
    /// quote and backslash, the short forms \n \r \t \b \f, other control characters as \u00XX,
    /// everything else (including non-ASCII) as it is.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
