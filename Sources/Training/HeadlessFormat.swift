import Foundation

/// The text a headless run prints: one line per epoch on standard output, and a progress
/// line (rewritten in place) on standard error when that is a terminal.
public enum HeadlessFormat {
    /// "epoch  3/10  train loss 1.8342  test loss 1.7901  test acc 0.3511  9,812 img/s"
    public static func epochLine(_ metrics: EpochMetrics, totalEpochs: Int) -> String {
        let width = String(totalEpochs).count
        var parts = ["epoch \(pad(String(metrics.epoch), width))/\(totalEpochs)",
                     "train loss \(fixed(metrics.trainLoss, 4))",
                     "test loss \(fixed(metrics.testLoss, 4))"]
        if let accuracy = metrics.testAccuracy { parts.append("test acc \(fixed(accuracy, 4))") }
        parts.append("\(grouped(Int(metrics.imagesPerSecond.rounded()))) img/s")
        return parts.joined(separator: "  ")
    }

    /// "epoch 3/10 [#####.....] 52%  step 120/400  loss 1.8342  9,812 img/s  ETA 0:12"
    public static func progressLine(_ snapshot: MetricsSnapshot, barWidth: Int = 20) -> String {
        let filled = Int((snapshot.epochProgress * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled)
        var line = "epoch \(snapshot.epoch)/\(snapshot.totalEpochs) [\(bar)] \(Int(snapshot.epochProgress * 100))%"
        line += "  step \(snapshot.step)/\(snapshot.totalSteps)"
        if let loss = snapshot.smoothedLoss.last { line += "  loss \(fixed(loss, 4))" }
        line += "  \(grouped(Int(snapshot.imagesPerSecond.rounded()))) img/s"
        if let eta = snapshot.eta { line += "  ETA \(duration(eta))" }
        return line
    }

    /// A number with `digits` decimals ("nan" and "inf" spelled out).
    public static func fixed(_ value: Float, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale: Float = 1
        for _ in 0..<digits { scale *= 10 }
        let rounded = (Double(value) * Double(scale)).rounded() / Double(scale)
        var text = String(rounded)
        if text.contains("e") { return String(value) }
        if !text.contains(".") { text += "." }
        let decimals = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        return text
    }

    /// A learning rate as a student reads it: "0.01", "0.001", "5e-05", "1e+08".
    public static func lr(_ value: Float) -> String { String(format: "%g", Double(value)) }

    /// 12345 -> "12,345".
    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, ch) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// Seconds as "m:ss" or "h:mm:ss".
    public static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
