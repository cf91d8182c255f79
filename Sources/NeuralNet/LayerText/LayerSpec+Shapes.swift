/// What each layer does to the shape of one sample ([C, H, W] image or [F] features), and how
/// many trainable values it has: the model block's table and the checks before training.
/// Sizes come from the Kernels geometries that the layers themselves run with.
extension LayerSpec {
    /// The trainable values: weights and biases (BatchNorm2d's buffers are not counted, as in
    /// PyTorch's `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int {
        switch kind {
        case .conv2d, .convTranspose2d:
            let kernel = size("kernel_size")
            return count("in_channels") * count("out_channels") * kernel.area + (flag("bias") ? count("out_channels") : 0)
        case .linear:
            return count("in_features") * count("out_features") + (flag("bias") ? count("out_features") : 0)
        case .batchNorm2d:
            return flag("affine") ? 2 * count("num_features") : 0
        case .maxPool2d, .avgPool2d, .dropout, .relu, .leakyReLU, .sigmoid, .tanh, .flatten:
            return 0
        }
    }

    /// The shape of one sample after this layer, or why the layer cannot take `shape`.
    /// `flattenedFrom` is the image shape a flat input came from (for "gets 2048 (32x8x8)").
    /// `batch` is the number of samples the layer will run on at once: the geometries refuse
    /// sizes past cnnlab's limits for the whole batch, as the layer itself would when it runs.
    public func outputShape(forSample shape: [Int], flattenedFrom: [Int]? = nil, batch: Int = 1) throws(LayerTextProblem) -> [Int] {
        switch kind {
        case .relu, .leakyReLU, .sigmoid, .tanh, .dropout:
            return shape
        case .flatten:
            return [shape.reduce(1, *)]
        case .linear:
            let inFeatures = count("in_features")
            guard let last = shape.last, last == inFeatures else {
                if shape.count == 1 {
                    let origin = flattenedFrom.map { " (\(Self.shapeText($0)))" } ?? ""
                    throw LayerTextProblem("expects \(inFeatures) features, gets \(shape[0])\(origin)")
                }
                let total = shape.reduce(1, *)
                throw LayerTextProblem("expects \(inFeatures) features, gets \(Self.shapeText(shape))"
                                       + (total == inFeatures ? ": add Flatten() before it"
                                                              : " (\(total) values): add Flatten() and use Linear(\(total), ...)"))
            }
            return Array(shape.dropLast()) + [count("out_features")]
        case .batchNorm2d:
            let image = try imageShape(shape)
            guard image[0] == count("num_features") else {
                throw LayerTextProblem("expects \(count("num_features")) channels, gets \(image[0]) (\(Self.shapeText(image)))")
            }
            return image
        case .conv2d, .convTranspose2d:
            let image = try imageShape(shape)
            guard image[0] == count("in_channels") else {
                throw LayerTextProblem("expects \(count("in_channels")) input channels, gets \(image[0]) (\(Self.shapeText(image)))")
            }
            let input = Size2D(image[1], image[2])
            do {
                if kind == .conv2d {
                    let g = try Conv2dGeometry(batch: batch, inChannels: image[0], outChannels: count("out_channels"), input: input,
                                               kernel: size("kernel_size"), stride: size("stride"), padding: size("padding"),
                                               dilation: size("dilation"))
                    return Array(g.outputShape.dropFirst())
                }
                let g = try ConvTranspose2dGeometry(batch: batch, inChannels: image[0], outChannels: count("out_channels"), input: input,
                                                    kernel: size("kernel_size"), stride: size("stride"), padding: size("padding"),
                                                    outputPadding: size("output_padding"), dilation: size("dilation"))
                return Array(g.outputShape.dropFirst())
            } catch {
                throw LayerTextProblem("cannot take \(Self.shapeText(image)): \(error.reason)")
            }
        case .maxPool2d, .avgPool2d:
            let image = try imageShape(shape)
            let input = Size2D(image[1], image[2])
            do {
                if kind == .maxPool2d {
                    let g = try MaxPool2dGeometry(batch: batch, channels: image[0], input: input, kernel: size("kernel_size"),
                                                  stride: size("stride"), padding: size("padding"), dilation: size("dilation"),
                                                  ceilMode: flag("ceil_mode"))
                    return Array(g.outputShape.dropFirst())
                }
                let g = try AvgPool2dGeometry(batch: batch, channels: image[0], input: input, kernel: size("kernel_size"),
                                              stride: size("stride"), padding: size("padding"), ceilMode: flag("ceil_mode"),
                                              countIncludePad: flag("count_include_pad"))
                return Array(g.outputShape.dropFirst())
            } catch {
                throw LayerTextProblem("cannot take \(Self.shapeText(image)): \(error.reason)")
            }
        }
    }

    /// `shape` when it is a C x H x W image, else a problem saying what the layer got.
    private func imageShape(_ shape: [Int]) throws(LayerTextProblem) -> [Int] {
        guard shape.count == 3 else {
            throw LayerTextProblem("expects a CxHxW image, gets \(shape.count == 1 ? "\(shape[0]) features" : Self.shapeText(shape))")
        }
        return shape
    }

    /// Shape text as the messages write it: "32x8x8", "400".
    public static func shapeText(_ shape: [Int]) -> String {
        shape.map(String.init).joined(separator: "x")
    }
}
