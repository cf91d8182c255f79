import Foundation
import Testing
@testable import NeuralNet

@Suite("Course models")
struct CourseModelTests {
    @Test("the CNN has PyTorch's parameter names, shapes and 109,050 parameters")
    func cnnParameters() throws {
        let model = CourseModels.cnn(seed: 1)
        #expect(model.parameterCount == 109_050)
        let named = model.namedParameters()
        #expect(named.map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"])
        #expect(named.map(\.parameter.value.shape) == [[8, 3, 5, 5], [8], [16, 8, 5, 5], [16], [256, 400], [256], [10, 256], [10]])
        #expect(try model.outputShape(for: [128, 3, 32, 32]) == [128, 10])
    }

    @Test("the autoencoder is one 11-layer Sequential: encoder 10,680, decoder 10,651 parameters")
    func autoencoderParameters() throws {
        let model = CourseModels.autoencoder(seed: 1)
        #expect(model.layers.count == 11)
        #expect(model.parameterCount(range: CourseModels.autoencoderEncoderRange) == 10_680)
        #expect(model.parameterCount(range: CourseModels.autoencoderDecoderRange) == 10_651)
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias",
                                                         "5.weight", "5.bias", "7.weight", "7.bias", "9.weight", "9.bias"])
        let shapes = try model.outputShapes(for: [2, 3, 32, 32])
        #expect(shapes[4] == [2, 32, 4, 4])
        #expect(shapes[10] == [2, 3, 32, 32])
    }

    @Test("summary rows: description, output shape and parameter count per layer")
    func summary() throws {
        let rows = try CourseModels.cnn(seed: 1).summary(inputShape: [1, 3, 32, 32])
        #expect(rows.map(\.outputShape) == [[1, 8, 28, 28], [1, 8, 28, 28], [1, 8, 14, 14], [1, 16, 10, 10], [1, 16, 10, 10],
                                              [1, 16, 5, 5], [1, 400], [1, 256], [1, 256], [1, 10]])
        #expect(rows.map(\.parameterCount) == [608, 0, 0, 3216, 0, 0, 0, 102_656, 0, 2570])
        let decoder = try CourseModels.autoencoder(seed: 1).summary(inputShape: [1, 32, 4, 4], range: CourseModels.autoencoderDecoderRange)
        #expect(decoder.map(\.index) == Array(5..<11))
        #expect(decoder.last?.outputShape == [1, 3, 32, 32])
    }

    @Test("PyTorch descriptions of the layers")
    func descriptions() {
        let cnn = CourseModels.cnn(seed: 1)
        #expect(cnn.layers[0].description == "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))")
        #expect(cnn.layers[2].description == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
        #expect(cnn.layers[6].description == "Flatten(start_dim=1, end_dim=-1)")
        #expect(cnn.layers[7].description == "Linear(in_features=400, out_features=256, bias=True)")
        let ae = CourseModels.autoencoder(seed: 1)
        #expect(ae.layers[0].description == "Conv2d(3, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))")
        #expect(ae.layers[5].description == "ConvTranspose2d(32, 16, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))")
        #expect(ae.layers[10].description == "Sigmoid()")
        var rng = SeededRandom(seed: 1)
        #expect(ConvTranspose2d(2, 3, kernelSize: Size2D(2, 3), stride: 2, padding: 1, outputPadding: 1, dilation: 2,
                                bias: false, rng: &rng).description
                == "ConvTranspose2d(2, 3, kernel_size=(2, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), bias=False)")
        #expect(MaxPool2d(kernelSize: Size2D(2, 3), ceilMode: true).description
                == "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=True)")
    }

    @Test("encoder then decoder equals the whole autoencoder")
    func subRanges() {
        let model = CourseModels.autoencoder(seed: 3)
        var rng = SeededRandom(seed: 9)
        let images = Tensor(shape: [2, 3, 32, 32], scalars: (0..<(2 * 3 * 32 * 32)).map { _ in rng.nextUniform() })
        let whole = model.forward(images).copy()
        let code = model.forward(images, range: CourseModels.autoencoderEncoderRange).copy()
        #expect(code.shape == [2, 32, 4, 4])
        let decoded = model.forward(code, range: CourseModels.autoencoderDecoderRange)
        #expect(decoded == whole)
        #expect(whole.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    }

    @Test("backward over the decoder range gives the gradient with respect to the code")
    func decoderBackward() {
        let model = CourseModels.autoencoder(seed: 8)
        var rng = SeededRandom(seed: 3)
        let code = Tensor(shape: [2, 32, 4, 4], scalars: (0..<(2 * 512)).map { _ in rng.nextGaussian() })
        let range = CourseModels.autoencoderDecoderRange
        let upstream = Tensor(shape: [2, 3, 32, 32], scalars: (0..<(2 * 3072)).map { _ in rng.nextGaussian() })
        func objective() -> Double {
            zip(model.forward(code, range: range).scalars, upstream.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = model.forward(code, range: range)
        let gradient = model.backward(upstream, range: range).copy()
        #expect(gradient.shape == [2, 32, 4, 4])
        let h: Float = 1e-2
        for index in stride(from: 0, to: code.count, by: 97) {
            let saved = code.scalars[index]
            code.scalars[index] = saved + h; let plus = objective()
            code.scalars[index] = saved - h; let minus = objective()
            code.scalars[index] = saved
            let numeric = (plus - minus) / Double(2 * h)
            #expect(abs(Double(gradient.scalars[index]) - numeric) <= 2e-3 + 2e-2 * abs(numeric),
                    "code[\(index)]: backward \(gradient.scalars[index]), finite difference \(numeric)")
        }
    }

    @Test("PyTorch's default initialisation bounds: 1/sqrt(fan_in), ConvTranspose2d fan_in from weight dim 1")
    func initialisationBounds() {
        let ae = CourseModels.autoencoder(seed: 5)
        for (name, parameter) in ae.namedParameters() {
            let layer = ae.layers[Int(name.split(separator: ".")[0])!]
            let fanIn: Int
            if let conv = layer as? Conv2d {
                fanIn = conv.inChannels * conv.kernelSize.area
            } else if let convT = layer as? ConvTranspose2d {
                fanIn = convT.outChannels * convT.kernelSize.area
            } else {
                Issue.record("unexpected layer \(layer)")
                continue
            }
            let bound = 1 / Float(fanIn).squareRoot()
            let values = parameter.value.scalars
            #expect(values.allSatisfy { abs($0) <= bound }, "\(name) exceeds ±\(bound)")
            // Uniform samples fill most of the interval (checked where there are enough of them).
            #expect(values.count < 100 || values.map(abs).max()! > 0.9 * bound, "\(name) does not reach near ±\(bound)")
        }
    }

    @Test("skipping the input gradient leaves every parameter gradient unchanged", arguments: ["cnn", "autoencoder"])
    func skipInputGradient(kind: String) {
        let model = kind == "cnn" ? CourseModels.cnn(seed: 4) : CourseModels.autoencoder(seed: 4)
        var rng = SeededRandom(seed: 5)
        let images = Tensor(shape: [3, 3, 32, 32], scalars: (0..<(3 * 3072)).map { _ in rng.nextGaussian() })
        let outputShape = model.forward(images).shape
        let upstream = Tensor(shape: outputShape, scalars: (0..<outputShape.reduce(1, *)).map { _ in rng.nextGaussian() })
        model.zeroGradients()
        let full = model.backward(upstream)
        #expect(full.shape == [3, 3, 32, 32])
        let expected = model.parameters.map { $0.gradient.copy() }
        model.zeroGradients()
        _ = model.forward(images)
        let skipped = model.backward(upstream, range: model.layers.indices, needsInputGradient: false)
        #expect(skipped.count == 0)
        for (parameter, want) in zip(model.parameters, expected) {
            #expect(parameter.gradient == want)
        }
    }

    /// A few SGD steps of the course CNN on a fixed synthetic batch; returns the losses.
    static func trainCNN(seed: UInt64, steps: Int, learningRate: Float = 0.05) -> [Float] {
        let model = CourseModels.cnn(seed: seed)
        var rng = SeededRandom(seed: seed &+ 100)
        let batch = 16
        let images = Tensor(shape: [batch, 3, 32, 32], scalars: (0..<(batch * 3 * 32 * 32)).map { _ in rng.nextGaussian() })
        let labels = (0..<batch).map { $0 % 10 }
        let loss = CrossEntropyLoss()
        let optimizer = SGD(parameters: model.parameters, learningRate: learningRate, momentum: 0.9)
        var losses: [Float] = []
        for _ in 0..<steps {
            optimizer.zeroGradients()
            let logits = model.forward(images)
            let (value, gradient) = loss(logits, labels: labels)
            _ = model.backward(gradient)
            optimizer.step()
            losses.append(value)
        }
        return losses
    }

    @Test("training the CNN on a small synthetic batch lowers the loss")
    func trainingLowersLoss() {
        let losses = Self.trainCNN(seed: 7, steps: 20)
        #expect(losses.allSatisfy { $0.isFinite })
        #expect(abs(losses[0] - logf(10)) < 0.3, "initial loss \(losses[0]) should be near ln 10")
        #expect(losses.last! < 0.5 * losses[0], "losses \(losses)")
    }

    @Test("the same seed gives the same losses; another seed does not")
    func determinism() {
        let a = Self.trainCNN(seed: 11, steps: 4)
        let b = Self.trainCNN(seed: 11, steps: 4)
        let c = Self.trainCNN(seed: 12, steps: 4)
        #expect(a == b)
        #expect(a != c)
    }
}
