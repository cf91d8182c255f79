import Formatting
import Stepper
import Terminal

extension LessonExplorePane {
    /// The compact pane of a transposed convolution's zero-insertion view (a lesson's
    /// `view: zero-insertion`): the expanded input (inserted and border zeros dimmed, the window
    /// marked), the flipped kernel, the output filled up to the step, and the step's sum. Taken
    /// from the explorer's `ZeroInsertionView`, the same values its direct view steps through.
    /// Nil for every other block (they draw the scatter or direct view of their operation).
    func zeroInsertionContent(dot: String, times: String, minus: String) -> (grids: [(String, MatrixGrid)], arithmetic: [String])? {
        guard block.operation == .convT, block.view == .zeroInsertion, let explorer,
              let zero = explorer.exploration.zeroInsertion else { return nil }
        let trace = zero.trace
        let expanded = zero.expandedInput
        var input = MatrixGrid(rows: expanded.height, columns: expanded.width,
                               flat: Array(expanded.values.prefix(expanded.height * expanded.width)))
        for (row, kinds) in zero.cellKinds.enumerated() {
            for (column, kind) in kinds.enumerated() {
                switch kind {
                case .value: break
                case .insertedZero, .paddingZero: input.setRole(.padding, row: row, column: column)
                }
            }
        }
        let range = explorer.stepRange
        let index = range.lowerBound + explorer.stepIndex
        guard trace.steps.indices.contains(index) else { return nil }
        let step = trace.steps[index]
        for tap in step.taps { input.setRole(.window, row: tap.inputRow, column: tap.inputColumn) }

        let flipped = zero.flippedWeight
        let kernel = MatrixGrid(rows: flipped.height, columns: flipped.width,
                                flat: Array(flipped.values.prefix(flipped.height * flipped.width)))

        // The output as far as the steps shown have computed it ("?" for a predict quiz's cell).
        let done = isHidingValue ? explorer.stepIndex : explorer.stepIndex + 1
        let output = trace.output
        var texts = Array(repeating: Array(repeating: dot, count: output.width), count: output.height)
        for (offset, shown) in trace.steps[range].prefix(done).enumerated() where offset < done {
            texts[shown.outputRow][shown.outputColumn] = NumberText.plain(shown.value)
        }
        if isHidingValue { texts[step.outputRow][step.outputColumn] = "?" }
        var result = MatrixGrid(text: outputHidden ? [["?"]] : texts)
        if !outputHidden { result.setRole(.current, row: step.outputRow, column: step.outputColumn) }

        func number(_ value: Float) -> String {
            let text = NumberText.plain(value)
            return value < 0 ? "(" + text.replacingOccurrences(of: "-", with: minus) + ")" : text
        }
        // Most taps meet an inserted or border zero: the sum names the others and counts those.
        let meeting = step.taps.filter { $0.inputValue != 0 && $0.weight != 0 }
        var terms = meeting.map { "\(number($0.inputValue))\(times)\(number($0.weight))" }.joined(separator: " + ")
        let zeros = step.taps.count - meeting.count
        if zeros > 0 { terms += (terms.isEmpty ? "" : " + ") + "\(zeros) products with a zero" }
        let value = isHidingValue ? "?" : NumberText.plain(step.value).replacingOccurrences(of: "-", with: minus)
        let sum = "output (\(step.outputRow),\(step.outputColumn)) = " + terms + (step.bias.map { " + \(number($0))" } ?? "") + " = " + value
        return ([("zeros inserted \(expanded.height)x\(expanded.width)", input), ("kernel flipped", kernel),
                 ("output", result)], [sum])
    }
}
