import Testing
@testable import NeuralNet

/// Sequential runs a convolution followed by ReLU or Sigmoid as one pass of the convolution (the
/// activation applied image by image): outputs and gradients must have the layers' own bits (but
/// below a convolution followed by ReLU and 2x2 max pooling, see FusedSequentialTests), on
/// whichever kernels this process runs (CNNLAB_KERNELS=avx512|avx2|portable).
@Suite("Sequential's fused convolution + activation")
struct FusedConvolutionActivationTests {
    /// Odd sizes, padding 0 to 2, stride 2 with 3x3, 4x4 and 5x5 kernels, 1 and 3 channels; a ReLU
    /// followed by max pooling stays with the pooling; a convolution before a batch norm is not fused.
    static func oddNetwork(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([
            Conv2d(3, 5, kernelSize: 3, stride: 2, padding: 0, rng: &rng), ReLU(),
            Conv2d(5, 1, kernelSize: 5, stride: 2, padding: 2, rng: &rng), Sigmoid(),
            ConvTranspose2d(1, 4, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            ConvTranspose2d(4, 3, kernelSize: 3, stride: 2, padding: 2, rng: &rng), Sigmoid(),
            Conv2d(3, 6, kernelSize: 3, padding: 1, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(6, 2, kernelSize: 1, rng: &rng), BatchNorm2d(2), ReLU(),
        ])
    }

    @Test("odd shapes: the fused network gives the layer-by-layer bits, twice, and fusedLength names the pairs")
    func oddShapesMatchLayerByLayer() {
        let fused = Self.oddNetwork(seed: 21), separate = Self.oddNetwork(seed: 21)
        #expect(fused.layers.indices.map { fused.fusedLength(at: $0) } == [2, 1, 2, 1, 2, 1, 2, 1, 1, 2, 1, 1, 2, 1])
        var rng = SplitMix64(seed: 22)
        let input = Tensor(shape: [3, 3, 23, 17], scalars: (0..<(3 * 3 * 23 * 17)).map { _ in 4 * rng.unit() - 2 })
        // Layers 8-10 (Conv2d, ReLU, MaxPool2d(2)) back-propagate from the pooling's winners: the
        // gradients below layer 9 agree up to the order of float sums.
        let summedFrom = DirectConvolution.isAvailable ? 9 : 0
        for step in 0..<2 {
            FusedSequentialTests.expectSameStep(fused: fused, separate: separate, input: input, step: step, summedFrom: summedFrom)
        }
        #expect((fused.layers[0] as? Conv2d)?.appliedActivation == .relu)
        #expect((fused.layers[2] as? Conv2d)?.appliedActivation == .sigmoid)
        #expect((fused.layers[8] as? Conv2d)?.appliedActivation == ConvolutionActivation.none, "its ReLU goes with the pooling")
    }

    @Test("the course autoencoder: the fused step gives the layer-by-layer bits")
    func autoencoderMatchesLayerByLayer() {
        let fused = CourseModels.autoencoder(seed: 4), separate = CourseModels.autoencoder(seed: 4)
        let input = FusedSequentialTests.images(batch: 5)
        for step in 0..<2 {
            FusedSequentialTests.expectSameStep(fused: fused, separate: separate, input: input, step: step)
        }
    }

    @Test("own network 3's ends: Conv2d(3, 16, 4, 2, 1) and ConvTranspose2d(16, 3, 4, 2, 1) + Sigmoid give the layer-by-layer bits")
    func ownNetworkEndsMatchLayerByLayer() {
        // The first layer's windows split into column phases (rows gather, AVX-512), the last layer's
        // sigmoid applied in TransposedPairs' registers.
        func ends(_ seed: UInt64) -> Sequential {
            var rng = SeededRandom(seed: seed)
            return Sequential([Conv2d(3, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
                               ConvTranspose2d(16, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid()])
        }
        let fused = ends(31), separate = ends(31)
        let input = FusedSequentialTests.images(batch: 3)
        for step in 0..<2 {
            FusedSequentialTests.expectSameStep(fused: fused, separate: separate, input: input, step: step)
        }
    }

    @Test("ranges that split a pair, and a layer-by-layer pass after a fused one, give the unfused results")
    func partialRanges() {
        let model = Self.oddNetwork(seed: 23), reference = Self.oddNetwork(seed: 23)
        var rng = SplitMix64(seed: 24)
        let input = Tensor(shape: [2, 3, 23, 17], scalars: (0..<(2 * 3 * 23 * 17)).map { _ in 4 * rng.unit() - 2 })
        let convOutput = reference.layers[0].forward(input).copy()
        let reluOutput = reference.layers[1].forward(convOutput)
        let dy = Tensor(shape: reluOutput.shape, scalars: (0..<reluOutput.count).map { _ in rng.unit() - 0.5 })
        let reluGradient = reference.layers[1].backward(dy).copy()
        let convGradient = reference.layers[0].backward(reluGradient).copy()
        let weightGradient = reference.layers[0].parameters[0].gradient.copy()

        // The range ends at the convolution: no activation applied.
        #expect(model.forward(input, range: 0..<1) == convOutput)
        #expect(model.backward(reluGradient, range: 0..<1) == convGradient)
        // Fused, then back through both.
        model.layers[0].parameters.forEach { $0.zeroGradient() }
        #expect(model.forward(input, range: 0..<2) == reluOutput)
        #expect(model.backward(dy, range: 0..<2) == convGradient)
        #expect(model.layers[0].parameters[0].gradient == weightGradient)
        // Layer by layer after a fused pass: both layers forget the fusion.
        _ = model.forward(input, range: 0..<2)
        _ = model.layers[1].forward(model.layers[0].forward(input))
        #expect(model.backward(dy, range: 1..<2) == reluGradient)
        #expect(model.backward(reluGradient, range: 0..<1) == convGradient)
    }
}
