/// A border with an optional title, drawn around a rectangle; returns the inside.
///
///     let inner = Box(title: "Kernel", focused: true).render(into: &buffer, area: panel, context: context)
public struct Box: Sendable {
    public var title: String?
    /// A focused box is drawn with heavy lines (or "=" and "#" in ASCII) in the accent role.
    public var focused: Bool
    /// The role of the border lines when not focused.
    public var borderRole: Role

    public init(title: String? = nil, focused: Bool = false, borderRole: Role = .border) {
        self.title = title
        self.focused = focused
        self.borderRole = borderRole
    }

    /// Draws the box on the edge of `area` and returns the rectangle inside the border.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let g = context.glyphs
        let style = context.style(focused ? .accent : borderRole)
        let (h, v) = focused ? (g.heavyHorizontal, g.heavyVertical) : (g.horizontal, g.vertical)
        let corners = focused ? (g.heavyTopLeft, g.heavyTopRight, g.heavyBottomLeft, g.heavyBottomRight)
                              : (g.topLeft, g.topRight, g.bottomLeft, g.bottomRight)
        let horizontalLine = String(repeating: h, count: area.width - 2)
        buffer.write(String(corners.0) + horizontalLine + String(corners.1), x: area.x, y: area.y, style: style)
        buffer.write(String(corners.2) + horizontalLine + String(corners.3), x: area.x, y: area.maxY - 1, style: style)
        for row in (area.y + 1)..<(area.maxY - 1) {
            buffer[area.x, row] = Cell(v, style: style)
            buffer[area.maxX - 1, row] = Cell(v, style: style)
        }
        if let title, !title.isEmpty, area.width > 4 {
            let text = " " + title.truncated(to: area.width - 4, ellipsis: g.ellipsis) + " "
            buffer.write(text, x: area.x + 1, y: area.y, style: context.style(focused ? .accent : .title))
        }
        return area.inset(by: 1)
    }
}
