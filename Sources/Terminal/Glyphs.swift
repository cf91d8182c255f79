/// The characters widgets draw with: Unicode where the locale allows, ASCII otherwise.
/// Take them from `RenderContext.glyphs` rather than writing literals, so `--ascii` works.
public struct Glyphs: Equatable, Sendable {
    public let unicode: Bool

    // Box drawing: light lines for ordinary boxes, heavy ones for the focused panel.
    public let horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Character
    public let heavyHorizontal, heavyVertical, heavyTopLeft, heavyTopRight, heavyBottomLeft, heavyBottomRight: Character
    public let teeLeft, teeRight, teeUp, teeDown, cross: Character

    // Blocks and shades (images, bars); ASCII uses a brightness ramp instead.
    public let upperHalf, lowerHalf, fullBlock, lightShade, mediumShade, darkShade: Character
    /// Partial blocks from 1/8 to 7/8 of a cell, for smooth progress bars (ASCII: empty).
    public let eighths: [Character]

    // Arrows and signs.
    public let arrowLeft, arrowRight, arrowUp, arrowDown: Character
    public let times, minus, middleDot, bullet, ellipsis, check: Character
    /// A dot for a plot point where braille is not available.
    public let plotDot: Character

    /// The ASCII brightness ramp from dark to bright, used for images without colour.
    public static let asciiRamp: [Character] = Array(" .:-=+*#%@")

    public init(unicode: Bool) {
        self.unicode = unicode
        if unicode {
            (horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight) = ("─", "│", "┌", "┐", "└", "┘")
            (heavyHorizontal, heavyVertical, heavyTopLeft, heavyTopRight, heavyBottomLeft, heavyBottomRight) =
                ("━", "┃", "┏", "┓", "┗", "┛")
            (teeLeft, teeRight, teeUp, teeDown, cross) = ("┤", "├", "┴", "┬", "┼")
            (upperHalf, lowerHalf, fullBlock, lightShade, mediumShade, darkShade) = ("▀", "▄", "█", "░", "▒", "▓")
            eighths = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
            (arrowLeft, arrowRight, arrowUp, arrowDown) = ("←", "→", "↑", "↓")
            (times, minus, middleDot, bullet, ellipsis, check) = ("×", "−", "·", "•", "…", "✓")
            plotDot = "•"
        } else {
            (horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight) = ("-", "|", "+", "+", "+", "+")
            (heavyHorizontal, heavyVertical, heavyTopLeft, heavyTopRight, heavyBottomLeft, heavyBottomRight) =
                ("=", "#", "#", "#", "#", "#")
            (teeLeft, teeRight, teeUp, teeDown, cross) = ("+", "+", "+", "+", "+")
            (upperHalf, lowerHalf, fullBlock, lightShade, mediumShade, darkShade) = ("\"", ",", "#", ".", ":", "%")
            eighths = []
            (arrowLeft, arrowRight, arrowUp, arrowDown) = ("<", ">", "^", "v")
            (times, minus, middleDot, bullet, ellipsis, check) = ("x", "-", ".", "*", "~", "v")
            plotDot = "*"
        }
    }

    public static let utf8 = Glyphs(unicode: true)
    public static let ascii = Glyphs(unicode: false)

    /// Arrow strings such as "->" that read better than one character in ASCII.
    public var rightArrowText: String { unicode ? "→" : "->" }
    public var leftArrowText: String { unicode ? "←" : "<-" }

    /// The braille character whose dots are set in `bits` (bit 0 = dot 1 ... bit 7 = dot 8).
    public static func braille(_ bits: UInt8) -> Character {
        Character(Unicode.Scalar(0x2800 + UInt32(bits))!)
    }

    /// The bit of the braille dot at column `dx` (0...1) and row `dy` (0...3) inside a cell.
    public static func brailleBit(dx: Int, dy: Int) -> UInt8 {
        // Dots 1-3 and 4-6 run down the two columns; dots 7 and 8 were added below them.
        if dy == 3 { return dx == 0 ? 0x40 : 0x80 }
        return UInt8(1 << (dy + 3 * dx))
    }
}
