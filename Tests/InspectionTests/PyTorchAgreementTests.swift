import Foundation
import Inspection
import NeuralNet
import Testing

/// Every module's output for real test images, against PyTorch's forward hooks on the same
/// checkpoint in eval mode (fixtures from scripts/make_inspect_fixtures.py), within 1e-4 + 1e-3 relative.
@Suite struct PyTorchAgreementTests {
    static func check(_ name: String, network: Sequential) throws {
        let fixture = try InspectFixture.load(name)
        try InspectionCheckpoint.load(fixture.checkpoint, into: network)
        let inspector = try NetworkInspector(network: network, inputShape: [3, 32, 32])
        for image in fixture.images {
            let run = inspector.run(image.input)
            #expect(run.layers.count == image.layers.count, "\(name): one entry per module")
            var report: [String] = []
            for (ours, theirs) in zip(run.layers, image.layers) {
                #expect(ours.index == theirs.index)
                #expect(ours.layer == theirs.layer, "\(name) layer \(theirs.index): description")
                #expect(ours.shape == theirs.shape, "\(name) layer \(theirs.index): shape")
                guard ours.values.count == theirs.values.count else { continue }
                let (largest, failure) = compare(ours.values, theirs.values)
                #expect(failure == nil, "\(name) image \(image.index) layer \(theirs.index) \(theirs.layer): value \(failure ?? 0) is \(failure.map { ours.values[$0] } ?? 0), PyTorch \(failure.map { theirs.values[$0] } ?? 0)")
                report.append("\(theirs.index) \(theirs.layer.prefix(40)): \(largest)")
            }
            if let predicted = image.predicted, let probabilities = image.probabilities {
                #expect(run.predicted == predicted)
                #expect(compare(run.probabilities ?? [], probabilities).firstFailure == nil)
                let gradient = inspector.saliency(image.input, classIndex: predicted)
                let expected = image.saliency ?? []
                let scale = expected.map(abs).max() ?? 0
                let (largest, failure) = compare(gradient, expected, absolute: 1e-3 * scale, relative: 1e-3)
                #expect(failure == nil, "\(name) image \(image.index): saliency value \(failure ?? 0)")
                report.append("saliency: \(largest)")
            } else {
                #expect(run.probabilities == nil, "no classifier head, no probabilities")
            }
            // The largest difference per layer, for the closing note (swift test prints it).
            print("[inspect-agreement] \(name) image \(image.index): " + report.joined(separator: "; "))
        }
    }

    @Test func courseCNN() throws {
        try Self.check("cnn", network: CourseModels.cnn(seed: 7))
    }

    @Test func courseAutoencoder() throws {
        try Self.check("autoencoder", network: CourseModels.autoencoder(seed: 7))
    }

    /// BatchNorm2d with running statistics (eval mode), AvgPool2d, LeakyReLU, Tanh, Dropout (off in eval).
    @Test func networkWithBatchNorm() throws {
        let fixture = try InspectFixture.load("batchnorm")
        try Self.check("batchnorm", network: try NetworkText.parse(fixture.layersText).makeSequential(seed: 3))
    }
}
