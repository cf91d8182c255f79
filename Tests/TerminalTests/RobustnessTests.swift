import Formatting
import Testing
@testable import Terminal

/// Every widget must survive any area, however small or misplaced: a resize can hand a
/// view 1x1 cells or rectangles outside the buffer, and a trap there would leave the
/// terminal unrestored.
@Suite struct RobustnessTests {
    static let areas: [Rect] = {
        var areas: [Rect] = []
        for width in [0, 1, 2, 3, 5, 9] {
            for height in [0, 1, 2, 3, 4, 7] {
                for (x, y) in [(0, 0), (3, 2), (-2, -1), (9, 9), (20, 20)] {
                    areas.append(Rect(x: x, y: y, width: width, height: height))
                }
            }
        }
        return areas
    }()

    @Test(arguments: [TerminalCapabilities.full, .monochrome, .plainASCII,
                      TerminalCapabilities(colorMode: .basic8, unicode: true)])
    func widgetsSurviveTinyAndMisplacedAreas(caps: TerminalCapabilities) throws {
        let context = RenderContext(capabilities: caps)
        let image = try #require(Image(width: 3, height: 3, channels: 1, bytes: Array(repeating: 100, count: 9)))
        var grid = MatrixGrid(values: [[1, -2.5], [3, 4]])
        grid.rowLabels = ["a", "b"]
        grid.columnLabels = ["x", "y"]
        grid.markPaddingBorder(1)
        grid.setRole(.window, row: 0, column: 0)
        grid.setHeat([0.5, 1])
        grid.roles = [.winner]   // a caller shrank an array: still no trap
        let chart = BrailleChart(series: [ChartSeries(name: "s", values: [1, .nan, 3, -1e308, 1e308])])
        for area in Self.areas {
            var buffer = Buffer(width: 8, height: 6)
            Box(title: "Title", focused: true).render(into: &buffer, area: area, context: context)
            grid.render(into: &buffer, at: (area.x, area.y), context: context, clip: area)
            WrappedText("- **bold** words `code` and averyveryverylongword").render(into: &buffer, area: area, context: context, scroll: 2)
            chart.render(into: &buffer, area: area, context: context)
            ImageView(image: image, scale: 2).render(into: &buffer, at: (area.x, area.y), context: context, clip: area)
            ProgressBar(fraction: .nan, label: "epoch").render(into: &buffer, area: area, context: context)
            ProgressBar(fraction: 2).render(into: &buffer, area: area, context: context)
            Table(columns: [.init("a", alignment: .center), .init("b", alignment: .right)], rows: [["1"], ["22", "333", "x"]],
                  selectedRow: 5).render(into: &buffer, area: area, context: context, scroll: 9)
            StatusLine(left: "left text", right: "right").render(into: &buffer, area: area, context: context)
            Dialog(title: "T", message: "m", hint: "h").render(into: &buffer, area: area, context: context)
            KeyHelp(entries: [("k", "v")]).render(into: &buffer, area: area, context: context)
            buffer.fill(area, with: Cell("x"))
            buffer.setStyle(.plain, in: area)
            #expect(buffer.lines.count == 6)
        }
        var empty = Buffer(width: 0, height: 0)
        #expect(TooSmallScreen.drawIfNeeded(into: &empty, width: 80, height: 24, context: context))
        var tiny = Buffer(width: 1, height: 1)
        #expect(TooSmallScreen.drawIfNeeded(into: &tiny, width: 80, height: 24, context: context))
    }

    @Test func formattingSurvivesExtremes() {
        #expect(NumberText.compact(1e300) == "1.00e+300")
        #expect(NumberText.compact(0.5, maxDecimals: 500) == "0.5")
        #expect(NumberText.compact(3.0, maxDecimals: -4) == "3")
        #expect(NumberText.duration(1e200) == "--")
        #expect(NumberText.duration(-1) == "--")
        #expect(NumberText.percent(.infinity) == "--%")
    }
}
