import Testing
@testable import NeuralNet

/// Optimiser steps against numbers worked out by hand from PyTorch's update rules
/// (torch.optim.SGD and torch.optim.Adam), with a gradient set directly before each step.
@Suite("Optimisers follow PyTorch's update rules")
struct OptimizerTests {
    /// One parameter p = [1] whose gradient is set to `gradients[t]` before step t; returns p after each step.
    static func run(_ make: ([Parameter]) -> any Optimizer, gradients: [Float]) -> [Float] {
        let p = Parameter(name: "weight", value: Tensor(shape: [1], scalars: [1]))
        let optimizer = make([p])
        var trace: [Float] = []
        for g in gradients {
            optimizer.zeroGradients()
            #expect(p.gradient.scalars == [0])
            p.gradient.scalars[0] = g
            optimizer.step()
            trace.append(p.value.scalars[0])
        }
        return trace
    }

    static func expect(_ actual: [Float], _ expected: [Float], _ label: String) {
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(abs(a - e) < 1e-6, "\(label): \(actual) vs \(expected)") }
    }

    @Test("plain SGD: p -= lr * g")
    func plain() {
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1) }, gradients: [0.5, -1]), [0.95, 1.05], "sgd")
    }

    @Test("momentum: the first step sets buf = g (no dampening), then buf = 0.9 buf + g")
    func momentum() {
        // buf 0.5 -> p 0.95; buf 0.95 -> p 0.855; buf 1.355 -> p 0.7195
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, gradients: [0.5, 0.5, 0.5]),
                    [0.95, 0.855, 0.7195], "momentum")
    }

    @Test("dampening applies from the second step")
    func dampening() {
        // buf 0.5 -> p 0.95; buf 0.9*0.5 + 0.5*0.5 = 0.7 -> p 0.88
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.5) }, gradients: [0.5, 0.5]),
                    [0.95, 0.88], "dampening")
    }

    @Test("Nesterov: step with g + momentum * buf")
    func nesterov() {
        // buf 0.5, g' 0.95 -> p 0.905; buf 0.95, g' 1.355 -> p 0.7695
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }, gradients: [0.5, 0.5]),
                    [0.905, 0.7695], "nesterov")
    }

    @Test("weight decay adds wd * p to the gradient")
    func weightDecay() {
        // g' 0.5 + 0.1*1 = 0.6 -> p 0.94; g' 0.5 + 0.094 = 0.594 -> p 0.8806
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }, gradients: [0.5, 0.5]),
                    [0.94, 0.8806], "weight decay")
        // With momentum: buf 0.6 -> p 0.94; g' 0.594, buf 0.9*0.6 + 0.594 = 1.134 -> p 0.8266
        Self.expect(Self.run({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1) }, gradients: [0.5, 0.5]),
                    [0.94, 0.8266], "weight decay with momentum")
    }

    @Test("Adam with PyTorch's defaults and bias correction")
    func adam() {
        // t=1: m 0.05, v 0.00025, m^ 0.5, v^ 0.25 -> p 0.9
        // t=2: m 0.02, v 0.00031225, m^ 0.02/0.19, v^ 0.00031225/0.001999 -> p 0.8733663
        // t=3: m 0.0305, v 0.00032756275, corrections 0.271 and 0.002997001 -> p 0.8393234
        Self.expect(Self.run({ Adam(parameters: $0, learningRate: 0.1) }, gradients: [0.5, -0.25, 0.125]),
                    [0.9, 0.8733663, 0.8393234], "adam")
        // L2 weight decay 0.5: g' 1.0 -> p 0.9; g' 0.95 -> p 0.8001665
        Self.expect(Self.run({ Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.5) }, gradients: [0.5, 0.5]),
                    [0.9, 0.8001665], "adam weight decay")
    }

    @Test("Adam's defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8")
    func adamDefaults() {
        let adam = Adam(parameters: [])
        #expect(adam.learningRate == 1e-3 && adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8 && adam.weightDecay == 0)
    }

    @Test("the learning rate can change between steps")
    func schedule() {
        let p = Parameter(name: "w", value: Tensor(shape: [2], scalars: [1, 2]))
        let sgd = SGD(parameters: [p], learningRate: 0.1)
        p.gradient.scalars = [1, 1]
        sgd.step()
        sgd.learningRate = 0.5
        sgd.step()
        Self.expect(p.value.scalars, [0.4, 1.4], "schedule")
    }
}
