import Foundation
import Kernels
import Testing

/// Training on each convolution path (`CNNLAB_KERNELS`), end to end through the built binary:
/// the same losses with 1 and 2 threads on every path; the AVX2 and AVX-512 forms give the same
/// losses (they sum in the same order); the portable path stays close.
@Suite("Training on each kernel path", .serialized)
struct KernelPathTrainingTests {
    /// Own network 1: its second convolution (3x3, 16 -> 32 channels) runs Winograd on AVX2 and the
    /// direct gathers on AVX-512 (faster there), so its two forms agree only as closely as the
    /// portable path.
    static let ownNetwork1 = "Conv2d(3, 16, 3, padding=1), BatchNorm2d(16), ReLU(), MaxPool2d(2), Conv2d(16, 32, 3, padding=1), "
        + "BatchNorm2d(32), ReLU(), MaxPool2d(2), Conv2d(32, 10, 1), AvgPool2d(8), Flatten()"

    /// `cnnlab bench` on seeded random images: (final loss, kernels named in the JSON). `model`:
    /// a model's name, or a `--layers` network.
    static func bench(model: String, kernels: ConvolutionKernels, threads: Int) throws -> (Double, String) {
        let binary = Bundle.main.bundleURL.appendingPathComponent("cnnlab")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build cnnlab first: \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["bench", model.contains("(") ? "--layers" : "--model", model, "--steps", "3", "--warm-up", "1", "--batch-size", "20",
                             "--random", "--json", "--threads", "\(threads)"]
        var environment = ProcessInfo.processInfo.environment
        environment["CNNLAB_KERNELS"] = kernels.rawValue
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "cnnlab bench exited \(process.terminationStatus)")
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let result = try #require((root["results"] as? [[String: Any]])?.first)
        return (try #require(result["final_loss"] as? Double), try #require(root["convolution_kernels"] as? String))
    }

    static var paths: [ConvolutionKernels] { ConvolutionKernels.allCases.filter { $0.runs(on: DirectConvolution.best) } }

    @Test("each path: the same loss with 1 and 2 threads, and bench names the path", arguments: ["cnn", "ae", ownNetwork1])
    func threadsDoNotChangeLosses(model: String) throws {
        var losses: [ConvolutionKernels: Double] = [:]
        for kernels in Self.paths {
            let (one, name) = try Self.bench(model: model, kernels: kernels, threads: 1)
            let (two, _) = try Self.bench(model: model, kernels: kernels, threads: 2)
            #expect(name == kernels.jsonName)
            #expect(one == two, "\(model) on \(kernels): \(one) with 1 thread, \(two) with 2")
            #expect(one.isFinite && one > 0)
            losses[kernels] = one
        }
        if let wide = losses[.avx512], let narrow = losses[.avx2] {
            if model == Self.ownNetwork1 {
                #expect(abs(wide - narrow) <= 1e-3 * max(1, abs(narrow)), "\(model): AVX-512 \(wide), AVX2 \(narrow)")
            } else {
                #expect(wide == narrow, "\(model): AVX-512 \(wide), AVX2 \(narrow)")
            }
        }
        if let direct = losses[.avx2], let portable = losses[.portable] {
            #expect(abs(direct - portable) <= 1e-3 * max(1, abs(portable)), "\(model): AVX2 \(direct), portable \(portable)")
        }
    }
}
