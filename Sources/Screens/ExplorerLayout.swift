import Stepper
import Terminal

/// A boxed matrix of the explorer: a title over a `MatrixGrid`.
struct ExplorerPanel {
    var title: String
    var grid: MatrixGrid
    var focused = false
    /// For grids of an input or output: the padding before index 0, so wide screens can
    /// label rows and columns with their indices (nil: no labels, as for kernels).
    var indexOffset: Pair? = nil
    /// Starts a new row after this panel (one row per input channel).
    var breakAfter = false

    /// The panel with row and column index labels (padding cells unlabelled).
    func labelled() -> ExplorerPanel {
        guard let offset = indexOffset else { return self }
        var copy = self
        copy.grid.rowLabels = (0..<grid.rows).map { $0 - offset.height >= 0 && $0 - offset.height < grid.rows - 2 * offset.height ? "\($0 - offset.height) " : "" }
        copy.grid.columnLabels = (0..<grid.columns).map { $0 - offset.width >= 0 && $0 - offset.width < grid.columns - 2 * offset.width ? "\($0 - offset.width)" : "" }
        return copy
    }

    var width: Int { max(grid.size.width, title.count + 4) + 2 }
    var height: Int { grid.size.height + 2 }
}

/// A line of explanation under the panels, in one role.
struct ExplorerLine: Sendable {
    var text: String
    var role: Role = .normal
    init(_ text: String, _ role: Role = .normal) { self.text = text; self.role = role }
}

enum ExplorerLayout {
    /// Places panels left to right, starting a new row when one does not fit; returns the
    /// first row under them. Panels wider than the area are clipped.
    static func flow(_ panels: [ExplorerPanel], in area: Rect, into buffer: inout Buffer, context: RenderContext) -> Int {
        var x = area.x, y = area.y, rowHeight = 0
        for panel in panels {
            if x > area.x && x + panel.width > area.maxX {
                x = area.x
                y += rowHeight
                rowHeight = 0
            }
            guard y < area.maxY else { buffer.noteHidden("panel \(panel.title)", in: area); break }
            let box = Rect(x: x, y: y, width: min(panel.width, area.maxX - x), height: min(panel.height, area.maxY - y))
            let inner = Box(title: panel.title, focused: panel.focused).render(into: &buffer, area: box, context: context)
            panel.grid.render(into: &buffer, at: (x: inner.x, y: inner.y), context: context, clip: inner)
            // A panel cut by the screen says how much of it is missing, on its bottom border.
            let hiddenRows = panel.height - box.height, hiddenColumns = (panel.width - box.width + panel.grid.cellWidth - 1) / max(1, panel.grid.cellWidth)
            if hiddenRows > 0 {
                buffer.writeMoreMark(hiddenRows, unit: hiddenRows == 1 ? "row" : "rows", under: inner, context: context)
            } else if hiddenColumns > 0 && panel.width - box.width > 0 {
                buffer.writeMoreMark(hiddenColumns, unit: "columns", under: inner, context: context, arrow: context.glyphs.arrowRight)
            }
            x += panel.width + 1
            rowHeight = max(rowHeight, panel.height)
            if panel.breakAfter { x = area.maxX }
        }
        return y + rowHeight
    }

    /// Writes lines wrapped to the area's width from row `top`; returns the next free row.
    @discardableResult
    static func write(_ lines: [ExplorerLine], in area: Rect, from top: Int, into buffer: inout Buffer,
                      context: RenderContext) -> Int {
        let pieces = lines.flatMap { line in
            WrappedText(line.text, role: line.role, markup: false).plainLines(width: max(1, area.width)).map { (text: $0, role: line.role) }
        }
        // Lines that do not fit are counted on the last row rather than cut.
        return buffer.writeLines(pieces, in: Rect(x: area.x, y: top, width: area.width, height: area.maxY - top), context: context)
    }

    /// How many rows `lines` take when wrapped to `width`.
    static func height(of lines: [ExplorerLine], width: Int) -> Int {
        lines.reduce(0) { $0 + WrappedText($1.text, markup: false).plainLines(width: max(1, width)).count }
    }
}
