import Foundation
import Testing
@testable import NeuralNet

/// The one reader of layer text: positional and keyword arguments in PyTorch's order, tuples,
/// True/False, floats, files with comments, and messages naming the layer and both shapes.
@Suite("Layer text")
struct LayerTextTests {
    @Test("positional arguments follow PyTorch's order; keywords and tuples too")
    func arguments() throws {
        let conv = try LayerSpec.parse("Conv2d(3, 16, 3, 2, 1)")
        #expect(conv.kind == .conv2d && conv.count("in_channels") == 3 && conv.count("out_channels") == 16)
        #expect(conv.size("kernel_size") == Size2D(3, 3) && conv.size("stride") == Size2D(2, 2) && conv.size("padding") == Size2D(1, 1))
        let keywords = try LayerSpec.parse("nn.Conv2d(in_channels=3, out_channels=8, kernel_size=(3, 5), padding=(1, 2), bias=False)")
        #expect(keywords.size("kernel_size") == Size2D(3, 5) && keywords.size("padding") == Size2D(1, 2) && !keywords.flag("bias"))
        let bn = try LayerSpec.parse("BatchNorm2d(16, eps=1e-3, momentum=0.01, affine=False)")
        #expect(bn.number("eps") == 1e-3 && bn.number("momentum") == 0.01 && !bn.flag("affine"))
        #expect(try LayerSpec.parse("BatchNorm2d(4)").number("eps") == 1e-5)
        #expect(try LayerSpec.parse("LeakyReLU(0.2)").number("negative_slope") == 0.2)
        #expect(try LayerSpec.parse("Dropout(p=0.25)").number("p") == 0.25)
        #expect(try LayerSpec.parse("Dropout()").number("p") == 0.5)
        let pool = try LayerSpec.parse("AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)")
        #expect(pool.size("stride") == Size2D(2, 2) && pool.flag("ceil_mode") && !pool.flag("count_include_pad"))
        #expect(try LayerSpec.parse("MaxPool2d(2)").size("stride") == Size2D(2, 2), "stride None is the kernel size")
        #expect(try LayerSpec.parse("Conv2d(3, 8, 3, padding='same')").size("padding") == Size2D(1, 1))
        #expect(try LayerSpec.parse("ReLU(inplace=True)").kind == .relu)
    }

    @Test("a network: top-level commas only, a trailing comma, an nn.Sequential wrapper")
    func network() throws {
        let text = "Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(kernel_size=(2, 2)), Flatten(), Linear(4096, 10),"
        let network = try NetworkText.parse(text)
        #expect(network.layers.map(\.kind) == [.conv2d, .batchNorm2d, .relu, .maxPool2d, .flatten, .linear])
        #expect(try NetworkText.parse("nn.Sequential(\(text))") == network)
        let rows = try network.shapes(input: [3, 32, 32])
        #expect(rows.map(\.outputShape) == [[16, 32, 32], [16, 32, 32], [16, 32, 32], [16, 16, 16], [4096], [10]])
        #expect(rows.map(\.parameterCount) == [448, 32, 0, 0, 0, 40_970])
        #expect(network.parameterCount == 448 + 32 + 40_970)
    }

    @Test("the shape of every layer agrees with the layer the text builds")
    func shapesMatchLayers() throws {
        let network = try NetworkText.parse("""
            Conv2d(3, 8, 4, 2, 1), BatchNorm2d(8), LeakyReLU(0.1), AvgPool2d(3, 2, 1, ceil_mode=True),
            Dropout(0.2), ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1), Tanh(), MaxPool2d(3, 2, 1),
            Sigmoid(), Flatten(), Linear(324, 10)
            """)
        let model = network.makeSequential(seed: 3)
        let rows = try network.shapes(input: [3, 32, 32])
        let layerShapes = try model.outputShapes(for: [2, 3, 32, 32])
        #expect(rows.map { [2] + $0.outputShape } == layerShapes)
        #expect(rows.map(\.parameterCount) == model.layers.map(\.parameterCount))
        let output = model.forward(Tensor(shape: [2, 3, 32, 32], repeating: 0.5))
        #expect(output.shape == [2, 10])
    }

    @Test("the course CNN as text gives CourseModels.cnn's weights, bit for bit")
    func courseWeights() throws {
        let text = "Conv2d(3, 8, 5), ReLU(), MaxPool2d(2, 2), Conv2d(8, 16, 5), ReLU(), MaxPool2d(2, 2), Flatten(), Linear(400, 256), ReLU(), Linear(256, 10)"
        let fromText = try NetworkText.parse(text).makeSequential(seed: 7)
        let course = CourseModels.cnn(seed: 7)
        #expect(fromText.namedParameters().map(\.name) == course.namedParameters().map(\.name))
        for (a, b) in zip(fromText.parameters, course.parameters) { #expect(a.value == b.value) }
    }

    @Test("shape problems name the position, the layer as written and both shapes")
    func shapeProblems() throws {
        let network = try NetworkText.parse("""
            Conv2d(3, 32, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(32, 32, 3, padding=1), ReLU(), MaxPool2d(2),
            Dropout(0.1), Flatten(), ReLU(), Linear(2000, 10)
            """)
        #expect(throws: LayerTextError.self) { try network.shapes(input: [3, 32, 32]) }
        do { _ = try network.shapes(input: [3, 32, 32]) } catch {
            #expect(error.description == "layer 9 Linear(2000, 10) expects 2000 features, gets 2048 (32x8x8)")
            #expect(error.position == 9)
        }
        let cases: [(String, [Int], String)] = [
            ("Conv2d(3, 8, 3), Conv2d(3, 8, 3)", [3, 32, 32], "layer 1 Conv2d(3, 8, 3) expects 3 input channels, gets 8 (8x30x30)"),
            ("Conv2d(1, 8, 3)", [3, 32, 32], "layer 0 Conv2d(1, 8, 3) expects 1 input channels, gets 3 (3x32x32)"),
            ("Flatten(), Conv2d(3, 8, 3)", [3, 4, 4], "layer 1 Conv2d(3, 8, 3) expects a CxHxW image, gets 48 features"),
            ("Conv2d(3, 8, 3), BatchNorm2d(16)", [3, 8, 8], "layer 1 BatchNorm2d(16) expects 16 channels, gets 8 (8x6x6)"),
            ("Conv2d(3, 4, 9)", [3, 4, 4], "layer 0 Conv2d(3, 4, 9) cannot take 3x4x4: the kernel, spanning (9, 9) with dilation (1, 1), is larger than the padded input (4, 4)"),
            ("Conv2d(3, 4, 3), Linear(36, 2)", [3, 8, 8], "layer 1 Linear(36, 2) expects 36 features, gets 4x6x6 (144 values): add Flatten() and use Linear(144, ...)"),
        ]
        for (text, input, message) in cases {
            do {
                _ = try NetworkText.parse(text).shapes(input: input)
                Issue.record("\(text) should not fit \(input)")
            } catch { #expect(error.description == message) }
        }
    }

    @Test("a layer too large for the batch, or a weight too large, is refused naming the layer; so is a network past memory")
    func sizesForTheBatch() throws {
        let wide = try NetworkText.parse("Conv2d(3, 100000, 3, padding=1), AvgPool2d(32), Flatten(), Linear(100000, 10)")
        #expect(try wide.outputShape(input: [3, 32, 32]) == [10])  // one image fits
        do {
            _ = try wide.shapes(input: [3, 32, 32], batch: 128)
            Issue.record("128 images of 100000x32x32 should not fit one tensor")
        } catch {
            #expect(error.position == 0)
            #expect(error.description.hasPrefix("layer 0 Conv2d(3, 100000, 3, padding=1) cannot take 3x32x32: too large"))
        }
        let flat = try NetworkText.parse("Flatten(), ReLU(), Linear(3072, 16777216), Linear(16777216, 10)")
        do {
            _ = try flat.shapes(input: [3, 32, 32])
            Issue.record("a 16777216x3072 weight should be refused")
        } catch {
            #expect(error.description == "layer 2 Linear(3072, 16777216) has a 16777216x3072 weight: more than 1073741824 (cnnlab's largest tensor)")
        }
        let features = try NetworkText.parse("Flatten(), Linear(3072, 300000)")
        do {
            _ = try features.shapes(input: [3, 32, 32], batch: 4000)
            Issue.record("4000 x 300000 outputs should not fit one tensor")
        } catch {
            #expect(error.position == 1)
            #expect(error.message.hasPrefix("gives 300000 values per image, 4000x that for a batch of 4000"))
        }
        // Memory: about batch x (input + 3 x every output) floats + 4 x the parameters.
        let small = try NetworkText.parse("Conv2d(3, 8, 3, padding=1), ReLU(), Flatten(), Linear(8192, 10)")
        let perImage = 3 * 1024 + 3 * (8192 + 8192 + 8192 + 10)
        let expected = (128 * perImage + 4 * small.parameterCount) * 4
        #expect(try small.trainingMemoryEstimate(input: [3, 32, 32], batch: 128) == expected)
        try small.checkTrainingMemory(input: [3, 32, 32], batch: 128, available: expected)
        do {
            try small.checkTrainingMemory(input: [3, 32, 32], batch: 128, available: expected - 1)
            Issue.record("a network needing more than the memory available should be refused")
        } catch {
            #expect(error.position == nil)
            #expect(error.message.contains("needs at least") && error.message.contains("smaller --batch-size"))
            #expect(error.message.contains("layer 0 Conv2d(3, 8, 3, padding=1): 8x32x32 per image"))
        }
    }

    @Test("unknown layers and keywords list the known ones; bad values say why")
    func readingProblems() {
        let cases: [(String, String)] = [
            ("Conv2d(3, 8, 3), Conv3d(3, 8, 3)", "layer 1 Conv3d(3, 8, 3): unknown layer 'Conv3d'; known layers: AvgPool2d, BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Flatten, LeakyReLU, Linear, MaxPool2d, ReLU, Sigmoid, Tanh"),
            ("relu()", "layer 0 relu(): unknown layer 'relu' (did you mean ReLU?); known layers: AvgPool2d, BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Flatten, LeakyReLU, Linear, MaxPool2d, ReLU, Sigmoid, Tanh"),
            ("Conv2d(3, 8, 3, strides=2)", "layer 0 Conv2d(3, 8, 3, strides=2): Conv2d has no argument 'strides'; its arguments: in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode"),
            ("Tanh(1)", "layer 0 Tanh(1): Tanh takes at most 0 positional arguments"),
            ("Linear(10)", "layer 0 Linear(10): Linear needs 'out_features' (its arguments: in_features, out_features, bias)"),
            ("Conv2d(3, 8, 3, groups=3)", "layer 0 Conv2d(3, 8, 3, groups=3): Conv2d: groups only 1 is supported (cnnlab's convolutions have groups=1), got 3"),
            ("Dropout(1.0)", "layer 0 Dropout(1.0): Dropout: p must be at least 0 and below 1, got 1.0"),
            ("BatchNorm2d(8, eps=0)", "layer 0 BatchNorm2d(8, eps=0): BatchNorm2d: eps must be greater than 0, got 0"),
            ("Conv2d(3, 8, kernel_size=x)", "layer 0 Conv2d(3, 8, kernel_size=x): Conv2d: kernel_size=x is not a number, a pair like (3, 3), True/False or None"),
            ("Conv2d(3, 8, 3), , ReLU()", "layer 1 is empty (two commas in a row?)"),
            ("MaxPool2d(2, padding=2)", "layer 0 MaxPool2d(2, padding=2): MaxPool2d: padding (2, 2) must be at most half of kernel_size (2, 2) (as in PyTorch)"),
            ("ReLU", "layer 0 ReLU: 'ReLU' is not a layer: write it like Conv2d(3, 8, 5) or ReLU()"),
            ("", "no layers: write them like \"Conv2d(3, 8, 5), ReLU(), Flatten(), Linear(4704, 10)\""),
        ]
        for (text, message) in cases {
            do {
                _ = try NetworkText.parse(text)
                Issue.record("\(text) should be refused")
            } catch { #expect(error.description == message) }
        }
    }

    @Test("a file: one layer a line, # comments, trailing commas; errors give file and line")
    func file() throws {
        let contents = """
            # a small CNN
            Conv2d(3, 8, 3, padding=1),   # keeps 32x32
            BatchNorm2d(8)

            ReLU(),
            AvgPool2d(2)
            Flatten()
            Linear(2048, 10)
            """
        let network = try NetworkText.parseFile(contents: contents, path: "net.txt")
        #expect(network.layers.count == 6 && network.lines == [2, 3, 5, 6, 7, 8])
        #expect(try network.outputShape(input: [3, 32, 32]) == [10])
        #expect(network.description == "Conv2d(3, 8, 3, padding=1), BatchNorm2d(8), ReLU(), AvgPool2d(2), Flatten(), Linear(2048, 10)")
        do { _ = try network.shapes(input: [1, 28, 28]); Issue.record("1x28x28 should not fit") } catch {
            #expect(error.description == "net.txt:2: layer 0 Conv2d(3, 8, 3, padding=1) expects 3 input channels, gets 1 (1x28x28)")
        }
        do { _ = try NetworkText.parseFile(contents: "ReLU()\nSoftmax()", path: "bad.txt"); Issue.record("Softmax") } catch {
            #expect(error.description.hasPrefix("bad.txt:2: layer 1 Softmax(): unknown layer 'Softmax'"))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cnnlab-layers-\(UInt64.random(in: 0...UInt64.max)).txt")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try NetworkText.read(argument: "@" + url.path).layers == network.layers)
        #expect(throws: LayerTextError.self) { try NetworkText.read(argument: "@/nonexistent/layers.txt") }
    }

    @Test("state_dict names include BatchNorm's buffers; eval mode reaches every layer")
    func buffersAndModes() throws {
        let model = try NetworkText.parse("Conv2d(1, 2, 3), BatchNorm2d(2), Dropout(0.5), Flatten(), Linear(8, 3)").makeSequential(seed: 1)
        #expect(model.namedParameters().map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"])
        #expect(model.namedBuffers().map(\.name) == ["1.running_mean", "1.running_var", "1.num_batches_tracked"])
        let x = Tensor(shape: [2, 1, 4, 4], scalars: (0..<32).map { Float($0) / 10 })
        _ = model.forward(x)
        let bn = try #require(model.layers[1] as? BatchNorm2d)
        #expect(bn.numBatchesTracked.integer == 1)
        model.setMode(.evaluation)
        let a = model.forward(x).copy(), b = model.forward(x).copy()
        #expect(a == b, "eval mode: no dropout, running statistics")
        #expect(bn.numBatchesTracked.integer == 1, "eval mode leaves the statistics alone")
    }
}
