import Testing
@testable import NeuralNet

@Suite("Tensor and seeded randomness")
struct TensorTests {
    @Test("shape, row-major indexing, zeros, copy and equality")
    func basics() {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(t[1, 0] == 4)
        #expect(t.count == 6 && t.rank == 2)
        t[0, 2] = 9
        #expect(t.scalars == [1, 2, 9, 4, 5, 6])
        let c = t.copy()
        t.zero()
        #expect(c.scalars == [1, 2, 9, 4, 5, 6])
        #expect(t == Tensor(zeros: [2, 3]))
        #expect(t != c)
    }

    @Test("untrusted shapes are refused with a message instead of a trap")
    func validatingInit() throws {
        #expect(try Tensor(validatingShape: [2, 2], scalars: [1, 2, 3, 4]).shape == [2, 2])
        #expect(throws: ShapeError.self) { try Tensor(validatingShape: [2, 3], scalars: [1, 2, 3, 4]) }
        #expect(throws: ShapeError.self) { try Tensor(validatingShape: [-2, -2], scalars: [1, 2, 3, 4]) }
        #expect(throws: ShapeError.self) { try Tensor(validatingShape: [1 << 40, 1 << 40], scalars: []) }
    }

    @Test("the same seed gives the same numbers; uniform and Gaussian helpers have the right ranges and moments")
    func seededRandom() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        var rng = SeededRandom(seed: 1)
        let uniform = (0..<20_000).map { _ in rng.nextUniform() }
        #expect(uniform.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(uniform.reduce(0, +) / 20_000 - 0.5) < 0.01)
        let gaussian = (0..<20_000).map { _ in rng.nextGaussian() }
        let mean = gaussian.reduce(0, +) / 20_000
        let variance = gaussian.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20_000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        #expect((0..<1000).map { _ in rng.nextInt(below: 7) }.allSatisfy { (0..<7).contains($0) })
    }

    @Test("layers reuse their buffers: the same output tensor object every step")
    func buffersAreReused() {
        let model = CourseModels.cnn(seed: 1)
        let x = Tensor(zeros: [2, 3, 32, 32])
        let y1 = model.forward(x)
        let g1 = model.backward(Tensor(shape: [2, 10], repeating: 1))
        let y2 = model.forward(x)
        let g2 = model.backward(Tensor(shape: [2, 10], repeating: 1))
        #expect(y1 === y2)
        #expect(g1 === g2)
    }

    @Test("a training step neither reallocates nor copies a buffer: every storage address stays put")
    func noCopyOnWrite() {
        let model = CourseModels.cnn(seed: 2)
        let loss = CrossEntropyLoss()
        let sgd = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
        let images = Tensor(shape: [4, 3, 32, 32], repeating: 0.5)
        let labels = [1, 2, 3, 4]
        func address(_ t: Tensor) -> UnsafeRawPointer? { t.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
        /// One step, returning the storage address of every tensor it touched.
        func step() -> [UnsafeRawPointer?] {
            var addresses: [UnsafeRawPointer?] = []
            sgd.zeroGradients()
            var x = images
            for layer in model.layers { x = layer.forward(x); addresses.append(address(x)) }
            let (_, gradient) = loss(x, labels: labels)
            addresses.append(address(gradient))
            var g = gradient
            for (index, layer) in model.layers.enumerated().reversed() {
                g = layer.backward(g, needsInputGradient: index > 0)
                if index > 0 { addresses.append(address(g)) }
            }
            sgd.step()
            for parameter in model.parameters {
                addresses.append(address(parameter.value))
                addresses.append(address(parameter.gradient))
            }
            return addresses
        }
        let first = step()
        let second = step()
        let third = step()
        #expect(first == second)
        #expect(second == third)
    }

    @Test("layers follow a change of batch size")
    func batchSizeChange() {
        let model = CourseModels.cnn(seed: 1)
        #expect(model.forward(Tensor(zeros: [4, 3, 32, 32])).shape == [4, 10])
        #expect(model.forward(Tensor(zeros: [1, 3, 32, 32])).shape == [1, 10])
        #expect(model.backward(Tensor(zeros: [1, 10])).shape == [1, 3, 32, 32])
    }

    @Test("shape errors name the layer that cannot take its input")
    func shapeErrors() {
        let model = CourseModels.cnn(seed: 1)
        #expect(throws: ShapeError.self) { try model.outputShape(for: [1, 3, 28, 28]) }
        do {
            _ = try model.outputShapes(for: [1, 1, 32, 32])
        } catch {
            #expect(error.field.hasPrefix("layer 0 (Conv2d"))
            #expect(error.reason.contains("3 input channels"))
        }
    }
}
