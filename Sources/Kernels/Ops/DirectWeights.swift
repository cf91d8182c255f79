/// Weight layouts and gradient sums shared by the direct convolution drivers.
///
/// Both run on one thread between the parallel parts of a step (before a pass, and after the
/// slices' partial weight gradients are written), so they are vectorised: they walk the tap-major
/// array row by row (`TapMajorWalk`), eight contiguous values at a time, and gather the strided
/// [A][B][T] side. Each value is moved or summed exactly as a plain loop would (same bits).

/// dst[t][a][b] = src[a][b][t] for an [A][B][T] weight (PyTorch's [out][in][kH][kW] or
/// [in][out][kH][kW]) -> tap-major, or its swapped form dst[t][b][a] when `swapped`.
func weightsTapMajor(_ src: UnsafePointer<Float>, a: Int, b: Int, taps: Int, swapped: Bool,
                     into dst: UnsafeMutablePointer<Float>) {
    let walk = TapMajorWalk(a: a, b: b, taps: taps, swapped: swapped)
    walk.forEachRow { row, weights in
        let to = dst + row
        var k = 0
        while k + 8 <= walk.inner {
            UnsafeMutableRawPointer(to + k).storeBytes(of: walk.load8(src, weights, k), as: SIMD8<Float>.self)
            k += 8
        }
        while k < walk.inner {
            to[k] = src[weights + k * walk.innerStride]
            k += 1
        }
    }
}

/// gradient[a][b][t] += sum over slices of partials[s][t][b][a] when `swapped`, else partials[s][t][a][b].
/// Each value is gradient + partial 0 + partial 1 + ... in slice order, so the result does not
/// depend on which thread ran which slice.
func addTapMajorPartials(_ partials: UnsafePointer<Float>, slices: Int, a: Int, b: Int, taps: Int,
                         swapped: Bool, into gradient: UnsafeMutablePointer<Float>) {
    let count = a * b * taps
    let walk = TapMajorWalk(a: a, b: b, taps: taps, swapped: swapped)
    walk.forEachRow { row, weights in
        let from = partials + row
        var k = 0
        while k + 8 <= walk.inner {
            var v = walk.load8(gradient, weights, k)
            for s in 0..<slices {
                v += UnsafeRawPointer(from + s * count + k).loadUnaligned(as: SIMD8<Float>.self)
            }
            walk.store8(v, gradient, weights, k)
            k += 8
        }
        while k < walk.inner {
            var sum = gradient[weights + k * walk.innerStride]
            for s in 0..<slices { sum += from[s * count + k] }
            gradient[weights + k * walk.innerStride] = sum
            k += 1
        }
    }
}

/// The correspondence between an [A][B][T] weight and its tap-major form ([T][A][B], or [T][B][A]
/// when `swapped`), walked one tap-major row at a time: the row of tap t and outer index o holds
/// `inner` contiguous values, whose [A][B][T] offsets start at `forEachRow`'s second argument and
/// step by `innerStride`.
private struct TapMajorWalk {
    let taps: Int, outer: Int, inner: Int
    /// [A][B][T] distance between neighbours in a tap-major row, and between rows' outer indices.
    let innerStride: Int, outerStride: Int

    init(a: Int, b: Int, taps: Int, swapped: Bool) {
        self.taps = taps
        // Swapped: rows [t][j] of i = 0..<a (offset (i * b + j) * taps + t); else rows [t][i] of j.
        (outer, inner) = swapped ? (b, a) : (a, b)
        (innerStride, outerStride) = swapped ? (b * taps, taps) : (taps, b * taps)
    }

    /// Values k..<k+8 of the row whose [A][B][T] offsets start at `first`, gathered from `p`.
    @inline(__always)
    func load8(_ p: UnsafePointer<Float>, _ first: Int, _ k: Int) -> SIMD8<Float> {
        var v = SIMD8<Float>()
        for l in 0..<8 { v[l] = p[first + (k + l) * innerStride] }
        return v
    }

    /// `load8`'s inverse: scatters `v` to values k..<k+8 of the row starting at `first`.
    @inline(__always)
    func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ first: Int, _ k: Int) {
        for l in 0..<8 { p[first + (k + l) * innerStride] = v[l] }
    }

    /// `body(tap-major offset of the row, [A][B][T] offset of its first value)` for every row,
    /// outer index first (so each [A][B][T] cache line is reused across taps while it is near).
    @inline(__always)
    func forEachRow(_ body: (Int, Int) -> Void) {
        for o in 0..<outer {
            for t in 0..<taps {
                body(t * outer * inner + o * inner, o * outerStride + t)
            }
        }
    }
}
