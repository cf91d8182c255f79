import CNCurses

/// Hands out ncurses colour pairs for (foreground, background) combinations, creating
/// each once. Pair numbers above 255 are fine: they are passed through setcchar, never
/// through COLOR_PAIR().
struct ColorPairs {
    private var pairs: [Int32]
    private var nextPair: Int32 = 1
    private let limit: Int32
    /// Colours the terminal has (8, 16, 256).
    let colorCount: Int

    init(colorCount: Int, pairLimit: Int) {
        self.colorCount = colorCount
        limit = Int32(min(pairLimit, 32767))
        pairs = Array(repeating: -1, count: 257 * 257)
    }

    /// The pair for `foreground`/`background` (-1 = terminal default); 0 when pairs run out.
    mutating func pair(foreground: Int, background: Int) -> Int32 {
        if foreground < 0 && background < 0 { return 0 }
        let key = (foreground + 1) * 257 + (background + 1)
        let known = pairs[key]
        if known >= 0 { return known }
        guard nextPair < limit else { return 0 }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, Int32(foreground), Int32(background))
        pairs[key] = pair
        return pair
    }

    /// A colour reduced to what the terminal has; -1 for the default colour.
    static func reduce(_ color: Color, mode: ColorMode, colorCount: Int) -> Int {
        guard case .indexed(let index) = color, mode != .none else { return -1 }
        let value = Int(index)
        if value < colorCount && (mode == .xterm256 || value < 16) { return value }
        return basicEquivalent(value, colorCount: colorCount)
    }

    /// The nearest of the 8 (or 16) basic colours for an xterm-256 index.
    static func basicEquivalent(_ index: Int, colorCount: Int) -> Int {
        switch index {
        case 0..<8: return index
        case 8..<16: return colorCount >= 16 ? index : index - 8
        case 16..<232:
            let cube = index - 16
            let (r, g, b) = (cube / 36, (cube / 6) % 6, cube % 6)
            let bright = max(r, g, b) >= 4 && colorCount >= 16
            let basic = (r >= 2 ? 1 : 0) | (g >= 2 ? 2 : 0) | (b >= 2 ? 4 : 0)
            return basic + (bright && basic != 0 ? 8 : 0)
        default:
            let grey = index - 232
            if grey < 6 { return 0 }
            if grey < 14 { return colorCount >= 16 ? 8 : 0 }
            return 7
        }
    }
}
