import Kernels

/// A built-in dataset of 32x32 colour pictures of ten kinds of shapes, generated from a seed,
/// so training works with no files at all.
///
/// Each image has a random background and foreground colour (one dark, one light), a random
/// position and size, and pixel noise; only the kind of shape tells the class. Image `i` of a
/// seed is always the same, whatever the count, so a prefix of a larger set is the smaller set.
public enum SyntheticShapes {
    public static let classNames = [
        "circle", "square", "triangle", "cross", "h-stripes",
        "v-stripes", "diagonal", "ring", "dots", "checkerboard",
    ]
    public static let side = 32
    public static let defaultTrainCount = 5000
    public static let defaultTestCount = 1000
    public static let defaultSeed: UInt64 = 0
    /// XORed into the seed for the test images, so they come from another stream than the training ones.
    static let testStreamSalt: UInt64 = 0x7E57_7E57_7E57_7E57

    /// A training and a test set; the test images come from a different stream than the training ones.
    public static func split(trainCount: Int = defaultTrainCount, testCount: Int = defaultTestCount,
                             seed: UInt64 = defaultSeed) -> DatasetSplit {
        DatasetSplit(train: generate(count: trainCount, seed: seed, name: "Synthetic shapes train"),
                     test: test(count: testCount, seed: seed),
                     location: "generated in memory (seed \(seed))")
    }

    /// `count` images drawn from `seed`.
    public static func generate(count: Int, seed: UInt64, name: String = "Synthetic shapes") -> ImageDataset {
        let imageSize = 3 * side * side
        var pixels = [UInt8](repeating: 0, count: count * imageSize)
        var labels = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeMutableBufferPointer { all in
            for index in 0 ..< count {
                var random = SplitMix64.stream(seed: seed, index: UInt64(index))
                let kind = random.below(classNames.count)
                labels[index] = UInt8(kind)
                draw(kind: kind, random: &random, into: all.baseAddress! + index * imageSize)
            }
        }
        return ImageDataset(name: name, channels: 3, height: side, width: side, classNames: classNames,
                            isSynthetic: true, pixels: pixels, labels: labels)
    }

    /// Paints one image (3 planes of 32x32) of shape `kind`.
    static func draw(kind: Int, random: inout SplitMix64, into image: UnsafeMutablePointer<UInt8>) {
        let shape = ShapeGeometry(kind: kind, random: &random)
        let dark = (0 ..< 3).map { _ in Float(random.below(90)) }
        let light = (0 ..< 3).map { _ in Float(150 + random.below(106)) }
        let lightShape = random.below(2) == 0
        let foreground = lightShape ? light : dark
        let background = lightShape ? dark : light
        let noise: Float = 24
        let plane = side * side
        for y in 0 ..< side {
            for x in 0 ..< side {
                let colour = shape.covers(x: Float(x) + 0.5, y: Float(y) + 0.5) ? foreground : background
                for channel in 0 ..< 3 {
                    let value = colour[channel] + (random.unit() - 0.5) * noise
                    image[channel * plane + y * side + x] = UInt8(max(0, min(255, value.rounded())))
                }
            }
        }
    }
}

/// Where one shape lies, decided once per image; `covers` answers per pixel.
struct ShapeGeometry {
    let kind: Int
    let centreX: Float, centreY: Float, size: Float
    let period: Float, phase: Float
    let dots: [(x: Float, y: Float)]

    init(kind: Int, random: inout SplitMix64) {
        self.kind = kind
        size = 6 + Float(random.below(6))                 // half-extent 6...11 pixels
        let margin = size
        centreX = margin + random.unit() * (32 - 2 * margin)
        centreY = margin + random.unit() * (32 - 2 * margin)
        period = 4 + Float(random.below(5))               // stripes and checks: 4...8 pixels
        phase = random.unit() * period
        let dotCount = 4 + random.below(4)
        dots = (0 ..< dotCount).map { _ in (x: 4 + random.unit() * 24, y: 4 + random.unit() * 24) }
    }

    func covers(x: Float, y: Float) -> Bool {
        let dx = x - centreX, dy = y - centreY
        switch kind {
        case 0: return dx * dx + dy * dy <= size * size                                  // circle
        case 1: return abs(dx) <= size * 0.85 && abs(dy) <= size * 0.85                 // square
        case 2: return dy <= size && dy >= -size && abs(dx) <= (dy + size) * 0.55       // triangle, apex up
        case 3: return (abs(dx) <= size && abs(dy) <= size * 0.3) || (abs(dy) <= size && abs(dx) <= size * 0.3) // cross
        case 4: return stripe(y)                                                         // horizontal stripes
        case 5: return stripe(x)                                                         // vertical stripes
        case 6: return stripe((x + y) * 0.7071)                                          // diagonal stripes
        case 7:                                                                          // ring
            let r2 = dx * dx + dy * dy
            return r2 <= size * size && r2 >= (size * 0.55) * (size * 0.55)
        case 8: return dots.contains { ($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y) <= 4 } // dots
        default:                                                                         // checkerboard
            let column = Int(((x + phase) / period).rounded(.down)), row = Int(((y + phase) / period).rounded(.down))
            return (column + row) % 2 == 0
        }
    }

    private func stripe(_ coordinate: Float) -> Bool {
        let position = (coordinate + phase).truncatingRemainder(dividingBy: period)
        return position < period / 2
    }
}
