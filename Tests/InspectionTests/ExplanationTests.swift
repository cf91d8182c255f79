import Foundation
import Inspection
import NeuralNet
import Testing

/// "Why this value": each explanation, computed with Kernels' per-cell arithmetic, ends at the
/// value the forward pass put on the map, and its parts are the real numbers of the run.
@Suite struct ExplanationTests {
    static func trained(_ name: String, _ network: Sequential) throws -> (NetworkInspector, NetworkActivations) {
        let fixture = try InspectFixture.load(name)
        try InspectionCheckpoint.load(fixture.checkpoint, into: network)
        let inspector = try NetworkInspector(network: network, inputShape: [3, 32, 32])
        return (inspector, inspector.run(fixture.images[0].input))
    }

    static func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-5 + 1e-4 * abs(b) }

    @Test func convolutionCellShowsWindowsWeightsAndSums() throws {
        let (inspector, run) = try Self.trained("cnn", CourseModels.cnn(seed: 1))
        let address = CellAddress(layer: 3, channel: 5, row: 4, column: 7)
        let explained = inspector.explain(run, at: address)
        guard case .convolution(let cell, let kernel) = explained.explanation else {
            Issue.record("expected a convolution, got \(explained.explanation)"); return
        }
        #expect(kernel == Size2D(5, 5))
        #expect(cell.terms.count == 8 * 25)
        #expect(cell.channelSums.count == 8)
        #expect(Self.close(cell.value, explained.shown), "\(cell.value) vs the map's \(explained.shown)")
        // The terms read the previous module's real output: pooled map 2 at the window.
        let previous = run.layers[2]
        for term in cell.terms(channel: 6) {
            #expect(term.input == previous.value(channel: 6, row: 4 + term.kernelRow, column: 7 + term.kernelColumn))
        }
        let weight = inspector.network.namedParameters().first { $0.name == "3.weight" }!.parameter.value
        #expect(cell.terms[0].weight == weight[5, 0, 0, 0])
        let summed = cell.channelSums.reduce(0, +) + (cell.bias ?? 0)
        #expect(abs(summed - cell.value) <= 1e-4)
    }

    @Test func paddedConvolutionMarksPadding() throws {
        let (inspector, run) = try Self.trained("autoencoder", CourseModels.autoencoder(seed: 1))
        let explained = inspector.explain(run, at: CellAddress(layer: 0, channel: 2, row: 0, column: 0))
        guard case .convolution(let cell, _) = explained.explanation else { Issue.record("not a convolution"); return }
        // Padding 1, kernel 4: the top row and the left column of the window are padding.
        #expect(cell.terms.filter(\.isPadding).count == 3 * 7)
        #expect(cell.terms.filter(\.isPadding).allSatisfy { $0.input == 0 })
        #expect(Self.close(cell.value, explained.shown))
    }

    @Test func activationsPoolingFlattenAndLinear() throws {
        let (inspector, run) = try Self.trained("cnn", CourseModels.cnn(seed: 1))
        // ReLU (fused with the pooling in training) has its own output and explanation.
        let relu = inspector.explain(run, at: CellAddress(layer: 1, channel: 0, row: 3, column: 3))
        guard case .activation(.relu, let x, let y, _) = relu.explanation else { Issue.record("not ReLU"); return }
        #expect(x == run.layers[0].value(channel: 0, row: 3, column: 3))
        #expect(y == max(x, 0) && y == relu.shown)

        let pool = inspector.explain(run, at: CellAddress(layer: 2, channel: 4, row: 5, column: 6))
        guard case .maxPool(let cell, _) = pool.explanation, let winner = cell.winner else { Issue.record("not max pooling"); return }
        #expect(cell.taps.count == 4)
        #expect(cell.taps[winner].value == pool.shown)
        #expect(cell.taps.allSatisfy { ($0.value ?? -.infinity) <= pool.shown })
        #expect(cell.taps[0].inputRow == 10 && cell.taps[0].inputColumn == 12)

        let flatten = inspector.explain(run, at: CellAddress(layer: 6, channel: 137))
        guard case .flatten(let c, let r, let col, let value) = flatten.explanation else { Issue.record("not Flatten"); return }
        #expect((c, r, col) == (5, 2, 2))
        #expect(value == run.layers[5].value(channel: 5, row: 2, column: 2) && value == flatten.shown)

        let linear = inspector.explain(run, at: CellAddress(layer: 9, channel: 3), topTerms: 5)
        guard case .linear(let terms) = linear.explanation else { Issue.record("not Linear"); return }
        #expect(terms.top.count == 5 && terms.restCount == 251)
        #expect(zip(terms.top, terms.top.dropFirst()).allSatisfy { abs($0.product) >= abs($1.product) })
        let total = terms.top.reduce(0) { $0 + $1.product } + terms.rest + (terms.bias ?? 0)
        #expect(abs(total - linear.shown) <= 1e-4)
        #expect(Self.close(terms.value, linear.shown))
    }

    @Test func transposedConvolutionAndSigmoid() throws {
        let (inspector, run) = try Self.trained("autoencoder", CourseModels.autoencoder(seed: 1))
        let up = inspector.explain(run, at: CellAddress(layer: 5, channel: 9, row: 3, column: 4))
        guard case .transposedConvolution(let cell, _) = up.explanation else { Issue.record("not ConvTranspose2d"); return }
        // Stride 2, kernel 4, padding 1: each output receives 2 x 2 taps from each of the 32 channels.
        #expect(cell.terms.count == 32 * 4)
        #expect(Self.close(cell.value, up.shown))
        let sigmoid = inspector.explain(run, at: CellAddress(layer: 10, channel: 1, row: 20, column: 9))
        guard case .activation(.sigmoid, let x, let y, _) = sigmoid.explanation else { Issue.record("not Sigmoid"); return }
        #expect(x == run.layers[9].value(channel: 1, row: 20, column: 9))
        #expect(Self.close(y, 1 / (1 + exp(-x))) && Self.close(y, sigmoid.shown))
    }

    @Test func batchNormAveragePoolingAndNewActivations() throws {
        let fixture = try InspectFixture.load("batchnorm")
        let (inspector, run) = try Self.trained("batchnorm", try NetworkText.parse(fixture.layersText).makeSequential(seed: 3))
        let norm = inspector.explain(run, at: CellAddress(layer: 5, channel: 3, row: 6, column: 2))
        guard case .batchNorm(let cell) = norm.explanation else { Issue.record("not BatchNorm2d: \(norm.explanation)"); return }
        let layer = inspector.network.layers[5] as! BatchNorm2d
        #expect(cell.runningMean == layer.runningMean.value.scalars[3] && cell.runningVar == layer.runningVar.value.scalars[3])
        #expect(cell.runningVar != 1, "the fixture's running statistics were loaded")
        #expect(cell.input == run.layers[4].value(channel: 3, row: 6, column: 2))
        #expect(Self.close(cell.value, norm.shown))

        let leaky = inspector.explain(run, at: CellAddress(layer: 6, channel: 3, row: 6, column: 2))
        guard case .activation(.leakyReLU, let x, let y, let slope) = leaky.explanation else { Issue.record("not LeakyReLU"); return }
        #expect(slope == 0.1 && y == (x > 0 ? x : 0.1 * x) && y == leaky.shown)

        let pool = inspector.explain(run, at: CellAddress(layer: 7, channel: 9, row: 3, column: 5))
        guard case .averagePool(let window, _) = pool.explanation else { Issue.record("not AvgPool2d"); return }
        #expect(window.taps.count == 4 && window.divisor == 4)
        #expect(window.taps.allSatisfy { $0.value == run.layers[6].value(channel: 9, row: $0.inputRow, column: $0.inputColumn) })
        #expect(Self.close(window.value, pool.shown))

        let tanh = inspector.explain(run, at: CellAddress(layer: 9, channel: 2, row: 1, column: 1))
        guard case .activation(.tanh, let t, let ty, _) = tanh.explanation else { Issue.record("not Tanh"); return }
        #expect(Self.close(ty, Foundation.tanh(t)) && ty == tanh.shown)

        let dropout = inspector.explain(run, at: CellAddress(layer: 11, channel: 40))
        guard case .activation(.identity, let d, let dy, _) = dropout.explanation else { Issue.record("not Dropout"); return }
        #expect(d == dy && dy == dropout.shown, "eval mode: dropout passes values unchanged")
    }
}
