import Datasets
import Formatting
import Foundation
import Lessons
import NeuralNet
import Terminal
import Training

/// Lesson 8's latent interpolation: two test images are encoded by the autoencoder trained in
/// the lesson, their codes mixed as (1 − t)·z_a + t·z_b, and each mixture decoded.
public struct LessonInterpolation {
    /// The mixing weights shown, left to right.
    static let steps: [Float] = [0, 0.25, 0.5, 0.75, 1]

    let network: Sequential
    let test: ImageDataset
    let checkpoint: String
    private(set) var first = 0
    private(set) var second = 1
    /// The two originals and the decoded mixtures (CHW floats in [0, 1]).
    private(set) var originals: [PixelImage] = []
    private(set) var decoded: [PixelImage] = []

    /// Loads the weights trained by a train block and the test images of the data it trained
    /// on; a one-line message when it cannot.
    static func open(checkpoint: String, data: LessonDataChoice) -> Result<LessonInterpolation, LessonDashboardError> {
        guard FileManager.default.fileExists(atPath: checkpoint) else {
            return .failure(LessonDashboardError(message:
                "no trained autoencoder yet: Enter trains one (its weights are saved when training stops)"))
        }
        let network = CourseModels.autoencoder(seed: 0)
        let named = network.namedParameters()
        do {
            let tensors = try Checkpoint.load(checkpoint, expecting: named.map {
                TensorSpec(name: $0.name, shape: $0.parameter.value.shape)
            })
            for ((_, parameter), tensor) in zip(named, tensors) { parameter.value.scalars = tensor.values }
            let test = try DatasetCatalog().load(data.used).test
            guard test.count >= 2, test.channels == 3, test.height == 32, test.width == 32 else {
                return .failure(LessonDashboardError(message: "the test set has no 3x32x32 images to interpolate"))
            }
            var view = LessonInterpolation(network: network, test: test, checkpoint: checkpoint)
            view.recompute()
            return .success(view)
        } catch {
            return .failure(LessonDashboardError(message: "cannot load \(checkpoint): \(error)"))
        }
    }

    /// ← → choose the first image, ↑ ↓ the second; returns false on q or Esc (close).
    mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .left: first = (first + test.count - 1) % test.count
        case .right: first = (first + 1) % test.count
        case .up: second = (second + test.count - 1) % test.count
        case .down: second = (second + 1) % test.count
        case .character("q"), .escape: return false
        default: return true
        }
        recompute()
        return true
    }

    /// The image at `index` as floats in [0, 1] (byte / 255, as in training).
    func image(_ index: Int) -> [Float] {
        test.imageBytes(at: index).map { Float($0) / 255 }
    }

    mutating func recompute() {
        let shape = [1, 3, 32, 32]
        let a = image(first), b = image(second)
        let codeA = network.forward(Tensor(shape: shape, scalars: a), range: CourseModels.autoencoderEncoderRange).scalars
        let codeB = network.forward(Tensor(shape: shape, scalars: b), range: CourseModels.autoencoderEncoderRange).scalars
        let codeShape = [1] + CourseModels.autoencoderCodeShape
        decoded = Self.steps.map { t in
            let mixed = zip(codeA, codeB).map { (1 - t) * $0 + t * $1 }
            let output = network.forward(Tensor(shape: codeShape, scalars: mixed), range: CourseModels.autoencoderDecoderRange)
            return PixelImage(width: 32, height: 32, channels: 3, pixels: output.scalars)
        }
        originals = [a, b].map { PixelImage(width: 32, height: 32, channels: 3, pixels: $0) }
    }

    /// The largest image side (pixels) for which five images fit across and two rows of them down.
    static func imageSide(width: Int, height: Int) -> Int {
        for side in [32, 24, 16, 12, 8] {
            let across = 5 * (side + 2)
            let down = side + 6          // two rows of side/2 cells, labels and gaps
            if across <= width && down <= height { return side }
        }
        return 8
    }

    func render(into buffer: inout Buffer, context: RenderContext) {
        let g = context.glyphs
        let (header, rest) = buffer.area.splitTop(1)
        let (body, status) = rest.splitBottom(1)
        StatusLine(left: "cnnlab \(g.middleDot) interpolating in latent space", right: test.name, role: .status)
            .render(into: &buffer, area: header, context: context)
        let inner = Box(title: "z = (1 − t)·z_a + t·z_b, decoded", focused: true)
            .render(into: &buffer, area: body, context: context).inset(left: 1, right: 1)
        let side = Self.imageSide(width: inner.width, height: inner.height)
        var y = inner.y
        let label: (Int) -> String = { index in
            let name = index < test.classNames.count ? test.classNames[test.label(at: index)] : "?"
            return "#\(index) \(name)"
        }
        buffer.write("image a: \(label(first))", x: inner.x, y: y, role: .title, context: context, clip: inner)
        buffer.write("image b: \(label(second))", x: inner.x + (side + 2) * 3, y: y, role: .title, context: context, clip: inner)
        y += 1
        DashboardImages.draw(originals[0], side: side, x: inner.x, y: y, into: &buffer, context: context, clip: inner)
        DashboardImages.draw(originals[1], side: side, x: inner.x + (side + 2) * 3, y: y, into: &buffer,
                             context: context, clip: inner)
        y += (side + 1) / 2 + 1
        for (index, t) in Self.steps.enumerated() {
            buffer.write("t = \(NumberText.plain(Double(t)))", x: inner.x + index * (side + 2), y: y, role: .dim,
                         context: context, clip: inner)
        }
        y += 1
        for (index, picture) in decoded.enumerated() {
            DashboardImages.draw(picture, side: side, x: inner.x + index * (side + 2), y: y, into: &buffer,
                                 context: context, clip: inner)
        }
        y += (side + 1) / 2 + 1
        let note = "t = 0 decodes a's own code (its reconstruction), t = 1 b's. In between, the decoder draws codes "
            + "no image had: usually blurry blends, since nothing in training asked the space between codes to look real."
        WrappedText(context.glyphs.unicode ? note : LessonASCII.transliterate(note), role: .dim, markup: false)
            .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: inner.maxY - y), context: context)
        let keys = "\(g.leftArrowText) \(g.rightArrowText) image a \(g.middleDot) \(g.arrowUp) \(g.arrowDown) image b \(g.middleDot) q back to the lesson"
        StatusLine(left: context.glyphs.unicode ? keys : LessonASCII.transliterate(keys), role: .status)
            .render(into: &buffer, area: status, context: context)
    }
}
