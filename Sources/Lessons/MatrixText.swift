/// Matrices written as `cnnlab explore` takes them: rows separated by ";", values by spaces
/// or commas ("2 3 5 0; 1 5 7 -9").
public enum MatrixText {
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
}
