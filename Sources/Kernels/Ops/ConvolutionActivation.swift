/// An activation a convolution applies to its own output (`Sequential` fuses a `Conv2d` or
/// `ConvTranspose2d` with the ReLU or Sigmoid after it). The direct plans apply it to each image
/// right after computing it, while the image is still in cache, and take the activation's
/// backward on each image's gradient into a small per-slice buffer before using it; the
/// whole-batch passes of the separate layer (read, write, read again by the convolution's
/// backward) disappear. The arithmetic is the activation layers' own (`reluForward`,
/// `sigmoidBackward`, ...), value by value, so the bits are the same as layer by layer.
public enum ConvolutionActivation: Sendable, Equatable, CaseIterable {
    case none
    case relu
    case sigmoid

    /// values[i] = activation(values[i]) for i < count, on the calling thread.
    @inline(__always)
    func forward(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: break
        case .relu: reluForward(input: values, output: values, range: 0..<count)
        case .sigmoid: sigmoidForward(input: values, output: values, range: 0..<count)
        }
    }

    /// The same over a whole batch, on the kernel threads (the im2col path).
    func forwardAll(_ values: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: break
        case .relu: reluForward(input: values, output: values, count: count)
        case .sigmoid: sigmoidForward(input: values, output: values, count: count)
        }
    }

    /// What a whole-batch (im2col) forward pass does after writing `output` ([batch, channels,
    /// area]): the activation over all of it, then, for the batch norm that follows (training),
    /// the plane moments of what it wrote. The direct plans do both image by image instead.
    func finishWholeBatch(_ output: UnsafeMutablePointer<Float>, batch: Int, channels: Int, area: Int,
                          planeMoments: UnsafeMutablePointer<Float>?) {
        forwardAll(output, count: batch * channels * area)
        if let planeMoments {
            batchNorm2dPlaneMoments(output, planes: batch * channels, spatial: area, into: planeMoments)
        }
    }

    /// gradInput = the gradient at the activation's input, from its `output` and the gradient at
    /// that output, for `count` values on the calling thread (`.none`: a copy).
    @inline(__always)
    func backward(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: copyFloats(from: gradOutput, to: gradInput, count: count)
        case .relu: reluBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, range: 0..<count)
        case .sigmoid: sigmoidBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, range: 0..<count)
        }
    }

    /// The same over a whole batch, on the kernel threads (the im2col path).
    func backwardAll(output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
                     gradInput: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: copyFloats(from: gradOutput, to: gradInput, count: count)
        case .relu: reluBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, count: count)
        case .sigmoid: sigmoidBackward(output: output, gradOutput: gradOutput, gradInput: gradInput, count: count)
        }
    }
}

/// A convolution's output gradient computed image by image by the layers after it, so that it is
/// never written for the whole batch: `write(n, into)` writes image n's gradient (one image,
/// [channels][height][width]) into `into`. It may run on any kernel thread, for different images at
/// once. `Sequential` makes one from BatchNorm2d + ReLU + MaxPool2d(2) after a Conv2d, and from
/// BatchNorm2d + ReLU or LeakyReLU after a Conv2d or ConvTranspose2d.
public struct ImageGradient: @unchecked Sendable {
    public let write: (_ image: Int, _ into: UnsafeMutablePointer<Float>) -> Void

    public init(_ write: @escaping (_ image: Int, _ into: UnsafeMutablePointer<Float>) -> Void) {
        self.write = write
    }
}

/// A convolution's input computed image by image by the layers before it (the forward mirror of
/// `ImageGradient`), so that it is never written for the whole batch: `write(n, into)` writes image
/// n's input (one image, [channels][height][width]) into `into`, the same bits every time it is
/// asked. The direct plans ask for each image just before copying it (into their bordered buffer or
/// channels-last), in the forward pass and again in the backward pass (the weight gradient), so it
/// is written into a small per-slice buffer, still in cache when read. It may run on any kernel
/// thread, for different images at once, until the layers before the convolution run again.
/// `Sequential` makes one from a BatchNorm2d + ReLU or LeakyReLU in training
/// (`BatchNorm2d.forwardDeferringApply`): y = activation(x * scale + shift) of each image of x.
public struct ImageInput: @unchecked Sendable {
    public let write: (_ image: Int, _ into: UnsafeMutablePointer<Float>) -> Void

    public init(_ write: @escaping (_ image: Int, _ into: UnsafeMutablePointer<Float>) -> Void) {
        self.write = write
    }

    /// Image `n` of a convolution's input: `input`'s own values (images `imageSize` apart) without
    /// `images`, else written by it into `buffer` (one image).
    @inline(__always)
    static func image(_ images: ImageInput?, _ input: UnsafePointer<Float>, _ n: Int, imageSize: Int,
                      buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard let images else { return input + n * imageSize }
        images.write(n, buffer)
        return UnsafePointer(buffer)
    }
}

/// What the layers before a convolution take from its input gradient image by image, right after
/// each image's is written (still in cache): `read(n, gradient)` gets image n's ([channels][height]
/// [width]). It may run on any kernel thread, for different images at once; every path of the
/// backward pass (direct or im2col) calls it once per image. `Sequential` makes one from the
/// BatchNorm2d + ReLU or LeakyReLU before a convolution: its backward pass's plane sums
/// (`batchNorm2dImageGradientSums`), so that the batch norm need not read the gradient for them.
public struct InputGradientReader: @unchecked Sendable {
    public let read: (_ image: Int, _ gradient: UnsafePointer<Float>) -> Void

    public init(_ read: @escaping (_ image: Int, _ gradient: UnsafePointer<Float>) -> Void) {
        self.read = read
    }

    /// `read` for each of `count` images from `first`, whose gradients are `imageSize` apart from `gradient`.
    func read(images first: Int, count: Int, imageSize: Int, gradient: UnsafePointer<Float>) {
        for i in 0..<count { read(first + i, gradient + i * imageSize) }
    }
}

/// What a fused backward pass needs besides the upstream gradient: the activation and the
/// output it produced (the convolution's output buffer, which holds the activated values), or
/// the layers after the convolution giving its output gradient image by image (`upstream`).
struct ActivationBackward {
    let activation: ConvolutionActivation
    let output: UnsafePointer<Float>?
    /// When set (no activation), the upstream gradient: `gradOutput` is not read.
    var upstream: ImageGradient? = nil
    /// When set, the layers before the convolution read each image's input gradient once written.
    var inputReader: InputGradientReader? = nil
    /// When set (a sigmoid; the direct transposed convolution only), the squared-error loss the
    /// layer takes image by image: `gradOutput` is not read.
    var squaredError: SquaredErrorImages? = nil
    /// When set, the forward pass's input image by image (`ImageInput`): `input` is not read.
    var inputImages: ImageInput? = nil

    /// After image `n`'s input gradient (at `gradInput`) is written.
    @inline(__always)
    func wroteInputGradient(_ gradInput: UnsafePointer<Float>, image n: Int) {
        inputReader?.read(n, gradInput)
    }

    /// Image `n`'s gradient at the convolution's output (before the activation): `gradOutput`'s
    /// own values when there is no activation, else computed into `buffer` (one image).
    @inline(__always)
    func gradient(_ gradOutput: UnsafePointer<Float>, image n: Int, imageSize: Int,
                  buffer: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        if let upstream {
            upstream.write(n, buffer)
            return UnsafePointer(buffer)
        }
        let dy = gradOutput + n * imageSize
        guard activation != .none, let output else { return dy }
        activation.backward(output: output + n * imageSize, gradOutput: dy, gradInput: buffer, count: imageSize)
        return UnsafePointer(buffer)
    }
}
