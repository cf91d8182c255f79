import NeuralNet

/// Which value to explain: module `layer`'s output at (channel, row, column); for a flat output,
/// `channel` is the feature and row and column are 0.
public struct CellAddress: Sendable, Hashable {
    public var layer: Int
    public var channel: Int
    public var row: Int
    public var column: Int

    public init(layer: Int, channel: Int, row: Int = 0, column: Int = 0) {
        self.layer = layer
        self.channel = channel
        self.row = row
        self.column = column
    }
}

/// An element-wise function applied to one value.
public enum ActivationFunction: String, Sendable, Equatable {
    case relu = "ReLU"
    case sigmoid = "Sigmoid"
    case tanh = "Tanh"
    case leakyReLU = "LeakyReLU"
    /// Dropout in eval mode passes every value unchanged.
    case identity = "Dropout (eval: unchanged)"
}

/// A fully connected output as its largest terms: the dot product sorted by |product|.
public struct LinearExplanation: Sendable, Equatable {
    /// The `shown` largest terms by size: (input index, input value, weight, product).
    public let top: [(index: Int, input: Float, weight: Float, product: Float)]
    /// The sum of every other product, and how many there are.
    public let rest: Float
    public let restCount: Int
    public let bias: Float?
    /// The dot product plus the bias (the reference op's sum).
    public let value: Float

    public static func == (a: LinearExplanation, b: LinearExplanation) -> Bool {
        a.top.map(\.index) == b.top.map(\.index) && a.rest == b.rest && a.bias == b.bias && a.value == b.value
    }
}

/// Why one value of one module's output is what it is, on the real numbers.
public enum Explanation: Sendable, Equatable {
    /// A Conv2d cell: the previous output's window in every input channel, the weights, the
    /// products, per-channel sums, bias and result.
    case convolution(ConvCell, kernel: Size2D)
    /// A ConvTranspose2d cell: the input values whose scatter lands here.
    case transposedConvolution(ConvCell, kernel: Size2D)
    /// An element-wise function of the value at the same position before it.
    case activation(ActivationFunction, input: Float, output: Float, parameter: Float?)
    /// A max pooling window and its winner.
    case maxPool(MaxPoolCell, kernel: Size2D)
    /// An average pooling window, its sum and divisor.
    case averagePool(AvgPoolCell, kernel: Size2D)
    /// Batch normalisation with the channel's running statistics (eval mode).
    case batchNorm(BatchNormCell)
    /// A fully connected output's largest contributions.
    case linear(LinearExplanation)
    /// Flatten copies the value at (channel, row, column) of its input to this position.
    case flatten(channel: Int, row: Int, column: Int, value: Float)
    /// A module the inspector cannot write out yet.
    case unexplained(layer: String)
}

/// The explanation of one value, with the value shown on the map to check it against.
public struct ValueExplanation: Sendable, Equatable {
    public let address: CellAddress
    /// PyTorch's description of the module.
    public let layer: String
    /// The value in the module's output, as the forward pass computed it.
    public let shown: Float
    public let explanation: Explanation
}

extension NetworkInspector {
    /// Explains the value at `address` of `run` with Kernels' per-cell arithmetic (`conv2dCell`,
    /// `convTranspose2dCell`, `maxPool2dCell`, `avgPool2dCell`, `batchNorm2dEvalCell`,
    /// `linearCell`, the activation kernels); `topTerms` limits a Linear output's listed terms.
    public func explain(_ run: NetworkActivations, at address: CellAddress, topTerms: Int = 8) -> ValueExplanation {
        let output = run.layers[address.layer]
        let shown = output.value(channel: address.channel, row: address.row, column: address.column)
        let (inputShape, input) = run.input(of: address.layer)
        let layer = network.layers[address.layer]
        let explanation = Self.explain(layer: layer, input: input, inputShape: inputShape, output: output,
                                       address: address, topTerms: topTerms)
        return ValueExplanation(address: address, layer: output.layer, shown: shown, explanation: explanation)
    }

    private static func explain(layer: any Layer, input: [Float], inputShape: [Int], output: LayerActivation,
                                address a: CellAddress, topTerms: Int) -> Explanation {
        let batchShape = [1] + inputShape
        if let conv = layer as? Conv2d, let g = try? conv.geometry(for: batchShape) {
            let cell = withOperands(input, conv.weight, conv.bias) { x, w, b in
                conv2dCell(g, input: x, weight: w, bias: b, sample: 0, outChannel: a.channel, row: a.row, column: a.column)
            }
            return .convolution(cell, kernel: conv.kernelSize)
        }
        if let conv = layer as? ConvTranspose2d, let g = try? conv.geometry(for: batchShape) {
            let cell = withOperands(input, conv.weight, conv.bias) { x, w, b in
                convTranspose2dCell(g, input: x, weight: w, bias: b, sample: 0, outChannel: a.channel, row: a.row, column: a.column)
            }
            return .transposedConvolution(cell, kernel: conv.kernelSize)
        }
        if let pool = layer as? MaxPool2d, let g = try? pool.geometry(for: batchShape) {
            let cell = input.withUnsafeBufferPointer { x in
                maxPool2dCell(g, input: x.baseAddress!, plane: a.channel, row: a.row, column: a.column)
            }
            return .maxPool(cell, kernel: pool.kernelSize)
        }
        if let pool = layer as? AvgPool2d, let g = try? pool.geometry(for: batchShape) {
            let cell = input.withUnsafeBufferPointer { x in
                avgPool2dCell(g, input: x.baseAddress!, plane: a.channel, row: a.row, column: a.column)
            }
            return .averagePool(cell, kernel: pool.kernelSize)
        }
        if let linear = layer as? Linear, let g = try? linear.geometry(for: batchShape) {
            let cell = withOperands(input, linear.weight, linear.bias) { x, w, b in
                linearCell(g, input: x, weight: w, bias: b, sample: 0, output: a.channel)
            }
            return .linear(largestTerms(cell, count: topTerms))
        }
        if layer is Flatten {
            let plane = inputShape.count == 3 ? inputShape[1] * inputShape[2] : 1
            let width = inputShape.count == 3 ? inputShape[2] : 1
            let flat = a.channel
            return .flatten(channel: flat / plane, row: (flat % plane) / width, column: flat % width, value: input[flat])
        }
        // Element-wise: the same position of the input.
        let position = output.isMap ? (a.channel * output.height + a.row) * output.width + a.column : a.channel
        let x = input[position]
        if layer is ReLU { return .activation(.relu, input: x, output: applied(x, reluForward), parameter: nil) }
        if layer is Sigmoid { return .activation(.sigmoid, input: x, output: applied(x, sigmoidForward), parameter: nil) }
        if layer is Tanh { return .activation(.tanh, input: x, output: applied(x, tanhForward), parameter: nil) }
        if let leaky = layer as? LeakyReLU {
            let y = applied(x) { leakyReLUForward(input: $0, output: $1, count: $2, slope: leaky.negativeSlope) }
            return .activation(.leakyReLU, input: x, output: y, parameter: leaky.negativeSlope)
        }
        if layer is Dropout { return .activation(.identity, input: x, output: x, parameter: nil) }
        if let norm = layer as? BatchNorm2d {
            let c = a.channel
            return .batchNorm(batchNorm2dEvalCell(input: x, runningMean: norm.runningMean.value.scalars[c],
                                                  runningVar: norm.runningVar.value.scalars[c], eps: norm.eps,
                                                  weight: norm.weight?.value.scalars[c], bias: norm.bias?.value.scalars[c]))
        }
        return .unexplained(layer: layer.description)
    }

    /// Runs an element-wise kernel on one value (the same code as the layer's forward pass).
    static func applied(_ x: Float, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Float {
        var input = x, output: Float = 0
        kernel(&input, &output, 1)
        return output
    }

    /// The `count` largest products by size, the rest summed.
    static func largestTerms(_ cell: LinearCell, count: Int) -> LinearExplanation {
        let order = cell.inputs.indices.sorted { abs(cell.product($0)) > abs(cell.product($1)) }
        let top = order.prefix(count).map { (index: $0, input: cell.inputs[$0], weight: cell.weights[$0], product: cell.product($0)) }
        var rest = 0.0
        for i in order.dropFirst(count) { rest += Double(cell.inputs[i]) * Double(cell.weights[i]) }
        return LinearExplanation(top: top, rest: Float(rest), restCount: max(0, order.count - count), bias: cell.bias, value: cell.value)
    }
}

/// `body(input, weight, bias)` with pointers to a layer's input values and parameters (bias nil
/// when the layer has none): the operands of the Kernels cell functions.
private func withOperands<R>(_ input: [Float], _ weight: Parameter, _ bias: Parameter?,
                             _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>?) -> R) -> R {
    input.withUnsafeBufferPointer { x in
        weight.value.scalars.withUnsafeBufferPointer { w in
            guard let bias else { return body(x.baseAddress!, w.baseAddress!, nil) }
            return bias.value.scalars.withUnsafeBufferPointer { b in body(x.baseAddress!, w.baseAddress!, b.baseAddress!) }
        }
    }
}
