import Kernels

/// The Kernels geometry behind each trace: output sizes, window positions and the reference
/// ops that give a trace its values all come from it. The explorer checks the settings first
/// (`SettingsCheck`, in its own words), so a refusal here is a gap in those checks, reported
/// as a message rather than a crash.
enum EngineGeometry {
    static func conv(_ input: Tensor4, _ weight: Tensor4, _ s: ConvSettings) throws(ExploreError) -> Conv2dGeometry {
        do {
            return try Conv2dGeometry(batch: input.batch, inChannels: input.channels, outChannels: weight.batch,
                                      input: input.size, kernel: weight.size, stride: s.stride.size,
                                      padding: s.padding.size, dilation: s.dilation.size)
        } catch { throw ExploreError(error.description) }
    }

    static func convTranspose(_ input: Tensor4, _ weight: Tensor4, _ s: ConvSettings) throws(ExploreError) -> ConvTranspose2dGeometry {
        do {
            return try ConvTranspose2dGeometry(batch: input.batch, inChannels: input.channels, outChannels: weight.channels,
                                               input: input.size, kernel: weight.size, stride: s.stride.size,
                                               padding: s.padding.size, outputPadding: s.outputPadding.size,
                                               dilation: s.dilation.size)
        } catch { throw ExploreError(error.description) }
    }

    static func pool(_ input: Tensor4, _ s: PoolSettings) throws(ExploreError) -> MaxPool2dGeometry {
        do {
            return try MaxPool2dGeometry(batch: input.batch, channels: input.channels, input: input.size,
                                         kernel: s.kernel.size, stride: s.stride.size, padding: s.padding.size,
                                         dilation: s.dilation.size, ceilMode: s.ceilMode)
        } catch { throw ExploreError(error.description) }
    }
}

extension Pair {
    /// The same pair in Kernels' type.
    var size: Size2D { Size2D(height, width) }
}

extension Tensor4 {
    /// Height and width.
    var size: Size2D { Size2D(height, width) }

    /// A tensor of `shape` [N, C, H, W] holding `values` (row-major).
    init(shape: [Int], values: [Float]) {
        precondition(shape.count == 4 && shape.reduce(1, *) == values.count)
        self.init(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3])
        self.values = values
    }
}
