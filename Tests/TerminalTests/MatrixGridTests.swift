import Testing
@testable import Terminal

@Suite struct MatrixGridTests {
    let input: [[Double]] = [[2, 3, 5, 0], [1, 5, 7, -9], [-5, 2, 1, 1], [2, 0, -2, 4]]

    func render(_ grid: MatrixGrid, caps: TerminalCapabilities, width: Int = 30, height: Int = 6) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        grid.render(into: &buffer, at: (x: 0, y: 0), context: RenderContext(capabilities: caps))
        return buffer
    }

    @Test func numbersAreRightAlignedInFixedColumns() {
        let buffer = render(MatrixGrid(values: input), caps: .full)
        #expect(buffer.lines == [
            "  2   3   5   0",
            "  1   5   7  -9",
            " -5   2   1   1",
            "  2   0  -2   4",
            "", "",
        ])
    }

    @Test func labelsGoLeftAndAbove() {
        var grid = MatrixGrid(values: [[1, 2.5], [10, 0]])
        grid.rowLabels = ["r0", "r1"]
        grid.columnLabels = ["c0", "c1"]
        #expect(grid.size == (width: 2 + 2 * 5, height: 3))
        #expect(render(grid, caps: .full, width: 14, height: 3).lines == [
            "    c0   c1",
            "r0   1  2.5",
            "r1  10    0",
        ])
    }

    @Test func monochromeAddsMarkersSoRolesStayDistinguishable() {
        var grid = MatrixGrid(values: input)
        for r in 0..<2 { for c in 0..<2 { grid.setRole(.window, row: r, column: c) } }
        grid.setRole(.winner, row: 1, column: 1)
        grid.setRole(.current, row: 3, column: 3)
        let mono = render(grid, caps: .monochrome)
        #expect(mono.lines[0] == "[ 2][ 3]  5   0")
        #expect(mono.lines[1] == "[ 1]{ 5}  7  -9")
        #expect(mono.lines[3] == "  2   0  -2 > 4<")
        #expect(mono[1, 0].style.attributes == .underline)
        #expect(mono[5, 1].style.attributes == [.bold, .underline])
        #expect(mono[13, 3].style.attributes == .reverse)
        // In colour the layout is identical, without markers, and the roles are colours.
        let colour = render(grid, caps: .full)
        #expect(colour.lines[1] == "  1   5   7  -9")
        #expect(colour[1, 0].style == Palette(colorMode: .xterm256)[.window])
        #expect(colour[5, 1].style != colour[1, 0].style)
    }

    @Test func paddingCanShowAsADot() {
        var grid = MatrixGrid(values: [[0, 0], [0, 7]])
        grid.setRole(.padding, row: 0, column: 0)
        grid.setRole(.padding, row: 0, column: 1)
        grid.paddingDisplay = .dot
        #expect(render(grid, caps: .full, width: 8, height: 2).lines == [" ·  ·", " 0  7"])
        #expect(render(grid, caps: .plainASCII, width: 8, height: 2).lines == [" .  .", " 0  7"])
        #expect(render(grid, caps: .full, width: 8, height: 2)[1, 0].style == Palette(colorMode: .xterm256)[.padding])
    }

    @Test func flatFloatsAndClipping() {
        let grid = MatrixGrid(rows: 2, columns: 3, flat: [0.5, -1, 2, 3.25, 4, 5])
        #expect(grid.cellWidth == 6)
        #expect(render(grid, caps: .full, width: 12, height: 2).lines == ["  0.5    -1", " 3.25     4"])
        #expect(grid.cellRect(row: 1, column: 2, origin: (x: 3, y: 4)) == Rect(x: 15, y: 5, width: 6, height: 1))
    }
}

@Suite struct MatrixGridPaddingTests {
    func grid() -> MatrixGrid {
        var grid = MatrixGrid(values: [[0, 0, 0], [0, 5, 0], [0, 0, 0]])
        grid.markPaddingBorder(1)
        grid.setRole(.window, row: 0, column: 0)
        grid.setRole(.window, row: 1, column: 1)
        return grid
    }

    @Test func paddingKeepsItsLookUnderTheWindow() {
        let context = RenderContext(capabilities: .full)
        var buffer = Buffer(width: 9, height: 3)
        grid().render(into: &buffer, at: (x: 0, y: 0), context: context)
        let window = context.style(.window)
        let paddedWindow = buffer[1, 0].style
        #expect(paddedWindow.background == window.background)
        #expect(paddedWindow.foreground == context.style(.padding).foreground)
        #expect(buffer[4, 1].style == window)                   // a real cell in the window
        #expect(buffer[7, 0].style == context.style(.padding))  // padding outside the window
    }

    @Test func monochromePaddingUnderTheWindowIsDimAndBracketed() {
        let context = RenderContext(capabilities: .monochrome)
        var buffer = Buffer(width: 9, height: 3)
        grid().render(into: &buffer, at: (x: 0, y: 0), context: context)
        #expect(buffer.lines[0] == "[0] 0  0")
        #expect(buffer[1, 0].style.attributes == [.underline, .dim])
        #expect(buffer[4, 1].style.attributes == .underline)
    }

    @Test func heatColoursOnlyIn256Colours() {
        var grid = MatrixGrid(values: [[9, 1]])
        grid.setHeat([1, 0])
        var rich = Buffer(width: 6, height: 1)
        grid.render(into: &rich, at: (x: 0, y: 0), context: RenderContext(capabilities: .full))
        #expect(rich[1, 0].style.background == .indexed(Palette.heatColor(1)))
        #expect(rich[4, 0].style.background == .indexed(Palette.heatColor(0)))
        var mono = Buffer(width: 6, height: 1)
        grid.render(into: &mono, at: (x: 0, y: 0), context: RenderContext(capabilities: .monochrome))
        #expect(mono[1, 0].style == .plain)
    }
}
