import Foundation
import Inspection
import Lessons
import NeuralNet
import Terminal

/// A lesson's ```inspect block: the pane that says what the inspector will open, the effect
/// that loads it (the train block's saved weights, its data's test images) and the start the
/// author chose (image, layer, channel, cell, view).
enum LessonInspectPane {
    /// The pane's lines: which network and weights, where it opens, the keys.
    static func render(_ block: InspectBlock, into buffer: inout Buffer, area: Rect, context: RenderContext,
                       focused: Bool, checkpoint: String?, trainStep: Int?) {
        let train = block.train
        let network = networkName(train)
        let trainedWhere = trainStep.map { " in step \($0 + 1)" } ?? ""
        var lines: [(String, Role)] = [("Look inside \(network) trained by the train block '\(train.checkpointName)'\(trainedWhere).", .normal)]
        var start = "Opens on test image \(block.image)"
        if let layer = block.layer { start += ", layer \(layer), channel \(block.channel)" }
        if let cell = block.cell { start += ", cell (\(cell.row), \(cell.column))" }
        switch block.view {
        case .network, .layer: break
        case .explain: start += ": why its value is what it is"
        case .step: start += ": the explorer stepping through it on the real numbers"
        case .saliency: start += " with its saliency map"
        case .gallery: start += ": the gallery of its confusion cell"
        case .interpolation: start += ": interpolation towards test image \(block.partner ?? block.image + 1)"
        }
        lines.append((start + ".", .normal))
        lines.append(("", .normal))
        lines.append((focused ? "Press Enter to open the inspector; q in it comes back here."
                      : "Tab here, then Enter opens the inspector; q in it comes back here.", focused ? .accent : .normal))
        if let checkpoint { lines.append(("Weights: \(checkpoint) (saved when that training stops)", .dim)) }
        var y = area.y
        for (line, role) in lines {
            for wrapped in WrappedText(line, markup: false).plainLines(width: area.width) {
                guard y < area.maxY else { return }
                buffer.write(wrapped, x: area.x, y: y, role: role, context: context, clip: area)
                y += 1
            }
        }
    }

    /// "the course CNN", "the course autoencoder" or "your network (N layers)".
    static func networkName(_ train: TrainBlock) -> String {
        switch train.model {
        case .cnn: return "the course CNN"
        case .autoencoder: return "the course autoencoder"
        case .own: return "your network (\(train.layers.count) layers)"
        }
    }

    /// Loads what `block` opens: the train block's weights at `checkpoint` and the test images
    /// of its data; the reason, in one line, when it cannot (not trained yet, does not fit).
    static func open(_ block: InspectBlock, checkpoint: String) -> Result<InspectorScreen, InspectionError> {
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            return .failure(InspectionError("not trained yet: the train block '\(block.train.checkpointName)' saves its weights "
                + "when its training stops (Enter on it opens the dashboard)"))
        }
        let network: InspectedNetwork
        switch block.train.model {
        case .cnn: network = .course(.cnn)
        case .autoencoder: network = .course(.autoencoder)
        case .own:
            do { network = .layers(NetworkText(layers: try block.train.layers.map { try LayerSpec.parse($0) })) } catch {
                return .failure(InspectionError("the train block's layers cannot be read: \(error)"))
            }
        }
        do {
            let data = LessonDataChoice.choose(block.train.dataSpec).used
            let setup = try InspectionSetup.open(network: network, checkpoint: checkpoint,
                                                 modelsDirectory: (checkpoint as NSString).deletingLastPathComponent, data: data)
            var screen = try InspectorScreen.open(setup: setup, testImage: block.image).get()
            screen.embedded = true
            screen.start(at: block)
            return .success(screen)
        } catch {
            return .failure(error)
        }
    }
}

extension InspectorScreen {
    /// Goes where a lesson's inspect block asks: its layer and channel, its cell explained (or
    /// stepped through), its saliency, gallery or interpolation.
    mutating func start(at block: InspectBlock) {
        if let layer = block.layer {
            selectLayer(layer)
            selectChannel(block.channel)
        }
        switch block.view {
        case .network: pane = .network
        case .layer: pane = .layer
        case .explain, .step:
            openExplanation()
            if let cell = block.cell {
                row = cell.row
                column = cell.column
                clampCell()
            }
            if block.view == .step { openStepper() }
        case .saliency: toggleSaliency()
        case .gallery: openGalleryForCurrentImage()
        case .interpolation:
            if let partner = block.partner, testCount > 0 { interpolationPartner = partner % testCount }
            openInterpolation()
        }
    }
}
