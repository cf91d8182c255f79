/// The bottom line of a screen: left text (keys, messages) and right text (position,
/// mode), on a full-width bar in the status role. A message can use the error role.
public struct StatusLine: Sendable {
    public var left: String
    public var right: String
    public var role: Role

    public init(left: String, right: String = "", role: Role = .status) {
        self.left = left
        self.right = right
        self.role = role
    }

    /// Draws on the first row of `area` (usually the last row of the screen).
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        let style = context.style(role)
        let row = Rect(x: area.x, y: area.y, width: area.width, height: 1)
        buffer.fill(row, with: Cell(" ", style: style))
        let rightText = right.truncated(to: max(0, area.width - 2), ellipsis: context.glyphs.ellipsis)
        let leftRoom = max(0, area.width - 2 - (rightText.isEmpty ? 0 : rightText.count + 2))
        // A status line names keys and advice: one cut short is content lost (the fit test says so).
        if left.count > leftRoom { buffer.noteHidden("status line cut: \(left)", in: row) }
        buffer.write(left.truncated(to: leftRoom, ellipsis: context.glyphs.ellipsis), x: area.x + 1, y: area.y,
                     style: style, clip: row)
        buffer.writeRightAligned(rightText, rightEdge: area.maxX - 1, y: area.y, style: style, clip: row)
    }
}

/// The screen shown when the terminal is smaller than a view needs.
public enum TooSmallScreen {
    /// The message for a terminal of `have` when `need` is required.
    public static func message(needWidth: Int, needHeight: Int, haveWidth: Int, haveHeight: Int) -> String {
        "terminal too small: need at least \(needWidth)x\(needHeight), have \(haveWidth)x\(haveHeight)"
    }

    /// Draws the message (wrapped, centred) over the whole buffer when it is smaller than
    /// `width` x `height`, and returns true; returns false (drawing nothing) when it fits.
    ///
    ///     if TooSmallScreen.drawIfNeeded(into: &buffer, width: 80, height: 24, context: context) { return }
    @discardableResult
    public static func drawIfNeeded(into buffer: inout Buffer, width: Int, height: Int, context: RenderContext) -> Bool {
        guard !buffer.fits(width: width, height: height) else { return false }
        buffer.fill(buffer.area)
        let text = message(needWidth: width, needHeight: height, haveWidth: buffer.width, haveHeight: buffer.height)
            + ". Enlarge the window, or press q to quit."
        let lines = WrappedText(text, markup: false).plainLines(width: max(1, buffer.width - 2))
        let top = max(0, (buffer.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            buffer.writeCentered(line, in: buffer.area, y: top + index, style: context.style(index == 0 ? .error : .normal))
        }
        return true
    }
}
