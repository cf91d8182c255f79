import Foundation

/// How numbers are written on screen and in messages.
public enum NumberText {
    /// The shortest faithful text for a value shown to a student: "2", "-9", "0.25", "0.1235".
    /// Whole numbers have no decimal point; others keep at most four decimals.
    public static func plain(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e7 {
            let whole = Int(value)
            return whole == 0 ? "0" : String(whole)   // avoids "-0"
        }
        if abs(value) >= 1e7 || abs(value) < 1e-4 { return String(format: "%.3g", Double(value)) }
        var text = String(format: "%.4f", Double(value))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
