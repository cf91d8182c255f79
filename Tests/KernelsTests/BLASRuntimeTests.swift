import Testing
@testable import Kernels

@Suite("OpenBLAS core correction")
struct BLASRuntimeTests {
    static let avx512 = CPUFeatures(avx2: true, fma: true, avx512f: true, avx512bw: true, avx512vl: true)
    static let avx2 = CPUFeatures(avx2: true, fma: true)
    static let old = CPUFeatures()

    @Test("a generic core on a capable CPU is corrected to the best core it supports")
    func corrections() {
        #expect(BLASRuntime.correctedCore(current: "Prescott", features: Self.avx512) == "SkylakeX")
        #expect(BLASRuntime.correctedCore(current: "Prescott", features: Self.avx2) == "Haswell")
        #expect(BLASRuntime.correctedCore(current: "Sandybridge", features: Self.avx2) == "Haswell")
        #expect(BLASRuntime.correctedCore(current: "unknown", features: Self.avx512) == "SkylakeX")
    }

    @Test("a known core, or a CPU without better kernels, is left alone")
    func noCorrection() {
        #expect(BLASRuntime.correctedCore(current: "Cooperlake", features: Self.avx512) == nil)
        #expect(BLASRuntime.correctedCore(current: "Haswell", features: Self.avx512) == nil)
        #expect(BLASRuntime.correctedCore(current: "Zen", features: Self.avx2) == nil)
        #expect(BLASRuntime.correctedCore(current: "Prescott", features: Self.old) == nil)
    }

    @Test("OpenBLAS reports its core")
    func reportsCore() {
        #expect(BLASRuntime.coreName != "unknown" && !BLASRuntime.coreName.isEmpty)
    }
}
