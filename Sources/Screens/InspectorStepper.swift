import Inspection
import Kernels
import NeuralNet
import Stepper
import Terminal

/// "Why this value", step by step: the explorer (the same one `cnnlab explore` and the lessons
/// use) opened on the real numbers of the explained cell: the previous layer's output as its
/// input, the layer's own kernel for that output channel, its bias and settings, positioned at
/// the cell. Conv2d, ConvTranspose2d (the direct view) and MaxPool2d; the explorer's value there
/// is the reference op's, the same as the map's.
extension InspectorScreen {
    /// The explorer on the cell under the cursor, or a sentence saying why it cannot open.
    func stepperForCell() -> Result<(ExplorerModel, StepperCrop?), StepperRefusal> {
        let module = network.layers[layer]
        let (shape, values) = run.input(of: layer)
        guard shape.count == 3, selectedOutput.isMap else { return .failure(StepperRefusal(Self.stepperCoverage)) }
        let batchShape = [1] + shape
        var input = Tensor4(batch: 1, channels: shape[0], height: shape[1], width: shape[2])
        input.values = values
        let setup: ExploreSetup
        var crop: StepperCrop?
        if let conv = module as? Conv2d, let g = try? conv.geometry(for: batchShape) {
            // Only this output channel's filter: the explorer's output is then this channel's map,
            // or the outputs around the cell, with just the input they read (padding as zeros).
            var weight = Tensor4(batch: 1, channels: g.inChannels, height: g.kernel.height, width: g.kernel.width)
            let size = weight.values.count
            weight.values = Array(conv.weight.value.scalars[(channel * size)..<((channel + 1) * size)])
            let made = StepperCrop(around: (row, column), output: (g.output.height, g.output.width), input: (shape[1], shape[2]),
                                   kernel: (g.kernel.height, g.kernel.width), stride: (g.stride.height, g.stride.width),
                                   padding: (g.padding.height, g.padding.width), dilation: (g.dilation.height, g.dilation.width))
            crop = made
            setup = ExploreSetup(operation: .conv, input: made.cut(values, channels: shape[0]), weight: weight,
                                 bias: conv.bias.map { [$0.value.scalars[channel]] },
                                 conv: ConvSettings(stride: Self.pair(g.stride), padding: Pair(0), dilation: Self.pair(g.dilation)))
        } else if let conv = module as? ConvTranspose2d, let g = try? conv.geometry(for: batchShape) {
            // The weight is C_in x C_out x kH x kW: take [:, channel] for every input channel.
            var weight = Tensor4(batch: g.inChannels, channels: 1, height: g.kernel.height, width: g.kernel.width)
            let plane = g.kernel.height * g.kernel.width
            let scalars = conv.weight.value.scalars
            var sliced: [Float] = []
            for ci in 0..<g.inChannels {
                let start: Int = (ci * g.outChannels + channel) * plane
                sliced += scalars[start..<(start + plane)]
            }
            weight.values = sliced
            setup = ExploreSetup(operation: .convT, input: input, weight: weight, bias: conv.bias.map { [$0.value.scalars[channel]] },
                                 conv: ConvSettings(stride: Self.pair(g.stride), padding: Self.pair(g.padding),
                                                    dilation: Self.pair(g.dilation), outputPadding: Self.pair(g.outputPadding)))
        } else if let pool = module as? MaxPool2d, let g = try? pool.geometry(for: batchShape) {
            // Pooling works on each channel alone: only this channel's plane.
            var plane = Tensor4(batch: 1, channels: 1, height: shape[1], width: shape[2])
            let area = shape[1] * shape[2]
            plane.values = Array(values[(channel * area)..<((channel + 1) * area)])
            var settings = PoolSettings(kernel: Self.pair(g.kernel), stride: Self.pair(g.stride), padding: Self.pair(g.padding),
                                        dilation: Self.pair(g.dilation), ceilMode: g.ceilMode)
            // Max pooling pads with -inf and ceil mode adds partial windows: those keep the whole plane.
            if g.padding == Size2D(0, 0) && !g.ceilMode {
                let made = StepperCrop(around: (row, column), output: (g.output.height, g.output.width), input: (shape[1], shape[2]),
                                       kernel: (g.kernel.height, g.kernel.width), stride: (g.stride.height, g.stride.width),
                                       padding: (0, 0), dilation: (g.dilation.height, g.dilation.width))
                crop = made
                plane = made.cut(plane.values, channels: 1)
                settings.padding = Pair(0)
            }
            setup = ExploreSetup(operation: .pool, input: plane, pool: settings)
        } else {
            return .failure(StepperRefusal(Self.stepperCoverage))
        }
        var model: ExplorerModel
        do { model = try ExplorerModel(setup: setup) } catch {
            return .failure(StepperRefusal("the step-through explorer cannot hold this layer (\(error.message)); "
                + "the explanation shows every term"))
        }
        model.asciiNotation = asciiNotation
        if setup.operation == .convT { model.show(.direct) }
        if let crop {
            model.go(to: (row - crop.outputRows.lowerBound) * crop.outputColumns.count + (column - crop.outputColumns.lowerBound))
        } else {
            model.go(to: row * selectedOutput.width + column)
        }
        return .success((model, crop))
    }

    static let stepperCoverage = "step-through is for Conv2d, ConvTranspose2d and MaxPool2d; this explanation is the whole computation"

    static func pair(_ size: Size2D) -> Pair { Pair(height: size.height, width: size.width) }

    /// Enter in the explanation: the explorer on this cell, or the reason in the status line.
    mutating func openStepper() {
        switch stepperForCell() {
        case .success(let (model, crop)):
            stepper = model
            stepperCrop = crop
            stepperOriginal = model.setup
            pane = .stepper
        case .failure(let refusal):
            message = refusal.message
        }
    }

    /// Keys go to the explorer; its q (or Esc) comes back to the explanation.
    mutating func handleStepperKey(_ key: Key) {
        guard var model = stepper else { pane = .explain; return }
        // Esc leaves too, unless it cancels an edit of the explorer's matrices.
        if (key == .escape && model.editor == nil) || model.update(.key(key)).quits {
            stepper = nil
            stepperCrop = nil
            stepperOriginal = nil
            pane = .explain
            return
        }
        stepper = model
    }
}

/// Why the step-through explorer does not open on a cell.
struct StepperRefusal: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The part of a map the step-through explorer shows: the outputs around the cell (up to one
/// either side) and exactly the input they read, positions outside the input filled with the
/// padding's zeros. The explorer's values there are the whole map's: the same windows, the same
/// weights. Small enough to read at 80x24 (a 5x5 kernel reads 7x7 per channel), where a whole
/// 32x32 input would not fit.
struct StepperCrop: Equatable {
    /// The outputs shown, in the map's coordinates.
    let outputRows: Range<Int>
    let outputColumns: Range<Int>
    /// The first input row and column read (negative inside the top/left padding) and the extent.
    let inputRow: Int
    let inputColumn: Int
    let inputHeight: Int
    let inputWidth: Int
    /// The real input's size, to tell padding from values.
    let sourceHeight: Int
    let sourceWidth: Int

    init(around cell: (row: Int, column: Int), output: (Int, Int), input: (Int, Int), kernel: (Int, Int),
         stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) {
        outputRows = max(0, cell.row - 1)..<min(output.0, cell.row + 2)
        outputColumns = max(0, cell.column - 1)..<min(output.1, cell.column + 2)
        inputRow = outputRows.lowerBound * stride.0 - padding.0
        inputColumn = outputColumns.lowerBound * stride.1 - padding.1
        inputHeight = (outputRows.count - 1) * stride.0 + (kernel.0 - 1) * dilation.0 + 1
        inputWidth = (outputColumns.count - 1) * stride.1 + (kernel.1 - 1) * dilation.1 + 1
        (sourceHeight, sourceWidth) = input
    }

    /// Whether the crop reaches into the padding.
    var includesPadding: Bool {
        inputRow < 0 || inputColumn < 0 || inputRow + inputHeight > sourceHeight || inputColumn + inputWidth > sourceWidth
    }

    /// The cropped input (1 x channels x height x width) of `values` (channels x H x W).
    func cut(_ values: [Float], channels: Int) -> Tensor4 {
        var result = Tensor4(batch: 1, channels: channels, height: inputHeight, width: inputWidth)
        for c in 0..<channels {
            for y in 0..<inputHeight {
                let sourceRow = inputRow + y
                guard sourceRow >= 0 && sourceRow < sourceHeight else { continue }
                for x in 0..<inputWidth {
                    let sourceColumn = inputColumn + x
                    guard sourceColumn >= 0 && sourceColumn < sourceWidth else { continue }
                    result.values[(c * inputHeight + y) * inputWidth + x] = values[(c * sourceHeight + sourceRow) * sourceWidth + sourceColumn]
                }
            }
        }
        return result
    }
}
