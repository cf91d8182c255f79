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
        // Each line carries the layer it starts (nil for the header and a layer's continuation):
        // a layer too wide for its column wraps after a comma instead of being cut.
        var lines: [(String, Role, Int?)] = [(row("#", "layer", "output", "params"), .dim, nil),
                                             (row("", "input", shapeText(summary.inputShape), ""), .dim, nil)]
        for (index, entry) in summary.rows.enumerated() {
            let parts = Self.wrapLayer(entry.layer, width: layerWidth)
            for (part, text) in parts.enumerated() {
                lines.append(part == 0 ? (row("\(entry.index)", text, shapes[index], counts[index]), .normal, index)
                                       : (row("", "  " + text, "", ""), .normal, nil))
            }
        }
        let room = area.height
        if lines.count > room && room >= 2 {
            let hidden = lines.dropFirst(room - 1).filter { $0.2 != nil }.count
            lines = Array(lines.prefix(room - 1))
                + [("\(context.glyphs.ellipsis) \(hidden) more layer\(hidden == 1 ? "" : "s") (a taller terminal shows them)", .dim, nil)]
        }
        for (offset, line) in lines.prefix(room).enumerated() {
            buffer.write(line.0, x: area.x, y: area.y + offset, style: context.style(line.1), clip: area)
        }
    }

    /// A layer's text in rows of at most `width`, broken after "(" or ", " (a piece longer than a
    /// row is split where it must); continuation rows are indented by two.
    static func wrapLayer(_ text: String, width: Int) -> [String] {
        guard text.count > width, width > 4 else { return [text] }
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "(" || (character == " " && current.hasSuffix(", ")) { pieces.append(current); current = "" }
        }
        if !current.isEmpty { pieces.append(current) }
        var rows: [String] = []
        var row = ""
        for piece in pieces {
            let room = rows.isEmpty ? width : width - 2
            if row.count + piece.count <= room { row += piece; continue }
            if !row.isEmpty { rows.append(row); row = "" }
            var rest = Substring(piece)
            while rest.count > width - 2 { rows.append(String(rest.prefix(width - 2))); rest = rest.dropFirst(width - 2) }
            row = String(rest)
        }
        if !row.isEmpty { rows.append(row) }
        return rows.map { $0.hasSuffix(" ") ? String($0.dropLast()) : $0 }
    }

    /// "16x32x32", "10".
    static func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }
}
