/// Weight layouts and gradient sums shared by the direct convolution drivers.

/// dst[t][a][b] = src[a][b][t] for an [A][B][T] weight (PyTorch's [out][in][kH][kW] or
/// [in][out][kH][kW]) -> tap-major, or its swapped form dst[t][b][a] when `swapped`.
func weightsTapMajor(_ src: UnsafePointer<Float>, a: Int, b: Int, taps: Int, swapped: Bool,
                     into dst: UnsafeMutablePointer<Float>) {
    for i in 0..<a {
        for j in 0..<b {
            let s = src + (i * b + j) * taps
            for t in 0..<taps {
                dst[t * a * b + (swapped ? j * a + i : i * b + j)] = s[t]
            }
        }
    }
}

/// gradient[a][b][t] += sum over slices of partials[s][t][b][a] when `swapped`, else partials[s][t][a][b].
/// Slices are added in order, so the result does not depend on which thread ran which slice.
func addTapMajorPartials(_ partials: UnsafePointer<Float>, slices: Int, a: Int, b: Int, taps: Int,
                         swapped: Bool, into gradient: UnsafeMutablePointer<Float>) {
    let count = a * b * taps
    for i in 0..<a {
        for j in 0..<b {
            for t in 0..<taps {
                let index = t * a * b + (swapped ? j * a + i : i * b + j)
                var sum = gradient[(i * b + j) * taps + t]
                for s in 0..<slices { sum += partials[s * count + index] }
                gradient[(i * b + j) * taps + t] = sum
            }
        }
    }
}
