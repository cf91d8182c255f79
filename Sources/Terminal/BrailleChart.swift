import Formatting
import Foundation

/// One line of a chart: points (x, y) joined by straight segments. Non-finite points
/// break the line.
public struct ChartSeries: Sendable {
    public var name: String
    public var points: [(x: Double, y: Double)]
    public var role: Role

    /// A series whose x values are the indices 0, 1, 2, ...
    public init(name: String, values: [Double], role: Role = .accent) {
        self.init(name: name, points: values.enumerated().map { (Double($0.offset), $0.element) }, role: role)
    }

    public init(name: String, points: [(x: Double, y: Double)], role: Role = .accent) {
        self.name = name
        self.points = points
        self.role = role
    }
}

/// A line chart drawn with braille dots (2x4 per cell), or '*'-style markers per cell in
/// ASCII. Layout inside its area: a legend row (optional), the plot with the y axis
/// labelled at its top (max) and bottom (min), an x axis line and a row of x labels.
public struct BrailleChart: Sendable {
    public var series: [ChartSeries]
    /// The y range; nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// The x range; nil fits the data.
    public var xRange: ClosedRange<Double>?
    /// Texts under the x axis at its left end, middle and right end (nil: the x range numbers).
    public var xLabels: (left: String, middle: String, right: String)?
    public var showLegend: Bool
    /// Decimals of the y-axis labels at most (trailing zeros dropped); nil picks them from
    /// the span, about three significant digits (346.8 rather than 346.754).
    public var yLabelDecimals: Int? = 3

    /// The ASCII markers of series 0, 1, 2, ... (the first one is '*').
    public static let asciiMarkers: [Character] = ["*", "+", "o", "x", "#"]

    public init(series: [ChartSeries], yRange: ClosedRange<Double>? = nil, xRange: ClosedRange<Double>? = nil,
                xLabels: (left: String, middle: String, right: String)? = nil, showLegend: Bool = true) {
        self.series = series
        self.yRange = yRange
        self.xRange = xRange
        self.xLabels = xLabels
        self.showLegend = showLegend
    }

    /// The x and y ranges drawn: given ones, or the data's (widened when flat).
    public func ranges() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        func fit(_ values: [Double]) -> ClosedRange<Double> {
            guard let low = values.min(), let high = values.max() else { return 0...1 }
            if low == high { return (low - 0.5)...(high + 0.5) }
            return low...high
        }
        return (xRange ?? fit(finite.map(\.x)), yRange ?? fit(finite.map(\.y)))
    }

    public func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var area = area
        if showLegend && area.height > 3 {
            var x = area.x
            for (index, item) in series.enumerated() {
                let mark = context.capabilities.unicode ? String(context.glyphs.horizontal) + String(context.glyphs.horizontal)
                    : String(BrailleChart.asciiMarkers[index % BrailleChart.asciiMarkers.count])
                x = buffer.write(mark, x: x, y: area.y, style: context.style(item.role), clip: area)
                x = buffer.write(" " + item.name + "  ", x: x, y: area.y, style: context.style(.dim), clip: area)
            }
            area = area.inset(top: 1)
        }
        let (xr, yr) = ranges()
        let decimals = yLabelDecimals ?? Self.labelDecimals(span: yr.upperBound - yr.lowerBound)
        let top = NumberText.compact(yr.upperBound, maxDecimals: decimals)
        let bottom = NumberText.compact(yr.lowerBound, maxDecimals: decimals)
        let labelWidth = max(top.count, bottom.count)
        let plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: area.height - 2)
        guard plot.width >= 2, plot.height >= 1 else { return }
        let g = context.glyphs
        let dim = context.style(.dim)
        // Axes and their labels.
        buffer.writeRightAligned(top, rightEdge: area.x + labelWidth, y: plot.y, style: dim, clip: area)
        buffer.writeRightAligned(bottom, rightEdge: area.x + labelWidth, y: plot.maxY - 1, style: dim, clip: area)
        for row in plot.y..<plot.maxY { buffer[plot.x - 1, row] = Cell(g.vertical, style: dim) }
        buffer.write(String(g.bottomLeft) + String(repeating: g.horizontal, count: plot.width), x: plot.x - 1,
                     y: plot.maxY, style: dim, clip: area)
        let labels = xLabels ?? (NumberText.compact(xr.lowerBound, maxDecimals: 2), "",
                                 NumberText.compact(xr.upperBound, maxDecimals: 2))
        let labelRow = plot.maxY + 1
        buffer.write(labels.left, x: plot.x, y: labelRow, style: dim, clip: area)
        buffer.writeCentered(labels.middle, in: Rect(x: plot.x, y: labelRow, width: plot.width, height: 1),
                             y: labelRow, style: dim)
        buffer.writeRightAligned(labels.right, rightEdge: plot.maxX, y: labelRow, style: dim, clip: area)

        // Dots: 2x4 per cell in braille, 1x1 in ASCII.
        let unicode = context.capabilities.unicode
        let (dotsX, dotsY) = unicode ? (2, 4) : (1, 1)
        let gridWidth = plot.width * dotsX, gridHeight = plot.height * dotsY
        var bits = [UInt8](repeating: 0, count: plot.width * plot.height)
        var owner = [Int](repeating: -1, count: plot.width * plot.height)
        for (index, item) in series.enumerated() {
            var previous: (Int, Int)?
            for point in item.points {
                guard point.x.isFinite, point.y.isFinite else { previous = nil; continue }
                let dx = Self.scale(point.x, xr, steps: gridWidth)
                let dy = gridHeight - 1 - Self.scale(point.y, yr, steps: gridHeight)
                let from = previous ?? (dx, dy)
                Self.line(from: from, to: (dx, dy)) { x, y in
                    guard x >= 0, y >= 0, x < gridWidth, y < gridHeight else { return }
                    let cell = (y / dotsY) * plot.width + x / dotsX
                    if unicode { bits[cell] |= Glyphs.brailleBit(dx: x % 2, dy: y % 4) } else { bits[cell] = 1 }
                    owner[cell] = index
                }
                previous = (dx, dy)
            }
        }
        for row in 0..<plot.height {
            for column in 0..<plot.width where owner[row * plot.width + column] >= 0 {
                let index = owner[row * plot.width + column]
                let character = unicode ? Glyphs.braille(bits[row * plot.width + column])
                    : BrailleChart.asciiMarkers[index % BrailleChart.asciiMarkers.count]
                buffer[plot.x + column, plot.y + row] = Cell(character, style: context.style(series[index].role))
            }
        }
    }

    /// Decimals that tell the axis ends apart without noise: about three significant
    /// digits of the span (346.8 and 336.6 for a span of 10; 0.123 for a span of 0.05).
    static func labelDecimals(span: Double) -> Int {
        guard span.isFinite, span > 0 else { return 2 }
        return min(6, max(0, 2 - Int(log10(span).rounded(.down))))
    }

    /// `value` in `range` as a dot index 0..<steps (clamped).
    static func scale(_ value: Double, _ range: ClosedRange<Double>, steps: Int) -> Int {
        let span = range.upperBound - range.lowerBound
        guard span > 0, steps > 1 else { return 0 }
        let position = ((value - range.lowerBound) / span * Double(steps - 1)).rounded()
        guard position.isFinite else { return position == .infinity ? steps - 1 : 0 }
        return Int(min(max(position, 0), Double(steps - 1)))
    }

    /// Visits the dots of a straight segment (Bresenham).
    static func line(from a: (Int, Int), to b: (Int, Int), _ visit: (Int, Int) -> Void) {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var error = dx + dy
        while true {
            visit(x, y)
            if x == b.0 && y == b.1 { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }
}
