import Datasets
import Foundation
import NeuralNet
import Testing
@testable import Training

/// A student's own network: the task follows the output, bad shapes are refused before training,
/// and a run with batch norm, dropout and average pooling trains, saves a state_dict with
/// BatchNorm's buffers, resumes, and evaluates (in eval mode) to the figure it reported.
@Suite("Own networks in a session", .serialized)
struct NetworkSessionTests {
    static let tinyData = SyntheticShapes.split(trainCount: 48, testCount: 20, seed: 5)
    static let small = "Conv2d(3, 8, 3, stride=2, padding=1), BatchNorm2d(8), LeakyReLU(0.1), AvgPool2d(2), "
        + "Dropout(0.25), Flatten(), Linear(512, 10)"

    static func network(_ text: String) throws -> NetworkText { try NetworkText.parse(text) }

    @Test("the task follows the output: classes -> cross-entropy (SGD), the input's shape -> summed squared error (Adam)")
    func taskFollowsOutput() throws {
        let classifier = try TrainingRecipe.forNetwork(try Self.network(Self.small), input: [3, 32, 32], classCount: 10,
                                                       datasetName: "CIFAR-10")
        #expect(classifier.loss == .crossEntropy && classifier.isClassifier && classifier.model == .cnn)
        #expect(classifier.optimizer == .sgd(momentum: 0.9) && classifier.learningRate == 0.01)
        let ae = try Self.network("Conv2d(3, 4, 3, padding=1), Tanh(), ConvTranspose2d(4, 3, 1), Sigmoid()")
        let reconstruction = try TrainingRecipe.forNetwork(ae, input: [3, 32, 32], classCount: 10, datasetName: "CIFAR-10")
        #expect(reconstruction.loss == .sse && !reconstruction.isClassifier && reconstruction.optimizer == .adam)
        #expect(try TrainingRecipe.forNetwork(ae, input: [3, 32, 32], classCount: 10, datasetName: "CIFAR-10", loss: .mse).loss == .mse)
    }

    @Test("outputs that are neither, losses that do not fit, and layers that do not fit are refused naming both shapes")
    func refusals() throws {
        func message(_ text: String, input: [Int] = [3, 32, 32], loss: LossChoice? = nil) throws -> String {
            do {
                _ = try TrainingRecipe.forNetwork(try Self.network(text), input: input, classCount: 10, datasetName: "CIFAR-10", loss: loss)
                return "accepted"
            } catch let error as TrainingError { return error.message }
        }
        #expect(try message("Conv2d(3, 4, 3, stride=2, padding=1)")
                == "the network's output is 4x16x16 per image; a classifier of CIFAR-10 needs 10 (one value per class) and a reconstruction needs 3x32x32 (the input's shape): change the last layer, or choose with --loss")
        #expect(try message("Flatten(), Linear(3072, 10)", loss: .sse)
                == "--loss sse compares the output with the input image, so the output must be 3x32x32 (the input's shape); the network's output is 10")
        #expect(try message("Conv2d(3, 3, 1)", loss: .crossEntropy)
                == "--loss cross-entropy needs an output of 10 values (one per class of CIFAR-10); the network's output is 3x32x32")
        #expect(try message(Self.small, input: [1, 28, 28])
                == "layer 0 Conv2d(3, 8, 3, stride=2, padding=1) expects 3 input channels, gets 1 (1x28x28)")
    }

    @Test("a session refuses a network that does not fit the dataset's images before training")
    func sessionRefusesMisfits() throws {
        var recipe = try TrainingRecipe.forNetwork(try Self.network("Flatten(), Linear(784, 10)"), input: [1, 28, 28],
                                                   classCount: 10, datasetName: "Fashion-MNIST")
        recipe.epochs = 1
        #expect(throws: TrainingError.self) { try TrainingSession(recipe: recipe, data: Self.tinyData) }
        do { _ = try TrainingSession(recipe: recipe, data: Self.tinyData) } catch {
            #expect("\(error)" == "layer 1 Linear(784, 10) expects 784 features, gets 3072 (3x32x32) (images of synthetic shapes are 3x32x32)"
                    || "\(error)".hasPrefix("layer 1 Linear(784, 10) expects 784 features, gets 3072 (3x32x32)"))
        }
    }

    @Test("batch norm, dropout and average pooling train; the checkpoint is a state_dict with BatchNorm's buffers; it resumes and evaluates to the reported figure")
    func ownNetworkRun() throws {
        let directory = NSTemporaryDirectory() + "cnnlab-own-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let checkpoint = directory + "/own.safetensors"
        var recipe = try TrainingRecipe.forNetwork(try Self.network(Self.small), input: [3, 32, 32], classCount: 10,
                                                   datasetName: "shapes")
        recipe.epochs = 2
        recipe.batchSize = 16
        recipe.seed = 3
        let session = try TrainingSession(recipe: recipe, data: Self.tinyData, options: .init(savePath: checkpoint, previewInterval: 0))
        session.run()
        let snapshot = session.store.snapshot()
        #expect(snapshot.state == .finished)
        #expect(snapshot.network.text == Self.small && snapshot.network.isClassifier && snapshot.network.rows.count == 7)
        #expect(snapshot.filters.count == 8, "layer 0 is a Conv2d: its 8 filters")
        let last = try #require(snapshot.epochs.last)
        #expect(last.testLoss.isFinite && last.testAccuracy != nil)

        let contents = try Safetensors.read(checkpoint)
        #expect(contents.tensors.map(\.name).sorted() == ["0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean",
                                                          "1.running_var", "1.weight", "6.bias", "6.weight"])
        let tracked = try #require(contents["1.num_batches_tracked"])
        #expect(tracked.dtype == .i64 && tracked.shape == [] && tracked.integers == [6], "3 steps x 2 epochs")
        #expect(contents.metadata["layers"] == Self.small)

        // The saved weights score on the test set, in eval mode, as the run reported.
        let evaluation = try CheckpointEvaluation.run(recipe: recipe, checkpoint: checkpoint, data: Self.tinyData, batchSize: 16)
        #expect(abs(evaluation.loss - last.testLoss) < 1e-5)
        #expect(evaluation.accuracy == last.testAccuracy)

        // Resume continues from the file.
        var resumed = recipe
        resumed.epochs = 1
        let again = try TrainingSession(recipe: resumed, data: Self.tinyData, options: .init(resumePath: checkpoint, previewInterval: 0))
        again.run()
        #expect(again.store.snapshot().state == .finished)

        // Another network's file names the first tensor that differs, with both shapes.
        var other = recipe
        other.layers = try Self.network("Conv2d(3, 4, 3, stride=2, padding=1), BatchNorm2d(4), ReLU(), AvgPool2d(2), Flatten(), Linear(256, 10)")
        do {
            _ = try CheckpointEvaluation.run(recipe: other, checkpoint: checkpoint, data: Self.tinyData)
            Issue.record("a checkpoint of another network should be refused")
        } catch {
            #expect("\(error)".contains("does not fit this model: 0.weight has shape [8, 3, 3, 3], expected [4, 3, 3, 3]"))
        }
    }

    @Test("a reconstruction network shows reconstructions of the input's shape; one without Conv2d first has no filters")
    func reconstruction() throws {
        var recipe = try TrainingRecipe.forNetwork(try Self.network("AvgPool2d(2), ConvTranspose2d(3, 3, 2, stride=2), Sigmoid()"),
                                                   input: [3, 32, 32], classCount: 10, datasetName: "shapes", loss: .mse)
        recipe.epochs = 1
        recipe.batchSize = 16
        let session = try TrainingSession(recipe: recipe, data: Self.tinyData, options: .init(previewInterval: 0))
        session.run()
        let snapshot = session.store.snapshot()
        #expect(snapshot.state == .finished && !snapshot.network.isClassifier)
        #expect(snapshot.filters.isEmpty)
        #expect(snapshot.samples.first?.reconstruction?.width == 32)
        #expect(snapshot.epochs.last?.testAccuracy == nil)
    }

    @Test("the course networks as text build the course models' layers and weights")
    func courseText() throws {
        for kind in CourseModelKind.allCases {
            let fromText = CourseModelKind.text(kind).makeSequential(seed: 4)
            let course = kind == .cnn ? CourseModels.cnn(seed: 4) : CourseModels.autoencoder(seed: 4)
            #expect(fromText.layers.map(\.description) == course.layers.map(\.description))
            #expect(zip(fromText.parameters, course.parameters).allSatisfy { $0.value == $1.value })
        }
    }
}
