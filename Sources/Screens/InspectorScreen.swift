import Datasets
import Inspection
import NeuralNet
import Stepper
import Terminal

/// The image being inspected: a test-set record or a picture of one's own.
public struct InspectorImage: Sendable {
    public var reference: ImageReference
    /// The network's input: channels x height x width, in [0, 1].
    public var values: [Float]
    /// The true class (test images only).
    public var label: Int?
    /// A file image before and after resizing to the network's input.
    public var original: DecodedImage?
    public var resized: DecodedImage?
    /// What was done to a file image ("resized from ...").
    public var note: String?

    public init(reference: ImageReference, values: [Float], label: Int?, original: DecodedImage? = nil,
                resized: DecodedImage? = nil, note: String? = nil) {
        self.reference = reference
        self.values = values
        self.label = label
        self.original = original
        self.resized = resized
        self.note = note
    }
}

/// `cnnlab inspect`: a trained network's every layer for one image, and why each value is what
/// it is. A model, a pure `update` (forward passes are computation, not effects) and a `view`.
public struct InspectorScreen: TerminalProgram {
    /// What the right-hand side shows.
    public enum Pane: Equatable, Sendable {
        /// The list of modules and the class probabilities (or the autoencoder's pictures).
        case network
        /// The selected module's channels as pictures (or its values as bars).
        case layer
        /// Why the value under the cursor is what it is.
        case explain
        /// The test images of one confusion cell.
        case gallery(trueClass: Int, predicted: Int)
        /// Autoencoder: decoded mixtures of two images' codes.
        case interpolation
        /// The step-through explorer on the explained cell's real numbers.
        case stepper
        case help
    }

    let setup: InspectionSetup
    public internal(set) var image: InspectorImage
    public internal(set) var run: NetworkActivations
    public internal(set) var pane: Pane = .network
    /// The pane to go back to from help.
    var previousPane: Pane = .network
    /// Selected module, output channel and position (the explanation's cell).
    public internal(set) var layer = 0
    public internal(set) var channel = 0
    public internal(set) var row = 0
    public internal(set) var column = 0
    /// Which input channel of a convolution's explanation is written out.
    var inputChannel = 0
    /// The saliency map of the current image (max |gradient| over channels, in [0, 1]) when shown.
    public internal(set) var saliency: [Float]?
    /// After `c`: the next digit picks a class to jump to.
    var awaitingClass = false
    /// The predicted class of every test image, computed on first need (`m`, the gallery).
    var predictions: [Int]?
    /// The gallery's images and the selected one.
    var galleryItems: [Int] = []
    var gallerySelection = 0
    /// Interpolation: the second image and the decoded mixtures.
    var interpolationPartner = 1
    var interpolationPictures: [[Float]] = []
    public internal(set) var message: String?
    /// Set when the screen was opened inside another one (dashboard, lesson): q goes back.
    public var embedded = false
    /// The step-through explorer opened from the explanation (Enter), while `pane == .stepper`.
    public internal(set) var stepper: ExplorerModel?
    /// The part of the map the explorer holds (nil: all of it).
    var stepperCrop: StepperCrop?
    /// The numbers the explorer opened on: once edited (e, [ ], k ...) it no longer shows the network's.
    var stepperOriginal: ExploreSetup?
    /// ASCII formulas in the step-through explorer (`--ascii`, or a terminal without Unicode).
    public var asciiNotation = false

    /// The inspector on `image` (from `InspectionSetup.testImage` or `.fileImage`).
    public init(setup: InspectionSetup, image: InspectorImage) {
        self.setup = setup
        self.image = image
        run = setup.inspector.run(image.values)
        if case .testSet(let index) = image.reference { interpolationPartner = (index + 1) % max(1, setup.test?.count ?? 1) }
        message = image.note ?? setup.testNote
    }

    /// Opens on test image `index`, or nil with the reason.
    public static func open(setup: InspectionSetup, testImage index: Int) -> Result<InspectorScreen, InspectionError> {
        do {
            let test = try setup.testImage(index)
            return .success(InspectorScreen(setup: setup, image: InspectorImage(reference: .testSet(index), values: test.values, label: test.label)))
        } catch {
            return .failure(error)
        }
    }

    /// Opens on the gallery of one confusion cell (from the dashboard's confusion matrix).
    public static func openGallery(setup: InspectionSetup, trueClass: Int, predicted: Int) -> Result<InspectorScreen, InspectionError> {
        switch open(setup: setup, testImage: 0) {
        case .success(var screen):
            screen.showGallery(trueClass: trueClass, predicted: predicted)
            // The left column shows the gallery's first image, not test image 0.
            if let first = screen.galleryItems.first { screen.showTestImage(first) }
            return .success(screen)
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Ticks only while the step-through explorer plays.
    public var tickInterval: Double? { stepper?.playing == true && pane == .stepper ? ExplorerModel.tick : nil }

    // MARK: - Derived facts

    var network: Sequential { setup.inspector.network }
    var classNames: [String] { setup.classNames }
    var testCount: Int { setup.test?.count ?? 0 }
    var isClassifier: Bool { if case .classifier = setup.inspector.head { return true } else { return false } }
    var isReconstruction: Bool { setup.inspector.head == .reconstruction }

    /// The test-set index shown, nil for a file image.
    public var testIndex: Int? {
        if case .testSet(let index) = image.reference { return index }
        return nil
    }

    func className(_ index: Int) -> String {
        classNames.indices.contains(index) ? classNames[index] : "class \(index)"
    }

    /// The selected module's output.
    var selectedOutput: LayerActivation { run.layers[layer] }

    /// The module whose output is the smallest: an autoencoder's code (its encoder ends there).
    var codeLayer: Int {
        run.layers.indices.min { run.layers[$0].values.count < run.layers[$1].values.count } ?? 0
    }

    /// Why the value under the cursor is what it is.
    var explanation: ValueExplanation {
        setup.inspector.explain(run, at: CellAddress(layer: layer, channel: channel, row: row, column: column), topTerms: 8)
    }
}
