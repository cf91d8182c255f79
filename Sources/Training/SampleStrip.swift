import Datasets

/// The fixed test images the dashboard shows, with their labels.
enum SampleStrip {
    /// How many test images the strip holds; the dashboard shows as many as fit.
    static let size = 10

    /// The first images of `test` as display images (at most `size`).
    static func make(from test: ImageDataset) -> [SampleImage] {
        (0..<min(size, test.count)).map { index in
            SampleImage(image: pixelImage(bytes: test.imageBytes(at: index), of: test), trueLabel: test.label(at: index))
        }
    }

    static func pixelImage(bytes: ArraySlice<UInt8>, of dataset: ImageDataset) -> PixelImage {
        PixelImage(width: dataset.width, height: dataset.height, channels: dataset.channels,
                   pixels: bytes.map { Float($0) / 255 })
    }
}
