import Foundation
import Kernels

/// The text and JSON forms of `cnnlab bench`'s results.
enum BenchReport {
    static func text(_ r: BenchResult) -> String {
        var lines: [String] = []
        lines.append("\(r.model): \(format(r.imagesPerSecond, 0)) training images/s  "
                     + "(\(r.steps) steps of batch \(r.batchSize), \(format(r.millisecondsPerStep, 2)) ms/step, "
                     + "\(r.threads) thread\(r.threads == 1 ? "" : "s"), \(kernels), BLAS \(BLASRuntime.coreName))")
        lines.append("  CPU time: \(format(r.cpuSeconds * 1000 / Double(r.steps), 2)) ms/step over all threads")
        lines.append("  data: \(r.dataset)")
        if let problem = DirectConvolution.problem { lines.append("  note: \(problem)") }
        if let peak = r.peakResidentMB { lines.append("  peak resident memory: \(format(peak, 1)) MB") }
        lines.append("  final loss: \(r.finalLoss)")
        let nameWidth = max(20, r.layers.map(\.name.count).max() ?? 0)
        lines.append("  " + pad("ms per step", nameWidth) + "  forward  backward   fwd CPU   bwd CPU")
        func row(_ name: String, _ values: [Double]) -> String {
            "  " + pad(name, nameWidth) + values.map { "  " + leftPad(format($0, 3), 8) }.joined()
        }
        for layer in r.layers {
            lines.append(row(layer.name, [layer.forward, layer.backward, layer.forwardCPU, layer.backwardCPU]))
        }
        let layers = r.layers.dropFirst()
        lines.append(row("all layers", [layers.reduce(0) { $0 + $1.forward }, layers.reduce(0) { $0 + $1.backward },
                                        layers.reduce(0) { $0 + $1.forwardCPU }, layers.reduce(0) { $0 + $1.backwardCPU }]))
        for extra in [r.loss, r.optimizer] {
            lines.append(row(extra.name, [extra.forward, extra.backward, extra.forwardCPU, extra.backwardCPU]))
        }
        return lines.joined(separator: "\n")
    }

    /// Which convolution kernels ran (see `DirectConvolution`).
    static var kernels: String { DirectConvolution.active.summary }

    static func text(_ frame: BenchFrame.Result) -> String {
        "frame: \(frame.summary)"
    }

    static func json(_ results: [BenchResult], frame: BenchFrame.Result?) -> String {
        var root: [String: Any] = [
            "blas_core": BLASRuntime.coreName,
            "convolution_kernels": DirectConvolution.active.jsonName,
            "results": results.map { r -> [String: Any] in
                var entry: [String: Any] = [
                    "model": r.model, "dataset": r.dataset, "batch_size": r.batchSize, "threads": r.threads,
                    "steps": r.steps, "images": r.images, "seconds": r.seconds, "cpu_seconds": r.cpuSeconds,
                    "images_per_second": r.imagesPerSecond, "ms_per_step": r.millisecondsPerStep,
                    "final_loss": Double(r.finalLoss),
                    "layers": r.layers.map {
                        ["name": $0.name, "forward_ms": $0.forward, "backward_ms": $0.backward,
                         "forward_cpu_ms": $0.forwardCPU, "backward_cpu_ms": $0.backwardCPU]
                    },
                ]
                entry["loss_ms"] = r.loss.forward
                entry["optimizer_ms"] = r.optimizer.forward
                if let peak = r.peakResidentMB { entry["peak_resident_mb"] = peak }
                return entry
            },
        ]
        if let frame { root["frame"] = frame.json }
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    private static func leftPad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
