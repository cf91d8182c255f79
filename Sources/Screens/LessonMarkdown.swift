import Foundation
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
            let trimmed = Self.trimmed(line)
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
                    parts.append(.heading(Self.trimmed(String(rest))))
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
        guard contains(line, "](") else { return line }
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

    /// `line.trimmingCharacters(in: .whitespaces)`, without Foundation's UTF-16 round trip when
    /// the ends are ASCII (nearly every line: a megabyte lesson trims every line on each layout).
    static func trimmed(_ line: String) -> String {
        let bytes = line.utf8
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start, bytes[bytes.index(before: end)] == 0x20 || bytes[bytes.index(before: end)] == 0x09 {
            end = bytes.index(before: end)
        }
        if start == end { return "" }
        // An ASCII non-blank byte at each end is where Foundation stops too; anything else (a
        // no-break space, a combining mark) goes to Foundation.
        guard bytes[start] < 0x80, bytes[bytes.index(before: end)] < 0x80 else {
            return line.trimmingCharacters(in: .whitespaces)
        }
        if start == bytes.startIndex && end == bytes.endIndex { return line }
        return String(line[start..<end])
    }

    /// `text.contains(part)` (Character by Character) for an ASCII `part`, byte by byte: a
    /// match followed by a non-ASCII byte (maybe a combining mark, making another Character)
    /// is settled by the Character-wise search.
    static func contains(_ text: String, _ part: StaticString) -> Bool {
        let needle = Array(UnsafeBufferPointer(start: part.utf8Start, count: part.utf8CodeUnitCount))
        guard let first = needle.first else { return true }
        let bytes = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first && Array(bytes[index..<index + needle.count]) == needle {
                let after = index + needle.count
                if after == bytes.count || bytes[after] < 0x80 { return true }
                return text.contains(part.description)
            }
            index += 1
        }
        return false
    }
}
