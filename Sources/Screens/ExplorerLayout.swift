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
            guard y < area.maxY else { break }
            let box = Rect(x: x, y: y, width: min(panel.width, area.maxX - x), height: min(panel.height, area.maxY - y))
            let inner = Box(title: panel.title, focused: panel.focused).render(into: &buffer, area: box, context: context)
            panel.grid.render(into: &buffer, at: (x: inner.x, y: inner.y), context: context, clip: inner)
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
        var y = top
        for line in lines {
            for piece in WrappedText(line.text, role: line.role, markup: false).plainLines(width: max(1, area.width)) {
                guard y < area.maxY else { return y }
                buffer.write(piece, x: area.x, y: y, role: line.role, context: context, clip: area)
                y += 1
            }
        }
        return y
    }

    /// How many rows `lines` take when wrapped to `width`.
    static func height(of lines: [ExplorerLine], width: Int) -> Int {
        lines.reduce(0) { $0 + WrappedText($1.text, markup: false).plainLines(width: max(1, width)).count }
    }
}
