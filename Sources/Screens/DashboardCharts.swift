import Terminal
import Training

/// The loss and accuracy charts.
enum DashboardCharts {
    /// Training loss per step (raw and smoothed) and test loss at the end of each epoch,
    /// over the whole run's steps so the curve grows from left to right.
    static func loss(_ snapshot: MetricsSnapshot, plotWidth: Int) -> BrailleChart {
        let buckets = max(2, plotWidth * 2)
        let raw = downsample(snapshot.trainLoss, buckets: buckets)
        let smooth = downsample(snapshot.smoothedLoss, buckets: buckets)
        let test = snapshot.epochs.map { (x: Double($0.epoch * snapshot.stepsPerEpoch), y: Double($0.testLoss)) }
        // Fit the y axis to the smoothed and test curves: the first raw losses would flatten everything else.
        let fitted = smooth.map(\.y) + test.map(\.y)
        let finite = fitted.filter(\.isFinite)
        var yRange: ClosedRange<Double>? = nil
        if let low = finite.min(), let high = finite.max() {
            yRange = low < high ? low...high : (low - 0.5)...(high + 0.5)
        }
        let total = max(1, snapshot.totalSteps)
        return BrailleChart(
            series: [ChartSeries(name: "train", points: raw, role: .dim),
                     ChartSeries(name: "smoothed", points: smooth, role: .accent),
                     ChartSeries(name: "test", points: test, role: .success)],
            yRange: yRange, xRange: 0...Double(total),
            xLabels: ("0", "step", String(total)))
    }

    /// Train and test accuracy per epoch on a fixed 0...1 axis.
    static func accuracy(_ snapshot: MetricsSnapshot) -> BrailleChart {
        let train = snapshot.epochs.compactMap { metrics in metrics.trainAccuracy.map { (x: Double(metrics.epoch), y: Double($0)) } }
        let test = snapshot.epochs.compactMap { metrics in metrics.testAccuracy.map { (x: Double(metrics.epoch), y: Double($0)) } }
        let epochs = max(1, snapshot.totalEpochs)
        return BrailleChart(
            series: [ChartSeries(name: "train acc", points: train, role: .accent),
                     ChartSeries(name: "test acc", points: test, role: .success)],
            yRange: 0...1, xRange: 0...Double(epochs), xLabels: ("0", "epoch", String(epochs)))
    }

    /// At most `buckets` points: the mean of each run of consecutive values, at its mean step.
    /// Steps are counted from 1 (the loss after step 1 sits at x = 1).
    static func downsample(_ values: [Float], buckets: Int) -> [(x: Double, y: Double)] {
        guard !values.isEmpty else { return [] }
        if values.count <= buckets { return values.enumerated().map { (Double($0.offset + 1), Double($0.element)) } }
        var points: [(x: Double, y: Double)] = []
        points.reserveCapacity(buckets)
        for bucket in 0..<buckets {
            let start = bucket * values.count / buckets, end = (bucket + 1) * values.count / buckets
            guard end > start else { continue }
            var sum = 0.0, count = 0
            for value in values[start..<end] where value.isFinite { sum += Double(value); count += 1 }
            points.append((x: Double(start + end + 1) / 2, y: count > 0 ? sum / Double(count) : .nan))
        }
        return points
    }
}
