/// How the optimisers split their element-wise updates across the kernel threads: every
/// parameter cut into chunks of at most `chunkSize` values (the course CNN's 102,400-value fc1
/// weight into 7, each small bias into 1). Each value is updated by one chunk with the same
/// arithmetic as a plain loop, so the split never changes a bit, whatever the thread count.
struct ParameterChunks {
    struct Chunk {
        /// Index into the optimiser's parameters.
        let parameter: Int
        /// Values of that parameter.
        let range: Range<Int>
    }

    /// Values per chunk: large enough that handing one to a thread costs little beside it.
    static let chunkSize = 16_384
    /// Below this many values in all, one thread does the whole update (handing chunks to a helper
    /// costs more). The helpers spin between a step's jobs, so a hand-over costs a few microseconds:
    /// the course autoencoder's ~21,000 values (Adam, ~0.05 ms a step) already gain from two threads.
    static let parallelThreshold = 16_384

    let chunks: [Chunk]
    let parallel: Bool

    init(counts: [Int]) {
        var chunks: [Chunk] = []
        for (parameter, count) in counts.enumerated() where count > 0 {
            let pieces = (count + Self.chunkSize - 1) / Self.chunkSize
            for piece in 0..<pieces {
                chunks.append(Chunk(parameter: parameter,
                                    range: (piece * count / pieces)..<((piece + 1) * count / pieces)))
            }
        }
        self.chunks = chunks
        parallel = counts.reduce(0, +) >= Self.parallelThreshold
    }

    /// Runs `body(chunk, value, gradient)` for every chunk, with pointers to the start of its
    /// parameter's values and gradient, on the kernel threads when there is enough work.
    ///
    /// The pointers are taken here, on the calling thread, for all parameters at once: the chunks
    /// of one parameter then never touch its arrays themselves from two threads.
    func forEach(_ parameters: [Parameter],
                 _ body: (Chunk, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) {
        withPointers(parameters, from: 0, values: [], gradients: []) { values, gradients in
            if parallel {
                KernelThreads.forEach(slices: chunks.count) { c in
                    let chunk = chunks[c]
                    body(chunk, values[chunk.parameter]!, gradients[chunk.parameter]!)
                }
            } else {
                for chunk in chunks { body(chunk, values[chunk.parameter]!, gradients[chunk.parameter]!) }
            }
        }
    }

    /// Sets every parameter's gradient to zero, as `forEach` splits an update.
    func zero(_ parameters: [Parameter]) {
        forEach(parameters) { chunk, _, gradient in
            (gradient + chunk.range.lowerBound).update(repeating: 0, count: chunk.range.count)
        }
    }

    /// Nests `withMutablePointer` over every parameter's value and gradient, then calls `body`
    /// (nil for an empty parameter, which has no storage and no chunks).
    private func withPointers(_ parameters: [Parameter], from index: Int,
                              values: [UnsafeMutablePointer<Float>?], gradients: [UnsafeMutablePointer<Float>?],
                              _ body: ([UnsafeMutablePointer<Float>?], [UnsafeMutablePointer<Float>?]) -> Void) {
        guard index < parameters.count else { body(values, gradients); return }
        let parameter = parameters[index]
        guard parameter.count > 0 else {
            withPointers(parameters, from: index + 1, values: values + [nil], gradients: gradients + [nil], body)
            return
        }
        parameter.value.withMutablePointer { value in
            parameter.gradient.withMutablePointer { gradient in
                withPointers(parameters, from: index + 1, values: values + [value], gradients: gradients + [gradient], body)
            }
        }
    }
}

/// Eight floats from `pointer` (any alignment).
@inline(__always)
func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

/// Eight floats from `pointer` (any alignment).
@inline(__always)
func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

/// Stores eight floats at `pointer` (any alignment).
@inline(__always)
func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}
