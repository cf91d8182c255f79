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

    @Test("the course CNN: Sequential's output, input gradient and parameter gradients equal layer-by-layer ones")
    func cnnMatchesLayerByLayer() {
        let fused = CourseModels.cnn(seed: 3), separate = CourseModels.cnn(seed: 3)
        let input = Self.images(batch: 9)
        for step in 0..<2 {
            let y = fused.forward(input)
            var x = input
            for layer in separate.layers { x = layer.forward(x) }
            #expect(y.scalars.map(\.bitPattern) == x.scalars.map(\.bitPattern), "step \(step) output")
            var rng = SplitMix64(seed: UInt64(step))
            let dy = Tensor(shape: y.shape, scalars: (0..<y.count).map { _ in rng.unit() - 0.5 })
            let dxFused = fused.backward(dy).copy()
            var g = dy
            for layer in separate.layers.reversed() { g = layer.backward(g) }
            #expect(dxFused.scalars.map(\.bitPattern) == g.scalars.map(\.bitPattern), "step \(step) input gradient")
            for (a, b) in zip(fused.parameters, separate.parameters) {
                #expect(a.gradient.scalars.map(\.bitPattern) == b.gradient.scalars.map(\.bitPattern), "step \(step) \(a.name)")
            }
        }
    }

    @Test("a range that splits the pair, and a separate forward after a fused one, run unfused and stay right")
    func partialRanges() {
        let model = CourseModels.cnn(seed: 5), reference = CourseModels.cnn(seed: 5)
        let input = Self.images(batch: 2)
        // Layers 0..<2 end at the ReLU: the pooling is not in the range, so the ReLU runs alone.
        let a = model.forward(input, range: 0..<2).copy()
        let b = reference.layers[1].forward(reference.layers[0].forward(input))
        #expect(a == b)
        // Fused pass over 0..<3, then layer 2 alone on layer 1's fresh output: backward must follow the last forward.
        _ = model.forward(input, range: 0..<3)
        let relu = model.layers[1].forward(model.layers[0].forward(input))
        let pooled = model.layers[2].forward(relu)
        let dy = Tensor(shape: pooled.shape, repeating: 1)
        let viaSequential = model.backward(dy, range: 1..<3).copy()
        let referencePooled = reference.layers[2].forward(reference.layers[1].forward(reference.layers[0].forward(input)))
        #expect(referencePooled == pooled)
        let expected = reference.layers[1].backward(reference.layers[2].backward(dy))
        #expect(viaSequential == expected)
    }

    @Test("fusedLength names the ReLU + pooling pairs: two in the CNN, none in the autoencoder")
    func fusedPairs() {
        let cnn = CourseModels.cnn(seed: 0)
        #expect(cnn.layers.indices.map { cnn.fusedLength(at: $0) } == [1, 2, 1, 1, 2, 1, 1, 1, 1, 1])
        let autoencoder = CourseModels.autoencoder(seed: 0)
        #expect(autoencoder.layers.indices.allSatisfy { autoencoder.fusedLength(at: $0) == 1 })
    }
}
