import Testing
@testable import NeuralNet

/// Finite differences for the layers a student's own network may add: average pooling,
/// batch norm (training and eval), LeakyReLU, Tanh and dropout (with its mask held fixed).
@Suite("New layers' gradients agree with finite differences")
struct LayerGradientCheckNewLayersTests {
    typealias Check = LayerGradientCheckTests

    @Test("AvgPool2d: padding counted or not, ceil mode, strides")
    func avgPool() {
        var rng = SeededRandom(seed: 31)
        Check.check(AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false),
                    input: Check.randomTensor([2, 2, 5, 6], &rng), label: "AvgPool2d exclusive ceil")
        Check.check(AvgPool2d(kernelSize: Size2D(2, 3), stride: Size2D(1, 2), padding: Size2D(1, 1)),
                    input: Check.randomTensor([1, 3, 4, 5], &rng), label: "AvgPool2d inclusive")
        Check.check(AvgPool2d(kernelSize: 2), input: Check.randomTensor([2, 2, 4, 4], &rng), label: "AvgPool2d(2)")
    }

    @Test("BatchNorm2d in training (batch statistics) and eval (running statistics), affine or not")
    func batchNorm() {
        var rng = SeededRandom(seed: 32)
        let layer = BatchNorm2d(3)
        for p in layer.parameters { p.value = Check.randomTensor(p.value.shape, &rng) }
        Check.check(layer, input: Check.randomTensor([2, 3, 3, 2], &rng, scale: 2), label: "BatchNorm2d training", h: 1e-2)
        Check.check(BatchNorm2d(2, affine: false), input: Check.randomTensor([3, 2, 2, 2], &rng), label: "BatchNorm2d no affine")
        layer.runningMean.value = Check.randomTensor([3], &rng)
        layer.runningVar.value = Tensor(shape: [3], scalars: [0.5, 1.5, 2])
        layer.setMode(.evaluation)
        Check.check(layer, input: Check.randomTensor([2, 3, 2, 2], &rng), label: "BatchNorm2d eval")
    }

    @Test("LeakyReLU away from zero, Tanh")
    func activations() {
        var rng = SeededRandom(seed: 33)
        Check.check(LeakyReLU(negativeSlope: 0.1), input: Check.kinkFreeTensor([2, 3, 4], &rng), label: "LeakyReLU")
        Check.check(LeakyReLU(negativeSlope: -0.3), input: Check.kinkFreeTensor([2, 5], &rng), label: "LeakyReLU negative slope")
        Check.check(Tanh(), input: Check.randomTensor([2, 3, 2, 2], &rng, scale: 2), label: "Tanh")
    }

    @Test("Dropout: with the same mask, the gradient is the mask; in eval, the identity")
    func dropout() {
        var rng = SeededRandom(seed: 34)
        let x = Check.randomTensor([2, 3, 4], &rng), r = Check.randomTensor([2, 3, 4], &rng)
        // A fresh layer with the same seed draws the same mask on its first forward pass.
        func objective(_ input: Tensor) -> Double {
            let y = Dropout(p: 0.4, seed: 9).forward(input)
            return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let layer = Dropout(p: 0.4, seed: 9)
        let y = layer.forward(x)
        let gradient = layer.backward(r).copy()
        let h: Float = 1e-2
        for i in 0..<x.count {
            let saved = x.scalars[i]
            x.scalars[i] = saved + h; let plus = objective(x)
            x.scalars[i] = saved - h; let minus = objective(x)
            x.scalars[i] = saved
            _ = Check.expectClose(gradient.scalars[i], (plus - minus) / Double(2 * h), "Dropout input[\(i)]")
        }
        #expect(y.scalars.contains(0) && y.scalars.contains { $0 != 0 })
        #expect(zip(y.scalars, x.scalars).allSatisfy { $0 == 0 || abs($0 - $1 / 0.6) < 1e-6 })
        layer.setMode(.evaluation)
        #expect(layer.forward(x) == x)
        Check.check(layer, input: x, label: "Dropout eval")
        // Reproducible: the same seed gives the same masks step after step.
        let a = Dropout(p: 0.5, seed: 3), b = Dropout(p: 0.5, seed: 3)
        for _ in 0..<3 { #expect(a.forward(x) == b.forward(x)) }
    }

    @Test("BatchNorm2d's running statistics move by momentum towards the batch's, variance unbiased")
    func runningStatistics() {
        let layer = BatchNorm2d(1, momentum: 0.5)
        let x = Tensor(shape: [2, 1, 1, 2], scalars: [1, 2, 3, 6])   // mean 3, biased var 3.5, unbiased 14/3
        _ = layer.forward(x)
        #expect(abs(layer.runningMean.value.scalars[0] - 1.5) < 1e-6)
        #expect(abs(layer.runningVar.value.scalars[0] - (0.5 + 0.5 * 14 / 3)) < 1e-5)
        #expect(layer.numBatchesTracked.integer == 1)
        let y = layer.forward(x)
        #expect(abs(y.scalars[3] - Float(3 / 3.5.squareRoot())) < 1e-3)   // (6 - 3) / sqrt(3.5 + eps)
    }
}
