import CFuzzDriver
import Foundation
import FuzzTargets

// `cnnlab-fuzz`: one fuzz target, chosen by CNNLAB_FUZZ_TARGET (lesson, matrix, settings,
// eval-json, safetensors, cifar10, idx).
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -DCNNLAB_LIBFUZZER`, it runs
// libFuzzer's driver on coverage-guided inputs. In an ordinary build it is the seeded Swift
// mutator instead:
//
//     cnnlab-fuzz TARGET [--seconds N] [--seed S] [CORPUS_DIR ...]
//
// which keeps the input being run in .fuzz-current-input, so a crash leaves it behind.

/// The target named by CNNLAB_FUZZ_TARGET (read once).
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["CNNLAB_FUZZ_TARGET"].flatMap(FuzzTarget.init)

#if CNNLAB_LIBFUZZER
// SwiftPM links executables with `main` renamed to `cnnlab_fuzz_main`: define that, and hand
// control to libFuzzer's driver.
@_cdecl("cnnlab_fuzz_main")
public func libFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard selectedTarget != nil else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set CNNLAB_FUZZ_TARGET to one of: \(names)\n".utf8))
        return 2
    }
    var count = argc
    var arguments = argv
    return cnn_fuzz_run_driver(&count, &arguments) { data, size in fuzzOneInput(data, Int(size)) }
}

/// libFuzzer's own `main` (linked in, though never called) refers to this name too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?.run(bytes)
    return 0
}
#else
@main
struct SeededFuzzCommand {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        guard let first = arguments.first, let target = FuzzTarget(rawValue: first) ?? selectedTarget else {
            FileHandle.standardError.write(Data("usage: cnnlab-fuzz TARGET [--seconds N] [--seed S] [CORPUS_DIR ...]; targets: \(names)\n".utf8))
            exit(2)
        }
        if FuzzTarget(rawValue: first) != nil { arguments.removeFirst() }
        var seconds = 10.0, seed: UInt64 = 1, folders: [String] = []
        while let argument = arguments.first {
            arguments.removeFirst()
            switch argument {
            case "--seconds": seconds = arguments.first.flatMap(Double.init) ?? seconds; if !arguments.isEmpty { arguments.removeFirst() }
            case "--seed": seed = arguments.first.flatMap { UInt64($0) } ?? seed; if !arguments.isEmpty { arguments.removeFirst() }
            default: folders.append(argument)
            }
        }
        let corpus = folders.flatMap(FuzzCorpus.inputs(in:))
        let current = FileManager.default.currentDirectoryPath + "/.fuzz-current-input"
        var mutator = SeededMutator(seed: seed)
        let executions = mutator.run(target, corpus: corpus, seconds: seconds) { input in
            FileManager.default.createFile(atPath: current, contents: Data(input))
        }
        try? FileManager.default.removeItem(atPath: current)
        print("\(target.rawValue): \(executions) executions in \(Int(seconds)) s, seed \(seed), no crash")
    }
}
#endif
