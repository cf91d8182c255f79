/// A colour a cell can take. `.none` is the terminal's default; `.indexed` is one of the
/// 256 xterm colours (0-15 the basic ones), reduced to 8 or none by the backend as the
/// terminal allows.
public enum Color: Equatable, Hashable, Sendable {
    case none
    case indexed(UInt8)

    public static let black = Color.indexed(0), red = Color.indexed(1), green = Color.indexed(2),
        yellow = Color.indexed(3), blue = Color.indexed(4), magenta = Color.indexed(5),
        cyan = Color.indexed(6), white = Color.indexed(7), gray = Color.indexed(8)
}

/// Text attributes; combine with `[.bold, .reverse]`. These carry meaning in monochrome,
/// where colours are not drawn.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1)
    public static let reverse = Attributes(rawValue: 2)
    public static let underline = Attributes(rawValue: 4)
    public static let dim = Attributes(rawValue: 8)
}

/// How a cell looks: foreground, background and attributes.
public struct Style: Equatable, Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: Attributes

    public init(foreground: Color = .none, background: Color = .none, attributes: Attributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}

/// One character cell of the screen.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
    }
}

/// A rectangle of cells, in columns (x) and rows (y) from the top left.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
}

/// An in-memory screen of `width` x `height` cells. Every view draws into one; the ncurses
/// backend draws what changed, and tests compare `lines` without a terminal.
public struct Buffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// What this frame could not show (see `ClipLedger`); not part of equality.
    public internal(set) var clipLedger = ClipLedger()

    public static func == (a: Buffer, b: Buffer) -> Bool {
        a.width == b.width && a.height == b.height && a.cells == b.cells
    }

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`; a blank cell outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        get { contains(x: x, y: y) ? cells[y * width + x] : Cell() }
        set { if contains(x: x, y: y) { cells[y * width + x] = newValue } }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from (x, y) to the right, clipped to `clip` (the whole buffer by default).
    /// Returns the column after the last character written. Each Unicode scalar takes one
    /// cell; combining marks and variation selectors join the character before them.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let bounds = clip ?? area
        let rowVisible = y >= max(0, bounds.y) && y < min(height, bounds.maxY)
        let left = max(0, bounds.x), right = min(width, bounds.maxX)
        let rowStart = y * width
        var column = x
        var lost = false
        // Scalars rather than Characters: grapheme breaking is the slow part of drawing text.
        cells.withUnsafeMutableBufferPointer { cells in
            var lastWritten = -1
            for scalar in text.unicodeScalars {
                if scalar.value >= 0x300 && Buffer.joinsPreviousCharacter(scalar) {
                    if lastWritten >= 0 {
                        var combined = String(cells[lastWritten].character)
                        combined.unicodeScalars.append(scalar)
                        if combined.count == 1 { cells[lastWritten].character = Character(combined) }
                    }
                    continue
                }
                if column >= bounds.maxX {
                    // Cut at the right edge of the clip: look on for something visible that is lost
                    // (the column returned stays the edge, as callers place the next text there).
                    if !Buffer.isFiller(scalar) { lost = true; break }
                    continue
                }
                if rowVisible && column >= left && column < right {
                    cells[rowStart + column] = Cell(Character(scalar), style: style)
                    lastWritten = rowStart + column
                } else {
                    if !lost && !Buffer.isFiller(scalar) { lost = true }
                    lastWritten = -1
                }
                column += 1
            }
        }
        if lost { noteClippedWrite(text, x: x, y: y, bounds: bounds) }
        return column
    }

    /// True for scalars drawn on top of the previous character rather than in a cell of their own.
    static func joinsPreviousCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200D, 0xFE00...0xFE0F, 0x1F3FB...0x1F3FF, 0xE0100...0xE01EF: return true
        case 0x2100...0x2BFF: return false   // arrows, maths, box drawing, blocks, braille: the common case
        default:
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark: return true
            default: return false
            }
        }
    }

    /// Fills a rectangle with one character and style.
    public mutating func fill(_ rect: Rect, with cell: Cell = Cell()) {
        let (rows, columns) = clippedRanges(rect)
        let width = width
        cells.withUnsafeMutableBufferPointer { cells in
            for row in rows {
                for column in columns { cells[row * width + column] = cell }
            }
        }
    }

    /// Changes the style of every cell in `rect`, keeping the characters.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let (rows, columns) = clippedRanges(rect)
        for row in rows {
            for column in columns { cells[row * width + column].style = style }
        }
    }

    /// The rows and columns of `rect` inside the buffer (empty ranges when it lies outside).
    func clippedRanges(_ rect: Rect) -> (rows: Range<Int>, columns: Range<Int>) {
        let top = max(0, rect.y), bottom = min(height, rect.maxY)
        let left = max(0, rect.x), right = min(width, rect.maxX)
        return (top..<max(top, bottom), left..<max(left, right))
    }

    /// The frame as plain text, one string per row, trailing spaces removed.
    public var lines: [String] {
        (0..<height).map { row in
            var line = String(cells[(row * width)..<(row * width + width)].map(\.character))
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The frame as one plain-text string (rows joined by newlines).
    public var text: String { lines.joined(separator: "\n") }
}
