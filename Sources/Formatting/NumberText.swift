import Foundation

/// How numbers are written for a person: on screen, in messages, in lesson checks.
///
/// One rule everywhere: whole values without ".0", others rounded to a few decimals with the
/// trailing zeros dropped, exponent notation only when fixed notation would hide the value.
public enum NumberText {
    /// The text of a value a student reads in a trace, a matrix or a lesson: "2", "-9",
    /// "0.25", "0.1235" (at most four decimals).
    public static func plain(_ value: Float) -> String {
        compact(Double(value), maxDecimals: 4)
    }

    /// `plain` for a `Double`.
    public static func plain(_ value: Double) -> String {
        compact(value, maxDecimals: 4)
    }

    /// `value` as short text: "5", "-3", "0.25", "0.33" (at most `maxDecimals` decimals,
    /// trailing zeros dropped), "1.2e-05"/"3.4e+06" when fixed notation would be too long,
    /// "nan", "inf". Negative zero prints as "0". `minus` replaces the ASCII "-" (pass "−"
    /// for typeset formulas).
    public static func compact(_ value: Double, maxDecimals: Int = 2, minus: String = "-") -> String {
        let text = compactASCII(value, maxDecimals: min(max(0, maxDecimals), 9))
        return minus == "-" ? text : text.replacingOccurrences(of: "-", with: minus)
    }

    /// `compact` for a `Float`.
    public static func compact(_ value: Float, maxDecimals: Int = 2, minus: String = "-") -> String {
        compact(Double(value), maxDecimals: maxDecimals, minus: minus)
    }

    private static func compactASCII(_ value: Double, maxDecimals: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let magnitude = abs(value)
        let scale = pow(10.0, Double(maxDecimals))
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e9 {
            let integer = Int(rounded)
            if integer == 0 && magnitude > 0 && magnitude < 0.5 / scale {
                return String(format: "%.1e", value)   // tiny but not zero: keep it visible
            }
            return String(integer)
        }
        if magnitude >= 1e9 { return String(format: "%.2e", value) }
        var text = String(format: "%.\(maxDecimals)f", rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A duration such as "42s", "3m 05s", "1h 02m".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "--" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m " + String(format: "%02ds", total % 60) }
        return "\(total / 3600)h " + String(format: "%02dm", (total % 3600) / 60)
    }

    /// A percentage such as "42%" or "37.6%" (one decimal when below 100 and not whole).
    public static func percent(_ fraction: Double, decimals: Int = 0) -> String {
        guard fraction.isFinite else { return "--%" }
        return String(format: "%.\(max(0, decimals))f%%", fraction * 100)
    }
}
