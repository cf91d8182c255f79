import Foundation
import Kernels

/// The sizes a network asks for when it trains on whole batches, checked before anything is
/// allocated: a student who types `Conv2d(3, 100000, 3)` or `Linear(3072, 16777216)` gets a
/// message naming the layer, not a crash halfway into the first step.
extension LayerSpec {
    /// Throws when this layer's output for `batch` samples, or one of its weight tensors, has
    /// more values than cnnlab's largest tensor (`SizeLimits.elementCount`).
    func checkTensorSizes(output: [Int], batch: Int) throws(LayerTextProblem) {
        do {
            _ = try SizeLimits.product([batch] + output, field: "output")
        } catch {
            throw LayerTextProblem("gives \(Self.shapeText(output)) values per image, \(batch)x that for a batch of \(batch): "
                                   + "more than \(SizeLimits.elementCount); use fewer channels or a smaller batch")
        }
        for weight in weightShapes {
            do { _ = try SizeLimits.product(weight, field: "weight") } catch {
                throw LayerTextProblem("has a \(Self.shapeText(weight)) weight: more than \(SizeLimits.elementCount)")
            }
        }
    }

    /// The shapes of the weight tensors, as PyTorch's state_dict holds them (the convolutions' from
    /// their geometries, which the layers run with).
    var weightShapes: [[Int]] {
        switch kind {
        case .conv2d:
            return [Conv2dGeometry.weightShape(inChannels: count("in_channels"), outChannels: count("out_channels"),
                                               kernel: size("kernel_size"))]
        case .convTranspose2d:
            return [ConvTranspose2dGeometry.weightShape(inChannels: count("in_channels"), outChannels: count("out_channels"),
                                                        kernel: size("kernel_size"))]
        case .linear:  // LinearGeometry's [outFeatures, inFeatures]
            return [[count("out_features"), count("in_features")]]
        case .batchNorm2d, .maxPool2d, .avgPool2d, .dropout, .relu, .leakyReLU, .sigmoid, .tanh, .flatten:
            return []
        }
    }
}

extension NetworkText {
    /// A lower estimate of the memory one training step needs, in bytes: every layer's output for
    /// the batch and its gradient (plus about one more such buffer of working space), the input
    /// batch, and four copies of the parameters (values, gradients, two optimiser moments).
    /// Workspaces of particular kernels come on top, so a network over this figure cannot train.
    public func trainingMemoryEstimate(input: [Int], batch: Int) throws(LayerTextError) -> Int {
        let rows = try shapes(input: input, batch: batch)
        // Each term is at most SizeLimits.elementCount (checked above) and there are few layers:
        // the sums below cannot overflow.
        let floats = MemoryLayout<Float>.size
        let activations = rows.reduce(input.reduce(1, *)) { $0 + 3 * $1.outputShape.reduce(1, *) }
        return batch * activations * floats + 4 * parameterCount * floats
    }

    /// Throws, naming the estimate, the largest layer and `available`, when training at `batch`
    /// needs more memory than `available` bytes (by default this machine's physical memory).
    public func checkTrainingMemory(input: [Int], batch: Int,
                                    available: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory)) throws(LayerTextError) {
        let needed = try trainingMemoryEstimate(input: input, batch: batch)
        guard needed > available else { return }
        let rows = try shapes(input: input, batch: batch)
        let largest = rows.indices.max { rows[$0].outputShape.reduce(1, *) < rows[$1].outputShape.reduce(1, *) } ?? 0
        throw LayerTextError(
            position: nil, layer: nil,
            message: "training this network on batches of \(batch) needs at least \(Self.gigabytes(needed)) of memory, "
                + "more than the \(Self.gigabytes(available)) this machine has (the largest layer output is layer \(largest) "
                + "\(layers[largest].text): \(LayerSpec.shapeText(rows[largest].outputShape)) per image); "
                + "use fewer channels or a smaller --batch-size",
            path: path)
    }

    private static func gigabytes(_ bytes: Int) -> String {
        String(format: "%.1f GB", Double(bytes) / 1e9)
    }
}
