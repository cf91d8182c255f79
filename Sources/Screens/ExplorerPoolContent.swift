import Stepper
import Terminal

/// What the max-pooling views show for the step shown.
extension ExplorerModel {
    func poolContent(width: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let n = notation
        let trace = exploration.pool!
        let step = trace.steps[traceIndex]
        let c = selectedFilter
        let pad = trace.settings.padding
        let unreachedRows = Set(trace.height.unreachedInputPositions)
        let unreachedColumns = Set(trace.width.unreachedInputPositions)
        var inputGrid = ExplorerGrids.padded(trace.input.matrix(0, c), padding: pad, dot: paddingDot)
        for row in 0..<trace.input.height {
            for column in 0..<trace.input.width where unreachedRows.contains(row) || unreachedColumns.contains(column) {
                ExplorerGrids.mark(&inputGrid, row: row, column: column, padding: pad, .dim)
            }
        }
        for tap in step.taps { ExplorerGrids.mark(&inputGrid, row: tap.row, column: tap.column, padding: pad, .window) }
        let best = step.taps[step.winner]
        if !concealCurrentResult { ExplorerGrids.mark(&inputGrid, row: best.row, column: best.column, padding: pad, .winner) }
        let chTitle = trace.input.channels > 1 ? " ch\(c + 1)/\(trace.input.channels)" : ""
        var panels = [ExplorerPanel(title: "input\(chTitle)" + (pad == Pair(0) ? "" : " pad \(pad)"), grid: inputGrid,
                                    focused: focus == .input, indexOffset: pad)]
        var lines: [ExplorerLine] = []
        let rows = tapSpan(step.taps.map(\.row)), columns = tapSpan(step.taps.map(\.column))
        if view == .backward {
            var upGrid = ExplorerGrids.grid(trace.upstream.matrix(0, c))
            upGrid.setRole(.current, row: step.outputRow, column: step.outputColumn)
            var gradGrid = ExplorerGrids.grid(trace.gradInput(afterSteps: traceIndex + 1).matrix(0, c))
            gradGrid.setRole(.winner, row: best.row, column: best.column)
            panels.append(ExplorerPanel(title: "upstream", grid: upGrid, focused: focus == .upstream, indexOffset: Pair(0)))
            panels.append(ExplorerPanel(title: "dL/dx so far", grid: gradGrid, indexOffset: Pair(0)))
            lines.append(ExplorerLine("window on rows \(rows), columns \(columns): the max was \(n.number(step.value)) at (\(best.row),\(best.column))", .title))
            lines.append(ExplorerLine("upstream \(n.number(step.upstream)) of output[\(step.outputRow),\(step.outputColumn)] goes to the winner only: "
                + PoolTrace.routeExpression(step, n), .accent))
            if step.gradientBefore != 0 { lines.append(ExplorerLine("(\(best.row),\(best.column)) won an earlier window too: its gradients add up", .normal)) }
            lines.append(ExplorerLine("rule: d max(x1..xk)/dxi = 1 for the winner, 0 for the others; cells that never win get 0", .dim))
        } else {
            let output = trace.output.matrix(0, c)
            let filled = (0...stepIndex).compactMap { outputPosition(ofStep: $0) }
            panels.append(ExplorerPanel(
                title: "output \(output.rows)x\(output.columns)",
                grid: ExplorerGrids.partialOutput(output, filledPositions: filled, current: (step.outputRow, step.outputColumn),
                                                  conceal: concealCurrentResult), indexOffset: Pair(0)))
            lines.append(ExplorerLine("window on rows \(rows), columns \(columns) \(n.arrow) output[\(step.outputRow),\(step.outputColumn)]", .title))
            if concealCurrentResult {
                lines.append(ExplorerLine("what is output[\(step.outputRow),\(step.outputColumn)]? the largest value in the window", .accent))
            } else {
                lines.append(ExplorerLine(PoolTrace.maxExpression(step, n) + ", winner at (\(best.row),\(best.column))", .accent))
            }
            lines.append(ExplorerLine("no weights: pooling has nothing to learn", .dim))
        }
        if !concealCurrentResult, let tie = PoolTrace.tieExplanation(step, n) { lines.append(ExplorerLine(tie, .winner)) }
        if step.taps.contains(where: \.isPadding) {
            lines.append(ExplorerLine("\(paddingDot) = padding: counts as \(n.minus)inf, so it never wins", .dim))
        }
        return (panels, lines)
    }
}
