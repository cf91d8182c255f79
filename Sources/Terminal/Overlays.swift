/// A centred box drawn over the screen (cleared beneath) with a wrapped message and an
/// optional hint line: confirmations ("Stop training? y/n") and notices.
public struct Dialog: Sendable {
    public var title: String
    public var message: String
    /// The last line, for example "y: stop   n: keep training".
    public var hint: String
    public var role: Role

    public init(title: String, message: String, hint: String = "", role: Role = .normal) {
        self.title = title
        self.message = message
        self.hint = hint
        self.role = role
    }

    /// Draws the dialog centred in `area`, at most `maxWidth` wide; returns its rectangle.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext, maxWidth: Int = 60) -> Rect {
        let textWidth = max(1, min(maxWidth, area.width) - 4)
        let lines = WrappedText(message, role: role).lines(width: textWidth)
        let height = lines.count + (hint.isEmpty ? 0 : 2) + 2
        let widest = max(lines.map { $0.map(\.text.count).reduce(0, +) }.max() ?? 0, hint.count, title.count + 4)
        let box = area.centered(width: min(textWidth, widest) + 4, height: height)
        buffer.fill(box)
        let inner = Box(title: title, focused: true).render(into: &buffer, area: box, context: context).inset(left: 1, right: 1)
        WrappedText(message, role: role).render(into: &buffer, area: inner, context: context)
        if !hint.isEmpty {
            buffer.write(hint, x: inner.x, y: inner.maxY - 1, style: context.style(.dim), clip: inner)
        }
        return box
    }
}

/// The help overlay listing keys and what they do (shown on "?").
public struct KeyHelp: Sendable {
    public var title: String
    /// (keys, what they do), for example ("→ l space", "next step").
    public var entries: [(keys: String, action: String)]

    public init(title: String = "Keys", entries: [(keys: String, action: String)]) {
        self.title = title
        self.entries = entries
    }

    /// Draws the list centred in `area`; returns its rectangle.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) -> Rect {
        let keyWidth = entries.map(\.keys.count).max() ?? 0
        let actionWidth = entries.map(\.action.count).max() ?? 0
        let footer = "any key closes"
        let width = max(keyWidth + 2 + actionWidth, footer.count, title.count + 2) + 4
        let box = area.centered(width: width, height: entries.count + 4)
        buffer.fill(box)
        let inner = Box(title: title, focused: true).render(into: &buffer, area: box, context: context)
            .inset(left: 1, right: 1)
        for (index, entry) in entries.enumerated() where index < inner.height - 2 {
            let y = inner.y + index
            buffer.write(entry.keys, x: inner.x, y: y, style: context.style(.accent), clip: inner)
            buffer.write(entry.action, x: inner.x + keyWidth + 2, y: y, style: context.style(.normal), clip: inner)
        }
        buffer.write(footer, x: inner.x, y: inner.maxY - 1, style: context.style(.dim), clip: inner)
        return box
    }
}

/// A row of tab titles with the selected one highlighted ("[Conv]" in monochrome).
public struct TabBar: Sendable {
    public var titles: [String]
    public var selected: Int

    public init(titles: [String], selected: Int) {
        self.titles = titles
        self.selected = selected
    }

    /// Draws the tabs on the first row of `area`.
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        var x = area.x
        for (index, title) in titles.enumerated() {
            let isSelected = index == selected
            let text = context.isMonochrome && isSelected ? "[\(title)]" : " \(title) "
            x = buffer.write(text, x: x, y: area.y, style: context.style(isSelected ? .selection : .dim), clip: area)
            x = buffer.write(" ", x: x, y: area.y, clip: area)
        }
    }
}
