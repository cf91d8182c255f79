/// The two networks of the course, with PyTorch's layer order so that parameter names match the
/// equivalent `nn.Sequential` ("0.weight", "0.bias", "3.weight", ...).
public enum CourseModels {
    /// The CIFAR-10 classifier: 3x32x32 images -> 10 logits, 109,050 parameters.
    ///
    ///     Conv2d(3, 8, 5), ReLU, MaxPool2d(2, 2), Conv2d(8, 16, 5), ReLU, MaxPool2d(2, 2),
    ///     Flatten, Linear(400, 256), ReLU, Linear(256, 10)
    public static func cnn(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential(
            Conv2d(3, 8, kernelSize: 5, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2, stride: 2),
            Conv2d(8, 16, kernelSize: 5, rng: &rng), ReLU(), MaxPool2d(kernelSize: 2, stride: 2),
            Flatten(),
            Linear(400, 256, rng: &rng), ReLU(),
            Linear(256, 10, rng: &rng))
    }

    /// The CNN's input shape for one image: [channels, height, width].
    public static let cnnImageShape = [3, 32, 32]

    /// The convolutional autoencoder: 3x32x32 -> 32x4x4 code -> 3x32x32 in [0, 1].
    /// One Sequential of 11 layers; the encoder is layers 0..<5 (10,680 parameters), the
    /// decoder 5..<11 (10,651).
    ///
    ///     Conv2d(3, 8, 4, 2, 1), ReLU, Conv2d(8, 16, 4, 2, 1), ReLU, Conv2d(16, 32, 4, 2, 1),
    ///     ConvTranspose2d(32, 16, 4, 2, 1), ReLU, ConvTranspose2d(16, 8, 4, 2, 1), ReLU,
    ///     ConvTranspose2d(8, 3, 4, 2, 1), Sigmoid
    public static func autoencoder(seed: UInt64) -> Sequential {
        var rng = SeededRandom(seed: seed)
        return Sequential(
            Conv2d(3, 8, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            Conv2d(8, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            Conv2d(16, 32, kernelSize: 4, stride: 2, padding: 1, rng: &rng),
            ConvTranspose2d(32, 16, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            ConvTranspose2d(16, 8, kernelSize: 4, stride: 2, padding: 1, rng: &rng), ReLU(),
            ConvTranspose2d(8, 3, kernelSize: 4, stride: 2, padding: 1, rng: &rng), Sigmoid())
    }

    /// The autoencoder's encoder layers (image -> code).
    public static let autoencoderEncoderRange = 0..<5
    /// The autoencoder's decoder layers (code -> image).
    public static let autoencoderDecoderRange = 5..<11
    /// The autoencoder's code shape for one image: [channels, height, width].
    public static let autoencoderCodeShape = [32, 4, 4]
}
