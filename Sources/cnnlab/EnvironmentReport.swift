import Datasets
import Kernels
import Terminal

/// The facts `cnnlab --version` and `cnnlab doctor` print.
struct EnvironmentReport {
    var lines: [(String, String)] = []

    static func collect() -> EnvironmentReport {
        var report = EnvironmentReport()
        report.lines.append(("cnnlab", CNNLab.version))
        report.lines.append(("CPU", CPUFeatures.current.modelName))
        report.lines.append(("BLAS", "OpenBLAS " + BLASRuntime.configuration))
        report.lines.append(("BLAS core", BLASRuntime.coreExplanation))
        report.lines.append(("convolutions", DirectConvolution.summary))
        report.lines.append(("threads", "\(BLASRuntime.threadCount) compute threads (batch split across them); OpenBLAS \(BLASRuntime.openBLASThreadCount) per call"))
        report.lines.append(("terminal", TerminalCapabilities.report()))
        for dataset in DatasetCatalog.discover() {
            report.lines.append(("data: " + dataset.name, dataset.summary))
        }
        return report
    }

    var text: String {
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { key, value in
            key + String(repeating: " ", count: width - key.count) + "  " + value
        }.joined(separator: "\n")
    }
}
