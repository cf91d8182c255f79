import Formatting
import Stepper
import Terminal

extension ExplorerModel {
    /// The smallest area the explorer draws in; below it, it says what it needs.
    public static let minimumSize = (width: 60, height: 18)

    /// Draws the explorer into `rect` of `buffer` (the whole screen, or a lesson's panel).
    public func view(into buffer: inout Buffer, rect: Rect, context: RenderContext) {
        buffer.fill(rect)
        guard rect.width >= Self.minimumSize.width, rect.height >= Self.minimumSize.height else {
            let text = "the explorer needs at least \(Self.minimumSize.width)x\(Self.minimumSize.height) "
                + "(have \(rect.width)x\(rect.height)): enlarge the window, or q to quit"
            ExplorerLayout.write([ExplorerLine(text, .error)], in: rect.inset(by: rect.width > 2 ? 1 : 0),
                                 from: rect.y + rect.height / 2 - 1, into: &buffer, context: context)
            return
        }
        drawHeader(into: &buffer, row: Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), context: context)
        let status = Rect(x: rect.x, y: rect.maxY - 1, width: rect.width, height: 1)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 2)
        if view == .pytorch {
            drawPyTorch(into: &buffer, area: body, context: context)
        } else {
            drawBody(into: &buffer, area: body, context: context)
        }
        drawStatus(into: &buffer, area: status, context: context)
        if showHelp { drawHelp(into: &buffer, area: rect, context: context) }
    }

    /// The panels and lines of the current view.
    func content(width: Int, height: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        switch (operation, view) {
        case (.conv, .backward): convBackward(width: width)
        case (.conv, _): convForward(width: width, height: height)
        case (.pool, _): poolContent(width: width)
        case (.convT, .direct): directContent(width: width, height: height)
        case (.convT, _): scatterContent(width: width)
        }
    }

    var geometry: (AxisGeometry, AxisGeometry) {
        switch operation {
        case .conv: (exploration.conv!.height, exploration.conv!.width)
        case .pool: (exploration.pool!.height, exploration.pool!.width)
        case .convT: (exploration.convT!.height, exploration.convT!.width)
        }
    }

    func drawBody(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let inner = area.inset(left: 1, right: 1)
        var (panels, lines) = content(width: inner.width, height: inner.height)
        if concealOutput {
            // A quiz asks the output's size: its grid would show it.
            panels = panels.map { panel in
                guard panel.title.hasPrefix("output") else { return panel }
                return ExplorerPanel(title: "output ?x?", grid: MatrixGrid(text: [["?"]]))
            }
        }
        if let editor, let index = panels.firstIndex(where: \.focused) { panels[index] = editingPanel(editor, title: panels[index].title) }
        // Wide screens label rows and columns with their indices, as the text refers to them.
        if inner.width >= 110 { panels = panels.map { $0.labelled() } }
        // Large screens draw wider cells, so the numbers stand apart.
        if inner.width >= 160 && inner.height >= 45 {
            for index in panels.indices { panels[index].grid.minimumValueWidth = max(panels[index].grid.minimumValueWidth, 3) }
        }
        // The sum written out matters more than the bottom of a large matrix: keep rows for it.
        let reserved = min(ExplorerLayout.height(of: lines, width: inner.width), 3)
        let panelArea = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - reserved)
        var y = min(ExplorerLayout.flow(panels, in: panelArea, into: &buffer, context: context), panelArea.maxY)
        y = ExplorerLayout.write(lines, in: inner, from: y, into: &buffer, context: context)
        let formula = concealOutput
            ? [ExplorerLine("output size: hidden until you answer the quiz (work it out from the formula)", .accent)]
            : formulaLines(geometry.0, geometry.1, screenWidth: inner.width)
        let legend = [ExplorerLine(legendText(context), .dim)]
        let formulaHeight = ExplorerLayout.height(of: formula + legend, width: inner.width)
        if y + formulaHeight <= inner.maxY {
            y = ExplorerLayout.write(formula + legend, in: inner, from: y, into: &buffer, context: context)
        }
        // The PyTorch panel joins the view when the screen has room: all of it, or just the result.
        guard !concealCurrentResult && !concealOutput else { return }
        let torch = pyTorchLines(width: area.width)
        let rest = Rect(x: area.x, y: y, width: area.width, height: inner.maxY - y)
        if let label = torch.lastIndex(where: { $0.role == .dim }), rest.height >= torch.count - label + 2 {
            drawPyTorch(into: &buffer, area: rest, context: context, shortened: true)
        }
    }

    /// The matrix being edited, its cursor cell selected and showing what has been typed.
    func editingPanel(_ editor: MatrixEditor, title: String) -> ExplorerPanel {
        var texts = editor.matrix.rowLists.map { $0.map { NumberText.plain($0) } }
        texts[editor.row][editor.column] = editor.cursorText
        var grid = MatrixGrid(text: texts)
        grid.markers = true
        grid.setRole(.selection, row: editor.row, column: editor.column)
        return ExplorerPanel(title: "editing " + title, grid: grid, focused: true, indexOffset: Pair(0))
    }

    func legendText(_ context: RenderContext) -> String {
        let marks = context.isMonochrome || context.capabilities.colorMode == .none
        let g = context.glyphs
        var parts = [marks ? "[v] window" : "window: highlighted", marks ? ">v< current" : "current output: green"]
        if operation == .pool || view == .backward { parts.append(marks ? "{v} winner/chosen" : "winner/chosen: amber") }
        parts.append("\(g.middleDot) padding")
        return parts.joined(separator: ",  ")
    }

    /// The PyTorch code and result for a box `width` wide (its borders included): long lines wrap
    /// (code after a comma, indented, so it stays valid Python); nothing is cut.
    func pyTorchLines(width: Int) -> [ExplorerLine] {
        var text = view == .backward ? pyTorch.backward : pyTorch.forward
        if concealCurrentResult || concealOutput {
            // The printed result would answer the quiz: the code stays, the result waits.
            text = text.filter { $0.role == .normal } + [ExplorerLine("# the result is hidden until you answer the quiz", .dim)]
        }
        return text.flatMap { line in PyTorchWrap.lines(line.text, width: max(1, width - 2)).map { ExplorerLine($0, line.role) } }
    }

    /// The PyTorch box: all of it when it fits. `shortened` (under the panels): the result, and
    /// the code's first lines as far as they fit, the rest counted. Else (the PyTorch view) from
    /// `pyTorchScroll`, which ↑ ↓ move, the lines above and below counted on the borders.
    func drawPyTorch(into buffer: inout Buffer, area: Rect, context: RenderContext, shortened: Bool = false) {
        guard area.height >= 3 else { return }
        var lines = pyTorchLines(width: area.width)
        var title = "PyTorch"
        if shortened, lines.count + 2 > area.height, let label = lines.lastIndex(where: { $0.role == .dim }) {
            let result = Array(lines[label...])
            let codeRows = area.height - 2 - result.count - 1
            let view = hostedInLesson ? "v" : "Tab"
            if codeRows >= 1 {
                lines = Array(lines.prefix(codeRows))
                    + [ExplorerLine("# \(context.glyphs.ellipsis) \(label - codeRows) more lines of code: \(view) shows the PyTorch view", .dim)] + result
            } else {
                lines = result
                title = "PyTorch result (the code: \(view) to the PyTorch view)"
            }
            buffer.noteOverflowShown(in: area)
        }
        let box = Rect(x: area.x, y: area.y, width: area.width, height: min(area.height, lines.count + 2))
        let inner = Box(title: title, borderRole: .border).render(into: &buffer, area: box, context: context)
        let first = min(pyTorchScroll, max(0, lines.count - inner.height))
        for (index, line) in lines.dropFirst(first).prefix(inner.height).enumerated() {
            buffer.write(line.text, x: inner.x, y: inner.y + index, role: line.role, context: context, clip: inner)
        }
        let below = lines.count - first - inner.height
        if below > 0 {
            buffer.writeMoreMark(below, unit: view == .pytorch ? "lines (\(context.glyphs.arrowDown) scrolls)" : "lines",
                                 under: inner, context: context)
        }
        if first > 0 {
            let mark = " \(context.glyphs.arrowUp)\(first) more "
            buffer.write(mark, x: inner.maxX - mark.count, y: box.y, role: .accent, context: context,
                         clip: Rect(x: inner.x, y: box.y, width: inner.width, height: 1))
            buffer.noteOverflowShown(in: inner)
        }
    }

    func drawHeader(into buffer: inout Buffer, row: Rect, context: RenderContext) {
        let s = setup
        var settings: String
        switch operation {
        case .pool: settings = "window \(s.pool.kernel)  stride \(s.pool.stride)  padding \(s.pool.padding)"
            if s.pool.dilation != Pair(1) { settings += "  dilation \(s.pool.dilation)" }
        case .conv: settings = "kernel \(s.kernelSize)  stride \(s.conv.stride)  padding \(s.conv.padding)  dilation \(s.conv.dilation)"
            if s.bias != nil { settings += "  bias" }
        case .convT: settings = "kernel \(s.kernelSize)  stride \(s.conv.stride)  padding \(s.conv.padding)  dilation \(s.conv.dilation)  output padding \(s.conv.outputPadding)"
        }
        let total = concealOutput && operation != .convT ? "?" : "\(stepCount)"
        let stepText = view == .pytorch ? "" : "step \(stepIndex + 1)/\(total)" + (playing ? " \(context.glyphs.arrowRight)" : "")
        // Short of room, settings at their defaults go first, then the view's long title
        // ("as a direct convolution" becomes "direct"); only then is anything cut (and noted).
        let titles = [view.title, view.shortTitle].map { "\(operation.pytorchFunction) \(context.glyphs.middleDot) \($0)" }
        func roomBeside(_ title: String) -> Int { row.maxX - stepText.count - 2 - (row.x + title.count + 2) }
        if settings.count > roomBeside(titles[0]) { settings = settings.replacingOccurrences(of: "  padding 0", with: "")
            .replacingOccurrences(of: "  dilation 1", with: "").replacingOccurrences(of: "  output padding 0", with: "") }
        let title = titles.first { settings.count <= roomBeside($0) } ?? titles[1]
        buffer.fill(row, with: Cell(" ", style: context.style(.title)))
        let after = buffer.write(title, x: row.x, y: row.y, role: .title, context: context, clip: row)
        buffer.writeRightAligned(stepText, rightEdge: row.maxX, y: row.y, style: context.style(.accent), clip: row)
        let room = row.maxX - stepText.count - 2 - (after + 2)
        if settings.count > room { buffer.noteHidden("explorer header cut: \(settings)", in: row) }
        if room > 10 { buffer.write(settings.truncated(to: room, ellipsis: context.glyphs.ellipsis), x: after + 2, y: row.y, role: .dim, context: context, clip: row) }
    }

    func drawStatus(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let g = context.glyphs
        let keys = editor != nil
            ? "editing \(editor!.target.rawValue) (\(editor!.row),\(editor!.column)): \(editor!.cursorText)  Enter keeps  Esc cancels"
            : area.width >= 100
                ? "\(g.arrowRight)/l next  \(g.arrowLeft)/h back  p play  Tab view  [ ] stride  { } pad  d dil  k size  e edit  ? help  \(quitKey)"
                : "\(g.arrowRight) next  \(g.arrowLeft) back  p play  Tab view  e edit  ? help (all keys)  \(quitKey)"
        let left = editor != nil && !statusIsError ? keys : (status ?? keys)
        StatusLine(left: left, right: "", role: statusIsError ? .error : .status).render(into: &buffer, area: area, context: context)
    }

    /// The way out first (an 80x24 help box may not show the last rows; it says how many).
    static let helpLines: [(String, String)] = [
        ("q", "quit"),
        ("→  l  space", "next step"), ("←  h", "previous step (every step can be undone)"),
        ("g Home / G End", "first / last step"), ("p", "play or pause"), ("+  -", "faster / slower"),
        ("Tab", "next view (forward, backward or scatter, direct; PyTorch)"),
        ("Shift-Tab", "focus the next matrix (input, kernel, upstream)"),
        ("e", "edit the focused matrix (arrows, digits, Enter keeps, Esc cancels)"),
        ("[  ]", "stride down / up"), ("{  }", "padding down / up"), ("d  D", "dilation up / down"),
        ("k  K", "kernel size up / down"), ("o  O", "output padding up / down (convT)"),
        ("f  c", "next filter (pool: next channel) / next input channel"),
        ("w", "next weight (conv backward)"), ("r", "new random values"),
        ("↑  ↓  PgUp PgDn", "scroll the PyTorch view"),
    ]

    /// "q quit", or "q back" when q returns to the screen that opened the explorer.
    var quitKey: String { returnsTo == nil ? "q quit" : "q back" }

    /// The key help as the host maps the keys: a lesson uses v for the view and Tab or q to go
    /// back to its text; from Home, q goes back to the Explore form.
    var helpLines: [(String, String)] {
        guard hostedInLesson else {
            guard let returnsTo else { return Self.helpLines }
            return Self.helpLines.map { key, what in key == "q" ? (key, "back to \(returnsTo)") : (key, what) }
        }
        // The way back first: a lesson's pane can be too short for the whole list.
        return [("Tab  q", "back to the lesson text")] + Self.helpLines.compactMap { key, what in
            switch key {
            case "Tab": ("v", what)
            case "q": nil
            default: (key, what)
            }
        }
    }

    func drawHelp(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        KeyHelp(title: "keys", entries: helpLines.map { (keys: $0.0, action: $0.1) })
            .render(into: &buffer, area: area, context: context)
    }
}
