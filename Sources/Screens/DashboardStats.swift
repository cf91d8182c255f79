import Formatting
import Terminal
import Training

/// The numbers beside the loss chart: progress bars, speed, time, learning rate, last test result.
enum DashboardStats {
    /// Draws the rows most worth seeing first; the area is a box's inside, and rows that do not
    /// fit are counted on its bottom border.
    static func render(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext) {
        guard !area.isEmpty else { return }
        var y = area.y
        var hidden = 0
        func row(_ draw: (Rect) -> Void) {
            guard y < area.maxY else { hidden += 1; return }
            draw(Rect(x: area.x, y: y, width: area.width, height: 1))
            y += 1
        }
        /// A label and the first of `values` that fits beside it (the last one cut with "…").
        func text(_ label: String, _ values: String..., role: Role = .normal) {
            row { line in
                let x = buffer.write(label.rightPadded(to: 11), x: line.x, y: line.y, style: context.style(.dim), clip: line)
                let room = line.maxX - x
                let value = values.first { $0.count <= room } ?? values.last!.truncated(to: room, ellipsis: context.glyphs.ellipsis)
                buffer.write(value, x: x, y: line.y, style: context.style(role), clip: line)
            }
        }
        let over = snapshot.state.isOver
        let steps = "\(snapshot.step)/\(snapshot.totalSteps)"
        if over {
            // The bars said how far a running epoch was; once over, one row says where it ended,
            // so step, losses and speed keep their rows at 80x24 (under the confusion matrix's 13).
            text("step", steps + ", epoch \(snapshot.epoch)/\(snapshot.totalEpochs)",
                 steps + " ep \(snapshot.epoch)/\(snapshot.totalEpochs)", steps)
        } else {
            // ProgressBar puts one space after its label: pad both labels to the value column.
            let epochLabel = "epoch \(max(1, snapshot.epoch))/\(snapshot.totalEpochs)".rightPadded(to: 10)
            row { ProgressBar(fraction: snapshot.epochProgress, label: epochLabel).render(into: &buffer, area: $0, context: context) }
            row { ProgressBar(fraction: snapshot.runProgress, label: "run".rightPadded(to: epochLabel.count)).render(into: &buffer, area: $0, context: context) }
        }
        // The losses and the learning rate (which + and - change) before speed and counts.
        if let loss = snapshot.smoothedLoss.last {
            text("train loss", Self.loss(loss) + " smoothed", Self.loss(loss) + " smooth", Self.loss(loss))
        }
        if let last = snapshot.epochs.last {
            if let accuracy = last.testAccuracy {
                text("test acc", HeadlessFormat.fixed(accuracy, 4) + " (epoch \(last.epoch))", HeadlessFormat.fixed(accuracy, 4),
                     role: .success)
            }
            text("test loss", Self.loss(last.testLoss) + (last.testAccuracy == nil ? " (epoch \(last.epoch))" : ""),
                 Self.loss(last.testLoss), role: .success)
        } else {
            text("test", over ? "none (no epoch ended)" : "after epoch 1", role: .dim)
        }
        let speed = snapshot.imagesPerSecond > 0 ? "\(HeadlessFormat.grouped(Int(snapshot.imagesPerSecond.rounded()))) img/s" : "-"
        if over {
            // + and - do nothing now: the learning rate goes below the time the run took.
            text("speed", speed)
            text("elapsed", NumberText.duration(snapshot.elapsed))
            text("lr", HeadlessFormat.lr(snapshot.learningRate), role: .accent)
        } else {
            text("lr", HeadlessFormat.lr(snapshot.learningRate), role: .accent)
            text("speed", speed)
            let eta = snapshot.eta.map(NumberText.duration) ?? "--"
            text("elapsed", NumberText.duration(snapshot.elapsed) + "   ETA " + eta, NumberText.duration(snapshot.elapsed) + " ETA " + eta)
            text("step", steps + " (batch \(snapshot.batchSize))", steps)
        }
        text("train/test", "\(snapshot.trainCount) / \(snapshot.testCount) images", "\(snapshot.trainCount) / \(snapshot.testCount)")
        buffer.writeMoreMark(hidden, unit: hidden == 1 ? "row" : "rows", under: area, context: context)
    }

    /// A loss with 4 decimals below 10 and 2 above (the autoencoder's losses are in the tens).
    static func loss(_ value: Float) -> String { HeadlessFormat.fixed(value, abs(value) >= 10 ? 2 : 4) }
}
