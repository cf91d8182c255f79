/// A table with a header row, column alignment and optional per-row roles.
///
///     var table = Table(columns: [.init("class"), .init("acc", alignment: .right)],
///                       rows: [["cat", "41%"], ["dog", "37%"]])
///     table.render(into: &buffer, area: rect, context: context)
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right, center }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// A fixed width; nil fits the widest of the title and the values.
        public var width: Int?
        public init(_ title: String, alignment: Alignment = .left, width: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.width = width
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// A role for each row (missing rows are `.normal`).
    public var rowRoles: [Role]
    /// The row drawn in the selection role.
    public var selectedRow: Int?
    /// Spaces between columns.
    public var gap: Int = 2
    /// Draws a line under the header.
    public var headerRule: Bool = true

    public init(columns: [Column], rows: [[String]], rowRoles: [Role] = [], selectedRow: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.rowRoles = rowRoles
        self.selectedRow = selectedRow
    }

    /// The width of each column.
    public var columnWidths: [Int] {
        columns.enumerated().map { index, column in
            column.width ?? max(column.title.count, rows.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0)
        }
    }

    /// The size the whole table needs.
    public var size: (width: Int, height: Int) {
        let widths = columnWidths
        return (widths.reduce(0, +) + gap * max(0, widths.count - 1), 1 + (headerRule ? 1 : 0) + rows.count)
    }

    /// Draws the header and the rows from `scroll` on into `area`.
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext, scroll: Int = 0) {
        guard !area.isEmpty else { return }
        let widths = columnWidths
        drawRow(columns.map(\.title), y: area.y, widths: widths, style: context.style(.title), buffer: &buffer, area: area)
        var y = area.y + 1
        if headerRule && y < area.maxY {
            let total = min(area.width, size.width)
            buffer.write(String(repeating: context.glyphs.horizontal, count: total), x: area.x, y: y,
                         style: context.style(.dim), clip: area)
            y += 1
        }
        var index = max(0, scroll)
        while y < area.maxY && index < rows.count {
            var role = index < rowRoles.count ? rowRoles[index] : .normal
            if index == selectedRow { role = .selection }
            drawRow(rows[index], y: y, widths: widths, style: context.style(role), buffer: &buffer, area: area)
            y += 1
            index += 1
        }
        if index < rows.count {
            buffer.noteHidden("\(rows.count - index) table rows from \"\(rows[index].first ?? "")\"", in: area)
        }
    }

    private func drawRow(_ values: [String], y: Int, widths: [Int], style: Style, buffer: inout Buffer, area: Rect) {
        var x = area.x
        for (index, width) in widths.enumerated() {
            let value = (index < values.count ? values[index] : "").truncated(to: width)
            let text: String
            switch columns[index].alignment {
            case .left: text = value.rightPadded(to: width)
            case .right: text = value.leftPadded(to: width)
            case .center:
                let left = (width - value.count) / 2
                text = (String(repeating: " ", count: left) + value).rightPadded(to: width)
            }
            let gapText = index + 1 < widths.count ? String(repeating: " ", count: gap) : ""
            x = buffer.write(text + gapText, x: x, y: y, style: style, clip: area)
        }
    }
}
