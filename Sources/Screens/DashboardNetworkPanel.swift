import Terminal
import Training

extension DashboardPanels {
    /// The network as a table, one layer a row: its index (the state_dict prefix), the layer as
    /// written, the output shape of one image and its parameters, under the input's shape. Rows
    /// that do not fit the panel are counted on the last line.
    static func network(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext) {
        let summary = snapshot.network
        guard area.width >= 12, area.height >= 1 else { return }
        let shapes = summary.rows.map { shapeText($0.outputShape) }
        let counts = summary.rows.map { HeadlessFormat.grouped($0.parameterCount) }
        let shapeWidth = max(6, (shapes + [shapeText(summary.inputShape)]).map(\.count).max() ?? 0)
        let countWidth = max(6, counts.map(\.count).max() ?? 0)
        let layerWidth = max(4, area.width - 4 - shapeWidth - countWidth - 3)
        func row(_ index: String, _ layer: String, _ shape: String, _ count: String) -> String {
            index.padding(toLength: 3, withPad: " ", startingAt: 0) + " "
                + layer.truncated(to: layerWidth, ellipsis: context.glyphs.ellipsis).padding(toLength: layerWidth, withPad: " ", startingAt: 0)
                + " " + String(repeating: " ", count: max(0, shapeWidth - shape.count)) + shape
                + "  " + String(repeating: " ", count: max(0, countWidth - count.count)) + count
        }
        var lines: [(String, Role)] = [(row("#", "layer", "output", "params"), .dim),
                                       (row("", "input", shapeText(summary.inputShape), ""), .dim)]
        for (index, entry) in summary.rows.enumerated() {
            lines.append((row("\(entry.index)", entry.layer, shapes[index], counts[index]), .normal))
        }
        let room = area.height
        if lines.count > room && room >= 2 {
            let hidden = lines.count - (room - 1)
            lines = Array(lines.prefix(room - 1)) + [("\(context.glyphs.ellipsis) \(hidden) more layer\(hidden == 1 ? "" : "s") (a taller terminal shows them)", .dim)]
        }
        for (offset, line) in lines.prefix(room).enumerated() {
            buffer.write(line.0, x: area.x, y: area.y + offset, style: context.style(line.1), clip: area)
        }
    }

    /// "16x32x32", "10".
    static func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }
}
