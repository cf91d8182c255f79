import Formatting
import Foundation
import Lessons
import Terminal

/// Draws the non-explore pane blocks: a model's layer table, a training recipe, PyTorch code.
enum LessonPaneView {
    /// The layer table; values in `hidden` (asked by an unanswered quiz) show as "?".
    static func renderModel(_ block: ModelBlock, into buffer: inout Buffer, area: Rect, context: RenderContext,
                            hidden: Set<ComputedValue> = []) {
        // An asked feature count shows through every shape that holds as many values: the layer
        // after it that keeps the shape (ReLU after a conv), the one before it, a Flatten.
        let hiddenCounts = Set(hidden.compactMap { value -> Int? in
            guard case .features(let index) = value, block.rows.indices.contains(index) else { return nil }
            return block.rows[index].outputShape.reduce(1, *)
        })
        let shapeShown = { (index: Int?, shape: [Int]) -> String in
            let asked = index.map { hidden.contains(.features($0)) } ?? false
            return asked || hiddenCounts.contains(shape.reduce(1, *)) ? "?" : ModelBlock.shapeText(shape)
        }
        var rows = [["", "input", shapeShown(nil, block.inputShape), ""]]
        rows += block.rows.enumerated().map { index, row in
            let shape = shapeShown(index, row.outputShape)
            let parameters = hidden.contains(.layerParameters(index)) || (hidden.contains(.parameters) && row.parameters > 0)
                ? "?" : grouped(row.parameters)
            return ["\(index)", hidingCounts(hiddenCounts, in: row.layer), shape, parameters]
        }
        if !context.glyphs.unicode { rows = rows.map { $0.map(LessonASCII.transliterate) } }
        var table = Table(columns: [.init("#", alignment: .right), .init("layer"), .init("output", alignment: .right),
                                    .init("params", alignment: .right)], rows: rows)
        table.gap = 2
        let top = area.splitBottom(1)
        // Short of rows: the rule under the header goes first, then the last layers are counted
        // on one line (Sigmoid() must not vanish without a word).
        if table.size.height > top.rest.height { table.headerRule = false }
        if table.size.height > top.rest.height, top.rest.height >= 3 {
            let keep = top.rest.height - 2
            let hidden = table.rows.count - keep
            table.rows = Array(table.rows.prefix(keep))
                + [["", "\(context.glyphs.ellipsis) \(hidden) more (a taller terminal shows them)", "", ""]]
            buffer.noteOverflowShown(in: top.rest)
        }
        table.render(into: &buffer, area: top.rest, context: context)
        let shown = min(table.size.height, top.rest.height)
        let y = area.y + shown
        // A layer's hidden count would follow from the total and the others: hide the total too.
        let hidesCount = hidden.contains { if case .layerParameters = $0 { return true } else { return $0 == .parameters } }
        let total = hidesCount ? "? (answer the quiz first)" : grouped(block.totalParameters)
        buffer.write("total parameters: \(total)", x: area.x, y: y, role: .accent, context: context, clip: area)
    }

    /// A Linear layer's text states the feature count it takes and gives ("Linear(400, 256)"):
    /// an asked count in it becomes "?". Other layers' numbers (channels, kernel sizes) are not
    /// counts of values.
    static func hidingCounts(_ counts: Set<Int>, in layer: String) -> String {
        guard !counts.isEmpty, layer.hasPrefix("Linear(") else { return layer }
        var result = "", digits = ""
        func flush() {
            result += Int(digits).map { counts.contains($0) } == true ? "?" : digits
            digits = ""
        }
        for character in layer {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    static func renderTrain(_ block: TrainBlock, into buffer: inout Buffer, area: Rect, context: RenderContext,
                            focused: Bool, savePath: String?, data: LessonDataChoice?) {
        let model: String
        switch block.model {
        case .cnn: model = "the course CNN"
        case .autoencoder: model = "the course autoencoder"
        case .own: model = "your network, \(block.layers.count) layers: \(block.layersText)"
        }
        var recipe = ["model: \(model)"]
        recipe += data?.lines ?? ["data: \(block.data)"]
        recipe += [
            block.model == .own && block.writtenOptimizerKeys.isEmpty
                ? "optimizer: the course recipe for the task (SGD lr 0.01 momentum 0.9 for a classifier, Adam lr 0.001 for a reconstruction)"
                : "optimizer: \(block.optimizer == .sgd ? "SGD" : "Adam"), lr \(NumberText.plain(block.learningRate))"
                    + (block.optimizer == .sgd && block.momentum > 0 ? ", momentum \(NumberText.plain(block.momentum))" : ""),
            "batch size: \(block.batchSize), epochs: \(block.epochs), seed: \(block.seed)",
            "",
            focused ? "Press Enter to open the training dashboard." : "Tab here, then Enter opens the training dashboard.",
        ]
        if block.model == .autoencoder {
            recipe.append((focused ? "Press i" : "Then i") + " to interpolate between two test images with those weights.")
        }
        if let savePath { recipe.append("The weights are saved when training stops: \(savePath)") }
        recipe += ["Or, in a shell:", "  " + block.command + " --headless"]
        let lines = recipe.flatMap { line in
            let role: Role = line.contains("NOT on this machine") ? .error : line.hasPrefix("Press") ? .accent : .normal
            return WrappedText(line, markup: false).plainLines(width: area.width).map { (text: $0, role: role) }
        }
        // What does not fit is counted on the last row, not cut.
        buffer.writeLines(lines, in: area, context: context)
    }

    static func renderCode(_ block: CodeBlock, into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var y = area.y
        let mark = LessonTextLayout.continuationMark(context.glyphs)
        for line in block.code {
            let shown = Array(context.glyphs.unicode ? line : LessonASCII.transliterate(line))
            let role: Role = line.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? .dim : .normal
            // A line wider than the pane goes on under a visible mark; nothing is cut.
            var start = 0
            repeat {
                guard y < area.maxY else { buffer.noteHidden(line, in: area); return }
                let room = start == 0 ? area.width : max(1, area.width - 2)
                let end = min(shown.count, start + room)
                var x = area.x
                if start > 0 { x = buffer.write(mark + " ", x: x, y: y, role: .dim, context: context, clip: area) }
                buffer.write(String(shown[start..<end]), x: x, y: y, role: role, context: context, clip: area)
                start = end
                y += 1
            } while start < shown.count
        }
    }

    /// The rows `block` takes in a pane `width` wide (wide lines continue on more rows).
    static func codeHeight(_ block: CodeBlock, width: Int) -> Int {
        block.code.reduce(0) { total, line in
            let count = line.count
            guard width > 2, count > width else { return total + 1 }
            return total + 1 + (count - width + width - 3) / (width - 2)
        }
    }

    /// 109050 -> "109,050".
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }
}
