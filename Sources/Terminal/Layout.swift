/// Small helpers for carving a screen into panels.
extension Rect {
    /// The rectangle shrunk by `amount` cells on every side (never negative).
    public func inset(by amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }

    /// The rectangle shrunk by the given amounts.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// Splits off the first `rows` rows: (top part, the rest).
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let rows = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: rows),
                Rect(x: x, y: y + rows, width: width, height: height - rows))
    }

    /// Splits off the last `rows` rows: (the rest, bottom part).
    public func splitBottom(_ rows: Int) -> (rest: Rect, bottom: Rect) {
        let rows = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: height - rows),
                Rect(x: x, y: maxY - rows, width: width, height: rows))
    }

    /// Splits off the first `columns` columns: (left part, the rest).
    public func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let columns = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: columns, height: height),
                Rect(x: x + columns, y: y, width: width - columns, height: height))
    }

    /// Divides the width into `count` columns of (nearly) equal width separated by `gap`.
    public func columns(_ count: Int, gap: Int = 1) -> [Rect] {
        Self.shares(of: width, from: x, count: count, gap: gap).map { Rect(x: $0.start, y: y, width: $0.size, height: height) }
    }

    /// Divides the height into `count` rows of (nearly) equal height separated by `gap`.
    public func rows(_ count: Int, gap: Int = 0) -> [Rect] {
        Self.shares(of: height, from: y, count: count, gap: gap).map { Rect(x: x, y: $0.start, width: width, height: $0.size) }
    }

    /// `count` runs of (nearly) equal size along `length` cells starting at `start`, `gap` cells
    /// apart; the first ones are one cell longer when the length does not divide evenly.
    static func shares(of length: Int, from start: Int, count: Int, gap: Int) -> [(start: Int, size: Int)] {
        guard count > 0 else { return [] }
        let usable = max(0, length - gap * (count - 1))
        var result: [(start: Int, size: Int)] = []
        var next = start
        for index in 0..<count {
            let size = usable / count + (index < usable % count ? 1 : 0)
            result.append((next, size))
            next += size + gap
        }
        return result
    }

    /// A rectangle of at most `width` x `height` centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// The overlap of two rectangles (empty if they do not meet).
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x), top = max(y, other.y)
        return Rect(x: left, y: top, width: min(maxX, other.maxX) - left, height: min(maxY, other.maxY) - top)
    }
}

extension Buffer {
    /// Writes `text` in the style of `role`, clipped to `clip`. Returns the column after the text.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, role: Role, context: RenderContext,
                               clip: Rect? = nil) -> Int {
        write(text, x: x, y: y, style: context.style(role), clip: clip)
    }

    /// Writes `text` right-aligned so that it ends just before column `rightEdge`.
    @discardableResult
    public mutating func writeRightAligned(_ text: String, rightEdge: Int, y: Int, style: Style = .plain,
                                           clip: Rect? = nil) -> Int {
        write(text, x: rightEdge - text.count, y: y, style: style, clip: clip)
    }

    /// Writes `text` centred in the row `y` of `rect`.
    public mutating func writeCentered(_ text: String, in rect: Rect, y: Int, style: Style = .plain) {
        let start = rect.x + max(0, (rect.width - text.count) / 2)
        write(text, x: start, y: y, style: style, clip: rect)
    }

    /// True when the buffer is at least `width` x `height`.
    public func fits(width minWidth: Int, height minHeight: Int) -> Bool {
        width >= minWidth && height >= minHeight
    }
}

extension String {
    /// The string cut to `width` characters, ending in `ellipsis` when cut.
    public func truncated(to width: Int, ellipsis: Character = "…") -> String {
        guard count > width else { return self }
        guard width > 1 else { return String(prefix(max(0, width))) }
        return String(prefix(width - 1)) + String(ellipsis)
    }

    /// The string padded with spaces on the left to `width` characters (not cut).
    public func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string padded with spaces on the right to `width` characters (not cut).
    public func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
