import Formatting
import Foundation
import Kernels
import Lessons
import Terminal

extension LessonExplorePane {
    /// Draws the input (window marked), the kernel, the output filled up to the step shown,
    /// and the step's arithmetic, top to bottom, into `area`.
    func render(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        if let explorer, area.width >= ExplorerModel.minimumSize.width, area.height >= ExplorerModel.minimumSize.height {
            explorer.view(into: &buffer, rect: area, context: context)
            // Its key line, as the lesson maps the keys (its messages go to the lesson's status line);
            // the key help box never reaches this row.
            let row = Rect(x: area.x, y: area.maxY - 1, width: area.width, height: 1)
            let g = context.glyphs
            buffer.fill(row)
            buffer.write(" \(g.rightArrowText) next  \(g.leftArrowText) back  p play  v view  e edit  ? keys  Tab/q: text",
                         x: row.x, y: row.y, role: .dim, context: context, clip: row)
            return
        }
        renderCompact(into: &buffer, area: area, context: context)
    }

    /// The same state drawn small: settings, formula, input, kernel, output, the step's sum.
    func renderCompact(into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var y = area.y
        // Lines wrap (a formula with its note is wider than 80 columns); rows below the pane are noted.
        func line(_ text: String, _ role: Role = .normal) {
            for piece in WrappedText(text, markup: false).plainLines(width: max(1, area.width)) {
                guard y < area.maxY else { buffer.noteHidden(piece, in: area); return }
                buffer.write(piece, x: area.x, y: y, role: role, context: context, clip: area)
                y += 1
            }
        }
        let minus = context.glyphs.unicode ? "−" : "-"
        let times = context.glyphs.unicode ? "×" : "x"
        line(settingsText, .dim)
        if outputHidden {
            line("output size: hidden until you answer the quiz", .accent)
        } else {
            for formula in formulaLines(times: times, minus: minus) { line(formula, .dim) }
        }
        y += 1

        var grids: [(String, MatrixGrid)]
        let arithmetic: [String]
        if let zeroInsertion = zeroInsertionContent(dot: String(context.glyphs.middleDot), times: times, minus: minus) {
            // The zero-insertion view: the direct convolution over the expanded input.
            (grids, arithmetic) = zeroInsertion
        } else {
            let step = stepDetails()
            var input = paddedInputGrid()
            let (top, left) = block.operation == .convT ? (0, 0) : block.padding
            for tap in step.taps { input.setRole(.window, row: tap.0, column: tap.1) }
            if let winner = step.winner { input.setRole(.winner, row: winner.0 + top, column: winner.1 + left) }

            grids = [("input", input)]
            switch block.operation {
            case .conv, .convT: grids.append(("kernel", MatrixGrid(values: block.kernel)))
            case .pool: break
            }
            grids.append((block.pass == .backward ? "gradient for the input" : "output",
                          outputHidden ? MatrixGrid(text: [["?"]]) : resultGrid(step: step, dot: String(context.glyphs.middleDot))))
            arithmetic = step.arithmetic(times: times, minus: minus, hidden: isHidingValue)
        }
        // Side by side when they fit, else stacked.
        let widths = grids.map { max($0.1.size.width, $0.0.count) }
        if widths.reduce(0, +) + 2 * (grids.count - 1) <= area.width {
            var x = area.x
            let top = y
            var bottom = y
            for ((title, grid), width) in zip(grids, widths) {
                buffer.write(title, x: x, y: top, role: .title, context: context, clip: area)
                let drawn = grid.render(into: &buffer, at: (x, top + 1), context: context, clip: area)
                bottom = max(bottom, drawn.maxY)
                x += width + 2
            }
            y = bottom + 1
        } else {
            for (title, grid) in grids {
                line(title, .title)
                y = grid.render(into: &buffer, at: (area.x, y), context: context, clip: area).maxY + 1
            }
        }
        for text in arithmetic {
            line(text, isHidingValue ? .accent : .normal)
        }
        if let buildProblem { line(buildProblem, .error) }
        line("step \(shownStep) of \(outputHidden && block.operation != .convT ? "?" : String(stepCount))"
             + (pinnedStep != nil || outputHidden ? "  (waiting for your answer)" : "")
             + "  \(context.glyphs.middleDot) Tab: the full explorer", .dim)
    }

    /// The rows the drawing takes at `width`.
    func contentHeight(width: Int) -> Int {
        var probe = Buffer(width: max(1, width), height: 60)
        renderCompact(into: &probe, area: probe.area, context: RenderContext(capabilities: .monochrome))
        return (probe.lines.lastIndex { !$0.isEmpty } ?? 0) + 1
    }

    var settingsText: String {
        func pair(_ p: (Int, Int)) -> String { p.0 == p.1 ? "\(p.0)" : "\(p.0)x\(p.1)" }
        let (kh, kw) = block.kernelSize
        var parts = ["\(block.operation.rawValue)\(block.pass == .backward ? " backward" : "")",
                     "input \(block.inputSize.0)x\(block.inputSize.1)", "kernel \(kh)x\(kw)",
                     "stride \(pair(block.stride))"]
        if block.padding != (0, 0) { parts.append("padding \(pair(block.padding))") }
        if block.dilation != (1, 1) { parts.append("dilation \(pair(block.dilation))") }
        if block.outputPadding != (0, 0) { parts.append("output padding \(pair(block.outputPadding))") }
        if block.operation == .convT { parts.append(block.view == .scatter ? "scatter view" : "zero-insertion view") }
        return parts.joined(separator: ", ")
    }

    /// The output-size formula with this case's numbers, for the height (and the width when it differs).
    func formulaLines(times: String, minus: String) -> [String] {
        let axes: [(String, Int, Int, Int, Int, Int, Int, Int)] = [
            ("H", block.inputSize.0, block.kernelSize.0, block.stride.0, block.padding.0, block.dilation.0,
             block.outputPadding.0, block.outputSize.0),
            ("W", block.inputSize.1, block.kernelSize.1, block.stride.1, block.padding.1, block.dilation.1,
             block.outputPadding.1, block.outputSize.1),
        ]
        let shown = axes[0].1 == axes[1].1 && axes[0].2 == axes[1].2 && block.stride.0 == block.stride.1
            && block.padding.0 == block.padding.1 && block.dilation.0 == block.dilation.1 ? [axes[0]] : axes
        return shown.map { name, input, kernel, stride, padding, dilation, outputPadding, output in
            switch block.operation {
            case .conv, .pool:
                var text = "\(name)out = floor((\(input) + 2\(times)\(padding) \(minus) \(dilation)\(times)(\(kernel)\(minus)1) \(minus) 1)/\(stride)) + 1 = \(output)"
                if OutputSize.dropsRows(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation) {
                    text += "  (the floor drops the last \(name == "H" ? "row" : "column"))"
                }
                return text
            case .convT:
                return "\(name)out = (\(input)\(minus)1)\(times)\(stride) \(minus) 2\(times)\(padding) + \(dilation)\(times)(\(kernel)\(minus)1) + \(outputPadding) + 1 = \(output)"
            }
        }
    }

    /// What the step shown reads and writes.
    struct StepDetails {
        var taps: [(Int, Int)] = []
        var winner: (Int, Int)?
        var products: [(Double, Double)] = []
        var value: Double = 0
        var outputCell: (Int, Int)?
        var operation: ExploreBlock.Operation
        var backward: Bool
        var bias: Double

        func arithmetic(times: String, minus: String, hidden: Bool) -> [String] {
            func number(_ value: Double) -> String {
                let text = NumberText.plain(value)
                return value < 0 ? "(" + text.replacingOccurrences(of: "-", with: minus) + ")" : text
            }
            let result = hidden ? "?" : NumberText.plain(value).replacingOccurrences(of: "-", with: minus)
            switch operation {
            case .conv:
                var terms = products.map { "\(number($0.0))\(times)\(number($0.1))" }.joined(separator: " + ")
                if bias != 0 { terms += " + \(number(bias))" }
                return [terms + " = " + result]
            case .pool:
                let values = products.map { number($0.0) }.joined(separator: ", ")
                if backward { return ["window max(\(values)): its gradient goes to the winner"] }
                return ["max(\(values)) = " + result + " (ties: the first in row-major order)"]
            case .convT:
                return ["input value \(number(value)) \(times) kernel, added into the output"]
            }
        }
    }

    /// The input with its padding cells (zeros, in the padding role) around it.
    func paddedInputGrid() -> MatrixGrid {
        guard block.operation != .convT, block.padding != (0, 0) else { return MatrixGrid(values: block.input) }
        let (top, left) = block.padding
        let (height, width) = block.inputSize
        let rows = (0..<(height + 2 * top)).map { row in
            (0..<(width + 2 * left)).map { column -> Double in
                let r = row - top, c = column - left
                return r >= 0 && r < height && c >= 0 && c < width ? block.input[r][c] : 0
            }
        }
        var grid = MatrixGrid(values: rows)
        for row in rows.indices {
            for column in rows[row].indices {
                let r = row - top, c = column - left
                if !(r >= 0 && r < height && c >= 0 && c < width) { grid.setRole(.padding, row: row, column: column) }
            }
        }
        return grid
    }

    /// What the step shown reads (`taps` in padded coordinates) and writes.
    func stepDetails() -> StepDetails {
        var details = StepDetails(operation: block.operation, backward: block.pass == .backward, bias: block.bias)
        guard shownStep >= 1, stepCount > 0 else { return details }
        switch block.operation {
        case .conv, .pool:
            let columns = block.outputSize.1
            let row = (shownStep - 1) / columns, column = (shownStep - 1) % columns
            let window = block.window(row: row, column: column)
            details.winner = window.argmax
            details.value = window.value
            details.outputCell = (row, column)
            for kernelRow in 0..<block.kernelSize.0 {
                for kernelColumn in 0..<block.kernelSize.1 {
                    let inputRow = row * block.stride.0 - block.padding.0 + kernelRow * block.dilation.0
                    let inputColumn = column * block.stride.1 - block.padding.1 + kernelColumn * block.dilation.1
                    let inside = inputRow >= 0 && inputRow < block.inputSize.0 && inputColumn >= 0 && inputColumn < block.inputSize.1
                    let value = inside ? block.input[inputRow][inputColumn] : 0
                    details.taps.append((inputRow + block.padding.0, inputColumn + block.padding.1))
                    if block.operation == .pool && !inside { continue }
                    details.products.append((value, block.kernel[kernelRow][kernelColumn]))
                }
            }
        case .convT:
            // Steps scatter one input value each (the direct view, with more steps, shows the last).
            let columns = block.inputSize.1
            let index = min(shownStep, block.inputSize.0 * columns) - 1
            let row = index / columns, column = index % columns
            details.taps = [(row, column)]
            details.value = block.input[row][column]
        }
        return details
    }

    /// The output (or gradient) as far as the steps shown have computed it; "·" for cells
    /// not computed yet and "?" for the hidden value of a predict quiz.
    func resultGrid(step: StepDetails, dot: String) -> MatrixGrid {
        let done = isHidingValue ? shownStep - 1 : shownStep
        switch (block.operation, block.pass) {
        case (.pool, .backward):
            var partial = block
            let size = block.outputSize
            let upstream = block.upstream ?? Array(repeating: Array(repeating: 1, count: size.1), count: size.0)
            partial.upstream = upstream.enumerated().map { row, values in
                values.enumerated().map { column, value in row * size.1 + column < done ? value : 0 }
            }
            var grid = MatrixGrid(values: partial.poolGradient())
            if let winner = step.winner { grid.setRole(.current, row: winner.0, column: winner.1) }
            return grid
        case (.convT, _):
            var partial = block
            partial.input = block.input.enumerated().map { row, values in
                values.enumerated().map { column, value in row * block.inputSize.1 + column < done ? value : 0 }
            }
            return MatrixGrid(values: partial.forwardOutput())
        case (.conv, _), (.pool, .forward):
            let output = block.forwardOutput()
            let columns = block.outputSize.1
            let text = output.enumerated().map { row, values in
                values.enumerated().map { column, value -> String in
                    let index = row * columns + column + 1
                    if index < done + 1 { return NumberText.plain(value) }
                    return index == shownStep && isHidingValue ? "?" : dot
                }
            }
            var grid = MatrixGrid(text: text)
            grid.minimumValueWidth = output.joined().map { NumberText.plain($0).count }.max() ?? 1
            if let cell = step.outputCell { grid.setRole(.current, row: cell.0, column: cell.1) }
            return grid
        }
    }
}
