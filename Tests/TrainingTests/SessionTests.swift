import Datasets
import Foundation
import TestSupport
import Testing
@testable import Training

/// Headless runs on tiny synthetic data: they finish, write the CSV and the checkpoint,
/// resume from it, evaluate it, and react to NaN and to learning-rate changes.
@Suite("Training sessions on tiny data", .serialized)
struct SessionTests {
    static let tinyData = SyntheticShapes.split(trainCount: 48, testCount: 20, seed: 3)

    static func recipe(_ model: CourseModelKind, epochs: Int = 2, lr: Float? = nil) -> TrainingRecipe {
        var recipe = TrainingRecipe.course(model)
        recipe.epochs = epochs
        recipe.batchSize = 16
        recipe.seed = 7
        if let lr { recipe.learningRate = lr }
        return recipe
    }

    /// Collects what a headless run prints.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.lock(); stored.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return stored }
    }

    @Test(arguments: CourseModelKind.allCases)
    func headlessRunFinishesWritesCSVAndCheckpointAndResumes(model: CourseModelKind) throws {
        let folder = TemporaryFolder("session"), directory = folder.path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csvPath = directory + "/metrics.csv", checkpoint = directory + "/model.safetensors"
        let printed = Lines()
        let output = HeadlessOutput(showsProgress: false, writeLine: { printed.append($0) }, writeProgress: { _ in })
        let session = try TrainingSession(
            recipe: Self.recipe(model), data: Self.tinyData,
            options: .init(savePath: checkpoint, metricsPath: csvPath, previewInterval: 0),
            onEpoch: { output.line(HeadlessFormat.epochLine($0, totalEpochs: 2)) })
        #expect(HeadlessRunner(session: session, output: output).run() == .finished)

        let snapshot = session.store.snapshot()
        #expect(snapshot.state == .finished)
        #expect(snapshot.step == 6) // 48 images / batch 16 = 3 steps, 2 epochs
        #expect(snapshot.trainLoss.count == 6 && snapshot.trainLoss.allSatisfy { $0.isFinite })
        #expect(snapshot.epochs.count == 2)
        #expect(printed.all.count == 2 && printed.all[0].hasPrefix("epoch 1/2  train loss "))
        if model.isClassifier {
            #expect(snapshot.confusion.flatMap { $0 }.reduce(0, +) == 20)
            #expect(snapshot.samples.allSatisfy { $0.predictedLabel != nil })
        } else {
            #expect(snapshot.samples.allSatisfy { $0.reconstruction?.pixels.count == 3 * 32 * 32 })
        }
        #expect(snapshot.filters.count == 8)
        // The speed left on screen is the whole run's: all images over all step time, which is
        // what the epochs' rates give when weighted by their images.
        let stepSeconds = snapshot.epochs.reduce(0.0) { $0 + 48 / $1.imagesPerSecond }
        #expect(abs(snapshot.imagesPerSecond - 96 / stepSeconds) <= 1e-6 * snapshot.imagesPerSecond)

        let csv = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 3 && csv[0] == Substring(MetricsCSVWriter.header))
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        #expect(snapshot.lastCheckpoint == checkpoint)

        // Evaluating the checkpoint gives the last epoch's test loss: the weights round-trip.
        let evaluation = try CheckpointEvaluation.run(model: model, checkpoint: checkpoint, data: Self.tinyData, batchSize: 16)
        let lastTestLoss = try #require(snapshot.epochs.last).testLoss
        #expect(abs(evaluation.loss - lastTestLoss) <= 1e-4 * max(1, abs(lastTestLoss)))
        if model.isClassifier { #expect(evaluation.accuracy == snapshot.epochs.last?.testAccuracy) }

        // Resuming starts from the saved weights: the first test loss of a 1-epoch run with lr
        // tiny equals the checkpoint's.
        let resumed = try TrainingSession(recipe: Self.recipe(model, epochs: 1, lr: 1e-12), data: Self.tinyData,
                                          options: .init(resumePath: checkpoint, previewInterval: 0))
        #expect(resumed.store.snapshot().event == .resumed(from: checkpoint))
        resumed.run()
        let resumedLoss = try #require(resumed.store.snapshot().epochs.first).testLoss
        #expect(abs(resumedLoss - lastTestLoss) <= 1e-3 * max(1, abs(lastTestLoss)))
    }

    /// The names and shapes of PyTorch's state_dict for the worksheet's nn.Sequential models,
    /// as `{k: list(v.shape) for k, v in model.state_dict().items()}` prints them.
    static let pytorchStateDict: [CourseModelKind: [String: [Int]]] = [
        .cnn: ["0.weight": [8, 3, 5, 5], "0.bias": [8], "3.weight": [16, 8, 5, 5], "3.bias": [16],
               "7.weight": [256, 400], "7.bias": [256], "9.weight": [10, 256], "9.bias": [10]],
        .autoencoder: ["0.weight": [8, 3, 4, 4], "0.bias": [8], "2.weight": [16, 8, 4, 4], "2.bias": [16],
                       "4.weight": [32, 16, 4, 4], "4.bias": [32],
                       "5.weight": [32, 16, 4, 4], "5.bias": [16], // ConvTranspose2d: [in, out, kH, kW]
                       "7.weight": [16, 8, 4, 4], "7.bias": [8], "9.weight": [8, 3, 4, 4], "9.bias": [3]],
    ]

    @Test(arguments: CourseModelKind.allCases)
    func checkpointsUsePyTorchStateDictNamesAndShapes(model: CourseModelKind) throws {
        let folder = TemporaryFolder("session"), directory = folder.path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/\(model.rawValue).safetensors"
        let session = try TrainingSession(recipe: Self.recipe(model, epochs: 1), data: Self.tinyData,
                                          options: .init(savePath: path, previewInterval: 0))
        session.run()
        let contents = try Safetensors.read(path)
        let shapes = Dictionary(uniqueKeysWithValues: contents.tensors.map { ($0.name, $0.shape) })
        #expect(shapes == Self.pytorchStateDict[model])
        #expect(contents.metadata["model"] == model.rawValue)
        #expect(contents.metadata["data"] == "synthetic:48", "the data goes with the weights, for Home's Inspect")
    }

    @Test func resumingTheWrongModelNamesTheMismatch() throws {
        let folder = TemporaryFolder("session"), directory = folder.path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/cnn.safetensors"
        let session = try TrainingSession(recipe: Self.recipe(.cnn, epochs: 1), data: Self.tinyData,
                                          options: .init(savePath: checkpoint, previewInterval: 0))
        session.run()
        do {
            _ = try CheckpointEvaluation.run(model: .autoencoder, checkpoint: checkpoint, data: Self.tinyData)
            Issue.record("loading a CNN checkpoint into the autoencoder should fail")
        } catch {
            let message = "\(error)"
            #expect(message.contains("0.weight")) // misshapen: [8,3,5,5] vs [8,3,4,4]
        }
    }

    @Test func aNonFiniteLossPausesWithAdviceAndKeepsFiniteWeights() throws {
        let session = try TrainingSession(recipe: Self.recipe(.cnn, epochs: 50, lr: 1e8), data: Self.tinyData,
                                          options: .init(previewInterval: 0))
        session.start()
        var snapshot = session.store.snapshot()
        for _ in 0..<600 where snapshot.state != .paused && !snapshot.state.isOver {
            Thread.sleep(forTimeInterval: 0.05)
            snapshot = session.store.snapshot()
        }
        #expect(snapshot.state == .paused)
        guard case .diverged(let facts)? = snapshot.event else {
            Issue.record("expected a divergence event, got \(String(describing: snapshot.event))")
            return
        }
        #expect(facts.learningRate == 1e8 && facts.step >= 1 && facts.epoch == 1)
        #expect(HeadlessFormat.divergence(facts).hasPrefix("The loss became"))
        #expect(snapshot.trainLoss.allSatisfy { $0.isFinite })
        // Lower the rate while paused and resume: training goes on from the restored weights.
        session.controls.scaleLearningRate(by: 1e-10) // 1e8 -> 0.01
        let pausedAt = snapshot.step
        session.controls.setPaused(false)
        for _ in 0..<600 where snapshot.step < pausedAt + 6 && !snapshot.state.isOver {
            Thread.sleep(forTimeInterval: 0.05)
            snapshot = session.store.snapshot()
        }
        #expect(snapshot.step >= pausedAt + 6)
        #expect(snapshot.state == .running)
        #expect(snapshot.learningRate < 0.011 && snapshot.learningRate > 0.009)
        #expect(snapshot.trainLoss.suffix(6).allSatisfy { $0.isFinite })
        session.controls.requestStop()
        session.waitUntilDone()
        let final = session.store.snapshot()
        #expect(final.state == .stopped)
        #expect(final.filters.allSatisfy { $0.pixels.allSatisfy { $0.isFinite } })
    }

    @Test func headlessRunStopsOnANonFiniteLossWithAdvice() throws {
        let session = try TrainingSession(recipe: Self.recipe(.cnn, epochs: 50, lr: 1e8), data: Self.tinyData,
                                          options: .init(previewInterval: 0))
        let output = HeadlessOutput(showsProgress: false, writeLine: { _ in }, writeProgress: { _ in })
        let outcome = HeadlessRunner(session: session, output: output).run(progressInterval: 0.02)
        guard case .diverged(let facts, let savedTo) = outcome else {
            Issue.record("expected the run to stop on a non-finite loss, got \(outcome)")
            return
        }
        #expect(savedTo == nil)
        let message = HeadlessFormat.divergenceStop(facts, savedTo: savedTo)
        #expect(message.hasPrefix("The loss became"))
        #expect(message.hasSuffix("Try a lower --lr."))
        #expect(session.store.snapshot().state == .stopped)
    }

    @Test func learningRateChangesAndSavesHappenBetweenSteps() throws {
        let folder = TemporaryFolder("session"), directory = folder.path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/ae.safetensors"
        let session = try TrainingSession(recipe: Self.recipe(.autoencoder, epochs: 1), data: Self.tinyData,
                                          options: .init(savePath: checkpoint, previewInterval: 0))
        session.controls.setPaused(true)
        session.start()
        session.controls.scaleLearningRate(by: 2)
        session.controls.requestSave()
        var snapshot = session.store.snapshot()
        for _ in 0..<200 where snapshot.lastCheckpoint == nil {
            Thread.sleep(forTimeInterval: 0.02)
            snapshot = session.store.snapshot()
        }
        #expect(snapshot.state == .paused)
        #expect(snapshot.step == 0) // paused before the first step
        #expect(snapshot.learningRate == 0.002)
        #expect(snapshot.lastCheckpoint == checkpoint)
        session.controls.setPaused(false)
        session.waitUntilDone()
        #expect(session.store.snapshot().state == .finished)
        #expect(session.store.snapshot().step == 3)
    }

    @Test func stopRequestEndsAfterTheCurrentStepAndSaves() throws {
        let folder = TemporaryFolder("session"), directory = folder.path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/stopped.safetensors"
        let session = try TrainingSession(recipe: Self.recipe(.cnn, epochs: 1000), data: Self.tinyData,
                                          options: .init(savePath: checkpoint, previewInterval: 0))
        session.start()
        Thread.sleep(forTimeInterval: 0.3)
        session.controls.requestStop()
        #expect(session.waitUntilDone(timeout: 30))
        let snapshot = session.store.snapshot()
        #expect(snapshot.state == .stopped)
        #expect(snapshot.step < snapshot.totalSteps)
        #expect(FileManager.default.fileExists(atPath: checkpoint))
    }

    @Test func badInputsAreOneLineErrors() {
        var recipe = Self.recipe(.cnn)
        recipe.epochs = 0
        #expect(throws: TrainingError("--epochs must be from 1 to 100000 (got 0)")) {
            try TrainingSession(recipe: recipe, data: Self.tinyData)
        }
        #expect(throws: TrainingError.self) {
            try TrainingSession(recipe: Self.recipe(.cnn), data: Self.tinyData,
                                options: .init(resumePath: "/nonexistent/model.safetensors"))
        }
    }
}
