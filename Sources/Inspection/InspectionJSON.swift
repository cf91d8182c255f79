import Formatting

/// The headless output of `cnnlab inspect --json`: one object with the image, its label, the
/// prediction and class probabilities (classifiers only) and one entry per module:
///
///     {"image": 3, "label": 0, "predicted": 8, "probabilities": [...10 floats],
///      "layers": [{"index": 0, "layer": "Conv2d(3, 8, kernel_size=(5, 5), stride=(1, 1))",
///                  "shape": [8, 28, 28], "values": [[[...]]]}, ...]}
///
/// Map outputs are nested lists (channel x row x column), flat outputs plain lists. Floats are
/// written in Swift's shortest round-trip form; a non-finite value is written as null.
public enum InspectionJSON {
    /// `image` is the test-set index, or the file name for an image of one's own.
    public static func encode(_ run: NetworkActivations, image: ImageReference, label: Int?) -> String {
        var out = "{\"image\": "
        switch image {
        case .testSet(let index): out += "\(index)"
        case .file(let path): out += JSONText.quoted(path)
        }
        if let label { out += ", \"label\": \(label)" }
        if let predicted = run.predicted, let probabilities = run.probabilities {
            out += ", \"predicted\": \(predicted), \"probabilities\": "
            appendList(probabilities[...], to: &out)
        }
        out += ", \"layers\": ["
        for (position, layer) in run.layers.enumerated() {
            if position > 0 { out += ", " }
            out += "{\"index\": \(layer.index), \"layer\": \(JSONText.quoted(layer.layer)), \"shape\": ["
            out += layer.shape.map(String.init).joined(separator: ", ") + "], \"values\": "
            appendNested(layer.values[...], shape: layer.shape[...], to: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    static func appendNested(_ values: ArraySlice<Float>, shape: ArraySlice<Int>, to out: inout String) {
        guard shape.count > 1, let first = shape.first else {
            appendList(values, to: &out)
            return
        }
        let inner = shape.dropFirst().reduce(1, *)
        out += "["
        for i in 0..<first {
            if i > 0 { out += ", " }
            let start = values.startIndex + i * inner
            appendNested(values[start..<(start + inner)], shape: shape.dropFirst(), to: &out)
        }
        out += "]"
    }

    static func appendList(_ values: ArraySlice<Float>, to out: inout String) {
        out += "["
        var first = true
        for value in values {
            if !first { out += ", " }
            first = false
            out += value.isFinite ? "\(value)" : "null"
        }
        out += "]"
    }
}

/// Where the inspected image came from.
public enum ImageReference: Sendable, Equatable {
    /// Record K of the test set, in file order.
    case testSet(Int)
    /// An image file of one's own.
    case file(String)
}

