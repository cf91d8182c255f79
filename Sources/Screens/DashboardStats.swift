import Formatting
import Terminal
import Training

/// The numbers beside the loss chart: progress bars, speed, time, learning rate, last test result.
enum DashboardStats {
    static func render(_ snapshot: MetricsSnapshot, area: Rect, into buffer: inout Buffer, context: RenderContext) {
        guard !area.isEmpty else { return }
        var y = area.y
        func row(_ draw: (Rect) -> Void) {
            guard y < area.maxY else { return }
            draw(Rect(x: area.x, y: y, width: area.width, height: 1))
            y += 1
        }
        func text(_ label: String, _ value: String, role: Role = .normal) {
            row { line in
                let x = buffer.write(label.rightPadded(to: 11), x: line.x, y: line.y, style: context.style(.dim), clip: line)
                buffer.write(value, x: x, y: line.y, style: context.style(role), clip: line)
            }
        }
        // ProgressBar puts one space after its label: pad both labels to the value column.
        let epochLabel = "epoch \(max(1, snapshot.epoch))/\(snapshot.totalEpochs)".rightPadded(to: 10)
        row { ProgressBar(fraction: snapshot.epochProgress, label: epochLabel).render(into: &buffer, area: $0, context: context) }
        row { ProgressBar(fraction: snapshot.runProgress, label: "run".rightPadded(to: epochLabel.count)).render(into: &buffer, area: $0, context: context) }
        text("speed", snapshot.imagesPerSecond > 0 ? "\(HeadlessFormat.grouped(Int(snapshot.imagesPerSecond.rounded()))) img/s" : "-")
        text("elapsed", NumberText.duration(snapshot.elapsed) + "   ETA " + (snapshot.eta.map(NumberText.duration) ?? "--"))
        text("lr", HeadlessFormat.lr(snapshot.learningRate), role: .accent)
        if let last = snapshot.epochs.last {
            if let accuracy = last.testAccuracy {
                text("test acc", HeadlessFormat.fixed(accuracy, 4) + " (epoch \(last.epoch))", role: .success)
            }
            text("test loss", Self.loss(last.testLoss) + (last.testAccuracy == nil ? " (epoch \(last.epoch))" : ""),
                 role: .success)
        } else {
            text("test", "after epoch 1", role: .dim)
        }
        if let loss = snapshot.smoothedLoss.last { text("train loss", Self.loss(loss) + " smoothed") }
        text("step", "\(snapshot.step)/\(snapshot.totalSteps) (batch \(snapshot.batchSize))")
        text("train/test", "\(snapshot.trainCount) / \(snapshot.testCount) images")
    }

    /// A loss with 4 decimals below 10 and 2 above (the autoencoder's losses are in the tens).
    static func loss(_ value: Float) -> String { HeadlessFormat.fixed(value, abs(value) >= 10 ? 2 : 4) }
}
