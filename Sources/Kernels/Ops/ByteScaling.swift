import CKernels

/// Pixel bytes to floats in [0, 1], as PyTorch's `ToTensor()`: each value is exactly
/// `Float(byte) / 255` (a correctly rounded division, so the bits match a lookup table of
/// those quotients; multiplying by 1/255 would not: it differs for 126 of the 256 bytes).

/// Writes `Float(bytes[i]) / 255` to `output[i]` for i in 0..<count, sixteen at a time (in
/// AVX-512 or AVX2 C with the direct kernels, `ck_scale_bytes_to_unit`: the same quotients).
/// Runs on the calling thread: callers split large batches themselves (see `ImageDataset.fillBatch`).
public func scaleBytesToUnit(_ bytes: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, count: Int) {
    if DirectConvolution.isAvailable {
        ck_scale_bytes_to_unit(DirectConvolution.active.isa, bytes, output, count)
    } else {
        scaleBytesToUnitPortable(bytes, into: output, count: count)
    }
}

/// `scaleBytesToUnit` in Swift SIMD.
func scaleBytesToUnitPortable(_ bytes: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
        let b = UnsafeRawPointer(bytes + i).loadUnaligned(as: SIMD16<UInt8>.self)
        let f = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: b)) / 255
        UnsafeMutableRawPointer(output + i).storeBytes(of: f, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count { output[i] = Float(bytes[i]) / 255; i += 1 }
}
