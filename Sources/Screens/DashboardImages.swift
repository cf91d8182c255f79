import Terminal
import Training

/// Turns the trainer's float images into the terminal's `Image`, shrunk to fit.
enum DashboardImages {
    /// `image` resized to `side` x `side` pixels by averaging the source pixels each target covers.
    static func terminalImage(_ image: PixelImage, side: Int) -> Image? {
        let target = max(1, side)
        if target >= image.width && target >= image.height {
            return Image(width: image.width, height: image.height, channels: image.channels,
                         floats: image.pixels, layout: .planar)
        }
        var resized = [Float](repeating: 0, count: image.channels * target * target)
        for channel in 0..<image.channels {
            for ty in 0..<target {
                let y0 = ty * image.height / target, y1 = max(y0 + 1, (ty + 1) * image.height / target)
                for tx in 0..<target {
                    let x0 = tx * image.width / target, x1 = max(x0 + 1, (tx + 1) * image.width / target)
                    var sum: Float = 0
                    for y in y0..<y1 { for x in x0..<x1 { sum += image.value(channel: channel, x: x, y: y) } }
                    resized[(channel * target + ty) * target + tx] = sum / Float((y1 - y0) * (x1 - x0))
                }
            }
        }
        return Image(width: target, height: target, channels: image.channels, floats: resized, layout: .planar)
    }

    /// Draws `image` at `side` pixels (scaled up by `scale`) with its top left at (x, y).
    static func draw(_ image: PixelImage, side: Int, scale: Int = 1, x: Int, y: Int, into buffer: inout Buffer,
                     context: RenderContext, clip: Rect) {
        guard let picture = terminalImage(image, side: side) else { return }
        ImageView(image: picture, scale: scale).render(into: &buffer, at: (x, y), context: context, clip: clip)
    }

    /// The largest pixel side from `candidates` whose image (side cells wide, side/2 rows high)
    /// plus `extraRows` fits in `rows` rows.
    static func side(forRows rows: Int, extraRows: Int, candidates: [Int] = [32, 24, 16, 12, 8]) -> Int {
        candidates.first { $0 / 2 + extraRows <= rows } ?? candidates.last ?? 8
    }
}
