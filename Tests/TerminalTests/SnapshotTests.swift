import Testing
@testable import Terminal

/// A small explorer-like screen built only from widgets, compared line by line.
struct SnapshotScreen: TerminalProgram {
    var step = 4
    mutating func update(_ event: Event) -> ProgramCommand<Never> { .none }

    func view(into buffer: inout Buffer, context: RenderContext) {
        if TooSmallScreen.drawIfNeeded(into: &buffer, width: 40, height: 12, context: context) { return }
        let (body, status) = buffer.area.splitBottom(1)
        let (top, bottom) = body.splitTop(8)
        let panels = top.columns(2, gap: 1)
        let input = Box(title: "input", focused: true).render(into: &buffer, area: panels[0], context: context)
        var grid = MatrixGrid(values: [[0, 0, 0, 0], [0, 2, 3, 0], [0, 1, 5, 0], [0, 0, 0, 0]])
        grid.markPaddingBorder(1)
        let (row, column) = (step / 3, step % 3)
        for r in row..<(row + 2) { for c in column..<(column + 2) { grid.setRole(.window, row: r, column: c) } }
        grid.setRole(.winner, row: row + 1, column: column)
        grid.render(into: &buffer, at: (input.x, input.y), context: context, clip: input)
        let output = Box(title: "output").render(into: &buffer, area: panels[1], context: context)
        var result = MatrixGrid(values: [[2, 3, 3], [2, 5, 5], [1, 5, 5]])
        result.setRole(.current, row: row, column: column)
        result.render(into: &buffer, at: (output.x, output.y), context: context, clip: output)
        let g = context.glyphs
        let sum = "max(2, 3, 1, 5) = 5 \(g.rightArrowText) output[1,1]"
        WrappedText(sum).render(into: &buffer, area: bottom.splitTop(1).top.inset(left: 1), context: context)
        BrailleChart(series: [ChartSeries(name: "loss", values: [3, 2, 1.5, 1, 0.8, 0.7])], showLegend: false)
            .render(into: &buffer, area: bottom.inset(top: 1, left: 1), context: context)
        StatusLine(left: "\(g.arrowRight) next  q quit", right: "step \(step + 1)/9").render(into: &buffer, area: status, context: context)
    }

}

@Suite struct SnapshotTests {
    @Test func asciiMonochromeFrameAt40x16() {
        let frame = renderFrame(SnapshotScreen(), width: 40, height: 16, capabilities: .plainASCII)
        #expect(frame.lines == [
            "# input ===========# + output ---------+",
            "# 0  0  0  0       # | 2  3  3         |",
            "# 0 [2][3] 0       # | 2 >5< 5         |",
            "# 0 {1}[5] 0       # | 1  5  5         |",
            "# 0  0  0  0       # |                 |",
            "#                  # |                 |",
            "#                  # |                 |",
            "#==================# +-----------------+",
            " max(2, 3, 1, 5) = 5 -> output[1,1]",
            "   3|****",
            "    |    *******",
            "    |           ******",
            " 0.7|                 ******************",
            "    +-----------------------------------",
            "     0                                 5",
            " > next  q quit                step 5/9",
        ])
    }

    @Test func unicodeColourFrameKeepsTheLayoutAndColoursTheRoles() {
        let context = RenderContext(capabilities: .full)
        let frame = renderFrame(SnapshotScreen(), width: 40, height: 16, capabilities: .full)
        let ascii = renderFrame(SnapshotScreen(), width: 40, height: 16,
                                capabilities: TerminalCapabilities(colorMode: .xterm256, unicode: false))
        #expect(frame.lines[0] == "┏ input ━━━━━━━━━━━┓ ┌ output ─────────┐")
        #expect(frame.lines[2] == "┃ 0  2  3  0       ┃ │ 2  5  5         │")
        #expect(frame.lines[8] == " max(2, 3, 1, 5) = 5 → output[1,1]")
        #expect(frame.lines[15] == " → next  q quit                step 5/9")
        #expect(frame[5, 2].style == context.style(.window))       // the 2 under the window
        #expect(frame[5, 3].style == context.style(.winner))       // the 1 that wins
        #expect(frame[2, 1].style == context.style(.padding))      // padding outside the window
        #expect(frame[26, 2].style == context.style(.current))     // output cell being computed
        // Same geometry as ASCII in colour (no markers): every non-blank ASCII cell is non-blank in Unicode.
        // (The chart and the sum are left out: braille dots and ASCII markers sample the line differently.)
        for y in Array(0..<8) + [15] {   // row 8 has "->" in ASCII, one cell wider than "→"
            for x in 0..<40 where ascii[x, y].character != " " { #expect(frame[x, y].character != " ") }
        }
    }

    @Test func tooSmallTerminalsGetTheMessageInstead() {
        let frame = renderFrame(SnapshotScreen(), width: 30, height: 10, capabilities: .plainASCII)
        let text = frame.lines.map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ")
        #expect(text.contains("terminal too small: need at least 40x12, have 30x10."))
        #expect(!frame.text.contains("input"))
    }
}
