import Testing
@testable import Terminal

@Suite struct WidgetTests {
    let full = RenderContext(capabilities: .full)
    let ascii = RenderContext(capabilities: .plainASCII)

    /// A status line names keys: cut short, it is content lost, and the fit test must hear of it.
    @Test func aStatusLineCutShortIsNotedAsClipped() {
        let context = RenderContext(capabilities: .monochrome)
        var fits = Buffer(width: 40, height: 1)
        StatusLine(left: "q quit  ? help", right: "step 1 of 5").render(into: &fits, area: fits.area, context: context)
        #expect(fits.silentlyClipped.isEmpty)
        var cut = Buffer(width: 40, height: 1)
        StatusLine(left: "Enter: open the dashboard · Tab or q: back to the text", right: "step 1 of 5")
            .render(into: &cut, area: cut.area, context: context)
        #expect(cut.lines[0].contains("…"))
        #expect(cut.silentlyClipped.count == 1)
    }

    @Test func boxDrawsBorderAndTitleAndReturnsTheInside() {
        var buffer = Buffer(width: 10, height: 4)
        let inner = Box(title: "Kernel").render(into: &buffer, area: buffer.area, context: full)
        #expect(inner == Rect(x: 1, y: 1, width: 8, height: 2))
        #expect(buffer.lines == ["┌ Kernel ┐", "│        │", "│        │", "└────────┘"])
        var plain = Buffer(width: 10, height: 3)
        Box(title: "Kernel").render(into: &plain, area: plain.area, context: ascii)
        #expect(plain.lines == ["+ Kernel +", "|        |", "+--------+"])
        var focused = Buffer(width: 8, height: 3)
        Box(title: "Kernel", focused: true).render(into: &focused, area: focused.area, context: full)
        #expect(focused.lines == ["┏ Ker… ┓", "┃      ┃", "┗━━━━━━┛"])
        #expect(focused[0, 0].style == full.style(.accent))
    }

    @Test func wrappedTextBreaksAtWordsAndKeepsEmphasis() {
        let text = WrappedText("The **kernel** slides over the input")
        #expect(text.plainLines(width: 12) == ["The kernel", "slides over", "the input"])
        #expect(text.lines(width: 12)[0] == [.init("The "), .init("kernel", role: .accent)])
        #expect(WrappedText("- a long bullet item here").plainLines(width: 10) == ["- a long", "  bullet", "  item", "  here"])
        #expect(WrappedText("abcdefghijklmnop").plainLines(width: 5) == ["abcde", "fghij", "klmno", "p"])
        #expect(WrappedText("a\n\nb").plainLines(width: 5) == ["a", "", "b"])
        #expect(WrappedText("2*3 and `conv2d`").plainLines(width: 20) == ["2*3 and conv2d"])
        #expect(WrappedText("**not closed").plainLines(width: 20) == ["**not closed"])
    }

    @Test func wrappedTextScrollsAndCountsLines() {
        var buffer = Buffer(width: 12, height: 2)
        let total = WrappedText("The **kernel** slides over the input").render(
            into: &buffer, area: buffer.area, context: full, scroll: 1)
        #expect(total == 3)
        #expect(buffer.lines == ["slides over", "the input"])
    }

    @Test func asciiChartDrawsAxesLabelsAndMarkers() {
        var buffer = Buffer(width: 10, height: 5)
        BrailleChart(series: [ChartSeries(name: "loss", values: [0, 1, 2])], showLegend: false)
            .render(into: &buffer, area: buffer.area, context: ascii)
        #expect(buffer.lines == [
            "2|      **",
            " |  ****",
            "0|**",
            " +--------",
            "  0      2",
        ])
    }

    @Test func brailleChartPutsDotsInTheRightCorners() {
        var buffer = Buffer(width: 10, height: 6)
        BrailleChart(series: [ChartSeries(name: "loss", values: [0, 1], role: .positive)],
                     xLabels: ("0", "epoch", "1")).render(into: &buffer, area: buffer.area, context: full)
        #expect(buffer.lines[0] == "── loss")
        #expect(buffer.lines[1].hasPrefix("1│"))
        #expect(buffer.lines[3].hasPrefix("0│"))
        #expect(buffer.lines[4] == " └────────")
        #expect(buffer.lines[5] == "  0epoch 1")
        let bottomLeft = buffer[2, 3].character.unicodeScalars.first!.value - 0x2800
        let topRight = buffer[9, 1].character.unicodeScalars.first!.value - 0x2800
        #expect(bottomLeft & 0x40 != 0)   // dot 7: lower left of the cell
        #expect(topRight & 0x08 != 0)     // dot 4: upper right of the cell
        #expect(buffer[2, 3].style == full.style(.positive))
    }

    @Test func chartSkipsNonFiniteValuesAndSurvivesTinyAreas() {
        var buffer = Buffer(width: 3, height: 2)
        BrailleChart(series: [ChartSeries(name: "x", values: [.nan, 1, .infinity])])
            .render(into: &buffer, area: buffer.area, context: full)
        var wide = Buffer(width: 20, height: 6)
        BrailleChart(series: [ChartSeries(name: "x", values: [.nan, 1, .infinity, 2])])
            .render(into: &wide, area: wide.area, context: full)
        #expect(wide.lines[1].hasPrefix("2│"))
    }

    @Test func imageUsesHalfBlocksIn256ColoursAndARampOtherwise() throws {
        let image = try #require(Image(width: 2, height: 2, channels: 1, bytes: [0, 255, 255, 0]))
        var buffer = Buffer(width: 2, height: 1)
        ImageView(image: image).render(into: &buffer, at: (x: 0, y: 0), context: full)
        #expect(buffer.lines == ["▀▀"])
        #expect(buffer[0, 0].style == Style(foreground: .indexed(16), background: .indexed(231)))
        #expect(buffer[1, 0].style == Style(foreground: .indexed(231), background: .indexed(16)))

        let stripes = try #require(Image(width: 2, height: 4, channels: 1, bytes: [255, 0, 255, 0, 255, 0, 255, 0]))
        var text = Buffer(width: 4, height: 2)
        ImageView(image: stripes, scale: 2).render(into: &text, at: (x: 0, y: 0), context: ascii)
        #expect(ImageView(image: stripes, scale: 2).cellSize == (width: 4, height: 4))
        #expect(text.lines == ["@@", "@@"])
    }

    @Test func planarRGBAndTheXterm256Cube() throws {
        let image = try #require(Image(width: 1, height: 2, channels: 3, bytes: [255, 0, 0, 255, 0, 0], layout: .planar))
        #expect(image.rgb(x: 0, y: 0) == (255, 0, 0) && image.rgb(x: 0, y: 1) == (0, 255, 0))
        #expect(ImageView.xterm256((255, 0, 0)) == 196)
        #expect(ImageView.xterm256((0, 255, 0)) == 46)
        #expect(ImageView.xterm256((128, 128, 128)) == 244)
        #expect(ImageView.xterm256((95, 135, 175)) == 67)
        #expect(Image(width: 2, height: 2, channels: 3, bytes: [1, 2, 3]) == nil)
        let floats = try #require(Image(width: 2, height: 1, channels: 1, floats: [-2, 2], normalize: true))
        #expect(floats.pixels == [0, 255])
    }

    @Test func progressBarFillsByEighthsOrHashes() {
        var buffer = Buffer(width: 14, height: 1)
        ProgressBar(fraction: 0.5).render(into: &buffer, area: buffer.area, context: full)
        #expect(buffer.lines == ["████▌░░░░  50%"])
        var plain = Buffer(width: 14, height: 1)
        ProgressBar(fraction: 0.5).render(into: &plain, area: plain.area, context: ascii)
        #expect(plain.lines == ["[###----]  50%"])
        var labelled = Buffer(width: 20, height: 1)
        ProgressBar(fraction: 1, label: "epoch").render(into: &labelled, area: labelled.area, context: ascii)
        #expect(labelled.lines == ["epoch [#######] 100%"])
    }

    @Test func tableAlignsColumnsAndMarksTheSelection() {
        let table = Table(columns: [.init("class"), .init("acc", alignment: .right)],
                          rows: [["cat", "41%"], ["airplane", "7%"]], selectedRow: 1)
        var buffer = Buffer(width: 16, height: 5)
        table.render(into: &buffer, area: buffer.area, context: full)
        #expect(buffer.lines == ["class     acc", "─────────────", "cat       41%", "airplane   7%", ""])
        #expect(buffer[0, 3].style == full.style(.selection))
        #expect(table.size == (width: 13, height: 4))
    }

    @Test func statusLineSpansTheRow() {
        var buffer = Buffer(width: 20, height: 1)
        StatusLine(left: "q quit", right: "step 3/9").render(into: &buffer, area: buffer.area, context: full)
        #expect(buffer.lines == [" q quit    step 3/9"])
        #expect(buffer[19, 0].style == full.style(.status))
    }

    @Test func tooSmallScreenSaysWhatIsNeeded() {
        var small = Buffer(width: 40, height: 10)
        #expect(TooSmallScreen.drawIfNeeded(into: &small, width: 80, height: 24, context: ascii))
        #expect(small.text.contains("need at least"))
        #expect(small.lines.contains { $0.contains("80x24, have 40x10.") })
        var big = Buffer(width: 80, height: 24)
        #expect(!TooSmallScreen.drawIfNeeded(into: &big, width: 80, height: 24, context: ascii))
        #expect(big == Buffer(width: 80, height: 24))
        #expect(TooSmallScreen.message(needWidth: 80, needHeight: 24, haveWidth: 60, haveHeight: 20)
            == "terminal too small: need at least 80x24, have 60x20")
    }

    @Test func layoutHelpersSplitWithoutOverlap() {
        let area = Rect(x: 0, y: 0, width: 80, height: 24)
        let (body, status) = area.splitBottom(1)
        #expect(body == Rect(x: 0, y: 0, width: 80, height: 23) && status == Rect(x: 0, y: 23, width: 80, height: 1))
        let columns = area.columns(3, gap: 1)
        #expect(columns.map(\.width) == [26, 26, 26] && columns[2].maxX == 80)
        #expect(area.centered(width: 10, height: 4) == Rect(x: 35, y: 10, width: 10, height: 4))
        #expect("convolution".truncated(to: 5) == "conv…")
    }
}

@Suite struct OverlayTests {
    let context = RenderContext(capabilities: .plainASCII)

    @Test func dialogIsCentredAndClearsBeneath() {
        var buffer = Buffer(width: 30, height: 7)
        buffer.fill(buffer.area, with: Cell("x"))
        let box = Dialog(title: "Stop?", message: "Stop training now?", hint: "y/n").render(
            into: &buffer, area: buffer.area, context: context)
        #expect(box == Rect(x: 4, y: 1, width: 22, height: 5))
        #expect(buffer.lines[1] == "xxxx# Stop? =============#xxxx")
        #expect(buffer.lines[2] == "xxxx# Stop training now? #xxxx")
        #expect(buffer.lines[3] == "xxxx#                    #xxxx")
        #expect(buffer.lines[4] == "xxxx# y/n                #xxxx")
    }

    @Test func keyHelpListsKeysInAColumn() {
        var buffer = Buffer(width: 40, height: 8)
        KeyHelp(entries: [("-> l", "next step"), ("q", "quit")]).render(into: &buffer, area: buffer.area, context: context)
        #expect(buffer.lines.contains("          # -> l  next step #"))
        #expect(buffer.lines.contains("          # q     quit      #"))
        #expect(buffer.text.contains("any key closes"))
    }

    @Test func keyHelpThatDoesNotFitSaysHowManyMore() {
        var buffer = Buffer(width: 40, height: 7)
        let entries = (1...6).map { ("k\($0)", "action \($0)") }
        KeyHelp(entries: entries).render(into: &buffer, area: buffer.area, context: context)
        #expect(buffer.text.contains("k1"))
        #expect(buffer.text.contains("k2"))
        #expect(!buffer.text.contains("k3"))
        #expect(buffer.text.contains("4 more"))
        #expect(buffer.text.contains("any key closes"))
    }

    @Test func keyHelpWrapsLongActionsInsteadOfCuttingThem() {
        var buffer = Buffer(width: 30, height: 10)
        KeyHelp(entries: [("e", "edit the focused matrix (arrows, digits, Enter keeps)")])
            .render(into: &buffer, area: buffer.area, context: context)
        let text = buffer.text.replacingOccurrences(of: "#", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("edit the focused matrix (arrows, digits, Enter keeps)"), "\(buffer.text)")
    }
}

@Suite struct ChartLabelTests {
    @Test func axisLabelsKeepAboutThreeSignificantDigitsOfTheSpan() {
        #expect(BrailleChart.labelDecimals(span: 10.2) == 1)
        #expect(BrailleChart.labelDecimals(span: 2.3) == 2)
        #expect(BrailleChart.labelDecimals(span: 0.05) == 4)
        #expect(BrailleChart.labelDecimals(span: 500) == 0)
        var buffer = Buffer(width: 20, height: 5)
        var chart = BrailleChart(series: [ChartSeries(name: "loss", values: [346.754, 336.569])], showLegend: false)
        chart.render(into: &buffer, area: buffer.area, context: RenderContext(capabilities: .plainASCII))
        #expect(buffer.lines[0].hasPrefix("346.754|*"))   // the default keeps 3 decimals
        chart.yLabelDecimals = nil
        buffer = Buffer(width: 20, height: 5)
        chart.render(into: &buffer, area: buffer.area, context: RenderContext(capabilities: .plainASCII))
        #expect(buffer.lines[0].hasPrefix("346.8|*"))
        #expect(buffer.lines[2].hasPrefix("336.6|"))
    }
}
