import Stepper
import Terminal

/// What the convolution views show: panels and lines of explanation for the step shown.
extension ExplorerModel {
    /// Input channels shown, one row of panels each: all of them when they fit in the area, else the selected one.
    func shownChannels(groupSize: (width: Int, height: Int), area: (width: Int, height: Int)) -> [Int] {
        let count = exploration.input.channels
        let fits = groupSize.width <= area.width && count * groupSize.height + 8 <= area.height
        return count > 1 && fits ? Array(0..<count) : [selectedChannel]
    }

    func convForward(width: Int, height: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let trace = exploration.conv!
        return convContent(trace: trace, step: trace.steps[traceIndex], width: width, height: height, expanded: nil)
    }

    /// The forward view of a convolution, also used for convT's direct view (`expanded` gives
    /// the kind of each cell of the zero-inserted input).
    func convContent(trace: ConvTrace, step: ConvStep, width: Int, height: Int,
                     expanded: [[ZeroInsertionView.CellKind]]?) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let n = notation
        let pad = trace.settings.padding
        let unreachedRows = Set(trace.height.unreachedInputPositions)
        let unreachedColumns = Set(trace.width.unreachedInputPositions)
        var inputs: [ExplorerPanel] = [], kernels: [ExplorerPanel] = [], productPanels: [ExplorerPanel] = []
        let probe = ExplorerGrids.padded(trace.input.matrix(0, 0), padding: pad, dot: paddingDot)
        let groupWidth = (probe.size.width + 6) + 2 * (trace.weight.width * 4 + 12) + 24
        let channels = shownChannels(groupSize: (groupWidth, probe.size.height + 3), area: (width, height))
        let multi = trace.input.channels > 1
        for c in channels {
            var grid = ExplorerGrids.padded(trace.input.matrix(0, c), padding: pad, dot: paddingDot)
            for row in 0..<trace.input.height {
                for column in 0..<trace.input.width where unreachedRows.contains(row) || unreachedColumns.contains(column) {
                    ExplorerGrids.mark(&grid, row: row, column: column, padding: pad, .dim)
                }
            }
            if let expanded {
                for (r, line) in expanded.enumerated() {
                    for (col, kind) in line.enumerated() where kind != .value {
                        grid.setRole(kind == .paddingZero ? .padding : .dim, row: r, column: col)
                        if kind == .paddingZero { grid.cells[r * grid.columns + col] = paddingDot }
                    }
                }
            }
            for tap in step.taps(channel: c) {
                ExplorerGrids.mark(&grid, row: tap.inputRow, column: tap.inputColumn, padding: pad, .window)
            }
            var title = expanded == nil ? "input" : "zeros inserted"
            if multi { title += channels.count == 1 ? " ch\(c + 1)/\(trace.input.channels) (c)" : " ch\(c + 1)" }
            if pad != Pair(0) { title += " pad \(pad)" }
            inputs.append(ExplorerPanel(title: title, grid: grid, focused: focus == .input && expanded == nil, indexOffset: pad))
        }
        let filterNote = trace.weight.batch > 1 ? " f\(selectedFilter + 1)/\(trace.weight.batch)" : ""
        for c in channels {
            let kernel = trace.weight.matrix(selectedFilter, c)
            var title = (expanded == nil ? "kernel" : "flipped") + filterNote
            if multi { title += " ch\(c + 1)" }
            kernels.append(ExplorerPanel(title: title, grid: ExplorerGrids.grid(kernel), focused: focus == .kernel && expanded == nil))
        }
        for c in channels {
            let products = Matrix(rows: trace.weight.height, columns: trace.weight.width,
                                  values: step.taps(channel: c).map(\.product))
            var grid = ExplorerGrids.grid(products)
            for tap in step.taps(channel: c) where tap.isPadding { grid.setRole(.padding, row: tap.weightRow, column: tap.weightColumn) }
            if concealCurrentResult { grid = MatrixGrid(text: products.rowLists.map { $0.map { _ in "?" } }) }
            productPanels.append(ExplorerPanel(title: multi ? "products ch\(c + 1)" : "products", grid: grid))
        }
        let output = trace.output.matrix(0, selectedFilter)
        let filled = (0...stepIndex).compactMap { outputPosition(ofStep: $0) }
        let outputPanel = ExplorerPanel(
            title: "output \(output.rows)x\(output.columns)",
            grid: ExplorerGrids.partialOutput(output, filledPositions: filled, current: (step.outputRow, step.outputColumn),
                                              conceal: concealCurrentResult), indexOffset: Pair(0))
        // Channels side by side (input, kernel, products each) with the output last when they
        // fit in one row; otherwise one row per channel with the output beside the first.
        var panels: [ExplorerPanel] = []
        let groups = channels.indices.map { [inputs[$0], kernels[$0], productPanels[$0]] }
        let rowWidth = groups.reduce(outputPanel.width) { $0 + $1.reduce(0) { $0 + $1.width + 1 } }
        if channels.count == 1 || rowWidth <= width {
            panels = groups.flatMap { $0 } + [outputPanel]
        } else {
            for (index, var group) in groups.enumerated() {
                if index == 0 { group.append(outputPanel) }
                group[group.count - 1].breakAfter = true
                panels += group
            }
        }

        var lines: [ExplorerLine] = []
        let rows = tapSpan(step.taps.map(\.inputRow)), columns = tapSpan(step.taps.map(\.inputColumn))
        var move = ""
        if stepIndex > 0, let previous = outputPosition(ofStep: stepIndex - 1) {
            move = previous.row == step.outputRow
                ? " (moved right by stride \(trace.settings.stride.width))"
                : " (next row: down by stride \(trace.settings.stride.height))"
        }
        lines.append(ExplorerLine("window on rows \(rows), columns \(columns)\(move) \(n.arrow) output[\(step.outputRow),\(step.outputColumn)]", .title))
        if concealCurrentResult {
            lines.append(ExplorerLine("what is output[\(step.outputRow),\(step.outputColumn)]? multiply each tap by its weight and add", .accent))
        } else {
            if multi {
                for c in 0..<trace.input.channels {
                    lines.append(ExplorerLine("ch\(c + 1): " + ConvTrace.channelExpression(step, channel: c, n)))
                }
                lines.append(ExplorerLine("sum across channels: " + ConvTrace.sumExpression(step, n), .accent))
            } else {
                lines.append(ExplorerLine(ConvTrace.sumExpression(step, n), .accent))
            }
        }
        if step.taps.contains(where: \.isPadding) { lines.append(ExplorerLine("\(paddingDot) = padding: a zero that adds nothing", .dim)) }
        return (panels, lines)
    }

    /// "0 to 1" or "0, 2" (dilated taps) for a list of tap positions (negative: in the padding).
    func tapSpan(_ positions: [Int]) -> String {
        let unique = Array(Set(positions)).sorted()
        guard let first = unique.first, let last = unique.last else { return "" }
        let text = { (v: Int) in self.notation.number(Float(v)) }
        if unique.count == last - first + 1 { return unique.count == 1 ? text(first) : "\(text(first)) to \(text(last))" }
        return unique.map(text).joined(separator: ", ")
    }

    /// How padding cells are drawn: a dot, so they never look like real zeros.
    var paddingDot: String { asciiNotation ? "." : "·" }

    func formulaLines(_ height: AxisGeometry, _ width: AxisGeometry, screenWidth: Int) -> [ExplorerLine] {
        let n = notation
        let full = height.formula(n)
        let compact = full.count > screenWidth
        var lines = [ExplorerLine(height.formula(n, compact: compact)), ExplorerLine(width.formula(n, compact: compact))]
        for axis in [height, width] {
            if let why = axis.unreachedExplanation(n) { lines.append(ExplorerLine(why + " (dimmed)", .dim)) }
        }
        return lines
    }

    func convBackward(width: Int) -> (panels: [ExplorerPanel], lines: [ExplorerLine]) {
        let n = notation
        let backward = exploration.convBackward!
        let trace = backward.forward
        let step = trace.steps[traceIndex]
        let pad = trace.settings.padding
        let c = chosenWeight.channel
        let f = selectedFilter
        let terms = backward.weightTerms(filter: f, channel: c, row: chosenWeight.row, column: chosenWeight.column)
        var inputGrid = ExplorerGrids.padded(trace.input.matrix(0, c), padding: pad, dot: paddingDot)
        for tap in step.taps(channel: c) { ExplorerGrids.mark(&inputGrid, row: tap.inputRow, column: tap.inputColumn, padding: pad, .window) }
        var metGrid = ExplorerGrids.padded(trace.input.matrix(0, c), padding: pad, dot: paddingDot)
        for term in terms where !term.isPadding {
            ExplorerGrids.mark(&metGrid, row: term.inputRow, column: term.inputColumn, padding: pad, .winner)
        }
        if let mine = terms.first(where: { $0.outputRow == step.outputRow && $0.outputColumn == step.outputColumn }), !mine.isPadding {
            ExplorerGrids.mark(&metGrid, row: mine.inputRow, column: mine.inputColumn, padding: pad, .current)
        }
        let upstream = backward.upstream.matrix(0, f)
        var upGrid = ExplorerGrids.grid(upstream)
        upGrid.setRole(.current, row: step.outputRow, column: step.outputColumn)
        var kernelGrid = ExplorerGrids.grid(trace.weight.matrix(f, c))
        kernelGrid.setRole(.winner, row: chosenWeight.row, column: chosenWeight.column)
        let gradSoFar = backward.gradInput(afterSteps: traceIndex + 1).matrix(0, c)
        var gradGrid = ExplorerGrids.grid(gradSoFar)
        for tap in step.taps(channel: c) where !tap.isPadding { gradGrid.setRole(.window, row: tap.inputRow, column: tap.inputColumn) }
        let chTitle = trace.input.channels > 1 ? " ch\(c + 1)" : ""
        // With several filters every panel that belongs to one says which (f shows the next).
        let filters = trace.weight.batch
        let fTitle = filters > 1 ? " f\(f + 1)/\(filters)" : ""
        let panels = [
            ExplorerPanel(title: "input\(chTitle)", grid: inputGrid, focused: focus == .input, indexOffset: pad),
            ExplorerPanel(title: "upstream g\(fTitle)", grid: upGrid, focused: focus == .upstream, indexOffset: Pair(0)),
            ExplorerPanel(title: "kernel\(fTitle)\(chTitle)", grid: kernelGrid, focused: focus == .kernel),
            ExplorerPanel(title: "dL/dx so far\(chTitle)", grid: gradGrid, indexOffset: Pair(0)),
            ExplorerPanel(title: "x met by w[\(chosenWeight.row),\(chosenWeight.column)]", grid: metGrid, indexOffset: pad),
        ]
        let g = backward.upstream(of: step)
        let adds = backward.contributions(ofStep: traceIndex).filter { $0.channel == c }.map {
            "(\($0.inputRow),\($0.inputColumn)) \(n.number($0.before)) + \(n.factor(g))\(n.times)\(n.factor($0.weight)) \(n.arrow) \(n.number($0.after))"
        }
        let total = terms.reduce(Float(0)) { $0 + $1.product }
        var lines = [
            ExplorerLine("output[\(step.outputRow),\(step.outputColumn)] sends its upstream gradient \(n.number(g)) back through each weight:", .title),
            ExplorerLine("dL/dx += g \(n.times) w: " + adds.joined(separator: ", "), .accent),
            ExplorerLine("w[\(f),\(c),\(chosenWeight.row),\(chosenWeight.column)] = \(n.number(trace.weight[f, c, chosenWeight.row, chosenWeight.column])) "
                + "met these inputs; dL/dw = \(n.sigma) x \(n.times) g = " + ConvBackward.weightExpression(terms, n)),
            ExplorerLine("rule: y = \(n.sigma) x\(n.times)w, so dy/dx = w and dy/dw = x (w: next weight)", .dim),
        ]
        if filters > 1 {
            // dL/dx is one sum over the filters: the ones before this have sent theirs already.
            let before = f == 0 ? "none yet" : (f == 1 ? "filter 1's is in" : "filters 1 to \(f)'s are in")
            lines.insert(ExplorerLine("filter \(f + 1) of \(filters) (f: next filter). dL/dx sums every filter's share: "
                                      + "\(before), filter \(f + 1)'s arrives step by step", .dim), at: 0)
        }
        if let gradBias = backward.gradBias, f < gradBias.count {
            // Each output adds its bias once, so the bias gradient is the sum of the filter's g.
            let gs = upstream.values.map { n.factor($0) }
            lines.append(ExplorerLine("bias: dL/db[\(f)] = \(n.sigma) g over filter \(f + 1)'s outputs = "
                                      + gs.joined(separator: " + ") + " = \(n.number(gradBias[f]))"))
        }
        if isAtEnd {
            let weight = "dL/dw[\(chosenWeight.row),\(chosenWeight.column)] = \(n.number(total))"
            if f == filters - 1 {
                lines.append(ExplorerLine("complete: dL/dx as shown (every filter's share), \(weight)", .success))
            } else {
                lines.append(ExplorerLine("filter \(f + 1) done: \(weight); dL/dx still lacks filter \(f + 2)"
                                          + (f + 2 < filters ? " to \(filters)" : "") + "'s share (f: next filter)", .success))
            }
        }
        return (panels, lines)
    }
}

extension Notation {
    var sigma: String { self == .ascii ? "sum" : "Σ" }
}
