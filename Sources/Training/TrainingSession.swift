import Datasets
import Foundation

/// Trains one of the course's networks on its own thread, publishing metrics to `store`
/// and obeying `controls` between steps.
///
/// ```swift
/// let session = try TrainingSession(recipe: .course(.cnn), data: split, options: .init(savePath: "cnn.safetensors"))
/// session.start()
/// // the UI reads session.store.snapshot() a few times a second, calls session.controls.togglePause() ...
/// session.waitUntilDone()
/// ```
public final class TrainingSession: @unchecked Sendable {
    // @unchecked: after `start()` the network, data buffers and CSV writer are touched only by
    // the training thread; the UI shares only `store` and `controls`, which lock themselves.

    /// Where the run writes, and what it resumes from.
    public struct Options: Sendable {
        public var savePath: String?
        public var resumePath: String?
        public var metricsPath: String?
        /// Seconds between refreshes of the sample strip while training (0: only at epoch ends).
        public var previewInterval: Double

        public init(savePath: String? = nil, resumePath: String? = nil, metricsPath: String? = nil,
                    previewInterval: Double = 2) {
            self.savePath = savePath
            self.resumePath = resumePath
            self.metricsPath = metricsPath
            self.previewInterval = previewInterval
        }
    }

    public let recipe: TrainingRecipe
    public let options: Options
    public let store: MetricsStore
    public let controls = TrainingControls()

    private let data: DatasetSplit
    private let network: SessionNetwork
    private let csv: MetricsCSVWriter?
    private let onEpoch: (@Sendable (EpochMetrics) -> Void)?
    private let finished = DispatchSemaphore(value: 0)

    /// Builds the model (and loads `options.resumePath`), opens the metrics file.
    /// Throws a `TrainingError` with a one-line reason when any of that fails.
    public init(recipe: TrainingRecipe, data: DatasetSplit, options: Options = Options(),
                onEpoch: (@Sendable (EpochMetrics) -> Void)? = nil) throws {
        if let problem = recipe.problem { throw TrainingError(problem) }
        guard data.train.count > 0 else { throw TrainingError("the training set \(data.train.name) has no images") }
        guard data.test.count > 0 else { throw TrainingError("the test set \(data.test.name) has no images") }
        let data = try Self.fit(data, to: recipe)
        self.recipe = recipe
        self.options = options
        self.data = data
        self.onEpoch = onEpoch
        // Before the first step, as --metrics is: a missing folder, a read-only place or a
        // directory found after an hour of training would lose the hour.
        if let path = options.savePath, let problem = AtomicFile.problemWriting(to: path) {
            throw TrainingError("--save \(path): \(problem)")
        }
        network = try SessionNetwork(recipe: recipe)
        if let resume = options.resumePath { try network.loadCheckpoint(from: resume) }
        csv = try options.metricsPath.map { try MetricsCSVWriter(path: $0) }

        let order = BatchOrder(count: data.train.count, batchSize: recipe.batchSize, seed: recipe.seed, epoch: 0)
        var initial = MetricsSnapshot(
            model: recipe.model,
            datasetName: data.isSynthetic ? "synthetic shapes" : "\(data.train.name) (\(data.location))",
            datasetIsSynthetic: data.isSynthetic, classNames: data.classNames,
            trainCount: data.train.count, testCount: data.test.count, totalEpochs: recipe.epochs,
            stepsPerEpoch: order.batchCount, learningRate: recipe.learningRate, batchSize: recipe.batchSize)
        initial.network = NetworkSummary(recipe: recipe, inputShape: [data.train.channels, data.train.height, data.train.width])
        initial.samples = SampleStrip.make(from: data.test)
        initial.filters = network.firstLayerFilters()
        if let resume = options.resumePath { initial.event = .resumed(from: resume) }
        store = MetricsStore(initial)
    }

    /// Starts training on a new thread and returns at once.
    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "cnnlab training"
        thread.stackSize = 8 << 20
        // Not kept: the thread's closure holds the session, so a session holding its thread
        // was a cycle that never freed the data (LeakSanitizer: ~100 MB per training opened
        // from the home screen).
        thread.start()
    }

    /// Blocks until a started session is over.
    public func waitUntilDone() {
        finished.wait()
        finished.signal() // let later waiters through too
    }

    /// Blocks up to `seconds`; true when the session is over.
    public func waitUntilDone(timeout seconds: Double) -> Bool {
        guard finished.wait(timeout: .now() + seconds) == .success else { return false }
        finished.signal()
        return true
    }

    /// A copy of the trained network with the test images it was evaluated on, once the training
    /// thread has finished (nil while it runs, or before `start`): what the dashboard's inspector
    /// opens. A copy, so the inspector's eval mode and forward passes never touch the session's model.
    public func trainedModel() -> TrainedModel? {
        guard waitUntilDone(timeout: 0) else { return nil }
        return TrainedModel(network: network.copyOfModel(), recipe: recipe, test: data.test,
                            isSynthetic: data.isSynthetic)
    }

    // MARK: - The training thread

    /// Trains all epochs on the calling thread (what `start` runs).
    public func run() {
        var loop = TrainingLoop(session: self)
        loop.run()
    }

    fileprivate struct TrainingLoop {
        let session: TrainingSession
        var recipe: TrainingRecipe { session.recipe }
        var smoother = LossSmoother()
        /// Wall time since the start, and the part of it spent paused (elapsed excludes pauses).
        var runClock = Stopwatch()
        var pausedSeconds = 0.0
        var trainedSeconds = 0.0
        var trainedImages = 0
        var step = 0
        var learningRate: Float
        var lastPreview = Stopwatch()
        /// The dashboard's speed: images over the summed time of recent training steps (at least
        /// half a second of them), so test passes, previews and pauses never count as slow training,
        /// and epochs shorter than the window (the sample's take 0.2 s) still update it.
        var rateWindowSeconds = 0.0
        var rateWindowImages = 0
        var recentRate = 0.0

        init(session: TrainingSession) {
            self.session = session
            learningRate = session.recipe.learningRate
        }

        mutating func run() {
            let network = session.network
            let train = session.data.train
            session.store.update { $0.state = .running; $0.epoch = 1 }
            for epoch in 0..<recipe.epochs {
                let order = BatchOrder(count: train.count, batchSize: recipe.batchSize, seed: recipe.seed, epoch: epoch)
                let epochClock = Stopwatch()
                var epochTrainSeconds = 0.0
                var lossSum = 0.0, lossCount = 0, correct = 0, seen = 0
                session.store.update { $0.epoch = epoch + 1; $0.stepInEpoch = 0 }
                network.keepEpochStartParameters()
                var batchNumber = 0
                while batchNumber < order.batchCount {
                    if handleControls() == .stop { return stop() }
                    let indices = order.batch(batchNumber)
                    let stepClock = Stopwatch()
                    let result = network.trainStep(dataset: train, indices: indices)
                    guard result.loss.isFinite else {
                        network.restoreEpochStartParameters(learningRate: learningRate)
                        pauseForNonFiniteLoss(result.loss, epoch: epoch + 1)
                        continue // retry the same batch after the student resumes
                    }
                    let seconds = stepClock.seconds
                    epochTrainSeconds += seconds
                    trainedSeconds += seconds
                    trainedImages += indices.count
                    lossSum += Double(result.loss); lossCount += 1
                    correct += result.correct; seen += indices.count
                    step += 1
                    batchNumber += 1
                    publishStep(loss: result.loss, images: indices.count, seconds: seconds, stepInEpoch: batchNumber,
                                order: order, epoch: epoch)
                    if session.options.previewInterval > 0 && lastPreview.seconds >= session.options.previewInterval {
                        refreshPreview()
                        lastPreview.reset()
                    }
                }
                let evaluation = network.evaluate(dataset: session.data.test, batchSize: recipe.batchSize)
                let metrics = EpochMetrics(
                    epoch: epoch + 1, trainLoss: Float(lossSum / Double(max(1, lossCount))),
                    testLoss: evaluation.loss,
                    testAccuracy: recipe.isClassifier ? evaluation.accuracy : nil,
                    trainAccuracy: recipe.isClassifier ? Float(correct) / Float(max(1, seen)) : nil,
                    imagesPerSecond: Double(seen) / max(1e-9, epochTrainSeconds), seconds: epochClock.seconds)
                publishEpoch(metrics, evaluation: evaluation)
            }
            finish(state: .finished)
        }

        enum ControlOutcome { case proceed, stop }

        /// Applies pending requests; blocks while paused. Returns `.stop` when asked to stop.
        mutating func handleControls() -> ControlOutcome {
            while true {
                let pending = session.controls.takePending()
                if pending.learningRateFactor != 1 {
                    learningRate *= pending.learningRateFactor
                    session.network.setLearningRate(learningRate)
                    let rate = learningRate
                    session.store.update { $0.learningRate = rate; $0.event = .learningRateChanged(to: rate) }
                }
                if pending.save { saveCheckpoint(.onRequest) }
                if pending.stop { return .stop }
                if !pending.paused {
                    session.store.update { if $0.state == .paused { $0.state = .running; $0.event = nil } }
                    return .proceed
                }
                session.store.update { $0.state = .paused }
                let pause = Stopwatch()
                session.controls.waitWhilePaused(timeout: 0.2)
                pausedSeconds += pause.seconds
            }
        }

        mutating func pauseForNonFiniteLoss(_ loss: Float, epoch: Int) {
            session.controls.setPaused(true)
            let divergence = Divergence(value: loss.isNaN ? .nan : .infinite, step: step + 1,
                                        learningRate: learningRate, epoch: epoch)
            session.store.update {
                $0.state = .paused
                $0.divergence = divergence
                $0.event = .diverged(divergence)
            }
        }

        mutating func publishStep(loss: Float, images: Int, seconds: Double, stepInEpoch: Int, order: BatchOrder, epoch: Int) {
            let smoothed = smoother.add(loss)
            rateWindowImages += images
            rateWindowSeconds += seconds
            if rateWindowSeconds >= 0.5 || recentRate == 0 {
                recentRate = Double(rateWindowImages) / max(1e-9, rateWindowSeconds)
                rateWindowImages = 0
                rateWindowSeconds = 0
            }
            let remainingImages = (recipe.epochs - epoch - 1) * session.data.train.count
                + max(0, order.indices.count - stepInEpoch * recipe.batchSize)
            let averageRate = Double(step * recipe.batchSize) / max(1e-9, trainedSeconds)
            let eta = Double(remainingImages) / max(1e-9, averageRate)
            let elapsed = runClock.seconds - pausedSeconds, rate = recentRate, step = self.step
            session.store.update {
                $0.trainLoss.append(loss)
                $0.smoothedLoss.append(smoothed)
                $0.step = step
                $0.stepInEpoch = stepInEpoch
                $0.imagesPerSecond = rate
                $0.elapsed = elapsed
                $0.eta = eta
            }
        }

        mutating func publishEpoch(_ metrics: EpochMetrics, evaluation: SessionNetwork.Evaluation) {
            let filters = session.network.firstLayerFilters()
            let step = self.step, rate = learningRate
            session.store.update {
                $0.epochs.append(metrics)
                if let confusion = evaluation.confusion { $0.confusion = confusion.counts }
                Self.apply(evaluation.sampleOutputs, to: &$0.samples)
                $0.filters = filters
            }
            do { try session.csv?.append(metrics, step: step, learningRate: rate) } catch {
                session.store.update { $0.event = .metricsNotWritten(reason: "\(error)") }
            }
            session.onEpoch?(metrics)
        }

        /// Re-runs the strip's test images through the network so the dashboard's predictions
        /// and reconstructions follow training between epochs.
        mutating func refreshPreview() {
            let outputs = session.network.predictSamples(dataset: session.data.test, count: SampleStrip.size)
            let filters = session.network.firstLayerFilters()
            session.store.update {
                Self.apply(outputs, to: &$0.samples)
                $0.filters = filters
            }
        }

        static func apply(_ outputs: [SessionNetwork.SampleOutput], to samples: inout [SampleImage]) {
            for (index, output) in outputs.enumerated() where index < samples.count {
                samples[index].predictedLabel = output.predictedLabel
                samples[index].reconstruction = output.reconstruction
            }
        }

        mutating func saveCheckpoint(_ moment: TrainingEvent.SaveMoment) {
            guard let path = session.options.savePath else {
                session.store.update { $0.event = .noSavePath }
                return
            }
            do {
                // The data goes with the weights, so Home's Inspect opens the network on the images it learned.
                let data = session.data.reloadSpec.map { ["data": $0.description] } ?? [:]
                try session.network.saveCheckpoint(to: path, metadata: data)
                session.store.update { $0.event = .saved(path: path, moment: moment); $0.lastCheckpoint = path; $0.saveFailure = nil }
            } catch {
                let failure = TrainingEvent.saveFailed(path: path, reason: "\(error)")
                session.store.update { $0.event = failure; $0.saveFailure = failure }
            }
        }

        mutating func stop() {
            finish(state: .stopped)
        }

        mutating func finish(state: RunState) {
            if session.options.savePath != nil {
                saveCheckpoint(state == .stopped ? .stopped : .finished)
            } else {
                session.store.update { $0.event = .ended(state == .stopped ? .stopped : .finished) }
            }
            // Once training is over, the speed shown is the whole run's.
            let average = Double(trainedImages) / max(1e-9, trainedSeconds)
            session.store.update {
                $0.state = state
                $0.eta = state == .finished ? 0 : $0.eta
                if trainedSeconds > 0 { $0.imagesPerSecond = average }
            }
        }
    }
}
