import Foundation
import Testing
@testable import Training

@Suite("Metrics: smoothing, confusion, formatting, CSV")
struct MetricsTests {
    @Test func smootherStartsAtTheFirstValueAndFollowsTheTrend() {
        var smoother = LossSmoother(weight: 0.9)
        #expect(smoother.add(2) == 2) // bias-corrected: no pull towards zero
        let second = smoother.add(1)
        #expect(second > 1 && second < 2)
        var last: Float = second
        for _ in 0..<200 { last = smoother.add(1) }
        #expect(abs(last - 1) < 1e-3)
    }

    @Test func smootherIgnoresNonFiniteLosses() {
        var smoother = LossSmoother()
        _ = smoother.add(3)
        #expect(smoother.add(.nan) == 3)
        #expect(smoother.add(.infinity) == 3)
    }

    @Test func confusionMatrixCountsAndAccuracy() {
        var matrix = ConfusionMatrix(classCount: 3)
        matrix.add(trueLabel: 0, predicted: 0)
        matrix.add(trueLabel: 1, predicted: 2)
        matrix.add(trueLabel: 2, predicted: 2)
        matrix.add(trueLabel: 2, predicted: 7) // out of range: ignored
        #expect(matrix.total == 3)
        #expect(matrix.correct == 2)
        #expect(abs(matrix.accuracy - 2.0 / 3.0) < 1e-6)
        #expect(matrix.counts[1][2] == 1)
    }

    @Test func argmaxPicksTheFirstLargest() {
        let values: [Float] = [0, 5, 1, 5, -1, 9]
        values.withUnsafeBufferPointer { buffer in
            #expect(argmax(buffer, offset: 0, count: 4) == 1)
            #expect(argmax(buffer, offset: 4, count: 2) == 1)
        }
    }

    @Test func perClassAccuracyFromTheSnapshot() {
        var snapshot = MetricsSnapshot(model: .cnn, datasetName: "x", datasetIsSynthetic: false, classNames: ["a", "b", "c"],
                                       trainCount: 10, testCount: 10, totalEpochs: 2, stepsPerEpoch: 5,
                                       learningRate: 0.01, batchSize: 2)
        snapshot.confusion = [[3, 1, 0], [0, 0, 0], [1, 1, 2]]
        #expect(snapshot.perClassAccuracy == [0.75, nil, 0.5])
        snapshot.step = 5
        snapshot.stepInEpoch = 0
        #expect(snapshot.runProgress == 0.5)
    }

    @Test func headlessLinesReadWell() {
        let metrics = EpochMetrics(epoch: 3, trainLoss: 1.83424, testLoss: 1.79, testAccuracy: 0.3511, trainAccuracy: 0.4,
                                   imagesPerSecond: 9812.4, seconds: 0.5)
        #expect(HeadlessFormat.epochLine(metrics, totalEpochs: 10)
                == "epoch  3/10  train loss 1.8342  test loss 1.7900  test acc 0.3511  9,812 img/s")
        let ae = EpochMetrics(epoch: 10, trainLoss: 40.123, testLoss: 37.6, testAccuracy: nil, trainAccuracy: nil,
                              imagesPerSecond: 123, seconds: 1)
        #expect(HeadlessFormat.epochLine(ae, totalEpochs: 10) == "epoch 10/10  train loss 40.1230  test loss 37.6000  123 img/s")
        #expect(HeadlessFormat.fixed(.nan, 2) == "nan")
        #expect(HeadlessFormat.grouped(1234567) == "1,234,567")
        #expect(HeadlessFormat.duration(3725) == "1:02:05")
        #expect(HeadlessFormat.duration(65) == "1:05")
        #expect(HeadlessFormat.lr(0.01) == "0.01")
        #expect(HeadlessFormat.lr(0.001) == "0.001")
        #expect(HeadlessFormat.lr(0.00025) == "0.00025")
    }

    @Test func csvWriterWritesHeaderAndOneRowPerEpoch() throws {
        let path = NSTemporaryDirectory() + "cnnlab-metrics-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try MetricsCSVWriter(path: path)
        try writer.append(EpochMetrics(epoch: 1, trainLoss: 2.5, testLoss: 2.25, testAccuracy: 0.125, trainAccuracy: 0.25,
                                       imagesPerSecond: 1000, seconds: 2), step: 40, learningRate: 0.01)
        try writer.append(EpochMetrics(epoch: 2, trainLoss: 2, testLoss: 1.5, testAccuracy: nil, trainAccuracy: nil,
                                       imagesPerSecond: 1000, seconds: 2), step: 80, learningRate: 0.005)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == [MetricsCSVWriter.header,
                          "1,40,2.5,2.25,0.125,0.25,1000.0,2.000,0.01",
                          "2,80,2.0,1.5,,,1000.0,2.000,0.005"])
    }

    @Test func csvWriterNamesAnUnwritablePath() {
        #expect(throws: TrainingError.self) { try MetricsCSVWriter(path: "/nonexistent-dir/metrics.csv") }
        do { _ = try MetricsCSVWriter(path: "/nonexistent-dir/metrics.csv") } catch {
            #expect("\(error)".contains("/nonexistent-dir/metrics.csv"))
        }
    }

    @Test func recipesMatchTheCourse() {
        let cnn = TrainingRecipe.course(.cnn)
        #expect(cnn.learningRate == 0.01 && cnn.batchSize == 128 && cnn.epochs == 10 && cnn.optimizer == .sgd(momentum: 0.9))
        let ae = TrainingRecipe.course(.autoencoder)
        #expect(ae.learningRate == 0.001 && ae.batchSize == 128 && ae.optimizer == .adam)
        var bad = cnn
        bad.learningRate = -1
        #expect(bad.problem?.contains("--lr") == true)
        bad = cnn
        bad.batchSize = 0
        #expect(bad.problem?.contains("--batch-size") == true)
    }

    @Test func controlsAreConsumedOnce() {
        let controls = TrainingControls()
        controls.requestSave()
        controls.scaleLearningRate(by: 2)
        controls.scaleLearningRate(by: 2)
        let first = controls.takePending()
        #expect(first.save && first.learningRateFactor == 4 && !first.stop && !first.paused)
        let second = controls.takePending()
        #expect(!second.save && second.learningRateFactor == 1)
        controls.togglePause()
        #expect(controls.isPaused)
        controls.requestStop()
        #expect(controls.takePending().stop)
    }
}
