import Testing
@testable import NeuralNet

/// `Sequential.backward(_:loss:target:range:needsInputGradient:)`: a network ending in
/// ConvTranspose2d + Sigmoid takes the squared-error loss inside its last layer's backward pass
/// (on the direct kernels). Against the unfused path (the loss, then `backward`), which stays for
/// every other network and is the oracle here: every gradient bit for bit, the value up to the
/// order of its double sum; and the same bits on 1 and 2 threads.
@Suite("Squared-error loss fused into the last layer's backward pass")
struct FusedLossTests {
    /// Own network 3 (the layers of its recipe).
    static func ownNetwork3(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([
            Conv2d(3, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(16), LeakyReLU(negativeSlope: 0.1),
            Conv2d(16, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(32), LeakyReLU(negativeSlope: 0.1),
            ConvTranspose2d(32, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(16), LeakyReLU(negativeSlope: 0.1),
            ConvTranspose2d(16, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid(),
        ])
    }

    /// Ends in a Conv2d + Sigmoid: never fused (the unfused path runs inside the new call).
    static func convolutionEnd(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential([Conv2d(3, 8, kernelSize: 3, padding: 1, rng: &rng), ReLU(),
                           Conv2d(8, 3, kernelSize: 3, padding: 1, rng: &rng), Sigmoid()])
    }

    /// One step each way; returns (fused value, unfused value). Every gradient must have the same bits.
    static func compare(_ make: (UInt64) -> Sequential, seed: UInt64, batch: Int, reduction: SquaredErrorLoss.Reduction,
                        needsInputGradient: Bool, label: String) -> (Float, Float) {
        let fused = make(seed), unfused = make(seed)
        let input = FusedSequentialTests.images(batch: batch)
        var rng = SplitMix64(seed: seed + 100)
        let target = Tensor(shape: input.shape, scalars: (0..<input.count).map { _ in rng.unit() })
        let fusedLoss = SquaredErrorLoss(reduction: reduction), unfusedLoss = SquaredErrorLoss(reduction: reduction)

        let prediction = fused.forward(input)
        let taken = fused.backward(prediction, loss: fusedLoss, target: target, needsInputGradient: needsInputGradient)
        let fusedInputGradient = taken.gradient.copy()

        let output = unfused.forward(input)
        let (value, gradient) = unfusedLoss(output, target: target)
        let inputGradient = unfused.backward(gradient, needsInputGradient: needsInputGradient)

        #expect(prediction.scalars.map(\.bitPattern) == output.scalars.map(\.bitPattern), "\(label): output")
        #expect(fusedInputGradient.shape == inputGradient.shape, "\(label): input gradient's shape")
        #expect(fusedInputGradient.scalars.map(\.bitPattern) == inputGradient.scalars.map(\.bitPattern), "\(label): input gradient")
        for ((name, p), (_, q)) in zip(fused.namedParameters(), unfused.namedParameters()) {
            #expect(p.gradient.scalars.map(\.bitPattern) == q.gradient.scalars.map(\.bitPattern), "\(label): \(name)'s gradient")
        }
        return (taken.value, value)
    }

    @Test("own network 3: every gradient bit for bit, the value to its double sum's order, both reductions",
          arguments: [SquaredErrorLoss.Reduction.sumOverBatch, .mean])
    func ownNetwork3MatchesUnfused(reduction: SquaredErrorLoss.Reduction) {
        for needsInputGradient in [false, true] {
            let (fused, unfused) = Self.compare(Self.ownNetwork3, seed: 3, batch: 6, reduction: reduction,
                                                needsInputGradient: needsInputGradient,
                                                label: "\(reduction), input gradient \(needsInputGradient)")
            #expect(abs(fused - unfused) <= unfused.ulp, "value \(fused) vs \(unfused)")
            #expect(fused > 0)
        }
    }

    @Test("the course autoencoder and a Conv2d-ended network (never fused: the same value bits)")
    func otherNetworksMatchUnfused() {
        let (fused, unfused) = Self.compare(CourseModels.autoencoder, seed: 5, batch: 5, reduction: .sumOverBatch,
                                            needsInputGradient: false, label: "autoencoder")
        #expect(abs(fused - unfused) <= unfused.ulp, "autoencoder value \(fused) vs \(unfused)")
        let (a, b) = Self.compare(Self.convolutionEnd, seed: 6, batch: 3, reduction: .sum, needsInputGradient: true,
                                  label: "Conv2d end")
        #expect(a.bitPattern == b.bitPattern, "Conv2d end: the unfused path's value")
    }

    @Test("the same value and gradients on 1 and 2 threads (the images' sums added in image order)")
    func sameBitsOnOneAndTwoThreads() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        var results: [(Float, [[UInt32]])] = []
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let model = Self.ownNetwork3(seed: 7)
            let input = FusedSequentialTests.images(batch: 9)
            let prediction = model.forward(input)
            let value = model.backward(prediction, loss: SquaredErrorLoss(reduction: .sumOverBatch), target: input,
                                       needsInputGradient: false).value
            results.append((value, model.parameters.map { $0.gradient.scalars.map(\.bitPattern) }))
        }
        #expect(results[0].0.bitPattern == results[1].0.bitPattern)
        #expect(results[0].1 == results[1].1)
    }

    @Test("by ranges, as cnnlab bench times it: the last step takes the loss, the rest follow; the same as in one call")
    func rangesMatchOneCall() {
        let whole = Self.ownNetwork3(seed: 8), stepped = Self.ownNetwork3(seed: 8)
        let input = FusedSequentialTests.images(batch: 4)
        let loss = SquaredErrorLoss(reduction: .sumOverBatch)
        let one = whole.backward(whole.forward(input), loss: loss, target: input, needsInputGradient: false).value
        let prediction = stepped.forward(input)
        var (value, gradient) = stepped.backward(prediction, loss: loss, target: input, range: 9..<11, needsInputGradient: true)
        gradient = stepped.backward(gradient, range: 0..<9, needsInputGradient: false)
        #expect(value.bitPattern == one.bitPattern)
        #expect(gradient.count == 0, "no input gradient asked")
        for (p, q) in zip(whole.parameters, stepped.parameters) {
            #expect(p.gradient.scalars.map(\.bitPattern) == q.gradient.scalars.map(\.bitPattern))
        }
    }
}
