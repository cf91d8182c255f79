/// Fashion-MNIST (Xiao et al., 2017): 28x28 grey images of clothing in IDX files,
/// gzipped or not, as Debian's dataset-fashion-mnist package installs them.
public enum FashionMNIST {
    public static let classNames = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]
    /// Where Debian's dataset-fashion-mnist package puts the files.
    public static let systemDirectory = "/usr/share/datasets/fashion-mnist"
    public static let howToGet =
        "Install Debian's dataset-fashion-mnist package (files in \(systemDirectory)), or pass --data DIR holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]."

    static let fileStems = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]

    /// The path of `stem` in `directory`, uncompressed preferred, else `.gz`; nil when neither exists.
    static func file(_ stem: String, in directory: String) -> String? {
        let plain = FileBytes.join(directory, stem)
        if FileBytes.exists(plain) { return plain }
        return FileBytes.exists(plain + ".gz") ? plain + ".gz" : nil
    }

    /// True when `directory` holds Fashion-MNIST's training or test images.
    public static func looksLikeDataDirectory(_ directory: String) -> Bool {
        file(fileStems[0], in: directory) != nil || file(fileStems[2], in: directory) != nil
    }

    /// Loads the training and test sets from `directory`.
    public static func load(from directory: String) throws -> DatasetSplit {
        var paths: [String] = []
        for stem in fileStems {
            guard let path = file(stem, in: directory) else {
                throw DatasetError.missingFile(path: FileBytes.join(directory, stem) + "[.gz]", hint: howToGet)
            }
            paths.append(path)
        }
        let train = try loadPair(images: paths[0], labels: paths[1], name: "Fashion-MNIST train")
        let test = try loadPair(images: paths[2], labels: paths[3], name: "Fashion-MNIST test")
        guard train.height == test.height, train.width == test.width else {
            throw DatasetError.corruptFile(path: paths[2], reason: "images are \(test.height)x\(test.width) but the training images are \(train.height)x\(train.width)")
        }
        return DatasetSplit(train: train, test: test, location: directory)
    }

    /// One images file with its labels file, checked against each other.
    static func loadPair(images imagesPath: String, labels labelsPath: String, name: String) throws -> ImageDataset {
        let images = try IDXFile(bytes: readMaybeGzipped(imagesPath), path: imagesPath, expectedDimensionCount: 3)
        let labels = try IDXFile(bytes: readMaybeGzipped(labelsPath), path: labelsPath, expectedDimensionCount: 1)
        let (count, height, width) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        guard labels.dimensions[0] == count else {
            throw DatasetError.corruptFile(path: labelsPath, reason: "holds \(labels.dimensions[0]) labels but \(imagesPath) holds \(count) images")
        }
        guard count > 0, height > 0, width > 0 else {
            throw DatasetError.corruptFile(path: imagesPath, reason: "holds no images (\(count) x \(height) x \(width))")
        }
        if let bad = labels.values.firstIndex(where: { $0 > 9 }) {
            let record = bad - labels.values.startIndex
            throw DatasetError.corruptFile(path: labelsPath, reason: "label \(record) is \(labels.values[bad]); Fashion-MNIST labels are 0-9")
        }
        return ImageDataset(name: name, channels: 1, height: height, width: width, classNames: classNames,
                            pixels: Array(images.values), labels: Array(labels.values))
    }

    /// The dimensions of an IDX file's `bytes` (gunzipped first when they start with the gzip
    /// magic number), or the error naming what is wrong. The fuzz targets' way in.
    @_spi(Fuzzing) public static func decodeIDX(_ bytes: [UInt8], path: String, dimensionCount: Int) throws -> [Int] {
        let plain = Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
        return try IDXFile(bytes: plain, path: path, expectedDimensionCount: dimensionCount).dimensions
    }

    /// The file's bytes, gunzipped when they start with the gzip magic number.
    static func readMaybeGzipped(_ path: String) throws -> [UInt8] {
        let bytes = try FileBytes.read(path)
        if path.hasSuffix(".gz") || Gzip.isGzip(bytes) { return try Gzip.decompress(bytes, path: path) }
        return bytes
    }
}
