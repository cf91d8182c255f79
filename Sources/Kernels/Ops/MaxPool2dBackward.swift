import CKernels

/// Backward pass of the fast max pooling (`MaxPool2d.swift`), optionally fused with the backward
/// pass of a ReLU before the pooling.

/// Backward: each upstream gradient goes to the input position that won its window.
/// gradOutput [N, C, OH, OW], argmax from the forward pass -> gradInput [N, C, H, W] (overwritten).
///
/// With `reluFused` (after `maxPool2dForward(..., applyingReLU: true)`), pass the forward's
/// `output`: windows whose output is not positive send no gradient. That is ReLU's backward rule
/// (an input position's ReLU output is the output of every window it won), so gradInput is then
/// the gradient with respect to ReLU's input, bit for bit what `reluBackward` after the unfused
/// pooling's backward gives, in one pass instead of two.
public func maxPool2dBackward(_ g: MaxPool2dGeometry, gradOutput: UnsafePointer<Float>,
                              argmax: UnsafePointer<Int32>, gradInput: UnsafeMutablePointer<Float>,
                              reluFused: Bool = false, output: UnsafePointer<Float>? = nil) {
    precondition(!reluFused || output != nil, "maxPool2dBackward: reluFused needs the forward's output")
    // Every window lies inside its own plane (image and channel), so slices of images write
    // disjoint memory. Each plane is cleared just before its windows add into it, while it is in
    // the L1 cache (clearing a whole slice first would write it to memory twice).
    let slices = BatchSlices(batch: g.batch)
    let planeIn = g.input.area, planeOut = g.output.area
    let mask = reluFused ? output : nil
    // Windows that tile the input: each writes its four gradients directly, in AVX-512 registers.
    let direct = DirectConvolution.vectorElementwise && g.isPlainTwoByTwo
        && 2 * g.output.height == g.input.height && 2 * g.output.width == g.input.width
    KernelThreads.forEachSlice(slices.count) { s in
        let images = slices.images(s)
        if direct {
            ck_max_pool_2x2_backward(gradOutput, argmax, mask, gradInput, images.lowerBound * g.channels,
                                     images.upperBound * g.channels, Int32(g.output.height), Int32(g.output.width))
            return
        }
        for plane in (images.lowerBound * g.channels)..<(images.upperBound * g.channels) {
            (gradInput + plane * planeIn).update(repeating: 0, count: planeIn)
            let windows = (plane * planeOut)..<((plane + 1) * planeOut)
            if let mask {
                for i in windows where mask[i] > 0 { gradInput[Int(argmax[i])] += gradOutput[i] }
            } else {
                for i in windows {
                    let target = Int(argmax[i])
                    if target >= 0 { gradInput[target] += gradOutput[i] }
                }
            }
        }
    }
}
