/// A small image for the dashboard: `channels` planes of `height` x `width` values in [0, 1],
/// stored channel-major (CHW) like the network's tensors. 1 channel is grey, 3 is RGB.
public struct PixelImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The value of channel `c` at column `x`, row `y`.
    public func value(channel c: Int, x: Int, y: Int) -> Float {
        pixels[(c * height + y) * width + x]
    }

    /// The image scaled so its smallest value is 0 and its largest 1 (weights have any range).
    public static func normalised(width: Int, height: Int, channels: Int, values: ArraySlice<Float>) -> PixelImage {
        let low = values.min() ?? 0, high = values.max() ?? 0
        let span = high - low
        let pixels = values.map { span > 0 ? ($0 - low) / span : 0.5 }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }
}

/// One test image shown in the strip, with its label and (for the classifier) the prediction.
public struct SampleImage: Equatable, Sendable {
    public var image: PixelImage
    public var trueLabel: Int
    /// The classifier's latest prediction; nil before the first one or for the autoencoder.
    public var predictedLabel: Int?
    /// The autoencoder's latest reconstruction of `image`; nil for the classifier.
    public var reconstruction: PixelImage?

    public init(image: PixelImage, trueLabel: Int, predictedLabel: Int? = nil, reconstruction: PixelImage? = nil) {
        self.image = image
        self.trueLabel = trueLabel
        self.predictedLabel = predictedLabel
        self.reconstruction = reconstruction
    }
}

/// What one finished epoch measured.
public struct EpochMetrics: Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's steps.
    public var trainLoss: Float
    /// Loss on the whole test set (mean per batch as the recipe defines it).
    public var testLoss: Float
    /// Fraction of test images classified correctly; nil for the autoencoder.
    public var testAccuracy: Float?
    /// Fraction of training images classified correctly during the epoch; nil for the autoencoder.
    public var trainAccuracy: Float?
    /// Training images per second over the epoch (evaluation time excluded).
    public var imagesPerSecond: Double
    /// Seconds the epoch took, evaluation included.
    public var seconds: Double

    public init(epoch: Int, trainLoss: Float, testLoss: Float, testAccuracy: Float?, trainAccuracy: Float?,
                imagesPerSecond: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.trainAccuracy = trainAccuracy
        self.imagesPerSecond = imagesPerSecond
        self.seconds = seconds
    }
}

/// Where a session is in its life.
public enum RunState: Equatable, Sendable {
    /// Loading data and building the model.
    case preparing
    case running
    /// Paused by the user, or because the loss stopped being a finite number.
    case paused
    /// All epochs done.
    case finished
    /// Stopped early on request (q, Ctrl-C).
    case stopped
    /// Could not run; `failure` says why.
    case failed(reason: String)

    /// True once the session will do no more work.
    public var isOver: Bool {
        switch self {
        case .finished, .stopped, .failed: true
        case .preparing, .running, .paused: false
        }
    }
}

/// Everything the dashboard and the headless reporter show, copied out of a running session.
/// A value: reading it never blocks training for longer than a copy.
public struct MetricsSnapshot: Equatable, Sendable {
    public var model: CourseModelKind
    /// The network trained (a course network or the student's own): name, one-line text, layers.
    public var network = NetworkSummary(name: "", text: "", isClassifier: true, inputShape: [], rows: [])
    /// Where the images come from, in words ("CIFAR-10 at /path", "synthetic shapes").
    public var datasetName: String
    /// True when training on the built-in synthetic shapes rather than real images.
    public var datasetIsSynthetic: Bool
    public var classNames: [String]
    public var trainCount: Int
    public var testCount: Int

    public var state: RunState = .preparing
    /// The session's latest event for the student (a save, a pause because of NaN, ...);
    /// the views word it.
    public var event: TrainingEvent?
    /// Set when the loss stopped being finite (cleared by nothing: the headless runner reads it).
    public var divergence: Divergence?
    /// Set when a save failed (and kept, so a later event does not hide it from the CLI);
    /// cleared by a later save that succeeds. The file on disk, if any, still holds the
    /// previous checkpoint (saves are atomic).
    public var saveFailure: TrainingEvent?

    /// 1-based epoch in progress (or last finished).
    public var epoch: Int = 0
    public var totalEpochs: Int
    /// Steps done in the current epoch.
    public var stepInEpoch: Int = 0
    public var stepsPerEpoch: Int
    /// Steps done in the whole run.
    public var step: Int = 0
    public var learningRate: Float
    public var batchSize: Int
    /// Recent training throughput, images per second.
    public var imagesPerSecond: Double = 0
    /// Seconds spent training, pauses excluded.
    public var elapsed: Double = 0
    /// Estimated seconds until the run finishes; nil until there is a rate to go by.
    public var eta: Double?

    /// Training loss of every step.
    public var trainLoss: [Float] = []
    /// Exponential moving average of `trainLoss`, one value per step.
    public var smoothedLoss: [Float] = []
    /// One entry per finished epoch.
    public var epochs: [EpochMetrics] = []
    /// The classifier's latest test confusion matrix, `confusion[true][predicted]`; empty before the first.
    public var confusion: [[Int]] = []
    /// A strip of fixed test images with their latest predictions or reconstructions.
    public var samples: [SampleImage] = []
    /// The first layer's filters, each scaled to [0, 1].
    public var filters: [PixelImage] = []
    /// The last checkpoint written, if any.
    public var lastCheckpoint: String?

    public init(model: CourseModelKind, datasetName: String, datasetIsSynthetic: Bool, classNames: [String],
                trainCount: Int, testCount: Int, totalEpochs: Int, stepsPerEpoch: Int,
                learningRate: Float, batchSize: Int) {
        self.model = model
        self.datasetName = datasetName
        self.datasetIsSynthetic = datasetIsSynthetic
        self.classNames = classNames
        self.trainCount = trainCount
        self.testCount = testCount
        self.totalEpochs = totalEpochs
        self.stepsPerEpoch = stepsPerEpoch
        self.learningRate = learningRate
        self.batchSize = batchSize
    }

    /// Steps in the whole run.
    public var totalSteps: Int { totalEpochs * stepsPerEpoch }

    /// Fraction of the current epoch done, 0...1.
    public var epochProgress: Double {
        stepsPerEpoch > 0 ? min(1, Double(stepInEpoch) / Double(stepsPerEpoch)) : 0
    }

    /// Fraction of the whole run done, 0...1.
    public var runProgress: Double { totalSteps > 0 ? min(1, Double(step) / Double(totalSteps)) : 0 }

    /// Per-class accuracy from the confusion matrix (nil for a class with no test images).
    public var perClassAccuracy: [Float?] {
        confusion.enumerated().map { index, row in
            let total = row.reduce(0, +)
            return total > 0 && index < row.count ? Float(row[index]) / Float(total) : nil
        }
    }
}
