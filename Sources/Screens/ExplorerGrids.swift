import Formatting
import Stepper
import Terminal

/// Grids of numbers for the explorer's panels.
enum ExplorerGrids {
    /// A matrix as a grid of plain numbers.
    static func grid(_ m: Matrix) -> MatrixGrid {
        MatrixGrid(text: m.rowLists.map { $0.map { NumberText.plain($0) } })
    }

    /// One input channel with its padding ring: padding cells in the padding role (a dot),
    /// the rest plain. Cell (r, c) of the grid is input (r − padding.height, c − padding.width).
    static func padded(_ m: Matrix, padding: Pair, dot: String) -> MatrixGrid {
        let rows = m.rows + 2 * padding.height, columns = m.columns + 2 * padding.width
        var texts: [[String]] = []
        for r in 0..<rows {
            texts.append((0..<columns).map { c in
                m.value(r - padding.height, c - padding.width).map { NumberText.plain($0) } ?? dot
            })
        }
        // The dot is text, not only a style, so a padding cell under the window still reads as padding.
        var grid = MatrixGrid(text: texts)
        for r in 0..<rows {
            for c in 0..<columns where m.value(r - padding.height, c - padding.width) == nil {
                grid.setRole(.padding, row: r, column: c)
            }
        }
        return grid
    }

    /// Sets `role` on input cell (row, column) of a padded grid.
    static func mark(_ grid: inout MatrixGrid, row: Int, column: Int, padding: Pair, _ role: Role) {
        grid.setRole(role, row: row + padding.height, column: column + padding.width)
    }

    /// An output grid filled up to and including `filled` cells (row-major in step order),
    /// the others blank; the cell at `current` marked, or "?" when concealed.
    static func partialOutput(_ values: Matrix, filledPositions: [(Int, Int)], current: (Int, Int)?,
                              conceal: Bool) -> MatrixGrid {
        var texts = Array(repeating: Array(repeating: "", count: values.columns), count: values.rows)
        for (r, c) in filledPositions { texts[r][c] = NumberText.plain(values[r, c]) }
        if let (r, c) = current, conceal { texts[r][c] = "?" }
        var grid = MatrixGrid(text: texts)
        grid.minimumValueWidth = values.values.map { NumberText.plain($0).count }.max() ?? 1
        if let (r, c) = current { grid.setRole(.current, row: r, column: c) }
        return grid
    }
}
