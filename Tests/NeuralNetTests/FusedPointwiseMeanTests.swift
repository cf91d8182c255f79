import Testing
@testable import NeuralNet

/// Sequential runs a 1x1 Conv2d followed by an AvgPool2d over whole planes (own network 1's head)
/// as one pass of the convolution on the direct kernels: training steps and evaluation must give
/// the bits of the layers run one by one.
@Suite("Sequential's fused 1x1 convolution and whole-plane average pooling")
struct FusedPointwiseMeanTests {
    /// Own network 1 in small: two batch-norm blocks with pooling, then Conv2d(6, 5, 1), AvgPool2d(8), Flatten.
    static func network(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([
            Conv2d(3, 4, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(4), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(4, 6, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(6), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(6, 5, kernelSize: 1, rng: &rng), AvgPool2d(kernelSize: 8), Flatten(),
        ])
    }

    @Test("training steps: output, input gradient and every parameter gradient equal layer-by-layer ones bit for bit")
    func trainingMatchesLayerByLayer() {
        let fused = Self.network(seed: 31), separate = Self.network(seed: 31)
        #expect(fused.fusedLength(at: 8) == 2 && fused.backwardFusedLength(at: 8) == 2)
        let input = FusedSequentialTests.images(batch: 5)
        for step in 0..<3 {
            FusedSequentialTests.expectSameStep(fused: fused, separate: separate, input: input, step: step)
        }
    }

    @Test("evaluation: the fused pass gives the layers' output bit for bit; a later layer-by-layer pass is unaffected")
    func evaluationMatchesLayerByLayer() {
        let fused = Self.network(seed: 32), separate = Self.network(seed: 32)
        fused.setMode(.evaluation)
        separate.setMode(.evaluation)
        let input = FusedSequentialTests.images(batch: 3)
        let y = fused.forward(input).copy()
        var x = input
        for layer in separate.layers { x = layer.forward(x) }
        #expect(y.scalars.map(\.bitPattern) == x.scalars.map(\.bitPattern))
        // The inspector's way: each layer's own output, after a fused pass.
        var z = input
        var convolution = Tensor(zeros: [0])
        for (index, layer) in fused.layers.enumerated() {
            z = layer.forward(z)
            if index == 8 { convolution = z.copy() }
        }
        #expect(convolution.shape == [3, 5, 8, 8])
        #expect(z.scalars.map(\.bitPattern) == y.scalars.map(\.bitPattern))
    }

    @Test("a range that ends at the convolution runs it alone; a fused pass then back-propagates through the pair")
    func partialRanges() {
        let model = Self.network(seed: 33), reference = Self.network(seed: 33)
        let input = FusedSequentialTests.images(batch: 2)
        let below = reference.forward(input, range: 0..<8).copy()
        let referenceConv = reference.layers[8].forward(below).copy()
        let referencePooled = reference.layers[9].forward(referenceConv).copy()
        var rng = SplitMix64(seed: 9)
        let dy = Tensor(shape: referencePooled.shape, scalars: (0..<referencePooled.count).map { _ in rng.unit() - 0.5 })
        let referencePoolGradient = reference.layers[9].backward(dy).copy()
        let referenceGradient = reference.layers[8].backward(referencePoolGradient).copy()

        let mid = model.forward(input, range: 0..<8)
        #expect(model.forward(mid, range: 8..<9) == referenceConv)
        #expect(model.forward(mid, range: 8..<10) == referencePooled)
        #expect(model.backward(dy, range: 8..<10) == referenceGradient)
        #expect(model.layers[8].parameters[0].gradient == reference.layers[8].parameters[0].gradient)
        #expect(model.layers[8].parameters[1].gradient == reference.layers[8].parameters[1].gradient)
    }
}
