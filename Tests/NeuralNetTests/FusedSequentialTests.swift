import Testing
@testable import NeuralNet

/// Sequential runs a ReLU followed by max pooling as one pass of the pooling layer: the course
/// CNN must give the same bits as running its layers one by one.
@Suite("Sequential's fused ReLU and pooling")
struct FusedSequentialTests {
    static func images(batch: Int) -> Tensor {
        var rng = SplitMix64(seed: 4)
        return Tensor(shape: [batch, 3, 32, 32], scalars: (0..<(batch * 3072)).map { _ in rng.unit() })
    }

    /// One training step of `fused` (Sequential, fusing) against `separate` run layer by layer:
    /// output, input gradient and every parameter gradient must have the same bits, except the
    /// gradients of the parameters of layers below `summedFrom` and the input gradient, which
    /// must agree up to the order of float sums (a convolution followed by ReLU and 2x2 max
    /// pooling back-propagates from the pooling's winners: its sums skip the zero terms).
    static func expectSameStep(fused: Sequential, separate: Sequential, input: Tensor, step: Int, summedFrom: Int = 0) {
        let y = fused.forward(input)
        var x = input
        for layer in separate.layers { x = layer.forward(x) }
        #expect(y.scalars.map(\.bitPattern) == x.scalars.map(\.bitPattern), "step \(step) output")
        var rng = SplitMix64(seed: UInt64(step))
        let dy = Tensor(shape: y.shape, scalars: (0..<y.count).map { _ in rng.unit() - 0.5 })
        let dxFused = fused.backward(dy).copy()
        var g = dy
        for layer in separate.layers.reversed() { g = layer.backward(g) }
        expectEqual(dxFused, g, exactly: summedFrom == 0, "step \(step) input gradient")
        for (index, (a, b)) in zip(fused.layers, separate.layers).enumerated() {
            for (p, q) in zip(a.parameters, b.parameters) {
                expectEqual(p.gradient, q.gradient, exactly: index >= summedFrom, "step \(step) layer \(index) \(p.name)")
            }
        }
    }

    static func expectEqual(_ a: Tensor, _ b: Tensor, exactly: Bool, _ label: String) {
        if exactly {
            #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern), "\(label)")
        } else {
            let scale = b.scalars.reduce(Float(0)) { max($0, abs($1)) }
            let worst = zip(a.scalars, b.scalars).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            #expect(a.shape == b.shape && worst <= 1e-5 * max(scale, 1), "\(label): differs by \(worst) (largest value \(scale))")
        }
    }

    @Test("the course CNN: Sequential's output and the linear layers' gradients equal layer-by-layer ones bit for bit, the convolutions' up to float sums")
    func cnnMatchesLayerByLayer() {
        let fused = CourseModels.cnn(seed: 3), separate = CourseModels.cnn(seed: 3)
        let input = Self.images(batch: 9)
        // Layers 0-5 are two Conv2d -> ReLU -> MaxPool2d(2) blocks, back-propagated from the winners.
        let summedFrom = DirectConvolution.isAvailable ? 6 : 0
        for step in 0..<2 {
            Self.expectSameStep(fused: fused, separate: separate, input: input, step: step, summedFrom: summedFrom)
        }
    }

    @Test("a convolution before ReLU + 2x2 max pooling back-propagates from the winners: odd sizes, stride, padding, ties")
    func pooledConvolutionMatchesLayerByLayer() {
        func network(seed: UInt64) -> Sequential {
            var rng = SeededRandom(seed: seed)
            return Sequential([
                Conv2d(3, 5, kernelSize: 3, padding: 1, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2),        // 15x13 -> 7x6
                Conv2d(5, 4, kernelSize: 2, stride: 2, padding: 1, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2), // 7x6 -> 4x4 -> 2x2
                Flatten(), Linear(16, 3, rng: &rng),
            ])
        }
        let fused = network(seed: 21), separate = network(seed: 21)
        #expect(fused.layers.indices.map { fused.backwardFusedLength(at: $0) } == [3, 2, 1, 3, 2, 1, 1, 1])
        var rng = SplitMix64(seed: 22)
        // Small integers: many tied windows (the first maximum in row-major order wins).
        let input = Tensor(shape: [3, 3, 15, 13], scalars: (0..<(3 * 3 * 15 * 13)).map { _ in Float(rng.below(3)) - 1 })
        let summedFrom = DirectConvolution.isAvailable ? 6 : 0
        for step in 0..<3 {
            Self.expectSameStep(fused: fused, separate: separate, input: input, step: step, summedFrom: summedFrom)
        }
    }

    @Test("ranges that split the pair, and a separate forward after a fused one, give the unfused results")
    func partialRanges() {
        let model = CourseModels.cnn(seed: 5), reference = CourseModels.cnn(seed: 5)
        let input = Self.images(batch: 2)
        let referenceConv = reference.layers[0].forward(input)
        let referenceReLU = reference.layers[1].forward(referenceConv)
        let referencePooled = reference.layers[2].forward(referenceReLU)
        var rng = SplitMix64(seed: 8)
        let dy = Tensor(shape: referencePooled.shape, scalars: (0..<referencePooled.count).map { _ in rng.unit() - 0.5 })
        let referencePoolGradient = reference.layers[2].backward(dy).copy()
        let referenceReLUGradient = reference.layers[1].backward(referencePoolGradient).copy()

        // Layers 0..<2 end at the ReLU: the pooling is not in the range, so the ReLU runs alone.
        #expect(model.forward(input, range: 0..<2) == referenceReLU)
        // A fused forward, then the pooling's backward alone: the gradient at the ReLU's output.
        #expect(model.forward(input, range: 0..<3) == referencePooled)
        #expect(model.backward(dy, range: 2..<3) == referencePoolGradient)
        // The same forward, then back through both: the gradient at the ReLU's input.
        _ = model.forward(input, range: 0..<3)
        #expect(model.backward(dy, range: 1..<3) == referenceReLUGradient)
        // Layer by layer after a fused pass: the pooling forgets the fusion.
        _ = model.forward(input, range: 0..<3)
        _ = model.layers[2].forward(model.layers[1].forward(model.layers[0].forward(input)))
        #expect(model.backward(dy, range: 1..<3) == referenceReLUGradient)
    }

    @Test("fusedLength names the fused pairs: ReLU + pooling twice in the CNN, convolution + activation five times in the autoencoder")
    func fusedPairs() {
        let cnn = CourseModels.cnn(seed: 0)
        #expect(cnn.layers.indices.map { cnn.fusedLength(at: $0) } == [1, 2, 1, 1, 2, 1, 1, 1, 1, 1])
        let autoencoder = CourseModels.autoencoder(seed: 0)
        #expect(autoencoder.layers.indices.map { autoencoder.fusedLength(at: $0) } == [2, 1, 2, 1, 1, 2, 1, 2, 1, 2, 1])
    }

    /// Conv, BatchNorm2d + ReLU, conv, BatchNorm2d + LeakyReLU, BatchNorm2d + ReLU + max pooling
    /// (one pass of the batch norm), BatchNorm2d + LeakyReLU with a negative slope (not fused).
    static func normalisedNetwork(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([
            Conv2d(3, 4, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(4), ReLU(),
            Conv2d(4, 6, kernelSize: 3, stride: 2, padding: 1, rng: &rng), BatchNorm2d(6), LeakyReLU(negativeSlope: 0.1),
            BatchNorm2d(6), ReLU(), MaxPool2d(kernelSize: 2),
            BatchNorm2d(6), LeakyReLU(negativeSlope: -0.5),
        ])
    }

    @Test("batch norm + ReLU / LeakyReLU run fused: the same bits as layer by layer, in training and eval")
    func batchNormActivationMatchesLayerByLayer() {
        let fused = Self.normalisedNetwork(seed: 6), separate = Self.normalisedNetwork(seed: 6)
        // In training the first batch norm + ReLU gives its output to the convolution after it image by image.
        #expect(fused.layers.indices.map { fused.fusedLength(at: $0) } == [1, 3, 1, 1, 2, 1, 3, 2, 1, 1, 1])
        let input = Self.images(batch: 5)
        for (step, mode) in [LayerMode.training, .training, .evaluation].enumerated() {
            fused.setMode(mode); separate.setMode(mode)
            Self.expectSameStep(fused: fused, separate: separate, input: input, step: step)
            for (a, b) in zip(fused.buffers, separate.buffers) {
                #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern), "step \(step) \(a.name)")
            }
            // Conv2d + batch norm (+ ReLU / LeakyReLU): the statistics from the convolution's plane
            // moments in training; the batch norms after a batch norm or pooling read their input.
            let fromMoments = fused.layers.map { ($0 as? BatchNorm2d)?.statisticsFromPlaneMoments ?? false }
            #expect(fromMoments == [false, mode == .training, false, false, mode == .training, false, false, false, false, false, false],
                    "step \(step)")
        }
    }

    /// Own network 3's shape: strided Conv2d and ConvTranspose2d, each followed by a batch norm and
    /// LeakyReLU; in training both convolutions take their batch norm's plane moments.
    @Test("Conv2d / ConvTranspose2d + batch norm + LeakyReLU: the same bits as layer by layer, moments from both convolutions")
    func transposedConvolutionMoments() {
        func network() -> Sequential {
            var rng = SeededRandom(seed: 9)
            return Sequential([
                Conv2d(3, 4, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(4), LeakyReLU(negativeSlope: 0.1),
                ConvTranspose2d(4, 5, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(5), LeakyReLU(negativeSlope: 0.1),
                ConvTranspose2d(5, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid(),
            ])
        }
        let fused = network(), separate = network()
        let input = Self.images(batch: 6)
        for (step, mode) in [LayerMode.training, .training, .evaluation].enumerated() {
            fused.setMode(mode); separate.setMode(mode)
            Self.expectSameStep(fused: fused, separate: separate, input: input, step: step)
            for (a, b) in zip(fused.buffers, separate.buffers) {
                #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern), "step \(step) \(a.name)")
            }
            for index in [1, 4] {
                #expect((fused.layers[index] as? BatchNorm2d)?.statisticsFromPlaneMoments == (mode == .training), "step \(step) layer \(index)")
            }
        }
    }

    /// Own network 3's layers, small: every batch norm + LeakyReLU gives its input gradient to the
    /// convolution before it image by image, and takes its plane sums from the convolution after it
    /// (a Conv2d, a ConvTranspose2d from image gradients, a ConvTranspose2d + Sigmoid) as that writes
    /// the gradient: the same bits as layer by layer, on 1 and 2 threads, in training and eval.
    @Test("N3's shape: batch norms give input gradients by image and take plane sums from the next convolution, the bits of layer by layer")
    func batchNormGradientsByImage() {
        func network() -> Sequential {
            var rng = SeededRandom(seed: 31)
            return Sequential([
                Conv2d(3, 4, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(4), LeakyReLU(negativeSlope: 0.1),
                Conv2d(4, 6, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(6), LeakyReLU(negativeSlope: 0.1),
                ConvTranspose2d(6, 5, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(5), LeakyReLU(negativeSlope: 0.1),
                ConvTranspose2d(5, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid(),
            ])
        }
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let fused = network(), separate = network()
            let input = Self.images(batch: 7)
            for (step, mode) in [LayerMode.training, .training, .evaluation].enumerated() {
                fused.setMode(mode); separate.setMode(mode)
                Self.expectSameStep(fused: fused, separate: separate, input: input, step: step)
                for (a, b) in zip(fused.buffers, separate.buffers) {
                    #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern), "\(threads) threads step \(step) \(a.name)")
                }
                for index in [1, 4, 7] {
                    let norm = fused.layers[index] as? BatchNorm2d, alone = separate.layers[index] as? BatchNorm2d
                    #expect(norm?.gaveGradientByImage == true && norm?.gradientSumsFromReader == true,
                            "\(threads) threads step \(step) layer \(index)")
                    #expect(alone?.gaveGradientByImage == false && alone?.gradientSumsFromReader == false,
                            "\(threads) threads step \(step) layer \(index)")
                }
            }
            // Split ranges (eval): the batch norm below a range's first convolution takes no sums from
            // it (its own backward runs in the next range), and the two ranges give the whole's gradient.
            var rng = SplitMix64(seed: 5)
            let output = fused.forward(input)
            let dy = Tensor(shape: output.shape, scalars: (0..<output.count).map { _ in rng.unit() - 0.5 })
            let whole = fused.backward(dy, range: 0..<11).copy()
            _ = fused.forward(input)
            let upper = fused.backward(dy, range: 3..<11).copy()
            let lower = fused.backward(upper, range: 0..<3)
            #expect(lower.scalars.map(\.bitPattern) == whole.scalars.map(\.bitPattern), "\(threads) threads: split ranges")
            let norm = fused.layers[1] as? BatchNorm2d
            #expect(norm?.gaveGradientByImage == true && norm?.gradientSumsFromReader == false, "\(threads) threads: split ranges")
        }
    }

    /// Three BatchNorm2d + ReLU + MaxPool2d(2): on 36x20 planes (pooled rows 10 wide: a block of
    /// eight windows and two one by one), on 18x10 (5 wide: one by one), and on 9x5, where the
    /// windows do not tile the input (the batch norm runs alone, ReLU and pooling as one pass).
    static func pooledNetwork(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([
            Conv2d(3, 4, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(4), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(4, 5, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(5), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(5, 3, kernelSize: 1, rng: &rng), BatchNorm2d(3), ReLU(), MaxPool2d(kernelSize: 2),
        ])
    }

    @Test("batch norm + ReLU + max pooling in one pass: the same bits as layer by layer, in training and eval")
    func batchNormPoolingMatchesLayerByLayer() {
        let fused = Self.pooledNetwork(seed: 7), separate = Self.pooledNetwork(seed: 7)
        #expect(fused.layers.indices.map { fused.fusedLength(at: $0) } == [1, 3, 2, 1, 1, 3, 2, 1, 1, 3, 2, 1])
        var rng = SplitMix64(seed: 12)
        let input = Tensor(shape: [3, 3, 36, 20], scalars: (0..<(3 * 3 * 36 * 20)).map { _ in rng.unit() - 0.3 })
        for (step, mode) in [LayerMode.training, .training, .evaluation].enumerated() {
            fused.setMode(mode); separate.setMode(mode)
            Self.expectSameStep(fused: fused, separate: separate, input: input, step: step)
            for (a, b) in zip(fused.buffers, separate.buffers) {
                #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern), "step \(step) \(a.name)")
                #expect(a.integer == b.integer, "step \(step) \(a.name)")
            }
            // In training every Conv2d took its batch norm's plane moments (the statistics did not
            // read the convolution's output again); layer by layer, none did.
            for index in [1, 5, 9] {
                #expect((fused.layers[index] as? BatchNorm2d)?.statisticsFromPlaneMoments == (mode == .training), "step \(step) layer \(index)")
                #expect((separate.layers[index] as? BatchNorm2d)?.statisticsFromPlaneMoments == false, "step \(step) layer \(index)")
            }
            // The Conv2d before each pooled pass took the batch norm's input gradient image by image
            // (never written for the whole batch); layer by layer, and where the windows do not tile
            // the planes, no batch norm gave it so.
            for index in [1, 5, 9] {
                #expect((fused.layers[index] as? BatchNorm2d)?.gaveGradientByImage == (index != 9), "step \(step) layer \(index)")
                #expect((separate.layers[index] as? BatchNorm2d)?.gaveGradientByImage == false, "step \(step) layer \(index)")
            }
        }
        #expect((fused.layers[1] as? BatchNorm2d)?.pooledInto != nil, "the first triple ran as one pass")
        #expect((fused.layers[9] as? BatchNorm2d)?.pooledInto == nil, "9x5 planes: the windows do not tile them")
    }

    @Test("after a pooled pass, ranges ending at the pooling or at the ReLU give the layers' own gradients")
    func batchNormPoolingPartialRanges() {
        let model = Self.pooledNetwork(seed: 9), reference = Self.pooledNetwork(seed: 9)
        var rng = SplitMix64(seed: 13)
        let input = Tensor(shape: [2, 3, 36, 20], scalars: (0..<(2 * 3 * 36 * 20)).map { _ in rng.unit() - 0.3 })
        var x = input
        var outputs: [Tensor] = []
        for layer in reference.layers[0..<4] { x = layer.forward(x); outputs.append(x.copy()) }
        let dy = Tensor(shape: x.shape, scalars: (0..<x.count).map { _ in rng.unit() - 0.5 })
        let poolGradient = reference.layers[3].backward(dy).copy()
        let reluGradient = reference.layers[2].backward(poolGradient).copy()
        let normGradient = reference.layers[1].backward(reluGradient).copy()

        #expect(model.forward(input, range: 0..<4) == outputs[3])
        #expect(model.backward(dy, range: 3..<4) == poolGradient)
        _ = model.forward(input, range: 0..<4)
        #expect(model.backward(dy, range: 2..<4) == reluGradient)
        _ = model.forward(input, range: 0..<4)
        #expect(model.backward(dy, range: 1..<4) == normGradient)
        // Ending at the ReLU: the batch norm and the ReLU run, the pooling does not.
        #expect(model.forward(input, range: 0..<3) == outputs[2])
    }
}
