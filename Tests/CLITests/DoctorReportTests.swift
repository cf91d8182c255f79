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
        let expected = switch DirectConvolution.active {
        case .avx512: "direct AVX-512"
        case .avx2: "direct AVX2"
        case .portable: "im2col + OpenBLAS"
        }
        #expect(convolutions.hasPrefix(expected))
        #expect(convolutions.contains("fastest on this CPU: \(DirectConvolution.best.rawValue)"))
        #expect(report.text.contains("convolutions  "))
    }
}
