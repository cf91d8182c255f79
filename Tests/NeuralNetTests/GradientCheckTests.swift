import Testing
@testable import NeuralNet

/// Finite-difference checks through the Layer API: input gradients and the accumulated
/// parameter gradients of every layer, a small Sequential, and the losses.
@Suite("Layer and loss gradients agree with finite differences")
struct LayerGradientCheckTests {
    static func randomTensor(_ shape: [Int], _ rng: inout SeededRandom, scale: Float = 1) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(low: -scale, high: scale) })
    }

    /// L = sum(forward(x) * r), in Double.
    static func objective(_ layer: any Layer, _ x: Tensor, _ r: Tensor) -> Double {
        let y = layer.forward(x)
        return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    static func expectClose(_ analytic: Float, _ numeric: Double, _ label: String) -> Bool {
        let ok = abs(Double(analytic) - numeric) <= 2e-3 + 1e-2 * abs(numeric)
        #expect(ok, "\(label): backward \(analytic), finite difference \(numeric)")
        return ok
    }

    static func check(_ layer: any Layer, input: Tensor, label: String, h: Float = 1e-2, seed: UInt64 = 1) {
        var rng = SeededRandom(seed: seed)
        let outputShape = layer.forward(input).shape
        let r = randomTensor(outputShape, &rng)
        layer.zeroGradients()
        _ = layer.forward(input)
        let gradInput = layer.backward(r).copy()
        let gradients = layer.parameters.map { $0.gradient.copy() }
        #expect(gradInput.shape == input.shape)
        let x = input.copy()
        for i in 0..<x.count {
            let saved = x.scalars[i]
            x.scalars[i] = saved + h; let plus = objective(layer, x, r)
            x.scalars[i] = saved - h; let minus = objective(layer, x, r)
            x.scalars[i] = saved
            if !expectClose(gradInput.scalars[i], (plus - minus) / Double(2 * h), "\(label) input[\(i)]") { return }
        }
        for (parameter, gradient) in zip(layer.parameters, gradients) {
            for i in 0..<parameter.count {
                let saved = parameter.value.scalars[i]
                parameter.value.scalars[i] = saved + h; let plus = objective(layer, input, r)
                parameter.value.scalars[i] = saved - h; let minus = objective(layer, input, r)
                parameter.value.scalars[i] = saved
                if !expectClose(gradient.scalars[i], (plus - minus) / Double(2 * h), "\(label) \(parameter.name)[\(i)]") { return }
            }
        }
    }

    /// Inputs kept at least 0.05 from each other and from zero: finite steps cross no kink of
    /// ReLU or max pooling.
    static func kinkFreeTensor(_ shape: [Int], _ rng: inout SeededRandom) -> Tensor {
        let count = shape.reduce(1, *)
        var values: [Float] = (0..<count).map { (i: Int) -> Float in
            let sign: Float = i % 2 == 0 ? 1 : -1
            return Float(i + 1) * 0.05 * sign
        }
        values.shuffle(using: &rng)
        return Tensor(shape: shape, scalars: values)
    }

    @Test("Conv2d with stride, padding and dilation, batch 2, with and without bias")
    func conv2d() {
        var rng = SeededRandom(seed: 2)
        let layer = Conv2d(2, 3, kernelSize: Size2D(3, 2), stride: Size2D(2, 1), padding: Size2D(1, 2), dilation: Size2D(1, 2), rng: &rng)
        Self.check(layer, input: Self.randomTensor([2, 2, 5, 4], &rng), label: "Conv2d")
        let plain = Conv2d(1, 2, kernelSize: 2, bias: false, rng: &rng)
        Self.check(plain, input: Self.randomTensor([1, 1, 3, 3], &rng), label: "Conv2d no bias")
        #expect(plain.parameters.count == 1)
    }

    @Test("ConvTranspose2d with stride, padding, output padding and dilation, batch 2")
    func convTranspose2d() {
        var rng = SeededRandom(seed: 3)
        let layer = ConvTranspose2d(2, 3, kernelSize: 3, stride: Size2D(2, 3), padding: Size2D(1, 0),
                                    outputPadding: Size2D(1, 1), dilation: Size2D(1, 2), rng: &rng)
        Self.check(layer, input: Self.randomTensor([2, 2, 3, 2], &rng), label: "ConvTranspose2d")
    }

    @Test("Linear over a batch of 3")
    func linear() {
        var rng = SeededRandom(seed: 4)
        Self.check(Linear(5, 4, rng: &rng), input: Self.randomTensor([3, 5], &rng), label: "Linear")
        Self.check(Linear(3, 2, bias: false, rng: &rng), input: Self.randomTensor([2, 3], &rng), label: "Linear no bias")
    }

    @Test("MaxPool2d (ceil mode, padding) and ReLU away from their kinks")
    func piecewiseLinear() {
        var rng = SeededRandom(seed: 5)
        Self.check(MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true),
                   input: Self.kinkFreeTensor([2, 2, 5, 6], &rng), label: "MaxPool2d")
        Self.check(MaxPool2d(kernelSize: 2), input: Self.kinkFreeTensor([1, 3, 4, 4], &rng), label: "MaxPool2d(2)")
        Self.check(ReLU(), input: Self.kinkFreeTensor([2, 3, 4], &rng), label: "ReLU")
    }

    @Test("Sigmoid and Flatten")
    func smooth() {
        var rng = SeededRandom(seed: 6)
        Self.check(Sigmoid(), input: Self.randomTensor([2, 3, 2, 2], &rng, scale: 3), label: "Sigmoid")
        Self.check(Flatten(), input: Self.randomTensor([2, 3, 2, 2], &rng), label: "Flatten")
    }

    @Test("a Sequential chaining every layer type")
    func sequential() {
        var rng = SeededRandom(seed: 7)
        let model = Sequential(
            Conv2d(2, 3, kernelSize: 3, padding: 1, rng: &rng), Sigmoid(),
            ConvTranspose2d(3, 2, kernelSize: 2, stride: 2, rng: &rng), Sigmoid(),
            Flatten(), Linear(2 * 8 * 8, 3, rng: &rng))
        Self.check(model, input: Self.randomTensor([2, 2, 4, 4], &rng), label: "Sequential", seed: 8)
    }

    @Test("cross-entropy from logits: value and gradient, including large logits")
    func crossEntropy() {
        var rng = SeededRandom(seed: 9)
        let loss = CrossEntropyLoss()
        let logits = Self.randomTensor([4, 5], &rng, scale: 3)
        let labels = [0, 3, 4, 3]
        let (value, gradient) = loss(logits, labels: labels)
        // By hand for row-wise log-softmax.
        var expected = 0.0
        for n in 0..<4 {
            let row = (0..<5).map { Double(logits[n, $0]) }
            let lse = log(row.map { exp($0) }.reduce(0, +))
            expected += (lse - row[labels[n]]) / 4
        }
        #expect(abs(Double(value) - expected) < 1e-5)
        let analytic = gradient.copy()
        let h: Float = 1e-2
        for i in 0..<logits.count {
            let saved = logits.scalars[i]
            logits.scalars[i] = saved + h; let plus = Double(loss(logits, labels: labels).value)
            logits.scalars[i] = saved - h; let minus = Double(loss(logits, labels: labels).value)
            logits.scalars[i] = saved
            _ = Self.expectClose(analytic.scalars[i], (plus - minus) / Double(2 * h), "cross-entropy[\(i)]")
        }
        // Stable for logits far beyond exp's range.
        let huge = Tensor(shape: [1, 3], scalars: [1000, 0, -1000])
        let (hugeValue, hugeGradient) = loss(huge, labels: [1])
        #expect(abs(hugeValue - 1000) < 1e-3)
        #expect(hugeGradient.scalars.allSatisfy { $0.isFinite })
        #expect(abs(hugeGradient.scalars[0] - 1) < 1e-6 && abs(hugeGradient.scalars[1] + 1) < 1e-6)
    }

    @Test("squared error: sum, mean and sum over the batch", arguments: [
        SquaredErrorLoss.Reduction.sum, .mean, .sumOverBatch])
    func squaredError(reduction: SquaredErrorLoss.Reduction) {
        var rng = SeededRandom(seed: 10)
        let loss = SquaredErrorLoss(reduction: reduction)
        let prediction = Self.randomTensor([2, 3, 2], &rng), target = Self.randomTensor([2, 3, 2], &rng)
        let sum = zip(prediction.scalars, target.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let divisor: Double = switch reduction { case .sum: 1; case .mean: 12; case .sumOverBatch: 2 }
        let (value, gradient) = loss(prediction, target: target)
        #expect(abs(Double(value) - sum / divisor) < 1e-5)
        let analytic = gradient.copy()
        let h: Float = 1e-2
        for i in 0..<prediction.count {
            let saved = prediction.scalars[i]
            prediction.scalars[i] = saved + h; let plus = Double(loss(prediction, target: target).value)
            prediction.scalars[i] = saved - h; let minus = Double(loss(prediction, target: target).value)
            prediction.scalars[i] = saved
            _ = Self.expectClose(analytic.scalars[i], (plus - minus) / Double(2 * h), "squared error \(reduction)[\(i)]")
        }
    }

    @Test("backward accumulates parameter gradients until they are zeroed, as PyTorch's .grad")
    func accumulation() {
        var rng = SeededRandom(seed: 11)
        let layer = Linear(3, 2, rng: &rng)
        let x = Self.randomTensor([2, 3], &rng), r = Self.randomTensor([2, 2], &rng)
        _ = layer.forward(x); _ = layer.backward(r)
        let once = layer.weight.gradient.copy()
        _ = layer.forward(x); _ = layer.backward(r)
        #expect(zip(layer.weight.gradient.scalars, once.scalars).allSatisfy { abs($0 - 2 * $1) < 1e-6 })
        layer.zeroGradients()
        #expect(layer.weight.gradient.scalars.allSatisfy { $0 == 0 })
    }
}

import Foundation
