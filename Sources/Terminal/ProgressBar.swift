import Formatting

/// A one-row progress bar: an optional label, the bar, and the percentage.
/// Unicode: "epoch 3/10 ████▌░░░░░  45%"; ASCII: "epoch 3/10 [####-----]  45%".
public struct ProgressBar: Sendable {
    public var fraction: Double
    public var label: String
    public var showPercent: Bool
    public var role: Role

    public init(fraction: Double, label: String = "", showPercent: Bool = true, role: Role = .accent) {
        self.fraction = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        self.label = label
        self.showPercent = showPercent
        self.role = role
    }

    /// Draws the bar on the first row of `area`.
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        guard !area.isEmpty else { return }
        var x = area.x
        if !label.isEmpty { x = buffer.write(label + " ", x: x, y: area.y, style: context.style(.normal), clip: area) }
        let percent = showPercent ? " " + NumberText.percent(fraction).leftPadded(to: 4) : ""
        let g = context.glyphs
        let ascii = !context.capabilities.unicode
        let barWidth = area.maxX - x - percent.count - (ascii ? 2 : 0)
        guard barWidth > 0 else { return }
        if ascii { x = buffer.write("[", x: x, y: area.y, style: context.style(.dim), clip: area) }
        let eighths = Int((fraction * Double(barWidth * 8)).rounded(.down))
        let full = eighths / 8
        var bar = String(repeating: g.fullBlock, count: full)
        var drawn = full
        if full < barWidth, !g.eighths.isEmpty, eighths % 8 > 0 {
            bar.append(g.eighths[eighths % 8 - 1])
            drawn += 1
        }
        x = buffer.write(bar, x: x, y: area.y, style: context.style(role), clip: area)
        let rest = String(repeating: ascii ? g.horizontal : g.lightShade, count: barWidth - drawn)
        x = buffer.write(rest, x: x, y: area.y, style: context.style(.dim), clip: area)
        if ascii { x = buffer.write("]", x: x, y: area.y, style: context.style(.dim), clip: area) }
        buffer.write(percent, x: x, y: area.y, style: context.style(.normal), clip: area)
    }
}
