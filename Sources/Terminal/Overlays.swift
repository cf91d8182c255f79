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

/// The help overlay listing keys and what they do (shown on "?"). It fits the area it is
/// given: long actions wrap under themselves, and when the rows run out the last one says how
/// many more entries there are (a lesson's pane can be short), never clipping silently.
public struct KeyHelp: Sendable {
    public var title: String
    /// (keys, what they do), for example ("→ l space", "next step"). An empty key starts a
    /// heading or blank line when the action is empty too.
    public var entries: [(keys: String, action: String)]
    /// The last line.
    public var footer: String

    public init(title: String = "Keys", entries: [(keys: String, action: String)], footer: String = "any key closes") {
        self.title = title
        self.entries = entries
        self.footer = footer
    }

    /// Draws the list centred in `area`; returns its rectangle.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) -> Rect {
        guard area.width >= 8, area.height >= 4 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let keys = entries.map { context.glyphs.unicode ? $0.keys : Self.ascii($0.keys) }
        let keyWidth = min(keys.map(\.count).max() ?? 0, max(4, (area.width - 6) / 3))
        let widest = entries.map(\.action.count).max() ?? 0
        let width = min(area.width, max(keyWidth + 2 + widest, footer.count, title.count + 2) + 4)
        let actionWidth = max(1, width - 4 - keyWidth - 2)
        // Each entry's rows: its action wrapped to the column.
        let rows: [[String]] = entries.map { entry in
            let action = context.glyphs.unicode ? entry.action : Self.ascii(entry.action)
            let lines = WrappedText(action, markup: false).plainLines(width: actionWidth)
            return lines.isEmpty ? [""] : lines
        }
        let needed = rows.map(\.count).reduce(0, +)
        let height = min(area.height, needed + 4)
        let box = area.centered(width: width, height: height)
        buffer.fill(box)
        let inner = Box(title: title, focused: true).render(into: &buffer, area: box, context: context)
            .inset(left: 1, right: 1)
        let listRows = inner.height - 2
        var y = inner.y
        var shown = 0
        for (index, lines) in rows.enumerated() {
            let remainingEntries = rows.count - index
            // Keep a row to say what did not fit, unless this entry is the last and fits.
            let room = inner.y + listRows - y
            let fits = lines.count <= room && (remainingEntries == 1 || lines.count < room)
            guard fits else { break }
            buffer.write(keys[index], x: inner.x, y: y, style: context.style(.accent), clip: inner)
            for line in lines {
                buffer.write(line, x: inner.x + keyWidth + 2, y: y, style: context.style(.normal), clip: inner)
                y += 1
            }
            shown += 1
        }
        if shown < rows.count {
            let more = "\(rows.count - shown) more: a taller terminal shows them"
            buffer.write(more, x: inner.x, y: y, style: context.style(.accent), clip: inner)
        }
        buffer.write(footer, x: inner.x, y: inner.maxY - 1, style: context.style(.dim), clip: inner)
        return box
    }

    /// Arrows spelled in ASCII.
    static func ascii(_ text: String) -> String {
        text.replacingOccurrences(of: "→", with: "->").replacingOccurrences(of: "←", with: "<-")
            .replacingOccurrences(of: "↑", with: "^").replacingOccurrences(of: "↓", with: "v")
            .replacingOccurrences(of: "·", with: "-").replacingOccurrences(of: "−", with: "-")
    }
}
