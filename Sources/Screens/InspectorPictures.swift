import Formatting
import Terminal

/// Pictures of signed values for the inspector: channel maps, bars and heat maps, told apart by
/// sign also without colour (positive and negative use different characters).
enum InspectorPictures {
    /// Characters for |value| / largest in (0, 1], weakest first, above and below zero.
    static let positiveRamp: [Character] = [".", ":", "+", "#", "@"]
    static let negativeRamp: [Character] = [",", "-", "~", "=", "%"]
    static let monoLegend = "@#+:. >0  %=~-, <0"

    /// The cells a map of `width` x `height` values takes at `zoom` (2 = each value 2x2 pixels,
    /// -2 = 2x2 values averaged into one pixel); half-blocks stack two pixel rows in a cell.
    static func cellSize(width: Int, height: Int, zoom: Int) -> (width: Int, height: Int) {
        let (w, h) = zoom >= 1 ? (width * zoom, height * zoom) : ((width + -zoom - 1) / -zoom, (height + -zoom - 1) / -zoom)
        return (w, (h + 1) / 2)
    }

    /// The largest zoom (from 4 down to -8) at which a map fits in `width` x `height` cells.
    static func zoom(fitting width: Int, _ height: Int, mapWidth: Int, mapHeight: Int, largest: Int = 4) -> Int {
        for zoom in stride(from: largest, through: 1, by: -1) {
            let size = cellSize(width: mapWidth, height: mapHeight, zoom: zoom)
            if size.width <= width && size.height <= height { return zoom }
        }
        for zoom in 2...8 {
            let size = cellSize(width: mapWidth, height: mapHeight, zoom: -zoom)
            if size.width <= width && size.height <= height { return -zoom }
        }
        return -8
    }

    /// Draws a map of signed values (channel-major slice of `width` x `height`), scaled by
    /// `limit` (the largest |value| shown at full strength). With 256 colours, half-blocks in
    /// orange (positive) and blue (negative); otherwise one ramp character per cell, different
    /// for each sign. `marker` (row, column of the map) is drawn reversed.
    static func drawMap(_ values: ArraySlice<Float>, width: Int, height: Int, zoom: Int, limit: Float,
                        into buffer: inout Buffer, at origin: (x: Int, y: Int), context: RenderContext,
                        clip: Rect, marker: (row: Int, column: Int)? = nil, unsigned: Bool = false) {
        let base = values.startIndex
        func pixel(_ px: Int, _ py: Int) -> Float? {
            if zoom >= 1 {
                let (x, y) = (px / zoom, py / zoom)
                guard x < width, y < height else { return nil }
                return values[base + y * width + x]
            }
            let step = -zoom
            var sum: Float = 0, count = 0
            for y in (py * step)..<min(height, py * step + step) {
                for x in (px * step)..<min(width, px * step + step) { sum += values[base + y * width + x]; count += 1 }
            }
            return count > 0 ? sum / Float(count) : nil
        }
        func mapPosition(_ px: Int, _ py: Int) -> (Int, Int) { zoom >= 1 ? (py / zoom, px / zoom) : (py * -zoom, px * -zoom) }
        let size = cellSize(width: width, height: height, zoom: zoom)
        let halfBlocks = context.capabilities.colorMode == .xterm256 && context.capabilities.unicode
        let scale = limit > 0 && limit.isFinite ? limit : 1
        for cellRow in 0..<size.height {
            let y = origin.y + cellRow
            guard y >= clip.y, y < clip.maxY else { continue }
            for cellColumn in 0..<size.width {
                let x = origin.x + cellColumn
                guard x >= clip.x, x < clip.maxX else { continue }
                let upper = pixel(cellColumn, 2 * cellRow), lower = pixel(cellColumn, 2 * cellRow + 1)
                var cell: Cell
                if halfBlocks {
                    let top = color(upper.map { $0 / scale } ?? 0, unsigned: unsigned)
                    let bottom = lower.map { color($0 / scale, unsigned: unsigned) }
                    cell = Cell(context.glyphs.upperHalf, style: Style(foreground: .indexed(top), background: bottom.map { .indexed($0) } ?? .none))
                } else {
                    let value = ((upper ?? 0) + (lower ?? upper ?? 0)) / 2
                    cell = Cell(character(value / scale), style: context.style(value < 0 ? .negative : .positive))
                }
                if let marker {
                    let (r0, c0) = mapPosition(cellColumn, 2 * cellRow)
                    let (r1, _) = mapPosition(cellColumn, 2 * cellRow + 1)
                    let columns = zoom >= 1 ? c0...c0 : c0...(c0 + -zoom - 1)
                    let rows = min(r0, r1)...max(r0, r1 + (zoom >= 1 ? 0 : -zoom - 1))
                    if rows.contains(marker.row) && columns.contains(marker.column) {
                        cell = Cell(context.capabilities.unicode ? "◆" : "X", style: context.style(.current))
                    }
                }
                buffer[x, y] = cell
            }
        }
    }

    /// The ramp character for a value scaled to [-1, 1]; a space for (nearly) zero.
    static func character(_ scaled: Float) -> Character {
        let magnitude = min(abs(scaled.isFinite ? scaled : 0), 1)
        guard magnitude >= 0.05 else { return " " }
        let ramp = scaled < 0 ? negativeRamp : positiveRamp
        return ramp[min(ramp.count - 1, Int(magnitude * Float(ramp.count)))]
    }

    /// An xterm-256 colour: black at 0, to orange (positive) or blue (negative); a heat ramp when unsigned.
    static func color(_ scaled: Float, unsigned: Bool) -> UInt8 {
        let t = Double(min(abs(scaled.isFinite ? scaled : 0), 1))
        if unsigned { return Palette.heatColor(t) }
        let rgb: (Double, Double, Double) = scaled >= 0 ? (255, 170, 40) : (60, 140, 255)
        return ImageView.xterm256((UInt8(rgb.0 * t), UInt8(rgb.1 * t), UInt8(rgb.2 * t)))
    }

    /// A bar from a zero axis: right of it for positive values, left for negative, `half`
    /// cells each way; the negative side uses another character so the sign shows without colour.
    static func bar(_ value: Float, limit: Float, half: Int, unicode: Bool) -> (left: String, right: String) {
        let scale = limit > 0 && limit.isFinite ? limit : 1
        let cells = Int((min(abs(value) / scale, 1) * Float(half)).rounded())
        let positive: Character = unicode ? "█" : "#"
        let negative: Character = unicode ? "▒" : "="
        if value < 0 {
            return (String(repeating: " ", count: half - cells) + String(repeating: negative, count: cells), String(repeating: " ", count: half))
        }
        return (String(repeating: " ", count: half), String(repeating: positive, count: cells) + String(repeating: " ", count: half - cells))
    }

    /// "[-0.52, 1.9]" for a slice of values.
    static func range(_ values: ArraySlice<Float>) -> (low: Float, high: Float) {
        var low = Float.infinity, high = -Float.infinity
        for v in values where v.isFinite { low = min(low, v); high = max(high, v) }
        return low <= high ? (low, high) : (0, 0)
    }

    static func number(_ value: Float, decimals: Int = 2) -> String {
        NumberText.compact(value, maxDecimals: decimals)
    }
}
