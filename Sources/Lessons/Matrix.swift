/// Matrices written as `cnnlab explore` takes them: rows separated by ";", values by spaces
/// or commas ("2 3 5 0; 1 5 7 -9").
public enum Matrix {
    /// The rows of `text`, or nil when a value is not a number. Ragged rows are returned
    /// as they are, for the caller to report.
    public static func parse(_ text: String) -> [[Double]]? {
        var rows: [[Double]] = []
        for rowText in text.split(separator: ";") {
            let fields = rowText.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" })
            if fields.isEmpty { continue }
            var row: [Double] = []
            for field in fields {
                guard let value = Double(field) else { return nil }
                row.append(value)
            }
            rows.append(row)
        }
        return rows
    }

    /// A number as a student reads it: "3", "-4", "0.5".
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        var text = String(format4: value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

extension String {
    /// `value` with four decimals, without Foundation.
    init(format4 value: Double) {
        let scaled = (value * 10_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int(abs(scaled))
        let fraction = String(magnitude % 10_000)
        self = sign + String(magnitude / 10_000) + "." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
