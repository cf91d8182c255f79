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
    func stepperForCell() -> Result<ExplorerModel, StepperRefusal> {
        let module = network.layers[layer]
        let (shape, values) = run.input(of: layer)
        guard shape.count == 3, selectedOutput.isMap else { return .failure(StepperRefusal(Self.stepperCoverage)) }
        let batchShape = [1] + shape
        var input = Tensor4(batch: 1, channels: shape[0], height: shape[1], width: shape[2])
        input.values = values
        let setup: ExploreSetup
        if let conv = module as? Conv2d, let g = try? conv.geometry(for: batchShape) {
            // Only this output channel's filter: the explorer's output is then this channel's map.
            var weight = Tensor4(batch: 1, channels: g.inChannels, height: g.kernel.height, width: g.kernel.width)
            let size = weight.values.count
            weight.values = Array(conv.weight.value.scalars[(channel * size)..<((channel + 1) * size)])
            setup = ExploreSetup(operation: .conv, input: input, weight: weight, bias: conv.bias.map { [$0.value.scalars[channel]] },
                                 conv: ConvSettings(stride: Self.pair(g.stride), padding: Self.pair(g.padding), dilation: Self.pair(g.dilation)))
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
            setup = ExploreSetup(operation: .pool, input: plane,
                                 pool: PoolSettings(kernel: Self.pair(g.kernel), stride: Self.pair(g.stride), padding: Self.pair(g.padding),
                                                    dilation: Self.pair(g.dilation), ceilMode: g.ceilMode))
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
        model.go(to: row * selectedOutput.width + column)
        return .success(model)
    }

    static let stepperCoverage = "step-through is for Conv2d, ConvTranspose2d and MaxPool2d; this explanation is the whole computation"

    static func pair(_ size: Size2D) -> Pair { Pair(height: size.height, width: size.width) }

    /// Enter in the explanation: the explorer on this cell, or the reason in the status line.
    mutating func openStepper() {
        switch stepperForCell() {
        case .success(let model):
            stepper = model
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
