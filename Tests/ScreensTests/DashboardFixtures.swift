import Foundation
import Training

/// Fixed metrics for dashboard frame tests: a classifier and an autoencoder three epochs
/// into a ten-epoch run, with deterministic curves, images and filters.
enum DashboardFixtures {
    static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// A 3x32x32 image: a diagonal gradient whose colour depends on `seed`.
    static func image(seed: Int, side: Int = 32) -> PixelImage {
        var pixels = [Float](repeating: 0, count: 3 * side * side)
        for channel in 0..<3 {
            for y in 0..<side {
                for x in 0..<side {
                    let base = Float(x + y) / Float(2 * side - 2)
                    let tint = Float((seed + channel * 3) % 7) / 6
                    pixels[(channel * side + y) * side + x] = min(1, max(0, 0.6 * base + 0.4 * tint))
                }
            }
        }
        return PixelImage(width: side, height: side, channels: 3, pixels: pixels)
    }

    static func snapshot(model: CourseModelKind, synthetic: Bool = false) -> MetricsSnapshot {
        var snapshot = MetricsSnapshot(
            model: model, datasetName: synthetic ? "synthetic shapes" : "CIFAR-10 train (/data/cifar10-sample)",
            datasetIsSynthetic: synthetic, classNames: classNames, trainCount: 5085, testCount: 1017,
            totalEpochs: 10, stepsPerEpoch: 40, learningRate: model.isClassifier ? 0.01 : 0.001, batchSize: 128)
        snapshot.network = NetworkSummary(recipe: .course(model), inputShape: [3, 32, 32])
        snapshot.state = .running
        snapshot.epoch = 4
        snapshot.stepInEpoch = 12
        snapshot.step = 132
        snapshot.imagesPerSecond = 9_876
        snapshot.elapsed = 17.4
        snapshot.eta = 51.3
        let start: Float = model.isClassifier ? 2.3 : 160, end: Float = model.isClassifier ? 1.6 : 48
        var smoother = LossSmoother()
        for step in 0..<132 {
            let progress = Float(step) / 131
            let wobble: Float = (step % 5 == 0 ? 0.08 : -0.03) * (model.isClassifier ? 1 : 20)
            let loss = start + (end - start) * (1 - (1 - progress) * (1 - progress)) + wobble
            snapshot.trainLoss.append(loss)
            snapshot.smoothedLoss.append(smoother.add(loss))
        }
        for epoch in 1...3 {
            let t = Float(epoch) / 3
            snapshot.epochs.append(EpochMetrics(
                epoch: epoch, trainLoss: start + (end - start) * t, testLoss: start + (end - start) * t * 0.95,
                testAccuracy: model.isClassifier ? 0.15 + 0.06 * Float(epoch) : nil,
                trainAccuracy: model.isClassifier ? 0.14 + 0.07 * Float(epoch) : nil,
                imagesPerSecond: 9_800, seconds: 0.6))
        }
        if model.isClassifier {
            snapshot.confusion = (0..<10).map { row in
                (0..<10).map { column in column == row ? 30 + 4 * row : (row + 2 * column) % 9 }
            }
        }
        snapshot.samples = (0..<10).map { index in
            var sample = SampleImage(image: image(seed: index), trueLabel: index)
            if model.isClassifier { sample.predictedLabel = index % 3 == 0 ? (index + 1) % 10 : index }
            else { sample.reconstruction = image(seed: index + 1) }
            return sample
        }
        let filterSide = model.isClassifier ? 5 : 4
        snapshot.filters = (0..<8).map { filter in
            let values = (0..<(3 * filterSide * filterSide)).map { Float(($0 * (filter + 3)) % 11) / 10 - 0.5 }
            return PixelImage.normalised(width: filterSide, height: filterSide, channels: 3, values: values[...])
        }
        return snapshot
    }

    /// The same run once training is over: every epoch done, the weights saved to `savedTo`
    /// (the session's last event, "Finished; saved …").
    static func finished(model: CourseModelKind, synthetic: Bool = false,
                         savedTo path: String = "/home/student/.local/state/cnnlab/models/cnn.safetensors") -> MetricsSnapshot {
        var snapshot = snapshot(model: model, synthetic: synthetic)
        snapshot.state = .finished
        snapshot.epoch = snapshot.totalEpochs
        snapshot.stepInEpoch = snapshot.stepsPerEpoch
        snapshot.step = snapshot.totalSteps
        snapshot.eta = 0
        snapshot.event = .saved(path: path, moment: .finished)
        snapshot.lastCheckpoint = path
        return snapshot
    }
}
