import Formatting

/// A matrix of numbers in fixed-width columns, right-aligned, with optional row and
/// column labels and a role per cell (window, current, winner, padding, ...).
///
/// Every cell is `valueWidth + 2` columns wide: one slot on each side of the value holds
/// a marker when colours are off ("[5]" window, ">5<" current, "{5}" winner), so the
/// layout is the same in colour and in monochrome.
///
///     var grid = MatrixGrid(values: [[2, 3], [1, 5]])
///     grid.setRole(.window, row: 0, column: 1)
///     grid.render(into: &buffer, at: (x: 2, y: 1), context: context)
public struct MatrixGrid: Sendable {
    /// How padding cells show their value.
    public enum PaddingDisplay: Sendable {
        /// The value (normally 0) in the padding role's style.
        case dimValue
        /// A middle dot ("·", "." in ASCII) instead of the value.
        case dot
    }

    public let rows: Int
    public let columns: Int
    /// The text of each cell, row-major.
    public var cells: [String]
    /// The role of each cell, row-major (`.normal` by default).
    public var roles: [Role]
    /// Which cells are padding, row-major. A padding cell keeps its look under another
    /// role (a window over padding shows the window's background with padding's dim text).
    public var padding: [Bool]
    /// Styles that replace the role's in colour modes (heat maps); ignored in monochrome.
    public var colorOverrides: [Style?]
    public var rowLabels: [String]?
    public var columnLabels: [String]?
    /// The minimum width of a value; raise it to align several grids.
    public var minimumValueWidth: Int = 1
    /// Whether to draw role markers around values; `nil` draws them when colours are off.
    public var markers: Bool?
    public var paddingDisplay: PaddingDisplay = .dimValue

    /// A grid of numbers formatted with `NumberText.compact`.
    public init(values: [[Double]], maxDecimals: Int = 2) {
        rows = values.count
        columns = values.map(\.count).max() ?? 0
        var texts: [String] = []
        for row in values {
            for column in 0..<columns {
                texts.append(column < row.count ? NumberText.compact(row[column], maxDecimals: maxDecimals) : "")
            }
        }
        cells = texts
        roles = Array(repeating: .normal, count: rows * columns)
        padding = Array(repeating: false, count: rows * columns)
        colorOverrides = Array(repeating: nil, count: rows * columns)
    }

    /// A grid of `rows` x `columns` numbers stored row-major in `flat`.
    public init(rows: Int, columns: Int, flat: [Float], maxDecimals: Int = 2) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        let count = max(0, rows) * max(0, columns)
        cells = (0..<count).map { $0 < flat.count ? NumberText.compact(Double(flat[$0]), maxDecimals: maxDecimals) : "" }
        roles = Array(repeating: .normal, count: count)
        padding = Array(repeating: false, count: count)
        colorOverrides = Array(repeating: nil, count: count)
    }

    /// A grid of ready-made texts (for example "+1→4").
    public init(text: [[String]]) {
        let width = text.map(\.count).max() ?? 0
        rows = text.count
        columns = width
        cells = text.flatMap { row in row + Array(repeating: "", count: width - row.count) }
        roles = Array(repeating: .normal, count: rows * columns)
        padding = Array(repeating: false, count: rows * columns)
        colorOverrides = Array(repeating: nil, count: rows * columns)
    }

    /// Gives the cell at (`row`, `column`) a role; ignored outside the grid.
    public mutating func setRole(_ role: Role, row: Int, column: Int) {
        guard row >= 0, row < rows, column >= 0, column < columns, row * columns + column < roles.count else { return }
        roles[row * columns + column] = role
    }

    /// Marks a border `width` cells wide on every side as padding (the input of a
    /// convolution drawn with its padding).
    public mutating func markPaddingBorder(_ width: Int) {
        guard width > 0 else { return }
        for row in 0..<rows {
            for column in 0..<columns
            where (row < width || column < width || row >= rows - width || column >= columns - width)
                && row * columns + column < padding.count {
                padding[row * columns + column] = true
            }
        }
    }

    /// Colours cells by `intensity` (0...1, row-major) on a 256-colour heat ramp: for a
    /// confusion matrix. Roles still decide the look in 8 colours and monochrome.
    public mutating func setHeat(_ intensity: [Double]) {
        for index in 0..<min(intensity.count, colorOverrides.count) {
            colorOverrides[index] = Style(foreground: .indexed(231), background: .indexed(Palette.heatColor(intensity[index])))
        }
    }

    /// The role of the cell at (`row`, `column`).
    public func role(row: Int, column: Int) -> Role {
        guard row >= 0, row < rows, column >= 0, column < columns, row * columns + column < roles.count else { return .normal }
        return roles[row * columns + column]
    }

    /// The width of the widest value (at least `minimumValueWidth`).
    public var valueWidth: Int {
        max(minimumValueWidth, cells.map(\.count).max() ?? 1, (columnLabels ?? []).map(\.count).max() ?? 0)
    }

    /// The width of one cell including its two marker slots.
    public var cellWidth: Int { valueWidth + 2 }

    /// The width of the row-label column (0 without labels).
    public var labelWidth: Int { rowLabels.map { ($0.map(\.count).max() ?? 0) } ?? 0 }

    /// The size the grid needs: labels, cells and (if any) the column-label row.
    public var size: (width: Int, height: Int) {
        (labelWidth + columns * cellWidth, rows + (columnLabels == nil ? 0 : 1))
    }

    /// Where the cell (`row`, `column`) lands when the grid is drawn with its top left at `origin`.
    public func cellRect(row: Int, column: Int, origin: (x: Int, y: Int)) -> Rect {
        Rect(x: origin.x + labelWidth + column * cellWidth,
             y: origin.y + (columnLabels == nil ? 0 : 1) + row, width: cellWidth, height: 1)
    }

    /// Draws the grid with its top left at `origin`, clipped to `clip` (the buffer by default).
    /// Returns the rectangle it covers.
    @discardableResult
    public func render(into buffer: inout Buffer, at origin: (x: Int, y: Int), context: RenderContext,
                       clip: Rect? = nil) -> Rect {
        let bounds = clip ?? buffer.area
        let useMarkers = markers ?? context.isMonochrome
        let width = valueWidth
        let cellWidth = width + 2, labelWidth = labelWidth
        var y = origin.y
        if let columnLabels {
            for (column, label) in columnLabels.enumerated() where column < columns {
                let cellX = origin.x + labelWidth + column * cellWidth
                buffer.writeRightAligned(label, rightEdge: cellX + 1 + width, y: y,
                                         style: context.style(.dim), clip: bounds)
            }
            y += 1
        }
        for row in 0..<rows {
            if let rowLabels, row < rowLabels.count {
                buffer.writeRightAligned(rowLabels[row], rightEdge: origin.x + labelWidth, y: y,
                                         style: context.style(.dim), clip: bounds)
            }
            for column in 0..<columns {
                // The arrays are public: read them defensively in case a caller resized one.
                let index = row * columns + column
                let role = index < roles.count ? roles[index] : .normal
                let isPadding = role == .padding || (index < padding.count && padding[index])
                var value = index < cells.count ? cells[index] : ""
                if isPadding && paddingDisplay == .dot { value = String(context.glyphs.middleDot) }
                let (left, right) = useMarkers ? MatrixGrid.markers(for: role) : (" ", " ")
                let text = left + value.leftPadded(to: width) + right
                buffer.write(text, x: origin.x + labelWidth + column * cellWidth, y: y,
                             style: style(index: index, role: role, isPadding: isPadding, context: context), clip: bounds)
            }
            y += 1
        }
        return Rect(x: origin.x, y: origin.y, width: size.width, height: size.height).intersection(bounds)
    }

    /// A cell's style: its role's, with padding's dim text kept under other roles, or its
    /// colour override when colours are on.
    private func style(index: Int, role: Role, isPadding: Bool, context: RenderContext) -> Style {
        if index < colorOverrides.count, let override = colorOverrides[index], !context.isMonochrome, role == .normal, !isPadding {
            return context.capabilities.colorMode == .xterm256 ? override : context.style(.normal)
        }
        guard isPadding else { return context.style(role) }
        if role == .normal || role == .padding { return context.style(.padding) }
        var style = context.style(role)
        let paddingStyle = context.style(.padding)
        if context.isMonochrome {
            style.attributes.insert(.dim)
        } else if paddingStyle.foreground != .none {
            style.foreground = paddingStyle.foreground
            style.attributes.remove(.bold)
        } else {
            style.attributes.insert(.dim)
        }
        return style
    }

    /// The characters drawn on each side of a value when colours are off.
    public static func markers(for role: Role) -> (String, String) {
        switch role {
        case .window: ("[", "]")
        case .current: (">", "<")
        case .winner: ("{", "}")   // braces: they never read as part of a window's [ ]
        case .selection: ("(", ")")
        default: (" ", " ")
        }
    }
}
