import Testing
@testable import NeuralNet

/// In training, a batch norm + ReLU / LeakyReLU followed by a convolution leaves its output
/// unwritten and gives it to the convolution image by image (`BatchNorm2d.forwardDeferringApply`,
/// `ImageInput`), in the convolution's forward and backward passes: the bits must be those of the
/// layers run one by one, on every kernel path (on the im2col path the convolution writes the
/// whole input from the images first), on 1 and 2 threads; eval runs as before.
@Suite("A batch norm's output given to the next convolution image by image")
struct BatchNormImageInputTests {
    /// Odd sizes: an unpadded Conv2d (its windows read the given image where it is), a stride-1
    /// ConvTranspose2d (phases written as planes), a ConvTranspose2d + Sigmoid, and a ReLU.
    static func oddNetwork() -> Sequential {
        var rng = SeededRandom(seed: 41)
        return Sequential([
            Conv2d(3, 5, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(5), ReLU(),
            Conv2d(5, 4, kernelSize: 3, rng: &rng), BatchNorm2d(4), LeakyReLU(negativeSlope: 0.2),
            ConvTranspose2d(4, 6, kernelSize: 3, padding: 1, rng: &rng), BatchNorm2d(6), LeakyReLU(negativeSlope: 0.1),
            ConvTranspose2d(6, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid(),
        ])
    }

    /// Own network 3 (the brief's layers, full size).
    static func n3() -> Sequential {
        var rng = SeededRandom(seed: 43)
        return Sequential([
            Conv2d(3, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(16), LeakyReLU(negativeSlope: 0.1),
            Conv2d(16, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(32), LeakyReLU(negativeSlope: 0.1),
            ConvTranspose2d(32, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm2d(16), LeakyReLU(negativeSlope: 0.1),
            ConvTranspose2d(16, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid(),
        ])
    }

    static func images(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.unit() - 0.2 })
    }

    static func expectLayerByLayer(_ network: () -> Sequential, input: Tensor, label: String) {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let fused = network(), separate = network()
            for (step, mode) in [LayerMode.training, .training, .evaluation, .training].enumerated() {
                fused.setMode(mode); separate.setMode(mode)
                FusedSequentialTests.expectSameStep(fused: fused, separate: separate, input: input, step: step)
                for (a, b) in zip(fused.buffers, separate.buffers) {
                    #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern),
                            "\(label) \(threads) threads step \(step) \(a.name)")
                }
                for index in [1, 4, 7] {
                    #expect((fused.layers[index] as? BatchNorm2d)?.deferredApply == (mode == .training),
                            "\(label) \(threads) threads step \(step) layer \(index)")
                    #expect((separate.layers[index] as? BatchNorm2d)?.deferredApply == false)
                }
            }
        }
    }

    @Test("odd shapes, ReLU and LeakyReLU, padded and unpadded convolutions: the bits of layer by layer")
    func oddShapes() {
        Self.expectLayerByLayer(Self.oddNetwork, input: Self.images([5, 3, 13, 11], seed: 3), label: "odd")
        let network = Self.oddNetwork()
        #expect(network.layers.indices.map { network.fusedLength(at: $0) } == [1, 3, 1, 1, 3, 1, 1, 4, 1, 2, 1])
    }

    @Test("own network 3 at full size: the bits of layer by layer")
    func ownNetwork3() {
        Self.expectLayerByLayer(Self.n3, input: Self.images([3, 3, 32, 32], seed: 8), label: "N3")
        let network = Self.n3()
        #expect(network.layers.indices.map { network.fusedLength(at: $0) } == [1, 3, 1, 1, 3, 1, 1, 4, 1, 2, 1])
        #expect(network.layers.indices.map { network.backwardFusedLength(at: $0) } == [1, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1])
        network.setMode(.evaluation)
        #expect(network.layers.indices.map { network.fusedLength(at: $0) } == [1, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1])
    }

    @Test("ranges: a range ending at the activation writes the batch norm's output; split after the convolution, the same gradients")
    func ranges() {
        let network = Self.n3(), separate = Self.n3()
        let input = Self.images([2, 3, 32, 32], seed: 9)
        // Ending at the LeakyReLU: the output is the layers' own.
        let head = network.forward(input, range: 0..<3)
        var x = input
        for layer in separate.layers[0..<3] { x = layer.forward(x) }
        #expect(head.scalars.map(\.bitPattern) == x.scalars.map(\.bitPattern))
        #expect((network.layers[1] as? BatchNorm2d)?.deferredApply == false)
        // The whole forward in two ranges split after the first hand-over, then back in two ranges.
        let fresh = Self.n3()
        let middle = network.forward(input, range: 0..<4)
        #expect((network.layers[1] as? BatchNorm2d)?.deferredApply == true)
        let output = network.forward(middle, range: 4..<11)
        let whole = fresh.forward(input)
        #expect(output.scalars.map(\.bitPattern) == whole.scalars.map(\.bitPattern))
        var rng = SplitMix64(seed: 2)
        let dy = Tensor(shape: output.shape, scalars: (0..<output.count).map { _ in rng.unit() - 0.5 })
        let upper = network.backward(dy, range: 4..<11).copy()
        let lower = network.backward(upper, range: 0..<4)
        let reference = fresh.backward(dy)
        #expect(lower.scalars.map(\.bitPattern) == reference.scalars.map(\.bitPattern))
        for (a, b) in zip(network.parameters, fresh.parameters) {
            #expect(a.gradient.scalars.map(\.bitPattern) == b.gradient.scalars.map(\.bitPattern), "\(a.name)")
        }
    }
}
