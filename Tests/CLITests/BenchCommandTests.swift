import Kernels
import Datasets
import Foundation
import NeuralNet
import Testing
@testable import cnnlab

/// `cnnlab bench`: its options, its measurement on a few tiny steps, and its report.
@Suite("cnnlab bench")
struct BenchCommandTests {
    @Test("--model takes cnn, autoencoder, ae and all, and refuses anything else")
    func modelNames() throws {
        #expect(BenchModelChoice(argument: "cnn")?.kinds == [.cnn])
        #expect(BenchModelChoice(argument: "AE")?.kinds == [.autoencoder])
        #expect(BenchModelChoice(argument: "all")?.kinds == [.cnn, .autoencoder])
        #expect(BenchModelChoice(argument: "resnet") == nil)
        #expect(throws: (any Error).self) { try Bench.parse(["--model", "resnet"]) }
        #expect(throws: (any Error).self) { try Bench.parse(["--threads", "0"]) }
        #expect(throws: (any Error).self) { try Bench.parse(["--steps", "3", "--epochs", "1"]) }
    }

    @Test("a few steps on random images: every image counted, a finite loss, a time for every layer")
    func runsAndTimes() throws {
        let (images, name) = try BenchData.load(directory: nil, random: true)
        #expect(images.count == BenchData.randomImageCount)
        for kind in BenchWorkload.Kind.allCases {
            let workload = BenchWorkload(kind: kind, images: images, batchSize: 4)
            let result = BenchRunner.run(workload, steps: 2, warmUp: 1, datasetName: name)
            #expect(result.images == 8)
            #expect(result.finalLoss.isFinite)
            // The batch-loading row, then one row per layer of the model.
            #expect(result.layers.count == workload.model.layers.count + 1)
            // A ReLU that Sequential runs inside the max pooling after it is timed on the pooling's row.
            for (index, layer) in result.layers.dropFirst().enumerated() {
                let length = workload.model.fusedLength(at: index)
                if length > 1 {
                    #expect(layer.forward == 0 && layer.backward == 0 && layer.name.hasSuffix("(in \(index + length - 1))"))
                } else {
                    #expect(layer.forward > 0 && layer.backward >= 0, "\(layer.name)")
                }
            }
            #expect(kind != .cnn || result.layers.contains { $0.name.hasSuffix("(in 2)") })
            #expect(result.imagesPerSecond > 0)
            // A reconstructing network's loss is timed in its last backward step (Sequential.backward(_:loss:...)):
            // its loss row stays at zero.
            #expect(workload.reconstructs ? result.loss.forward == 0 : result.loss.forward > 0)
            #expect(result.optimizer.forward > 0)
            let text = BenchReport.text(result)
            #expect(text.contains("zero grads + optimizer"))
            #expect(text.contains("training images/s"))
            #expect(text.contains("Conv2d"))
            #expect(text.contains(BenchReport.kernels))
            let json = BenchReport.json([result], frame: nil)
            #expect(json.contains("\"convolution_kernels\":\"\(DirectConvolution.active.jsonName)\"")
                    || json.contains("\"convolution_kernels\" : \"\(DirectConvolution.active.jsonName)\""))
        }
    }

    @Test("a --layers network too large for the batch is refused before it runs, naming the layer")
    func refusesTooLargeNetworks() throws {
        let (images, _) = try BenchData.load(directory: nil, random: true)
        let network = try NetworkText.parse("Conv2d(3, 100000, 3, padding=1)")
        do {
            _ = try BenchWorkload(layers: network, images: images, batchSize: 128)
            Issue.record("128 x 100000 x 32 x 32 values should be refused")
        } catch {
            #expect(error.position == 0 && error.description.contains("too large"))
        }
        #expect((try? BenchWorkload(layers: network, images: images, batchSize: 1)) != nil)
    }

    @Test("peak resident memory comes from /proc/self/status on Linux")
    func residentMemory() {
        #if os(Linux)
        let peak = ResidentMemory.peakMB(), now = ResidentMemory.currentMB()
        #expect((peak ?? 0) > 1)
        #expect((peak ?? 0) >= (now ?? .infinity) - 1)
        #endif
    }
}
