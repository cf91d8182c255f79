import Kernels
import Testing
@testable import cnnlab

/// `cnnlab doctor`: the facts a teacher checks first when training is slow.
@Suite("cnnlab doctor")
struct DoctorReportTests {
    @Test("the report names the BLAS core, the thread count and which convolution kernels run")
    func reportLines() {
        let report = EnvironmentReport.collect()
        let keys = report.lines.map(\.0)
        for key in ["cnnlab", "CPU", "BLAS", "BLAS core", "convolutions", "threads"] {
            #expect(keys.contains(key), "missing line \(key)")
        }
        let convolutions = report.lines.first { $0.0 == "convolutions" }?.1 ?? ""
        #expect(convolutions.hasPrefix(DirectConvolution.isAvailable ? "direct AVX-512" : "im2col + OpenBLAS"))
        #expect(report.text.contains("convolutions  "))
    }
}
