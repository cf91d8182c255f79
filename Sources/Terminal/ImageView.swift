/// A small picture in memory: 8-bit grey or RGB pixels, row-major.
public struct Image: Sendable, Equatable {
    /// How the channels of a colour image are stored.
    public enum Layout: Sendable {
        /// r g b r g b ... (height x width x channels)
        case interleaved
        /// all r, then all g, then all b (channels x height x width), as CIFAR-10 and PyTorch store them
        case planar
    }

    public let width: Int
    public let height: Int
    /// 1 (grey) or 3 (RGB).
    public let channels: Int
    /// Pixels, interleaved, `width * height * channels` bytes.
    public let pixels: [UInt8]

    /// An image from bytes; `nil` when the byte count does not match the size.
    public init?(width: Int, height: Int, channels: Int, bytes: [UInt8], layout: Layout = .interleaved) {
        guard width > 0, height > 0, channels == 1 || channels == 3, bytes.count == width * height * channels else {
            return nil
        }
        self.width = width
        self.height = height
        self.channels = channels
        if layout == .planar && channels == 3 {
            let plane = width * height
            var interleaved = [UInt8](repeating: 0, count: bytes.count)
            for index in 0..<plane {
                for channel in 0..<3 { interleaved[index * 3 + channel] = bytes[channel * plane + index] }
            }
            pixels = interleaved
        } else {
            pixels = bytes
        }
    }

    /// An image from floats in [0, 1] (values outside are clamped; NaN is black).
    /// With `normalize`, the values' own minimum and maximum map to black and white
    /// (for drawing filters and other signed data).
    public init?(width: Int, height: Int, channels: Int, floats: [Float], layout: Layout = .interleaved,
                 normalize: Bool = false) {
        var low: Float = 0, high: Float = 1
        if normalize {
            let finite = floats.filter(\.isFinite)
            low = finite.min() ?? 0
            high = finite.max() ?? 1
            if high <= low { high = low + 1 }
        }
        let bytes = floats.map { value -> UInt8 in
            guard value.isFinite else { return 0 }
            let unit = min(max((value - low) / (high - low), 0), 1)
            return UInt8((unit * 255).rounded())
        }
        self.init(width: width, height: height, channels: channels, bytes: bytes, layout: layout)
    }

    /// The pixel at (x, y) as (r, g, b).
    public func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let index = (y * width + x) * channels
        if channels == 1 { return (pixels[index], pixels[index], pixels[index]) }
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }
}

/// Draws an `Image`: with 256 colours and Unicode, one cell holds two pixels stacked as
/// '▀' (foreground = upper pixel, background = lower pixel); otherwise one character of
/// the brightness ramp " .:-=+*#%@" per cell for the same two pixels.
public struct ImageView: Sendable {
    public var image: Image
    /// Each pixel becomes `scale` x `scale` pixels.
    public var scale: Int

    public init(image: Image, scale: Int = 1) {
        self.image = image
        self.scale = max(1, scale)
    }

    /// The cells the image covers: width x ceil(height / 2), times the scale.
    public var cellSize: (width: Int, height: Int) {
        (image.width * scale, (image.height * scale + 1) / 2)
    }

    /// Draws the image with its top left at `origin`, clipped to `clip`.
    public func render(into buffer: inout Buffer, at origin: (x: Int, y: Int), context: RenderContext, clip: Rect? = nil) {
        let bounds = (clip ?? buffer.area).intersection(buffer.area)
        let size = cellSize
        let halfBlocks = context.capabilities.colorMode == .xterm256 && context.capabilities.unicode
        let scaledHeight = image.height * scale
        for row in 0..<size.height {
            let y = origin.y + row
            guard y >= bounds.y, y < bounds.maxY else { continue }
            let upperY = (2 * row) / scale
            let lowerPixelRow = 2 * row + 1
            for column in 0..<size.width {
                let x = origin.x + column
                guard x >= bounds.x, x < bounds.maxX else { continue }
                let px = column / scale
                let upper = image.rgb(x: px, y: upperY)
                let lower = lowerPixelRow < scaledHeight ? image.rgb(x: px, y: lowerPixelRow / scale) : nil
                if halfBlocks {
                    let style = Style(foreground: .indexed(ImageView.xterm256(upper)),
                                      background: lower.map { .indexed(ImageView.xterm256($0)) } ?? .none)
                    buffer[x, y] = Cell(context.glyphs.upperHalf, style: style)
                } else {
                    var light = ImageView.luminance(upper)
                    if let lower { light = (light + ImageView.luminance(lower)) / 2 }
                    buffer[x, y] = Cell(ImageView.rampCharacter(light), style: .plain)
                }
            }
        }
    }

    /// Perceived brightness in [0, 1].
    public static func luminance(_ rgb: (UInt8, UInt8, UInt8)) -> Double {
        (0.299 * Double(rgb.0) + 0.587 * Double(rgb.1) + 0.114 * Double(rgb.2)) / 255
    }

    /// The ramp character for a brightness in [0, 1].
    public static func rampCharacter(_ light: Double) -> Character {
        let ramp = Glyphs.asciiRamp
        let index = Int((min(max(light, 0), 1) * Double(ramp.count - 1)).rounded())
        return ramp[index]
    }

    /// The nearest xterm-256 colour: the 6x6x6 cube (16-231) or the grey ramp (232-255).
    public static func xterm256(_ rgb: (UInt8, UInt8, UInt8)) -> UInt8 {
        func level(_ index: Int) -> Int { index == 0 ? 0 : 55 + 40 * index }   // 0, 95, 135, 175, 215, 255
        func nearestLevel(_ value: UInt8) -> Int {
            let v = Int(value)
            // Thresholds halfway between the cube's levels.
            if v < 48 { return 0 }
            if v < 115 { return 1 }
            return min(5, (v - 35) / 40)
        }
        let (r, g, b) = (Int(rgb.0), Int(rgb.1), Int(rgb.2))
        let (ri, gi, bi) = (nearestLevel(rgb.0), nearestLevel(rgb.1), nearestLevel(rgb.2))
        let cube = (level(ri), level(gi), level(bi))
        let cubeDistance = square(cube.0 - r) + square(cube.1 - g) + square(cube.2 - b)
        let average = (r + g + b) / 3
        let greyIndex = min(23, max(0, (average - 3) / 10))
        let greyValue = 8 + 10 * greyIndex
        let greyDistance = square(greyValue - r) + square(greyValue - g) + square(greyValue - b)
        if greyDistance < cubeDistance { return UInt8(232 + greyIndex) }
        return UInt8(16 + 36 * ri + 6 * gi + bi)
    }

    private static func square(_ value: Int) -> Int { value * value }
}
