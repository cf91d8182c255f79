import Testing
@testable import NeuralNet

/// Whole training steps against PyTorch: the same initial weights and batch, three optimiser
/// steps, and the losses and final weights PyTorch computed (PyTorchTrainingFixture.swift).
@Suite("Training steps match PyTorch")
struct PyTorchTrainingTests {
    static func load(_ model: Sequential, _ fixture: [(String, [Float])]) throws {
        let named = model.namedParameters()
        #expect(named.map(\.name) == fixture.map(\.0))
        for ((_, parameter), (name, values)) in zip(named, fixture) {
            try #require(parameter.count == values.count, "\(name): \(parameter.count) values, fixture has \(values.count)")
            parameter.value.scalars = values
        }
    }

    static func expectFinal(_ model: Sequential, _ fixture: PyTorchTrainingFixture.Case, losses: [Float]) {
        for (actual, expected) in zip(losses, fixture.losses) {
            #expect(abs(actual - expected) <= 1e-4 * max(1, abs(expected)), "losses \(losses) vs PyTorch \(fixture.losses)")
        }
        for ((name, parameter), (_, expected)) in zip(model.namedParameters(), fixture.final) {
            let worst = zip(parameter.value.scalars, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4, "\(name) differs from PyTorch by up to \(worst)")
        }
    }

    @Test("classifier: conv, ReLU, max pool, flatten, linear; cross-entropy; SGD with Nesterov and weight decay")
    func classifier() throws {
        let fixture = PyTorchTrainingFixture.classifier
        var rng = SeededRandom(seed: 0)
        let model = Sequential(
            Conv2d(2, 3, kernelSize: 3, padding: 1, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2, stride: 2),
            Conv2d(3, 4, kernelSize: 2, rng: &rng), ReLU(), Flatten(), Linear(36, 5, rng: &rng))
        try Self.load(model, fixture.initial)
        let input = Tensor(shape: fixture.inputShape, scalars: fixture.input)
        let loss = CrossEntropyLoss()
        let sgd = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        var losses: [Float] = []
        for _ in 0..<3 {
            sgd.zeroGradients()
            let (value, gradient) = loss(model.forward(input), labels: fixture.labels)
            _ = model.backward(gradient, needsInputGradient: false)
            sgd.step()
            losses.append(value)
        }
        Self.expectFinal(model, fixture, losses: losses)
    }

    @Test("autoencoder: strided conv, ReLU, transposed conv, sigmoid; squared error over the batch; Adam")
    func autoencoder() throws {
        let fixture = PyTorchTrainingFixture.autoencoder
        var rng = SeededRandom(seed: 0)
        let model = Sequential(
            Conv2d(2, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            ConvTranspose2d(3, 2, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid())
        try Self.load(model, fixture.initial)
        let input = Tensor(shape: fixture.inputShape, scalars: fixture.input)
        let loss = SquaredErrorLoss(reduction: .sumOverBatch)
        let adam = Adam(parameters: model.parameters, learningRate: 0.01, weightDecay: 0.001)
        var losses: [Float] = []
        for _ in 0..<3 {
            adam.zeroGradients()
            let (value, gradient) = loss(model.forward(input), target: input)
            _ = model.backward(gradient)
            adam.step()
            losses.append(value)
        }
        Self.expectFinal(model, fixture, losses: losses)
    }
}
