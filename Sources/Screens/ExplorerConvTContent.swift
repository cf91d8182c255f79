import Stepper
import Terminal

/// What the transposed-convolution views show for the step shown.
extension ExplorerModel {
    func scatterContent(width: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let n = notation
        let trace = exploration.convT!
        let step = trace.steps[traceIndex]
        let f = selectedFilter
        let c = step.channel ?? selectedChannel
        var inputGrid = ExplorerGrids.grid(trace.input.matrix(0, c))
        if !step.isBiasStep { inputGrid.setRole(.current, row: step.inputRow, column: step.inputColumn) }
        let kernel = trace.weight.matrix(c, f)
        let products = Matrix(rows: kernel.rows, columns: kernel.columns, values: kernel.values.map { $0 * step.inputValue })
        var outputGrid = ExplorerGrids.grid(trace.output(afterSteps: traceIndex + 1).matrix(0, f))
        for item in step.contributions where !item.isCropped {
            outputGrid.setRole(.window, row: item.outputRow, column: item.outputColumn)
        }
        let chTitle = trace.input.channels > 1 ? " ch\(c + 1)" : ""
        let fTitle = trace.outputChannels > 1 ? " out\(f + 1)/\(trace.outputChannels)" : ""
        var panels = [
            ExplorerPanel(title: "input\(chTitle)", grid: inputGrid, focused: focus == .input, indexOffset: Pair(0)),
            ExplorerPanel(title: "kernel\(fTitle)", grid: ExplorerGrids.grid(kernel), focused: focus == .kernel),
        ]
        if !step.isBiasStep { panels.append(ExplorerPanel(title: "x \(n.times) kernel", grid: ExplorerGrids.grid(products))) }
        panels.append(ExplorerPanel(title: "output \(trace.output.height)x\(trace.output.width)", grid: outputGrid, indexOffset: Pair(0)))

        var lines: [ExplorerLine] = []
        if let b = step.bias {
            lines.append(ExplorerLine("last: the bias \(n.number(b)) is added to every output cell", .title))
        } else {
            let s = trace.settings
            let top = step.inputRow * s.stride.height - s.padding.height
            let left = step.inputColumn * s.stride.width - s.padding.width
            lines.append(ExplorerLine("input (\(step.inputRow),\(step.inputColumn)) = \(n.number(step.inputValue)) times the kernel, "
                + "added into the output window at (\(step.inputRow)\(n.times)\(s.stride.height)\(n.minus)\(s.padding.height), "
                + "\(step.inputColumn)\(n.times)\(s.stride.width)\(n.minus)\(s.padding.width)) = (\(n.number(Float(top))),\(n.number(Float(left)))):", .title))
            let kept = step.contributions.filter { !$0.isCropped }.map {
                "(\($0.outputRow),\($0.outputColumn)) \(n.number($0.before)) + \(n.factor($0.amount)) \(n.arrow) \(n.number($0.after))"
            }
            lines.append(ExplorerLine(kept.joined(separator: ", "), .accent))
            let cropped = step.contributions.filter(\.isCropped).count
            if cropped > 0 { lines.append(ExplorerLine("\(cropped) product(s) fall outside the output (cropped by padding \(s.padding))", .dim)) }
            if step.contributions.contains(where: { !$0.isCropped && $0.before != 0 }) {
                let k = trace.weight.height, st = s.stride.height
                lines.append(ExplorerLine(st > 1 && k % st != 0
                    ? "overlapping windows add up; kernel \(k) is not a multiple of stride \(st), so some cells get more overlaps than others: the checkerboard pattern"
                    : "overlapping windows add up", .dim))
            }
        }
        return (panels, lines)
    }

    func directContent(width: Int, height: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let n = notation
        let view = exploration.zeroInsertion!
        let t = exploration.convT!
        let trace = view.trace
        let (panels, forwardLines) = convContent(trace: trace, step: trace.steps[traceIndex], width: width, height: height,
                                                 expanded: view.cellKinds)
        var lines = forwardLines
        let s = t.settings
        let q = view.sidePadding
        lines.insert(ExplorerLine("\(s.stride.height)\(n.minus)1 = \(s.stride.height - 1) zero(s) inserted between values (stride \(s.stride)), "
            + "D(K\(n.minus)1)\(n.minus)P = \(q) zero(s) of padding per side\(s.outputPadding == Pair(0) ? "" : " + \(s.outputPadding) at the bottom/right"), "
            + "kernel flipped, stride 1: the same output as the scatter", .dim), at: 0)
        return (panels, lines)
    }
}
