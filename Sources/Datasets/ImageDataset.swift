import Kernels

/// A labelled set of small images held as bytes, the way the files store them.
///
/// Pixels stay `UInt8` in memory (N x C x H x W, channel-major as in the CIFAR-10 file) and
/// are scaled to [0, 1] only when a batch is filled, as the course's `ToTensor()` does; no
/// other normalisation. CIFAR-10, Fashion-MNIST and the synthetic shapes all arrive as one.
///
/// ```swift
/// let split = try DatasetCatalog.load(.synthetic())
/// let order = BatchOrder(count: split.train.count, batchSize: 128, seed: 1, epoch: 0)
/// split.train.fillBatch(indices: order.batch(0), into: inputBuffer)
/// ```
public struct ImageDataset: Sendable {
    /// A short human name, e.g. "CIFAR-10 train".
    public let name: String
    public let channels: Int
    public let height: Int
    public let width: Int
    /// One name per class; labels index into it.
    public let classNames: [String]
    /// True for the generated shapes, so screens can say that the data is not real.
    public let isSynthetic: Bool
    /// All images, `count * imageSize` bytes, image after image.
    public let pixels: [UInt8]
    /// One label per image, each `< classNames.count`.
    public let labels: [UInt8]

    /// Builds a dataset from bytes; the loaders validate files before they get here.
    /// - Precondition: `pixels.count == labels.count * channels * height * width`.
    public init(name: String, channels: Int, height: Int, width: Int, classNames: [String],
                isSynthetic: Bool = false, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * channels * height * width,
                     "ImageDataset: \(pixels.count) pixel bytes do not fit \(labels.count) images of \(channels)x\(height)x\(width)")
        self.name = name
        self.channels = channels
        self.height = height
        self.width = width
        self.classNames = classNames
        self.isSynthetic = isSynthetic
        self.pixels = pixels
        self.labels = labels
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Values per image: channels * height * width.
    public var imageSize: Int { channels * height * width }
    /// The class index of image `index`.
    public func label(at index: Int) -> Int { Int(labels[index]) }
    /// The raw bytes of image `index` (C x H x W), e.g. to draw it.
    public func imageBytes(at index: Int) -> ArraySlice<UInt8> {
        pixels[index * imageSize ..< (index + 1) * imageSize]
    }

    /// Writes the images at `indices` one after another into `buffer`, scaled to [0, 1].
    ///
    /// `buffer` must hold `indices.count * imageSize` floats; nothing is allocated when the
    /// indices are contiguous (an array or a slice of one), so the trainer can reuse one buffer
    /// for every step. Large batches are split by images across the kernel threads.
    public func fillBatch<Indices: Collection>(indices: Indices, into buffer: UnsafeMutablePointer<Float>)
    where Indices.Element == Int {
        for index in indices {
            precondition(index >= 0 && index < count, "fillBatch: index \(index) outside 0..<\(count)")
        }
        if indices.withContiguousStorageIfAvailable({ fillBatch(checkedIndices: $0, into: buffer) }) != nil { return }
        Array(indices).withUnsafeBufferPointer { fillBatch(checkedIndices: $0, into: buffer) }
    }

    /// `fillBatch` once the indices are known to be in range.
    private func fillBatch(checkedIndices indices: UnsafeBufferPointer<Int>, into buffer: UnsafeMutablePointer<Float>) {
        let size = imageSize
        // Parts of at least 16 images (49,152 CIFAR values): smaller ones cost more to hand out than to fill.
        let parts = FixedParts(total: indices.count, minimumPartSize: 16)
        pixels.withUnsafeBufferPointer { all in
            guard let first = all.baseAddress else { return }
            KernelThreads.forEachPart(parts) { _, positions in
                for position in positions {
                    scaleBytesToUnit(first + indices[position] * size, into: buffer + position * size, count: size)
                }
            }
        }
    }

    /// Writes the labels of the images at `indices` into `buffer` (one `Int` each).
    public func fillLabels<Indices: Collection>(indices: Indices, into buffer: UnsafeMutablePointer<Int>)
    where Indices.Element == Int {
        var position = 0
        for index in indices {
            buffer[position] = Int(labels[index])
            position += 1
        }
    }

    /// The first `n` images (all of them when `n >= count`), e.g. for a quick run on tiny data.
    public func prefix(_ n: Int) -> ImageDataset {
        let kept = max(0, min(n, count))
        return ImageDataset(name: name, channels: channels, height: height, width: width,
                            classNames: classNames, isSynthetic: isSynthetic,
                            pixels: Array(pixels[0 ..< kept * imageSize]), labels: Array(labels[0 ..< kept]))
    }
}

/// A training set and a test set from one source.
public struct DatasetSplit: Sendable {
    public let train: ImageDataset
    public let test: ImageDataset
    /// Where the data came from, e.g. "/root/.cache/cnnlab/cifar-10-batches-bin" or "generated (seed 0)".
    public let location: String

    public init(train: ImageDataset, test: ImageDataset, location: String) {
        self.train = train
        self.test = test
        self.location = location
    }

    /// True when the images are generated shapes rather than a real dataset.
    public var isSynthetic: Bool { train.isSynthetic }
    public var classNames: [String] { train.classNames }

    /// What to tell a student who is training on synthetic shapes.
    public static let syntheticNotice =
        "Synthetic shapes, not real photos. For CIFAR-10 run `cnnlab data get cifar10`, or pass --data DIR (official binary files)."
}
