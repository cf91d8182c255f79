/// Saying that content did not fit, instead of cutting it silently: a count on a box's
/// border, or a last line that counts the lines left out. Both note the overflow as shown
/// (see `ClipLedger`).
extension Buffer {
    /// Writes " ↓ N more <unit> " on the row under `inner` (a box's bottom border), at its
    /// right end, and marks `inner` as saying it is cut.
    ///
    ///     let inner = Box(title: "Progress").render(into: &buffer, area: box, context: context)
    ///     buffer.writeMoreMark(2, unit: "rows", under: inner, context: context)
    public mutating func writeMoreMark(_ hidden: Int, unit: String, under inner: Rect, context: RenderContext,
                                       arrow: Character? = nil) {
        guard hidden > 0 else { return }
        let arrow = arrow ?? context.glyphs.arrowDown
        var text = " \(arrow)\(hidden) more \(unit) "
        if text.count > inner.width { text = " \(arrow)\(hidden) more " }
        if text.count > inner.width { text = "\(arrow)\(hidden)" }
        write(text, x: inner.maxX - text.count, y: inner.maxY, style: context.style(.accent),
              clip: Rect(x: inner.x, y: inner.maxY, width: inner.width, height: 1))
        noteOverflowShown(in: inner)
    }

    /// Writes `lines` top-down from the top of `area`; when they do not all fit, the last row
    /// counts the ones left out ("↓ 3 more lines: a taller terminal shows them"). Lines wider than
    /// the area are the caller's to wrap. Returns the row under the last one written.
    @discardableResult
    public mutating func writeLines(_ lines: [(text: String, role: Role)], in area: Rect, context: RenderContext,
                                    hint: String = "a taller terminal shows them") -> Int {
        guard !area.isEmpty else {
            if let first = lines.first { noteHidden(first.text, in: area) }
            return area.y
        }
        var shown = lines
        if lines.count > area.height {
            let kept = area.height - 1
            let hidden = lines.count - kept
            let more = "\(context.glyphs.arrowDown) \(hidden) more line\(hidden == 1 ? "" : "s"): \(hint)"
            shown = Array(lines.prefix(kept)) + [(more.truncated(to: area.width, ellipsis: context.glyphs.ellipsis), .accent)]
            noteOverflowShown(in: area)
        }
        for (offset, line) in shown.enumerated() {
            write(line.text, x: area.x, y: area.y + offset, style: context.style(line.role), clip: area)
        }
        return area.y + shown.count
    }
}
