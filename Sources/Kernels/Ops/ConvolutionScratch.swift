import CKernels

/// Scratch memory for a fast convolution (`Conv2dWorkspace`) or transposed convolution
/// (`ConvTranspose2dWorkspace`), sized for one geometry and reused across steps: the direct
/// kernels' plan when they run on this CPU, else the im2col path's buffers.
public final class ConvolutionWorkspace<Geometry: ConvolutionGeometry>: @unchecked Sendable {
    public let geometry: Geometry
    /// The im2col path's buffers (empty but for the input copy when the direct plan runs).
    let scratch: ConvolutionScratch
    /// The direct kernels' plan (AVX-512 or AVX2), when they run.
    let direct: (any DirectConvolutionPlan)?

    /// `keepsInputCopy: false` saves a copy of the input per step; the backward pass must then be
    /// given the forward's input, unchanged. `kernels` picks the direct kernels' form, or
    /// `.portable` for im2col + OpenBLAS (the tests compare them); a form this CPU lacks runs as
    /// `.portable`. `plan` builds the kind's direct plan.
    init(_ geometry: Geometry, keepsInputCopy: Bool, kernels: ConvolutionKernels,
         plan: (Geometry, ck_isa) -> any DirectConvolutionPlan) {
        self.geometry = geometry
        direct = kernels.runsDirect ? plan(geometry, kernels.isa) : nil
        scratch = ConvolutionScratch(geometry, keepsInputCopy: keepsInputCopy, usesIm2col: direct == nil)
    }

    /// The start of a forward pass: checks the geometry and, when the direct plan runs, keeps
    /// the input (if asked), runs the plan and returns true; false leaves the work to the im2col path.
    /// `planeMoments`: every output plane's batch-norm moments, taken per image.
    /// `imageInput` (the direct plan only: `runsDirect`): the input image by image, `input` is not
    /// read; the backward pass after this forward pass asks it again.
    func forwardDirectly(_ g: Geometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                         activation: ConvolutionActivation, planeMoments: UnsafeMutablePointer<Float>? = nil,
                         imageInput: ImageInput? = nil) -> Bool {
        precondition(geometry == g, "\(Geometry.self) forward: the workspace was sized for another geometry")
        precondition(imageInput == nil || (direct != nil && !scratch.keepsInputCopy),
                     "\(Geometry.self) forward: an input given image by image needs the direct plan and no input copy")
        inputImages = imageInput
        guard let direct else { return false }
        scratch.keepInput(input, offset: 0, count: g.inputCount)
        direct.forward(input: input, weight: weight, bias: bias, output: output, activation: activation,
                       planeMoments: planeMoments, imageInput: imageInput)
        return true
    }

    /// Whether the direct kernels' plan runs (else the im2col path).
    public var runsDirect: Bool { direct != nil }

    /// The last forward pass's input given image by image, which the backward pass asks again.
    private(set) var inputImages: ImageInput?

    /// The im2col path's gradient at the convolution's output: `gradOutput` itself without an
    /// activation, else the activation's backward over the whole batch into a buffer kept here
    /// (allocated on first use). `output`: the forward's (activated) output.
    private var activationGradient: FloatBuffer?
    func gradientBeforeActivation(_ gradOutput: UnsafePointer<Float>, output: UnsafePointer<Float>?,
                                  activation: ConvolutionActivation, count: Int) -> UnsafePointer<Float> {
        guard activation != .none, let output else { return gradOutput }
        let buffer = activationGradient ?? FloatBuffer(count: count)
        activationGradient = buffer
        activation.backwardAll(output: output, gradOutput: gradOutput, gradInput: buffer.pointer, count: count)
        return UnsafePointer(buffer.pointer)
    }

    /// The start of a backward pass: checks the geometry, finds the forward's input (the caller's
    /// or the kept copy) and, when the direct plan runs, runs it and returns nil; otherwise returns
    /// the input for the im2col path.
    /// `activation`, `output`: the activation the forward applied (`Sequential`'s fusion) and
    /// its output; the returned gradient is then the one before the activation.
    /// `upstream` (no activation): the output gradient image by image; `gradOutput` is then not read
    /// (the im2col path gets the whole batch's, written into a buffer kept here).
    /// `inputReader`: given each image's input gradient once the plan wrote it (the im2col path
    /// calls it itself).
    /// `squaredError` (a sigmoid; the direct transposed convolution only, which the caller checks):
    /// the loss the plan takes image by image; `gradOutput` is then not read.
    func backwardDirectly(_ g: Geometry, input: UnsafePointer<Float>?, gradOutput: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
                          gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
                          activation: ConvolutionActivation, output: UnsafePointer<Float>?,
                          upstream: ImageGradient? = nil, inputReader: InputGradientReader? = nil,
                          squaredError: SquaredErrorImages? = nil)
        -> (input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>)? {
        precondition(upstream == nil || activation == .none, "\(Geometry.self) backward: an image-by-image gradient with an activation")
        precondition(geometry == g, "\(Geometry.self) backward: the workspace was sized for another geometry")
        precondition(input != nil || scratch.keepsInputCopy,
                     "\(Geometry.self) backward: the workspace keeps no input copy: pass the input")
        precondition(activation == .none || output != nil, "\(Geometry.self) backward: an activation needs the forward's output")
        let forwardInput = input ?? UnsafePointer(scratch.savedInput.pointer)
        guard let direct else {
            if let upstream {
                let buffer = activationGradient ?? FloatBuffer(count: g.outputCount)
                activationGradient = buffer
                let imageSize = g.outputCount / g.batch
                for n in 0..<g.batch { upstream.write(n, buffer.pointer + n * imageSize) }
                return (forwardInput, UnsafePointer(buffer.pointer))
            }
            return (forwardInput, gradientBeforeActivation(gradOutput, output: output, activation: activation,
                                                           count: g.outputCount))
        }
        direct.backward(input: forwardInput, gradOutput: gradOutput, weight: weight, gradInput: gradInput,
                        gradWeight: gradWeight, gradBias: gradBias,
                        activation: ActivationBackward(activation: activation, output: output, upstream: upstream,
                                                       inputReader: gradInput == nil ? nil : inputReader,
                                                       squaredError: squaredError, inputImages: inputImages))
        return nil
    }
}

/// A direct kernels' plan (`DirectConv2dPlan`, `DirectConvTranspose2dPlan`), as a workspace runs it.
protocol DirectConvolutionPlan: AnyObject {
    /// AVX-512 or AVX2.
    var isa: ck_isa { get }
    /// `activation` is applied to each image of the output as soon as it is computed; with
    /// `planeMoments`, each image's output planes' batch-norm moments (`batchNorm2dPlaneMoments`,
    /// 3 floats a plane) are taken right after the image is written, from the cache. `imageInput`:
    /// the input image by image (`input` is not read), asked just before each image is copied.
    func forward(input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 output: UnsafeMutablePointer<Float>, activation: ConvolutionActivation,
                 planeMoments: UnsafeMutablePointer<Float>?, imageInput: ImageInput?)
    /// `gradOutput` is the gradient after `activation` (taken back image by image).
    func backward(input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                  gradInput: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>,
                  gradBias: UnsafeMutablePointer<Float>?, activation: ActivationBackward)
}

/// What the im2col path of `Conv2d.swift` and `ConvTranspose2d.swift` shares: the batch cut into
/// slices for the kernel threads, a few images per GEMM (`chunkImages`), the per-slice buffers
/// and the per-slice partial gradients summed in slice order. Both ops view their weight as a
/// matrix [gemmChannels, im2col.rows] (gemmChannels: Cout for a convolution, Cin for a transposed
/// one) and differ only in what they multiply it with.
struct ConvolutionScratch {
    let slices: BatchSlices
    /// Images per GEMM: enough for about `targetColumns` grid positions.
    let chunkImages: Int
    /// [N, Cin, H, W]: a copy of the forward input for the weight gradient, unless the caller
    /// keeps the input unchanged and passes it to the backward pass (then empty).
    let savedInput: FloatBuffer
    let keepsInputCopy: Bool
    /// Per slice: [im2col.rows, chunk * grid positions], the unrolled or scattered columns.
    let columns: FloatBuffer
    /// Per slice: [gemmChannels, chunk * grid positions], the GEMM's channel-major side, when a
    /// chunk holds several images (one image is channel-major already).
    let channelMajor: FloatBuffer
    /// Per slice: partial weight and bias [Cout] gradients.
    let partialWeight: FloatBuffer
    let partialBias: FloatBuffer
    /// The whole batch's im2col layout.
    let layout: Im2colLayout
    let weightCount: Int
    let outChannels: Int

    static let targetColumns = 256

    /// `usesIm2col: false` (the direct kernels run instead) leaves the im2col buffers empty.
    init<G: ConvolutionGeometry>(_ g: G, keepsInputCopy: Bool, usesIm2col: Bool) {
        layout = g.im2col
        weightCount = g.weightCount
        outChannels = g.outChannels
        self.keepsInputCopy = keepsInputCopy
        slices = BatchSlices(batch: g.batch)
        let positions = layout.grid.area
        let largestSlice = (g.batch + slices.count - 1) / slices.count
        chunkImages = max(1, min(largestSlice, Self.targetColumns / positions))
        let chunkColumns = usesIm2col ? chunkImages * positions : 0
        let gemmChannels = g.weightCount / layout.rows
        savedInput = FloatBuffer(count: keepsInputCopy ? g.inputCount : 0)
        columns = FloatBuffer(count: slices.count * layout.rows * chunkColumns)
        channelMajor = FloatBuffer(count: chunkImages > 1 ? slices.count * gemmChannels * chunkColumns : 0)
        partialWeight = FloatBuffer(count: slices.count * g.weightCount)
        partialBias = FloatBuffer(count: slices.count * g.outChannels)
    }

    /// The im2col layout of `images` consecutive images.
    func layout(images: Int) -> Im2colLayout {
        Im2colLayout(batch: images, channels: layout.channels, image: layout.image, grid: layout.grid,
                     kernel: layout.kernel, stride: layout.stride, padding: layout.padding, dilation: layout.dilation)
    }

    /// Copies `count` input values starting at `offset` into `savedInput`, when the workspace
    /// keeps a copy (the forward passes call it for what they read).
    @inline(__always)
    func keepInput(_ input: UnsafePointer<Float>, offset: Int, count: Int) {
        if keepsInputCopy { (savedInput.pointer + offset).update(from: input + offset, count: count) }
    }

    /// Runs `body(first, count, columns, channelMajor)` for each chunk of `count` images starting
    /// at image `first`, the slices on the kernel threads, with that slice's buffers;
    /// `startSlice(s)` runs first on slice s's thread.
    @inline(__always)
    func forEachChunk(startSlice: (_ slice: Int) -> Void = { _ in },
                      _ body: (_ first: Int, _ count: Int, _ columns: UnsafeMutablePointer<Float>,
                               _ channelMajor: UnsafeMutablePointer<Float>, _ slice: Int) -> Void) {
        let chunkColumns = chunkImages * layout.grid.area
        KernelThreads.forEachSlice(slices.count) { s in
            startSlice(s)
            let images = slices.images(s)
            let columns = self.columns.pointer + s * layout.rows * chunkColumns
            let scratch = channelMajor.pointer + s * (channelMajor.count / slices.count)
            for first in stride(from: images.lowerBound, to: images.upperBound, by: chunkImages) {
                body(first, min(chunkImages, images.upperBound - first), columns, scratch, s)
            }
        }
    }

    /// The backward pass's chunks: `forEachChunk` with each slice's partial weight and bias
    /// gradients zeroed first, then added to `gradWeight` and `gradBias` in slice order (so the
    /// sums do not depend on which thread ran which slice).
    @inline(__always)
    func accumulateGradients(into gradWeight: UnsafeMutablePointer<Float>, _ gradBias: UnsafeMutablePointer<Float>?,
                             _ body: (_ first: Int, _ count: Int, _ columns: UnsafeMutablePointer<Float>,
                                      _ channelMajor: UnsafeMutablePointer<Float>,
                                      _ partialWeight: UnsafeMutablePointer<Float>,
                                      _ partialBias: UnsafeMutablePointer<Float>) -> Void) {
        forEachChunk(startSlice: { s in
            (partialWeight.pointer + s * weightCount).update(repeating: 0, count: weightCount)
            (partialBias.pointer + s * outChannels).update(repeating: 0, count: outChannels)
        }) { first, count, columns, channelMajor, s in
            body(first, count, columns, channelMajor, partialWeight.pointer + s * weightCount,
                 partialBias.pointer + s * outChannels)
        }
        addPartialGradients(partialWeight.pointer, slices: slices.count, count: weightCount, into: gradWeight)
        if let gradBias {
            addPartialGradients(partialBias.pointer, slices: slices.count, count: outChannels, into: gradBias)
        }
    }
}

/// gradient += each slice's partial gradient, in slice order (so the sum does not depend on which
/// thread ran which slice). partials [slices, count].
func addPartialGradients(_ partials: UnsafePointer<Float>, slices: Int, count: Int,
                         into gradient: UnsafeMutablePointer<Float>) {
    for s in 0..<slices {
        addFloats(partials + s * count, into: gradient, count: count)
    }
}

/// The sum of `count` values, eight running sums at a time (then added pairwise).
@inline(__always)
func sumFloats(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var sum = lanes.sum()
    while i < count { sum += values[i]; i += 1 }
    return sum
}
