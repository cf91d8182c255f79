import Foundation
import Inspection
import NeuralNet

/// A fixture written by scripts/make_inspect_fixtures.py: a network's checkpoint and PyTorch's
/// forward-hook outputs for a few test images, in eval mode.
struct InspectFixture {
    struct Layer {
        var index: Int
        var layer: String
        var shape: [Int]
        var values: [Float]
    }

    struct Image {
        var index: Int
        var label: Int
        var pixels: [UInt8]
        var layers: [Layer]
        var predicted: Int?
        var probabilities: [Float]?
        var saliency: [Float]?

        /// The pixels as the network sees them (bytes / 255, as ToTensor).
        var input: [Float] { pixels.map { Float($0) / 255 } }
    }

    var layersText: String
    var images: [Image]
    var checkpoint: String

    static func load(_ name: String) throws -> InspectFixture {
        guard let json = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
              let weights = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures") else {
            throw FixtureError(message: "fixture \(name) missing: run scripts/make_inspect_fixtures.py")
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let images = (root["images"] as! [[String: Any]]).map { image in
            Image(index: image["image"] as! Int, label: image["label"] as! Int,
                  pixels: (image["pixels"] as! [Int]).map { UInt8($0) },
                  layers: (image["layers"] as! [[String: Any]]).map { layer in
                      Layer(index: layer["index"] as! Int, layer: layer["layer"] as! String, shape: layer["shape"] as! [Int],
                            values: floats(layer["values"]))
                  },
                  predicted: image["predicted"] as? Int,
                  probabilities: image["probabilities"].map(floats),
                  saliency: image["saliency"].map(floats))
        }
        return InspectFixture(layersText: root["layers"] as! String, images: images, checkpoint: weights.path)
    }

    private static func floats(_ value: Any?) -> [Float] {
        (value as! [NSNumber]).map { $0.floatValue }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// |a - b| <= 1e-4 + 1e-3 |b|, the tolerance; returns the largest |a - b| and the first failure.
func compare(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-4, relative: Float = 1e-3) -> (largest: Float, firstFailure: Int?) {
    var largest: Float = 0
    var failure: Int? = nil
    for i in expected.indices {
        let difference = abs(actual[i] - expected[i])
        largest = max(largest, difference)
        if failure == nil && !(difference <= absolute + relative * abs(expected[i])) { failure = i }
    }
    return (largest, failure)
}
