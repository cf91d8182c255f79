import Foundation
import OpCases

/// Reads matrices as students type them on the command line or in a lesson.
///
/// - `"2 3 5 0; 1 5 7 -9"`: rows separated by `;` (or new lines), values by spaces or commas.
/// - `"1 2; 3 4 | 5 6; 7 8"`: channels separated by `|`; `||` separates filters (or samples).
/// - `"[[2, 3], [1, 5]]"`: a JSON list of 2, 3 or 4 levels ([rows], [channels][rows], [filters][channels][rows]).
/// - `"@file.json"`: the same JSON read from a file.
///
/// The result is grouped as [filter or sample][channel].
public enum MatrixParser {
    public static func parse(_ text: String, name: String) throws(ExploreError) -> [[Matrix]] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("@") { return try parseFile(String(trimmed.dropFirst()), name: name) }
        if trimmed.hasPrefix("[") { return try parseJSON(Data(trimmed.utf8), name: name, source: name) }
        guard !trimmed.isEmpty else { throw ExploreError("\(name) is empty: type rows like \"2 3; 1 5\"") }
        var groups: [[Matrix]] = []
        for group in trimmed.components(separatedBy: "||") {
            var channels: [Matrix] = []
            for channel in group.split(separator: "|", omittingEmptySubsequences: false) {
                channels.append(try parseRows(String(channel), name: name))
            }
            groups.append(channels)
        }
        try checkSameShape(groups, name: name)
        return groups
    }

    /// One matrix in the "2 3; 1 5" notation.
    public static func parseRows(_ text: String, name: String) throws(ExploreError) -> Matrix {
        let rows = text.split(whereSeparator: { $0 == ";" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !rows.isEmpty else {
            throw ExploreError("\(name) has an empty matrix: type rows like \"2 3; 1 5\" (rows split by ';')")
        }
        var lists: [[Float]] = []
        for (index, row) in rows.enumerated() {
            var values: [Float] = []
            for token in row.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) {
                let spelled = token.replacingOccurrences(of: "−", with: "-")
                guard let value = Float(spelled) else {
                    throw ExploreError("malformed matrix in \(name): '\(token)' in row \(index + 1) is not a number "
                        + "(write rows like \"2 3 5 0; 1 5 7 -9\")")
                }
                guard value.isFinite else {
                    throw ExploreError("\(name): '\(token)' in row \(index + 1) is not a finite float32 number "
                        + "(float32 holds magnitudes up to about 3.4e38)")
                }
                values.append(value)
            }
            lists.append(values)
        }
        if let bad = lists.firstIndex(where: { $0.count != lists[0].count }) {
            throw ExploreError("rows of different lengths in \(name): row 1 has \(lists[0].count) values but row "
                + "\(bad + 1) has \(lists[bad].count); every row needs \(lists[0].count)")
        }
        return Matrix(lists)
    }

    static func parseFile(_ path: String, name: String) throws(ExploreError) -> [[Matrix]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExploreError("cannot read \(path) for \(name): check that the file exists")
        }
        return try parseJSON(data, name: name, source: path)
    }

    /// JSON lists read by the same parser as `cnnlab eval`'s cases: numbers only (`true` is
    /// refused, not read as 1), rectangular, and malformed text named by line and column.
    static func parseJSON(_ data: Data, name: String, source: String) throws(ExploreError) -> [[Matrix]] {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch {
            let what = source == name ? name : "\(source) for \(name)"
            throw ExploreError("\(what) is not valid JSON (\(error.reason)): "
                + "give a list of rows like [[2, 3], [1, 5]]")
        }
        let rank = NestedList.probedShape(document).count
        guard (2...4).contains(rank) else {
            let what = source == name ? name : "\(name) in \(source)"
            throw ExploreError("\(what) must be a list of rows (2 levels), channels (3) or filters (4) of numbers")
        }
        let list: NestedList
        do { list = try NestedList.read(document, field: name, rank: rank) } catch {
            let place = source == name ? "" : " in \(source)"
            throw ExploreError("malformed matrix\(place): \(error.field) \(error.reason)")
        }
        // [filters][channels][rows][columns], with the missing outer levels of size 1.
        let shape = Array(repeating: 1, count: 4 - rank) + list.shape
        let (rows, columns) = (shape[2], shape[3])
        let groups = (0..<shape[0]).map { filter in
            (0..<shape[1]).map { channel in
                let start = (filter * shape[1] + channel) * rows * columns
                return Matrix(rows: rows, columns: columns, values: Array(list.values[start..<(start + rows * columns)]))
            }
        }
        try checkSameShape(groups, name: name)
        return groups
    }

    private static func checkSameShape(_ groups: [[Matrix]], name: String) throws(ExploreError) {
        guard let first = groups.first?.first else { throw ExploreError("\(name) is empty") }
        for group in groups {
            guard group.count == groups[0].count else {
                throw ExploreError("\(name): every filter needs the same number of channels (\(groups[0].count))")
            }
            for m in group where m.rows != first.rows || m.columns != first.columns {
                throw ExploreError("\(name): all channels must be \(first.rows)x\(first.columns), one is \(m.rows)x\(m.columns)")
            }
        }
    }

    /// A setting typed as "2", "2x1" or "2,1" (height, width).
    public static func parsePair(_ text: String, name: String) throws(ExploreError) -> Pair {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "," || $0 == " " }).map { Int($0) }
        switch parts.count {
        case 1: if let v = parts[0] { return Pair(v) }
        case 2: if let h = parts[0], let w = parts[1] { return Pair(height: h, width: w) }
        default: break
        }
        throw ExploreError("\(name) must be a whole number like 2, or height x width like 2x1 (got '\(text)')")
    }

    /// A size typed as "4x4" (or "4"), for random values.
    public static func parseSize(_ text: String, name: String) throws(ExploreError) -> Pair {
        guard let size = try? parsePair(text, name: name) else {
            throw ExploreError("\(name) must be a size like 5x5 (rows x columns) or 5 (got '\(text)')")
        }
        guard size.height >= 1, size.width >= 1, size.height <= 64, size.width <= 64 else {
            throw ExploreError("\(name) must be between 1x1 and 64x64 (got '\(text)')")
        }
        return size
    }

    /// True for "3x3"-like text or a bare "3" (3x3, as pooling reads it): a kernel size
    /// rather than kernel values (values are given as a matrix, "[[3]]" for a 1x1 kernel of 3).
    public static func isSize(_ text: String) -> Bool {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        return (parts.count == 1 || parts.count == 2) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}
