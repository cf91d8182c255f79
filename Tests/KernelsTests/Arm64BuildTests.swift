import Foundation
import Testing

/// The C kernels must compile for arm64 with the portable path: every x86 intrinsic sits behind
/// an architecture guard. scripts/check_arm64.sh compiles each C file for aarch64-linux-gnu
/// (syntax and types only); it needs a clang that targets aarch64 (the Swift toolchain's) and the
/// aarch64 C headers (libc6-dev-arm64-cross, which scripts/setup.sh installs when it can).
@Suite("arm64 build of the C kernels")
struct Arm64BuildTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the script; its exit status and what it printed.
    static func script(_ arguments: [String] = []) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/check_arm64.sh").path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The script finds an aarch64 clang and the aarch64 C headers (else it exits 77).
    static let toolsPresent = ((try? script(["--probe"]))?.0 ?? 77) == 0

    @Test("every C file of CKernels compiles for aarch64-linux-gnu",
          .enabled(if: toolsPresent, "no aarch64 clang or C headers (apt-get install libc6-dev-arm64-cross)"))
    func compilesForArm64() throws {
        let (status, text) = try Self.script()
        #expect(status == 0, "\(text)")
        #expect(text.contains("compile for aarch64-linux-gnu"), "\(text)")
    }
}
