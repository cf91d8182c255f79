import ArgumentParser
import Datasets
import Foundation
import Inspection
import Lessons
import NeuralNet
import Screens
import Terminal
import Training

/// `cnnlab inspect`: every layer's output for one image of a trained network, and why each
/// value is what it is.
///
///     cnnlab inspect --model cnn --image 3 --json
///     cnnlab inspect --model autoencoder --load ae.safetensors
///     cnnlab inspect --image photo.png --print --width 120 --height 40
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Look inside a trained network: every layer's output for one image.",
        discussion: """
            The weights come from --load FILE, or by default from the last ones saved by the home
            screen's Train or the lessons ($XDG_STATE_HOME/cnnlab/models/<model>.safetensors; for
            --layers, the newest checkpoint there).
            --image K picks record K of the test set (file order); --image photo.png inspects a
            picture of your own (PNG, JPEG or BMP), resized to the network's input.

            --json prints one object: {"image", "label", "predicted", "probabilities", "layers":
            [{"index", "layer", "shape", "values"}, ...]}, one entry per module, values in eval
            mode (predicted and probabilities only for classifiers).

            Keys: ← → image, c then 0-9 jump to a class, m next misclassified, ↑ ↓ layer,
            Enter explain (arrows move the cell, [ ] the channel), s saliency, g gallery,
            i interpolation (autoencoder), ? help, q quit.
            """)

    @Option(help: "cnn or autoencoder.")
    var model: String = "cnn"

    @Option(help: "A network written as PyTorch layers, e.g. \"Conv2d(3, 8, 5), ReLU(), Flatten(), Linear(4704, 10)\", or @FILE (one layer a line).")
    var layers: String?

    @Option(help: "The safetensors checkpoint (default: the last one Train or the lessons saved).")
    var load: String?

    @Option(parsing: .unconditional, help: "A test-set index K, or an image file (PNG, JPEG, BMP).")
    var image: String = "0"

    @Option(help: "Dataset: auto, cifar10[:DIR], fashion-mnist[:DIR], synthetic[:N], or a directory (default: the data the checkpoint was trained on, else auto).")
    var data: String?

    @Flag(help: "Print the inspection as one JSON object.")
    var json = false

    @Flag(name: .customLong("print"), help: "Write the screen as plain text to standard output.")
    var printFrame = false

    @Flag(help: "Measure redrawing after changing image or layer (one forward pass plus a frame) at --width x --height.")
    var bench = false

    @Option(parsing: .unconditional, help: "Frame width for --print and --bench (40 to 1000).")
    var width: Int = 120

    @Option(parsing: .unconditional, help: "Frame height for --print and --bench (12 to 1000).")
    var height: Int = 40

    @OptionGroup var display: DisplayOptions
    var ascii: Bool { display.ascii }
    var noColor: Bool { display.noColor }

    mutating func run() throws {
        do {
            try inspect()
        } catch let failure as InspectionError {
            FileHandle.standardError.write(Data("cnnlab inspect: \(failure.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func inspect() throws {
        let network: InspectedNetwork
        if let layers {
            do { network = .layers(try NetworkText.read(argument: layers)) } catch { throw InspectionError("--layers: \(error)") }
        } else {
            guard let kind = CourseModelKind(rawValue: model.lowercased()) ?? (model.lowercased() == "ae" ? .autoencoder : nil) else {
                throw InspectionError("--model \(model): use cnn or autoencoder")
            }
            network = .course(kind)
        }
        if json && printFrame { throw InspectionError("choose one of --json and --print") }
        let spec: DatasetSpec
        if let data {
            do { spec = try DatasetSpec.parse(data) } catch { throw InspectionError("--data \(data): \(error)") }
        } else {
            spec = load.flatMap(SavedCheckpoints.trainedOn(checkpoint:)) ?? .automatic
        }
        if (printFrame || bench) && !((40...1000).contains(width) && (12...1000).contains(height)) {
            throw InspectionError("--width must be from 40 to 1000 and --height from 12 to 1000 (got \(width) and \(height))")
        }
        let models = ProgressStore.stateDirectory(environment: ProcessInfo.processInfo.environment) + "/models"
        let setup = try InspectionSetup.open(network: network, checkpoint: load, modelsDirectory: models, data: spec)
        let choice: InspectorImage
        if let index = Int(image) {
            let test = try setup.testImage(index)
            choice = InspectorImage(reference: .testSet(index), values: test.values, label: test.label)
        } else {
            let file = try setup.fileImage(image)
            if let note = file.note, !json { FileHandle.standardError.write(Data("cnnlab inspect: \(note)\n".utf8)) }
            choice = InspectorImage(reference: .file(image), values: file.values, label: nil,
                                    original: file.original, resized: file.resized, note: file.note)
        }
        if json {
            let run = setup.inspector.run(choice.values)
            print(InspectionJSON.encode(run, image: choice.reference, label: choice.label))
            return
        }
        var screen = InspectorScreen(setup: setup, image: choice)
        if bench {
            print(InspectorBenchmark.run(screen, width: width, height: height))
            return
        }
        if printFrame {
            let capabilities = TerminalCapabilities(colorMode: .none, unicode: !ascii)
            print(renderFrame(screen, width: width, height: height, capabilities: capabilities).text)
            return
        }
        let capabilities = TerminalCapabilities.detect(noColor: noColor, ascii: ascii)
        do {
            if case .interrupted(let signal) = try runProgram(&screen, capabilities: capabilities) { throw ExitCode(128 + signal) }
        } catch let error as TerminalError {
            throw InspectionError(error.suggesting("use --print for plain text or --json").description)
        }
    }
}
