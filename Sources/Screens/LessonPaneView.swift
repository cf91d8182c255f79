import Formatting
import Foundation
import Lessons
import Terminal

/// Draws the non-explore pane blocks: a model's layer table, a training recipe, PyTorch code.
enum LessonPaneView {
    static func renderModel(_ block: ModelBlock, into buffer: inout Buffer, area: Rect, context: RenderContext) {
        var rows = [["input", ModelBlock.shapeText(block.inputShape), ""]]
        rows += block.rows.map { [$0.layer, ModelBlock.shapeText($0.outputShape), $0.parameters == 0 ? "0" : grouped($0.parameters)] }
        if !context.glyphs.unicode { rows = rows.map { $0.map(LessonASCII.transliterate) } }
        var table = Table(columns: [.init("layer"), .init("output", alignment: .right), .init("params", alignment: .right)],
                          rows: rows)
        table.gap = 2
        let top = area.splitBottom(1)
        table.render(into: &buffer, area: top.rest, context: context)
        let shown = min(table.size.height, top.rest.height)
        let y = area.y + shown
        buffer.write("total parameters: \(grouped(block.totalParameters))", x: area.x, y: y,
                     role: .accent, context: context, clip: area)
    }

    static func renderTrain(_ block: TrainBlock, into buffer: inout Buffer, area: Rect, context: RenderContext,
                            focused: Bool, savePath: String?) {
        let model: String
        switch block.model {
        case .cnn: model = "the course CNN"
        case .autoencoder: model = "the course autoencoder"
        case .own: model = "your network, \(block.layers.count) layers: \(block.layersText)"
        }
        var recipe = [
            "model: \(model)",
            "data: \(block.data)",
            block.model == .own && block.writtenOptimizerKeys.isEmpty
                ? "optimizer: the course recipe for the task (SGD lr 0.01 momentum 0.9 for a classifier, Adam lr 0.001 for a reconstruction)"
                : "optimizer: \(block.optimizer == .sgd ? "SGD" : "Adam"), lr \(NumberText.plain(block.learningRate))"
                    + (block.optimizer == .sgd && block.momentum > 0 ? ", momentum \(NumberText.plain(block.momentum))" : ""),
            "batch size: \(block.batchSize), epochs: \(block.epochs), seed: \(block.seed)",
            "",
            focused ? "Press Enter to open the training dashboard." : "Tab here, then Enter opens the training dashboard.",
            "(CIFAR-10 when it is found, otherwise synthetic shapes.)",
            "Or, in a shell:",
            "  " + block.command + " --headless",
        ]
        if let savePath {
            recipe.insert("The weights are saved when training stops: \(savePath)", at: 7)
        }
        if block.model == .autoencoder {
            recipe.insert((focused ? "Press i" : "Then i") + " to interpolate between two test images with those weights.", at: 7)
        }
        var y = area.y
        for line in recipe {
            for wrapped in WrappedText(line, markup: false).plainLines(width: area.width) {
                guard y < area.maxY else { return }
                buffer.write(wrapped, x: area.x, y: y, role: line.hasPrefix("Press") ? .accent : .normal,
                             context: context, clip: area)
                y += 1
            }
        }
    }

    static func renderCode(_ block: CodeBlock, into buffer: inout Buffer, area: Rect, context: RenderContext) {
        for (offset, line) in block.code.prefix(area.height).enumerated() {
            let shown = context.glyphs.unicode ? line : LessonASCII.transliterate(line)
            buffer.write(shown.truncated(to: area.width, ellipsis: context.glyphs.ellipsis), x: area.x, y: area.y + offset,
                         role: line.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? .dim : .normal,
                         context: context, clip: area)
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
