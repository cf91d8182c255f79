import NeuralNet

/// An ```inspect block: the inspector opened over the lesson on the network a train block of
/// the lesson trained (its saved weights, its data's test images), at a chosen image, layer,
/// channel and cell, in a chosen view. q in the inspector comes back to the lesson.
public struct InspectBlock: Equatable, Sendable {
    /// What the inspector shows first.
    public enum View: String, Equatable, Sendable, CaseIterable {
        /// The list of layers and the class probabilities (the autoencoder's pictures).
        case network
        /// The chosen layer's channels.
        case layer
        /// Why the value at `cell` is what it is.
        case explain
        /// The step-through explorer on that cell's real numbers.
        case step
        /// The saliency map over the image (classifiers).
        case saliency
        /// The test images of the image's confusion cell (classifiers).
        case gallery
        /// Decoded mixtures of two images' codes (autoencoders).
        case interpolation
    }

    /// The train block whose weights are opened (resolved from `train:`, or the nearest above).
    public var train: TrainBlock
    /// The test image (record index of the train block's data's test set).
    public var image: Int
    /// The module to select (its index in the network), if given.
    public var layer: Int?
    public var channel: Int
    /// The cell (row, column) explained, if given; the middle of the map otherwise.
    public var cell: (row: Int, column: Int)?
    public var view: View
    /// Interpolation's second image (default: `image + 1`).
    public var partner: Int?
    public var line: Int
    public var keyLines: [String: Int] = [:]

    public static func == (a: InspectBlock, b: InspectBlock) -> Bool {
        a.train == b.train && a.image == b.image && a.layer == b.layer && a.channel == b.channel
            && a.cell?.row == b.cell?.row && a.cell?.column == b.cell?.column && a.view == b.view
            && a.partner == b.partner && a.line == b.line && a.keyLines == b.keyLines
    }

    static let keys = ["train", "image", "layer", "channel", "cell", "view", "partner"]

    /// Reads an inspect block; `trainBlocks` are the lesson's train blocks above it, in order.
    /// Every problem names its line: a train block that does not exist, a layer, channel or cell
    /// outside the network (checked on the data's image shape when it is known), a view the
    /// network cannot show.
    static func read(_ fields: inout BlockFields, trainBlocks: [TrainBlock]) -> InspectBlock? {
        fields.rejectUnknownKeys(allowed: keys)
        let before = fields.problems.count
        let train: TrainBlock
        if let name = fields.string("train")?.trimmingSpaces {
            guard let found = trainBlocks.last(where: { $0.checkpointName == name }) else {
                let names = trainBlocks.map(\.checkpointName)
                fields.problem("train", "no train block '\(name)' above this inspect block"
                    + (names.isEmpty ? "; add a ```train block before it" : " (above: \(names.joined(separator: ", ")))"))
                return nil
            }
            train = found
        } else {
            guard let last = trainBlocks.last else {
                fields.problems.append(LessonProblem(line: fields.fenceLine, message: "an inspect block opens the weights a "
                    + "train block saved: put a ```train block above it (or name one with 'train: ID')"))
                return nil
            }
            train = last
        }
        var block = InspectBlock(train: train, image: 0, layer: nil, channel: 0, cell: nil, view: .network, partner: nil,
                                 line: fields.fenceLine, keyLines: fields.keyLines)
        if let image = fields.integer("image") {
            block.image = image
            if image < 0 { fields.problem("image", "image is a test-set index: 0 or more (got \(image))") }
        }
        if let text = fields.string("view")?.trimmingSpaces {
            if let view = View(rawValue: text) { block.view = view } else {
                fields.problem("view", "unknown view '\(text)' (expected \(View.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if let partner = fields.integer("partner") {
            block.partner = partner
            if partner < 0 { fields.problem("partner", "partner is a test-set index: 0 or more (got \(partner))") }
            if block.view != .interpolation { fields.problem("partner", "'partner' is the second image of 'view: interpolation'") }
        }
        block.layer = fields.integer("layer")
        block.channel = fields.integer("channel") ?? 0
        if fields.has("cell") {
            if let (row, column) = fields.pair("cell") { block.cell = (row, column) }
            if !fields.has("layer") { fields.problem("cell", "'cell' is a position in a layer's output: give 'layer' too") }
        }
        if fields.has("channel") && !fields.has("layer") { fields.problem("channel", "'channel' belongs to a layer: give 'layer' too") }
        if (block.view == .explain || block.view == .step || block.view == .layer) && !fields.has("layer") {
            fields.problems.append(LessonProblem(line: fields.line(of: "view"), message: "'view: \(block.view.rawValue)' needs a 'layer' to open"))
        }
        checkAgainstNetwork(block, fields: &fields)
        return fields.problems.count == before ? block : nil
    }

    /// The network's layer texts and image shape, when known without the data on disk.
    static func network(of train: TrainBlock) -> (layers: [String], input: [Int]?) {
        switch train.model {
        case .cnn, .autoencoder:
            let course = ModelBlock.courseModels[train.model.rawValue]
            return (course?.layers ?? [], TrainBlock.imageShape(data: train.data) ?? course?.input)
        case .own:
            return (train.layers, TrainBlock.imageShape(data: train.data))
        }
    }

    /// Layer, channel and cell inside the network's outputs; the view one it has.
    static func checkAgainstNetwork(_ block: InspectBlock, fields: inout BlockFields) {
        let (layers, input) = network(of: block.train)
        let what = block.train.model == .own ? "the network of train block '\(block.train.checkpointName)'" : "the course \(block.train.model.rawValue)"
        if let layer = block.layer, !(0..<layers.count).contains(layer) {
            fields.problem("layer", "layer must be a module index from 0 to \(layers.count - 1) of \(what) (got \(layer))")
            return
        }
        if block.channel < 0 { fields.problem("channel", "channel must be 0 or more (got \(block.channel))") }
        guard let input, let specs = try? layers.map({ try LayerSpec.parse($0) }),
              let rows = try? NetworkText(layers: specs).shapes(input: input) else { return }
        let output = rows.last?.outputShape ?? []
        switch block.view {
        case .interpolation where output != input:
            fields.problem("view", "'view: interpolation' needs an autoencoder (an output of the input's shape); \(what) outputs \(LayerSpec.shapeText(output))")
        case .saliency where output.count != 1, .gallery where output.count != 1:
            fields.problem("view", "'view: \(block.view.rawValue)' needs a classifier (one score per class); \(what) outputs \(LayerSpec.shapeText(output))")
        case .network, .layer, .explain, .step, .interpolation, .saliency, .gallery:
            break
        }
        guard let layer = block.layer else { return }
        let shape = rows[layer].outputShape
        let channels = shape.count == 3 ? shape[0] : shape.reduce(1, *)
        if block.channel >= channels {
            fields.problem("channel", "layer \(layer) (\(layers[layer])) has \(channels) \(shape.count == 3 ? "channels" : "outputs"): "
                + "channel must be 0 to \(channels - 1) (got \(block.channel))")
        }
        if let cell = block.cell {
            guard shape.count == 3 else {
                fields.problem("cell", "layer \(layer) (\(layers[layer])) outputs a flat \(LayerSpec.shapeText(shape)): it has no cells; use 'channel' for the value")
                return
            }
            if !(0..<shape[1]).contains(cell.row) || !(0..<shape[2]).contains(cell.column) {
                fields.problem("cell", "layer \(layer) (\(layers[layer])) outputs \(shape[1])x\(shape[2]) maps: cell must be [row, column] "
                    + "with row 0 to \(shape[1] - 1) and column 0 to \(shape[2] - 1) (got [\(cell.row), \(cell.column)])")
            }
        }
    }
}
