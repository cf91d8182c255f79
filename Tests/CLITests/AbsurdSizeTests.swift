import Foundation
import Testing
@testable import cnnlab

/// Sizes nobody means, on the flags that had no upper bound (#15): each is refused with a message
/// naming the flag and its range, before any work, instead of trapping on overflow (exit 132)
/// or asking for 240 GB (exit 134).
@Suite("Absurd flag values")
struct AbsurdSizeTests {
    static let big = "9223372036854775807"

    @Test("every size flag is bounded, and a value starting with '-' reaches the check",
          arguments: [
            (["explore", "conv", "--print", "--width", big, "--height", big], "--width must be from 20 to 1000"),
            (["explore", "conv", "--bench", "--width", "100000", "--height", "100000"], "--width must be from 20 to 1000"),
            (["train", "--headless", "--data", "synthetic", "--epochs", big], "--epochs must be from 1 to 100000"),
            (["train", "--headless", "--data", "synthetic", "--batch-size", big], "--batch-size must be from 1 to 65536"),
            (["train", "--headless", "--data", "synthetic", "--threads", big], "--threads must be from 1 to 256"),
            (["bench", "--random", "--batch-size", big], "--batch-size must be from 1 to 65536"),
            (["bench", "--random", "--steps", big], "--steps must be from 1 to 1000000"),
            (["evaluate", "--model", "cnn", "--load", "x.safetensors", "--batch-size", big], "--batch-size must be from 1 to 65536"),
            (["inspect", "--image", "-1", "--print", "--width", "10"], "--width must be from 40 to 1000"),
          ])
    func bounded(arguments: [String], expected: String) throws {
        let (status, out, err) = try EvalCommandTests.runBinary(arguments)
        #expect(status != 0 && status < 128, "exit \(status): \(err)")
        #expect((err + out).contains(expected), "\(arguments): \(err)\(out)")
    }
}
