import Foundation
import Formatting
import Inspection
import Kernels
import Terminal

/// The "why this value" pane: the explanation from Inspection, worded and laid out.
extension InspectorScreen {
    func drawExplanation(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        let explained = explanation
        let source = layer == 0 ? "the image" : "layer \(layer - 1)'s output"
        let at = selectedOutput.isMap ? "channel \(channel) at (\(row), \(column))" : "output \(channel)"
        let heading = "Why \(at) = \(num(explained.shown, 4))"
        let withLayer = "Why \(layer) \(shortName(explained.layer)) \(at) = \(num(explained.shown, 4))"
        buffer.write((withLayer.count <= area.width ? withLayer : heading).truncated(to: area.width),
                     x: area.x, y: area.y, role: .title, context: context)
        var y = area.y + 1
        // A line wider than the pane wraps (an explanation is never cut); rows below the pane are
        // noted as hidden.
        func line(_ text: String, _ role: Role = .normal) {
            for row in WrappedText(text, markup: false).plainLines(width: max(1, area.width)) {
                guard y < area.maxY else { buffer.noteHidden(row, in: area); return }
                buffer.write(row, x: area.x, y: y, role: role, context: context)
                y += 1
            }
        }
        let minus = context.capabilities.unicode ? "−" : "-"
        let times = context.capabilities.unicode ? "×" : "*"
        let sigma = context.capabilities.unicode ? "Σ" : "sum"
        switch explained.explanation {
        case .convolution(let cell, let kernel):
            let channels = cell.channelSums.count
            let shown = min(inputChannel, channels - 1)
            line("= bias + \(sigma) over \(channels) input channel\(channels == 1 ? "" : "s") of \(sigma) window \(times) weights", .dim)
            line("input channel \(shown) of \(channels)\(channels > 1 ? " (< >)" : ""): window of \(source)", .accent)
            let terms = cell.terms(channel: shown)
            let window = terms.map { $0.isPadding ? nil : $0.input }
            let weights = terms.map { Optional($0.weight) }
            let products = terms.map { Optional($0.product) }
            y = drawGrids([("window", window), ("\(times) weights [\(channel), \(shown)]", weights), ("= products", products)],
                          rows: kernel.height, columns: kernel.width, into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y),
                          context: context)
            line("\(sigma) products of channel \(shown) = \(num(cell.channelSums[shown], 4))")
            let sums = cell.channelSums.enumerated().map { "\($0.offset):\(num($0.element, 3))" }.joined(separator: " ")
            for piece in WrappedText("channel sums " + sums, markup: false).plainLines(width: area.width) { line(piece, .dim) }
            y = drawTotal(bias: cell.bias, value: cell.value, shown: explained.shown, y: y, area: area, into: &buffer, context: context)
        case .transposedConvolution(let cell, _):
            let channels = cell.channelSums.count
            let shown = min(inputChannel, channels - 1)
            line("ConvTranspose2d scatters each input value times the kernel; these land here:", .dim)
            line("input channel \(shown) of \(channels) (< > for the others), from \(source):", .accent)
            line("  (row, col)   input \(times) weight[ky, kx]   = product", .dim)
            for term in cell.terms(channel: shown) {
                line("  (\(term.inputRow), \(term.inputColumn))".rightPadded(to: 13) + "\(num(term.input, 3)) \(times) \(num(term.weight, 3)) [\(term.kernelRow), \(term.kernelColumn)]".rightPadded(to: 24)
                     + "= \(num(term.product, 4))")
            }
            line("\(sigma) channel \(shown) = \(num(cell.channelSums[shown], 4))")
            let sums = cell.channelSums.enumerated().map { "\($0.offset):\(num($0.element, 3))" }.joined(separator: " ")
            for piece in WrappedText("channel sums " + sums, markup: false).plainLines(width: area.width) { line(piece, .dim) }
            y = drawTotal(bias: cell.bias, value: cell.value, shown: explained.shown, y: y, area: area, into: &buffer, context: context)
        case .activation(let function, let x, let output, _):
            line("\(function.rawValue) of the value at the same place in \(source):", .dim)
            switch function {
            case .relu: line("max(x, 0) = max(\(num(x, 4)), 0) = \(num(output, 4))")
            case .sigmoid: line("1 / (1 + e^(\(minus)x)) = 1 / (1 + e^(\(minus)(\(num(x, 4))))) = \(num(output, 4))")
            case .tanh: line("tanh(x) = tanh(\(num(x, 4))) = \(num(output, 4))")
            case .leakyReLU: line("x if x > 0, else slope \(times) x: x = \(num(x, 4)) gives \(num(output, 4))")
            case .identity: line("x = \(num(x, 4)) passes unchanged: \(num(output, 4))")
            }
            line(x < 0 && function == .relu ? "negative, so ReLU outputs 0: this unit is off for this image" : "", .dim)
        case .maxPool(let cell, let kernel):
            line("the largest value in a \(kernel.height)x\(kernel.width) window of \(source), same channel:", .dim)
            var grid: [Float?] = cell.taps.map(\.value)
            if grid.count != kernel.area { grid = Array(grid.prefix(kernel.area)) }
            y = drawGrids([("window", grid)], rows: kernel.height, columns: kernel.width, into: &buffer,
                          area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), context: context, winner: cell.winner)
            if let winner = cell.winner {
                let tap = cell.taps[winner]
                line("winner: \(num(cell.value, 4)) at (\(tap.inputRow), \(tap.inputColumn)) of \(source)\(context.isMonochrome ? " (marked *v*)" : "")", .accent)
            } else {
                line("the window holds only padding")
            }
        case .averagePool(let cell, let kernel):
            line("the mean of a \(kernel.height)x\(kernel.width) window of \(source), same channel:", .dim)
            let columns = Set(cell.taps.map(\.inputColumn)).count
            let rows = max(1, cell.taps.count / max(1, columns))
            y = drawGrids([("window", cell.taps.map(\.value))], rows: rows, columns: columns, into: &buffer,
                          area: Rect(x: area.x, y: y, width: area.width, height: area.maxY - y), context: context)
            line("sum \(num(cell.sum, 4)) / \(cell.divisor)\(cell.divisor != cell.taps.count ? " (the window's size, padding counted)" : "") = \(num(cell.value, 4))", .accent)
        case .batchNorm(let cell):
            line("batch norm in eval mode, with channel \(channel)'s running statistics:", .dim)
            line("x = \(num(cell.input, 4)) (from \(source))")
            line("running mean \(num(cell.runningMean, 4)), running var \(num(cell.runningVar, 4)), eps \(num(cell.eps, 6))")
            line("(x \(minus) mean) / sqrt(var + eps) = (\(num(cell.input, 4)) \(minus) \(num(cell.runningMean, 4))) \(times) \(num(cell.inverseStd, 4)) = \(num(cell.normalised, 4))")
            if let weight = cell.weight, let bias = cell.bias {
                line("\(times) weight \(num(weight, 4)) + bias \(num(bias, 4))")
            }
            y = drawTotal(bias: nil, value: cell.value, shown: explained.shown, y: y, area: area, into: &buffer, context: context)
        case .linear(let terms):
            line("a dot product of \(source) (\(terms.top.count + terms.restCount) values) with row \(channel) of the weights:", .dim)
            line("  input  value \(times) weight = product  (largest first)", .dim)
            for term in terms.top {
                line("  " + "\(term.index)".leftPadded(to: 5) + "  \(num(term.input, 3)) \(times) \(num(term.weight, 3))".rightPadded(to: 20) + " = \(num(term.product, 4))")
            }
            if terms.restCount > 0 {
                let rest = terms.rest
                line("  + the other \(terms.restCount) products: \(num(rest, 4))")
            }
            y = drawTotal(bias: terms.bias, value: terms.value, shown: explained.shown, y: y, area: area, into: &buffer, context: context)
        case .flatten(let c, let r, let col, let value):
            line("Flatten lays \(source) out in one row, channel by channel, row by row:", .dim)
            line("position \(channel) holds channel \(c), row \(r), column \(col): \(num(value, 4))")
        case .unexplained(let description):
            line("\(description): no written-out explanation for this kind of module yet", .dim)
        }
    }

    /// "+ bias b", "= value (the map shows v)".
    func drawTotal(bias: Float?, value: Float, shown: Float, y: Int, area: Rect, into buffer: inout Buffer, context: RenderContext) -> Int {
        var y = y
        if let bias, y < area.maxY {
            buffer.write("+ bias \(num(bias, 4))", x: area.x, y: y, role: .normal, context: context)
            y += 1
        }
        if y < area.maxY {
            let agrees = abs(value - shown) <= 1e-4 + 1e-3 * abs(shown)
            let text = "= \(num(value, 4))  (the map shows \(num(shown, 4))\(agrees ? ", the same" : ", DIFFERENT"))"
            buffer.write(text.truncated(to: area.width), x: area.x, y: y, role: agrees ? .success : .error, context: context)
            y += 1
        }
        return y
    }

    /// Grids of numbers side by side when they fit, otherwise stacked (the last ones dropped when
    /// there is no room); nil cells are padding. Returns the row after them.
    func drawGrids(_ grids: [(title: String, values: [Float?])], rows: Int, columns: Int, into buffer: inout Buffer,
                   area: Rect, context: RenderContext, winner: Int? = nil) -> Int {
        let cellWidth = 6
        let gridWidth = columns * cellWidth
        let sideBySide = grids.count * (gridWidth + 2) <= area.width
        var y = area.y
        var x = area.x
        for (position, grid) in grids.enumerated() {
            if !sideBySide && y + rows + 1 > area.maxY - 3 && position > 0 { break }
            buffer.write(grid.title.truncated(to: gridWidth + 1), x: x, y: y, role: .dim, context: context)
            for r in 0..<rows {
                for c in 0..<columns {
                    let index = r * columns + c
                    guard index < grid.values.count else { continue }
                    let value = grid.values[index]
                    var text = value.map { fit($0, width: cellWidth - 1) } ?? "pad"
                    var role: Role = value == nil ? .padding : (value! < 0 ? .negative : .normal)
                    if index == winner {
                        role = .winner
                        if context.isMonochrome { text = "*" + text + "*" }
                    }
                    buffer.write(text.leftPadded(to: cellWidth - 1), x: x + c * cellWidth, y: y + 1 + r, role: role, context: context,
                                 clip: Rect(x: area.x, y: area.y, width: area.width, height: area.height))
                }
            }
            if sideBySide {
                x += gridWidth + 2
            } else {
                y += rows + 1
            }
        }
        return sideBySide ? y + rows + 1 : y
    }

    /// A number in at most `width` characters, with as many decimals as fit (up to 3).
    func fit(_ value: Float, width: Int) -> String {
        for decimals in stride(from: 3, through: 1, by: -1) {
            var text = NumberText.compact(value, maxDecimals: decimals)
            if text.contains("e") { continue }
            if text.count > width, text.hasPrefix("0.") || text.hasPrefix("-0.") {
                text = text.replacingOccurrences(of: "0.", with: ".")   // -0.003 -> -.003
            }
            if text.count <= width { return text }
        }
        let whole = NumberText.compact(value, maxDecimals: 0)
        return whole.count <= width ? whole : String(format: "%.0e", Double(value))
    }

    func num(_ value: Float, _ decimals: Int) -> String { NumberText.compact(value, maxDecimals: decimals) }
}
