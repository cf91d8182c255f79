import CKernels
import Testing
@testable import Kernels

/// With the direct kernels the sigmoid runs in C (`ck_sigmoid_forward`, `ck_sigmoid_backward`, AVX-512
/// or AVX2); it must give the bits of the portable Swift loops for every input, including NaN,
/// infinities, signed zeros and the values around the ±80 edge where the exponential switches to expf.
@Suite("Sigmoid: AVX-512, AVX2 and portable paths")
struct VectorSigmoidTests {
    /// The C forms this CPU runs.
    static var forms: [ck_isa] {
        switch ck_best_isa() {
        case CK_ISA_AVX512: [CK_ISA_AVX512, CK_ISA_AVX2]
        case CK_ISA_AVX2: [CK_ISA_AVX2]
        default: []
        }
    }

    static func inputs() -> [Float] {
        var rng = SplitMix64(seed: 12)
        var values: [Float] = (0..<20_000).map { _ in (rng.unit() - 0.5) * 200 }
        values += (0..<4_000).map { _ in (rng.unit() - 0.5) * 8 }
        values += [.nan, .infinity, -.infinity, 0, -0.0, 80, -80, 80.0001, -80.0001, 87, -87, 88, -88,
                   .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e-30, -1e-30]
        // Some all-in-range groups after the special ones, and a ragged end.
        values += (0..<37).map { Float($0) * 0.37 - 6 }
        return values
    }

    static let cuts = [(0, inputs().count), (1, inputs().count - 1), (5, 13), (3, 8), (0, 7), (9, 31), (0, 0),
                       (20_000, inputs().count - 20_000)]

    @Test("ck_sigmoid_forward (AVX-512 and AVX2) equals the Swift loop bit for bit at every start and length tried")
    func cMatchesSwift() throws {
        try #require(!Self.forms.isEmpty, "this CPU has no AVX2 + FMA: the C path never runs here")
        let x = Self.inputs()
        for isa in Self.forms {
            for (start, count) in Self.cuts {
                var c = [Float](repeating: 7, count: x.count), swift = c
                x.withUnsafeBufferPointer { input in
                    c.withUnsafeMutableBufferPointer { ck_sigmoid_forward(isa, input.baseAddress! + start, $0.baseAddress! + start, count) }
                    swift.withUnsafeMutableBufferPointer {
                        sigmoidForwardPortable(input: input.baseAddress! + start, output: $0.baseAddress! + start, range: 0..<count)
                    }
                }
                #expect(c.map(\.bitPattern) == swift.map(\.bitPattern), "isa \(isa.rawValue), start \(start), count \(count)")
            }
        }
    }

    @Test("ck_sigmoid_backward (AVX-512 and AVX2) equals the Swift loop bit for bit")
    func backwardMatchesSwift() throws {
        try #require(!Self.forms.isEmpty, "this CPU has no AVX2 + FMA: the C path never runs here")
        let x = Self.inputs()
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { sigmoidForwardPortable(input: input.baseAddress!, output: $0.baseAddress!, range: 0..<x.count) }
        }
        // Upstream gradients of every size and sign, and some outputs that are not sigmoids at all.
        let dy = x.reversed().map { $0 * 0.37 }
        y += [2, -1, .nan, .infinity]
        let g = dy + [1, 1, 1, 1]
        for isa in Self.forms {
            for (start, count) in Self.cuts {
                let count = start == 0 && count == x.count ? y.count : count
                var c = [Float](repeating: 7, count: y.count), swift = c
                y.withUnsafeBufferPointer { out in
                    g.withUnsafeBufferPointer { grad in
                        c.withUnsafeMutableBufferPointer {
                            ck_sigmoid_backward(isa, out.baseAddress! + start, grad.baseAddress! + start, $0.baseAddress! + start, count)
                        }
                        swift.withUnsafeMutableBufferPointer {
                            sigmoidBackwardPortable(output: out.baseAddress! + start, gradOutput: grad.baseAddress! + start,
                                                    gradInput: $0.baseAddress! + start, range: 0..<count)
                        }
                    }
                }
                #expect(c.map(\.bitPattern) == swift.map(\.bitPattern), "isa \(isa.rawValue), start \(start), count \(count)")
            }
        }
    }

    @Test("sigmoidForward (whichever path runs, split over the threads) equals the portable loop per part")
    func publicEntryMatchesPortable() {
        // About 97,000 values: forEachPart cuts them in 2 parts, run on the kernel threads.
        let x = Self.inputs() + Self.inputs() + Self.inputs() + Self.inputs()
        var fast = [Float](repeating: 0, count: x.count), portable = fast
        x.withUnsafeBufferPointer { input in
            fast.withUnsafeMutableBufferPointer { sigmoidForward(input: input.baseAddress!, output: $0.baseAddress!, count: x.count) }
            portable.withUnsafeMutableBufferPointer { out in
                // The same parts forEachPart cuts (groups of eight start at each part's start).
                let parts = max(1, min(4, x.count / 32_768))
                for p in 0..<parts {
                    sigmoidForwardPortable(input: input.baseAddress!, output: out.baseAddress!,
                                           range: (p * x.count / parts)..<((p + 1) * x.count / parts))
                }
            }
        }
        #expect(fast.map(\.bitPattern) == portable.map(\.bitPattern))
    }
}
