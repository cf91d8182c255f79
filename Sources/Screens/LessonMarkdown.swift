import Lessons

/// The Markdown of a lesson's text, split into what the text column draws differently:
/// paragraphs and lists, `###` headings, and tables. Links show as "text (address)" and
/// images as "[image: text]", since a terminal can show neither.
enum LessonMarkdown {
    enum Part: Equatable {
        /// Lines of paragraphs and list items, as in the file.
        case text([String])
        /// A `###` (or deeper) heading's text.
        case heading(String)
        /// A table's rows of cells (the header first; the rule row left out).
        case table([[String]])
    }

    static func parts(_ lines: [String]) -> [Part] {
        var parts: [Part] = []
        var text: [String] = []
        var table: [[String]] = []
        func flushText() { if !text.isEmpty { parts.append(.text(text)); text = [] } }
        func flushTable() { if !table.isEmpty { parts.append(.table(table)); table = [] } }
        for raw in lines {
            let line = inline(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("|") {
                flushText()
                if !TableText.isRule(trimmed) { table.append(TableText.cells(of: trimmed)) }
                continue
            }
            flushTable()
            if trimmed.hasPrefix("#") {
                let level = trimmed.prefix { $0 == "#" }.count
                let rest = trimmed.dropFirst(level)
                if level >= 3, rest.first == " " {
                    flushText()
                    parts.append(.heading(rest.trimmingCharacters(in: .whitespaces)))
                    continue
                }
            }
            text.append(line)
        }
        flushText()
        flushTable()
        return parts
    }

    /// Links and images rewritten for a terminal: "[text](url)" to "text (url)", "![alt](src)"
    /// to "[image: alt]"; a link whose text is its address shows once.
    static func inline(_ line: String) -> String {
        guard line.contains("](") else { return line }
        var result = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "[") {
            let isImage = open > rest.startIndex && rest[rest.index(before: open)] == "!"
            guard let close = rest[open...].firstIndex(of: "]"), rest.index(after: close) < rest.endIndex,
                  rest[rest.index(after: close)] == "(",
                  let end = rest[close...].firstIndex(of: ")") else { break }
            let label = rest[rest.index(after: open)..<close]
            let target = rest[rest.index(close, offsetBy: 2)..<end]
            result += rest[rest.startIndex..<(isImage ? rest.index(before: open) : open)]
            if isImage {
                result += "[image: \(label)]"
            } else {
                result += label == target ? String(label) : "\(label) (\(target))"
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    /// A table as aligned lines when it fits `width`; otherwise one entry per row, each cell
    /// named by its column ("- layer: Conv2d · params: 608"), which wraps cleanly.
    static func tableLines(_ rows: [[String]], width: Int) -> (lines: [String], header: Bool) {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        let total = widths.reduce(0, +) + 2 * max(0, columns - 1)
        if total <= width {
            let lines = rows.map { row in
                row.enumerated().map { index, cell in
                    index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                }.joined(separator: "  ")
            }
            return (lines, true)
        }
        guard let header = rows.first else { return ([], false) }
        let lines = rows.dropFirst().map { row in
            "- " + row.enumerated().map { index, cell in
                index < header.count && !header[index].isEmpty ? "\(header[index]): \(cell)" : cell
            }.joined(separator: " · ")
        }
        return (lines, false)
    }
}
