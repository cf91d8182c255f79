import Formatting
import Stepper
import Terminal

/// Editing one matrix of the explorer in place: arrows move, digits, '.' and '-' type a
/// number into the cell under the cursor, Backspace erases, Enter keeps, Esc cancels.
public struct MatrixEditor: Equatable, Sendable {
    public let target: ExplorerFocus
    /// Which slice: input channel, kernel [filter, channel], or upstream channel.
    public let outer: Int
    public let inner: Int
    public private(set) var matrix: Matrix
    public private(set) var row = 0
    public private(set) var column = 0
    /// What has been typed into the current cell, not yet a number.
    public private(set) var typed = ""

    public init(target: ExplorerFocus, outer: Int, inner: Int, matrix: Matrix) {
        self.target = target; self.outer = outer; self.inner = inner; self.matrix = matrix
    }

    public enum Outcome: Equatable { case editing, keep, cancel, invalid(String) }

    /// Applies one key.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancel
        case .enter:
            if let problem = commitTyped() { return .invalid(problem) }
            return .keep
        case .up, .down, .left, .right, .tab:
            if let problem = commitTyped() { return .invalid(problem) }
            switch key {
            case .up: row = max(0, row - 1)
            case .down: row = min(matrix.rows - 1, row + 1)
            case .left: column = max(0, column - 1)
            default:
                if column + 1 < matrix.columns { column += 1 } else if row + 1 < matrix.rows { column = 0; row += 1 }
            }
            return .editing
        case .backspace, .delete:
            if !typed.isEmpty { typed.removeLast() }
            return .editing
        case .character(let ch) where ch.isNumber || ch == "-" || ch == "." || ch == "−":
            if typed.count < 8 { typed.append(ch == "−" ? "-" : ch) }
            return .editing
        default:
            return .editing
        }
    }

    /// Writes the typed text into the cell; returns a message when it is not a number.
    private mutating func commitTyped() -> String? {
        guard !typed.isEmpty else { return nil }
        guard let value = Float(typed), value.isFinite else {
            let bad = typed
            typed = ""
            return "'\(bad)' is not a number: type digits, an optional '-' and '.'"
        }
        matrix[row, column] = value
        typed = ""
        return nil
    }

    /// The text shown in the cell under the cursor.
    public var cursorText: String { typed.isEmpty ? NumberText.plain(matrix[row, column]) : typed + "_" }
}

extension ExplorerModel {
    /// The matrix the focus points at, as the editor's target.
    func editorForFocus() -> MatrixEditor? {
        let setup = exploration.setup
        switch focus {
        case .input:
            return MatrixEditor(target: .input, outer: 0, inner: selectedChannel, matrix: setup.input.matrix(0, selectedChannel))
        case .kernel:
            guard let weight = setup.weight else { return nil }
            let (outer, inner) = operation == .convT ? (selectedChannel, selectedFilter) : (selectedFilter, selectedChannel)
            return MatrixEditor(target: .kernel, outer: outer, inner: inner, matrix: weight.matrix(outer, inner))
        case .upstream:
            let upstream = operation == .pool ? exploration.pool?.upstream : exploration.convBackward?.upstream
            guard let upstream else { return nil }
            return MatrixEditor(target: .upstream, outer: 0, inner: selectedFilter, matrix: upstream.matrix(0, selectedFilter))
        }
    }

    /// The setup with the editor's matrix written back.
    func setup(applying editor: MatrixEditor) -> ExploreSetup {
        var setup = exploration.setup
        switch editor.target {
        case .input: setup.input.setMatrix(editor.matrix, editor.outer, editor.inner)
        case .kernel: setup.weight?.setMatrix(editor.matrix, editor.outer, editor.inner)
        case .upstream:
            var upstream = (operation == .pool ? exploration.pool?.upstream : exploration.convBackward?.upstream)!
            upstream.setMatrix(editor.matrix, editor.outer, editor.inner)
            setup.upstream = upstream
        }
        return setup
    }
}
