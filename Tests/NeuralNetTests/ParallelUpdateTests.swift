import Foundation
import Testing
@testable import NeuralNet

/// The optimisers and the squared-error loss split their element-wise work into fixed chunks on
/// the kernel threads, eight values at a time: they must give the same bits as a plain loop, on
/// 1 thread or 2.
@Suite("Chunked optimiser steps and losses", .serialized)
struct ParallelUpdateTests {
    /// Parameters with sizes around the chunk size and the vector width (tails of 1..7 values).
    static func parameters(seed: UInt64) -> [Parameter] {
        var rng = SplitMix64(seed: seed)
        return [40_003, 17, 8, 1, 16_384, 0, 3].enumerated().map { index, count in
            let p = Parameter(name: "p\(index)", value: Tensor(shape: [count], scalars: (0..<count).map { _ in rng.unit() * 2 - 1 }))
            return p
        }
    }

    static func setGradients(_ parameters: [Parameter], step: Int) {
        var rng = SplitMix64(seed: UInt64(100 + step))
        for p in parameters { p.gradient.scalars = (0..<p.count).map { _ in rng.unit() - 0.5 } }
    }

    /// Plain loops with PyTorch's SGD rule, as SGD.step was written before it was split.
    static func referenceSGD(_ values: inout [[Float]], _ buffers: inout [[Float]], _ grads: [[Float]], lr: Float, mu: Float,
                             damp: Float, wd: Float, nesterov: Bool, first: Bool) {
        for k in values.indices {
            for i in values[k].indices {
                var g = grads[k][i]
                if wd != 0 { g += wd * values[k][i] }
                if mu != 0 {
                    buffers[k][i] = first ? g : mu * buffers[k][i] + (1 - damp) * g
                    g = nesterov ? g + mu * buffers[k][i] : buffers[k][i]
                }
                values[k][i] -= lr * g
            }
        }
    }

    @Test("SGD (plain, momentum, dampening, Nesterov, weight decay) matches a plain loop bit for bit on 1 and 2 threads",
          arguments: [(Float(0), Float(0), Float(0), false), (0.9, 0, 0, false), (0.9, 0.3, 0.01, false), (0.9, 0, 0.01, true)])
    func sgd(mu: Float, damp: Float, wd: Float, nesterov: Bool) {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        var results: [[[Float]]] = []
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let parameters = Self.parameters(seed: 1)
            let sgd = SGD(parameters: parameters, learningRate: 0.05, momentum: mu, dampening: damp, nesterov: nesterov, weightDecay: wd)
            var values = parameters.map(\.value.scalars)
            var buffers = parameters.map { [Float](repeating: 0, count: $0.count) }
            for step in 0..<3 {
                Self.setGradients(parameters, step: step)
                Self.referenceSGD(&values, &buffers, parameters.map(\.gradient.scalars), lr: 0.05, mu: mu, damp: damp, wd: wd,
                                  nesterov: nesterov, first: step == 0)
                sgd.step()
                #expect(parameters.map(\.value.scalars) == values, "\(threads) threads, step \(step)")
            }
            results.append(parameters.map(\.value.scalars))
        }
        #expect(results[0] == results[1])
    }

    @Test("Adam (with and without weight decay) matches a plain loop bit for bit on 1 and 2 threads", arguments: [Float(0), 0.01])
    func adam(wd: Float) {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        var results: [[[Float]]] = []
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let parameters = Self.parameters(seed: 2)
            let adam = Adam(parameters: parameters, learningRate: 0.01, weightDecay: wd)
            var values = parameters.map(\.value.scalars)
            var m = parameters.map { [Float](repeating: 0, count: $0.count) }
            var v = m
            for step in 0..<3 {
                Self.setGradients(parameters, step: step)
                let grads = parameters.map(\.gradient.scalars)
                let t = Double(step + 1)
                let stepSize = Float(Double(Float(0.01)) / (1 - pow(Double(Float(0.9)), t)))
                let root = Float((1 - pow(Double(Float(0.999)), t)).squareRoot())
                for k in values.indices {
                    for i in values[k].indices {
                        var g = grads[k][i]
                        if wd != 0 { g += wd * values[k][i] }
                        m[k][i] += (1 - 0.9) * (g - m[k][i])
                        v[k][i] = 0.999 * v[k][i] + (1 - 0.999) * g * g
                        values[k][i] -= stepSize * (m[k][i] / (v[k][i].squareRoot() / root + 1e-8))
                    }
                }
                adam.step()
                #expect(parameters.map(\.value.scalars) == values, "\(threads) threads, step \(step)")
            }
            results.append(parameters.map(\.value.scalars))
        }
        #expect(results[0] == results[1])
    }

    @Test("summed squared error: the gradient matches a plain loop bit for bit, the value is the same on 1 and 2 threads")
    func squaredError() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        var rng = SplitMix64(seed: 3)
        for shape in [[128, 3, 32, 32], [5, 3, 7, 7], [1, 1, 1, 3]] {
            let count = shape.reduce(1, *)
            let prediction = Tensor(shape: shape, scalars: (0..<count).map { _ in rng.unit() })
            let target = Tensor(shape: shape, scalars: (0..<count).map { _ in rng.unit() })
            var values: [Float] = []
            for threads in [1, 2] {
                KernelThreads.setCount(threads)
                let loss = SquaredErrorLoss(reduction: .sumOverBatch)
                let (value, gradient) = loss(prediction, target: target)
                let factor = 2 / Float(shape[0])
                var sum = 0.0
                var expected = [Float](repeating: 0, count: count)
                for i in 0..<count {
                    let d = prediction.scalars[i] - target.scalars[i]
                    sum += Double(d * d)
                    expected[i] = factor * d
                }
                #expect(gradient.scalars == expected, "\(shape), \(threads) threads")
                let plain = Float(sum / Double(shape[0]))
                #expect(abs(value - plain) <= plain.ulp, "\(shape): \(value) vs \(plain)")
                values.append(value)
            }
            #expect(values[0] == values[1], "\(shape)")
        }
    }
}
