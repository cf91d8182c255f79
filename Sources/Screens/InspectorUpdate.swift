import Inspection
import NeuralNet
import Terminal

extension InspectorScreen {
    /// Reacts to a key. Returns `.quit` on q or Esc from the network pane.
    public mutating func update(_ event: Event) -> ProgramCommand<Never> {
        if pane == .stepper {
            // The step-through explorer has every key (and its playback ticks) until q or Esc.
            if case .key(let key) = event {
                message = nil
                handleStepperKey(key)
            } else if event == .tick, var model = stepper {
                _ = model.update(.tick)
                stepper = model
            }
            return .none
        }
        guard case .key(let key) = event else { return .none }
        message = nil
        if awaitingClass {
            awaitingClass = false
            if case .character(let c) = key, let digit = c.wholeNumberValue, digit < classNames.count {
                jumpToClass(digit)
            } else {
                message = "c then a digit 0-\(max(0, classNames.count - 1)) jumps to the next image of that class"
            }
            return .none
        }
        switch pane {
        case .help:
            pane = previousPane
            return .none
        case .explain:
            if handleExplainKey(key) { return .none }
        case .gallery:
            if handleGalleryKey(key) { return .none }
        case .interpolation:
            if handleInterpolationKey(key) { return .none }
        case .network, .layer, .stepper:
            break
        }
        switch key {
        case .character("q"), .escape:
            if pane == .network { return .quit }
            pane = pane == .explain ? .layer : .network
        case .right, .character("n"), .character("l"):
            step(by: 1)
        case .left, .character("p"), .character("h"):
            step(by: -1)
        case .down, .character("j"):
            selectLayer(layer + 1)
        case .up, .character("k"):
            selectLayer(layer - 1)
        case .character("]"):
            selectChannel(channel + 1)
        case .character("["):
            selectChannel(channel - 1)
        case .tab:
            pane = pane == .network ? .layer : .network
        case .enter, .character(" "):
            if pane == .network { pane = .layer } else { openExplanation() }
        case .character("e"):
            openExplanation()
        case .character("c"):
            awaitingClass = true
            message = "class? " + classNames.prefix(10).enumerated().map { "\($0) \($1)" }.joined(separator: "  ")
        case .character("m"):
            nextMisclassified()
        case .character("s"):
            toggleSaliency()
        case .character("g"):
            openGalleryForCurrentImage()
        case .character("i"):
            openInterpolation()
        case .character("?"):
            previousPane = pane
            pane = .help
        default:
            message = "? lists the keys"
        }
        return .none
    }

    // MARK: - Images

    /// Shows test image `index` (wrapping around the test set), keeping the layer and cell.
    mutating func showTestImage(_ index: Int) {
        guard testCount > 0 else {
            message = setup.testNote ?? "no test images"
            return
        }
        let wrapped = ((index % testCount) + testCount) % testCount
        guard let test = try? setup.testImage(wrapped) else { return }
        image = InspectorImage(reference: .testSet(wrapped), values: test.values, label: test.label)
        rerun()
    }

    mutating func rerun() {
        run = setup.inspector.run(image.values)
        if saliency != nil { saliency = computeSaliency() }
        if pane == .interpolation { recomputeInterpolation() }
        clampCell()
    }

    mutating func step(by offset: Int) {
        showTestImage((testIndex ?? -offset) + offset)
    }

    mutating func jumpToClass(_ target: Int) {
        guard let test = setup.test, test.count > 0 else { message = setup.testNote ?? "no test images"; return }
        let start = testIndex ?? -1
        for offset in 1...test.count {
            let index = (start + offset) % test.count
            if test.label(at: index) == target {
                showTestImage(index)
                message = "next \(className(target)): test image \(index)"
                return
            }
        }
        message = "no test image of class \(className(target))"
    }

    /// The prediction for every test image (batched forward passes, computed once).
    mutating func allPredictions() -> [Int] {
        if let predictions { return predictions }
        guard let test = setup.test, isClassifier else { return [] }
        let shape = setup.inspector.inputShape
        let size = shape.reduce(1, *)
        var result: [Int] = []
        result.reserveCapacity(test.count)
        var start = 0
        while start < test.count {
            let count = min(128, test.count - start)
            var batch = [Float](repeating: 0, count: count * size)
            batch.withUnsafeMutableBufferPointer { test.fillBatch(indices: start..<(start + count), into: $0.baseAddress!) }
            let output = network.forward(Tensor(shape: [count] + shape, scalars: batch))
            let classes = output.shape.last ?? 1
            for n in 0..<count {
                // The first largest score, as torch.argmax.
                var best = 0
                for c in 1..<max(1, classes) where output.scalars[n * classes + c] > output.scalars[n * classes + best] { best = c }
                result.append(best)
            }
            start += count
        }
        predictions = result
        return result
    }

    mutating func nextMisclassified() {
        guard isClassifier else { message = "m needs a classifier; this network has no class outputs"; return }
        guard let test = setup.test else { message = setup.testNote ?? "no test images"; return }
        let predicted = allPredictions()
        let start = testIndex ?? -1
        let wrong = predicted.indices.filter { predicted[$0] != test.label(at: $0) }
        guard let next = wrong.first(where: { $0 > start }) ?? wrong.first else {
            message = "every test image is classified correctly"
            return
        }
        showTestImage(next)
        let position = (wrong.firstIndex(of: next) ?? 0) + 1
        message = "misclassified \(position) of \(wrong.count): a \(className(test.label(at: next))) taken for a \(className(predicted[next]))"
    }

    // MARK: - Layers and cells

    mutating func selectLayer(_ index: Int) {
        layer = min(max(index, 0), run.layers.count - 1)
        clampCell()
    }

    mutating func selectChannel(_ index: Int) {
        let count = max(1, selectedOutput.channels)
        channel = ((index % count) + count) % count
    }

    mutating func clampCell() {
        let output = selectedOutput
        channel = min(max(channel, 0), max(0, output.channels - 1))
        row = min(max(row, 0), output.height - 1)
        column = min(max(column, 0), output.width - 1)
    }

    mutating func openExplanation() {
        if pane != .explain {
            // Start in the middle of the map, where a window sees the picture rather than padding.
            row = selectedOutput.height / 2
            column = selectedOutput.width / 2
        }
        inputChannel = 0
        pane = .explain
    }

    /// Keys of the explanation pane; false when the key is a global one.
    mutating func handleExplainKey(_ key: Key) -> Bool {
        let output = selectedOutput
        switch key {
        case .left, .character("h"):
            if output.isMap { column = max(0, column - 1) } else { selectChannel(channel - 1) }
        case .right, .character("l"):
            if output.isMap { column = min(output.width - 1, column + 1) } else { selectChannel(channel + 1) }
        case .up, .character("k"):
            if output.isMap { row = max(0, row - 1) } else { selectChannel(channel - 1) }
        case .down, .character("j"):
            if output.isMap { row = min(output.height - 1, row + 1) } else { selectChannel(channel + 1) }
        case .pageUp:
            selectLayer(layer - 1)
        case .pageDown:
            selectLayer(layer + 1)
        case .character(">"), .character("."):
            inputChannel += 1
        case .character("<"), .character(","):
            inputChannel = max(0, inputChannel - 1)
        case .character("n"):
            step(by: 1)
        case .character("p"):
            step(by: -1)
        case .enter, .character(" "), .character("x"):
            openStepper()
        default:
            return false
        }
        return true
    }

    // MARK: - Saliency

    mutating func toggleSaliency() {
        if saliency != nil {
            saliency = nil
            return
        }
        guard isClassifier else {
            message = "saliency needs a class score: this network has no classifier head"
            return
        }
        saliency = computeSaliency()
    }

    func computeSaliency() -> [Float]? {
        guard let predicted = run.predicted else { return nil }
        let shape = setup.inspector.inputShape
        let gradient = setup.inspector.saliency(image.values, classIndex: predicted)
        return saliencyMap(gradient: gradient, channels: shape[0], height: shape[1], width: shape[2])
    }

    // MARK: - Gallery

    mutating func showGallery(trueClass: Int, predicted: Int) {
        guard let test = setup.test, isClassifier else { message = "the gallery needs a classifier and test images"; return }
        let predictions = allPredictions()
        galleryItems = predictions.indices.filter { test.label(at: $0) == trueClass && predictions[$0] == predicted }
        gallerySelection = 0
        pane = .gallery(trueClass: trueClass, predicted: predicted)
    }

    mutating func openGalleryForCurrentImage() {
        guard let label = image.label, let predicted = run.predicted else {
            message = "the gallery needs a test image of a classifier"
            return
        }
        showGallery(trueClass: label, predicted: predicted)
    }

    mutating func handleGalleryKey(_ key: Key) -> Bool {
        guard case .gallery(let trueClass, let predicted) = pane else { return false }
        switch key {
        case .right, .character("l"), .down, .character("j"):
            if !galleryItems.isEmpty { gallerySelection = (gallerySelection + 1) % galleryItems.count }
        case .left, .character("h"), .up, .character("k"):
            if !galleryItems.isEmpty { gallerySelection = (gallerySelection + galleryItems.count - 1) % galleryItems.count }
        case .character("]"):
            showGallery(trueClass: trueClass, predicted: (predicted + 1) % max(1, classNames.count))
        case .character("["):
            showGallery(trueClass: trueClass, predicted: (predicted + max(1, classNames.count) - 1) % max(1, classNames.count))
        case .enter, .character(" "):
            if galleryItems.indices.contains(gallerySelection) {
                showTestImage(galleryItems[gallerySelection])
                pane = .network
            }
        case .character("q"), .escape:
            pane = .network
        default:
            return false
        }
        return true
    }

    // MARK: - Interpolation (autoencoder)

    mutating func openInterpolation() {
        guard isReconstruction else { message = "interpolation is for autoencoders (an output of the input's shape)"; return }
        guard testCount >= 2 else { message = "interpolation needs two test images"; return }
        pane = .interpolation
        recomputeInterpolation()
    }

    static let interpolationSteps: [Float] = [0, 0.25, 0.5, 0.75, 1]

    /// Decodes (1 − t)·z_a + t·z_b for each step t, z being the code layer's output.
    mutating func recomputeInterpolation() {
        guard let partner = try? setup.testImage(interpolationPartner) else { interpolationPictures = []; return }
        let code = codeLayer
        let other = setup.inspector.run(partner.values)
        let a = run.layers[code].values, b = other.layers[code].values
        let shape = [1] + run.layers[code].shape
        interpolationPictures = Self.interpolationSteps.map { t in
            let mixed = zip(a, b).map { (1 - t) * $0 + t * $1 }
            return network.forward(Tensor(shape: shape, scalars: mixed), range: (code + 1)..<network.layers.count).scalars
        }
    }

    mutating func handleInterpolationKey(_ key: Key) -> Bool {
        switch key {
        case .up, .character("k"):
            interpolationPartner = (interpolationPartner + testCount - 1) % testCount
        case .down, .character("j"):
            interpolationPartner = (interpolationPartner + 1) % testCount
        case .character("q"), .escape:
            pane = .network
            return true
        default:
            return false
        }
        recomputeInterpolation()
        return true
    }
}
