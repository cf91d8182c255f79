import Testing
@testable import NeuralNet

/// An epoch's short last batch, then full batches again: a layer keeps its buffers' storage
/// (`Tensor.resize`) and a convolution the previous batch size's workspace, so that the switch
/// back builds, allocates and zero-fills nothing. A pass after the switch must give the bits of
/// the same pass before it and of a fresh network, on 1 and 2 threads.
@Suite("Alternating batch sizes reuse the layers' buffers")
struct AlternatingBatchTests {
    @Test("a tensor shrunk and grown back keeps its storage; growing past it reallocates")
    func resizeKeepsStorage() {
        let t = Tensor(zeros: [128, 1000])
        let address = t.scalars.withUnsafeBufferPointer { $0.baseAddress }
        t.resize(to: [93, 1000])
        #expect(t.count == 93_000 && t.shape == [93, 1000])
        #expect(t.scalars.capacity >= 128_000)
        t.resize(to: [128, 1000])
        #expect(t.count == 128_000 && t.shape == [128, 1000])
        #expect(t.scalars.withUnsafeBufferPointer { $0.baseAddress } == address)
        t.resize(to: [129, 1000])
        #expect(t.count == 129_000 && t.scalars.allSatisfy { $0 == 0 })
    }

    /// One training pass (forward, then backward from a seeded gradient): the output, the input
    /// gradient and every parameter gradient, as bit patterns.
    static func pass(_ network: Sequential, _ input: Tensor) -> [[UInt32]] {
        network.parameters.forEach { $0.zeroGradient() }
        let y = network.forward(input)
        var rng = SplitMix64(seed: UInt64(input.shape[0]))
        let dy = Tensor(shape: y.shape, scalars: (0..<y.count).map { _ in rng.unit() - 0.5 })
        let output = y.scalars.map(\.bitPattern)
        let dx = network.backward(dy).scalars.map(\.bitPattern)
        return [output, dx] + network.parameters.map { $0.gradient.scalars.map(\.bitPattern) }
    }

    @Test("own network 3 in small: full, short, full, short, full batches give each batch's bits and build two workspaces a convolution")
    func alternatingBatches() {
        let saved = KernelThreads.count
        defer { KernelThreads.setCount(saved) }
        let full = BatchNormImageInputTests.images([6, 3, 16, 16], seed: 5)
        let short = BatchNormImageInputTests.images([4, 3, 16, 16], seed: 6)
        for threads in [1, 2] {
            KernelThreads.setCount(threads)
            let network = BatchNormImageInputTests.n3()
            network.setMode(.training)
            let first = Self.pass(network, full), firstShort = Self.pass(network, short)
            for round in 0..<2 {
                #expect(Self.pass(network, full) == first, "\(threads) threads round \(round) full batch")
                #expect(Self.pass(network, short) == firstShort, "\(threads) threads round \(round) short batch")
            }
            let fresh = BatchNormImageInputTests.n3()
            fresh.setMode(.training)
            #expect(Self.pass(fresh, full) == first, "\(threads) threads: a fresh network's full batch")
            for (index, layer) in network.layers.enumerated() {
                guard let convolution = layer as? ConvolutionLayer else { continue }
                #expect(convolution.workspacesBuilt == 2, "\(threads) threads layer \(index)")
            }
        }
    }
}
