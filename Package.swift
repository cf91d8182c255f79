// swift-tools-version: 6.0
import PackageDescription

/// cnnlab: convolutional neural networks, taught in the terminal.
/// Data flows one way: lessons and CLI flags -> Screens -> Terminal (cell buffer) -> ncurses;
/// Screens -> Stepper / Training -> NeuralNet -> Kernels -> OpenBLAS.
///
/// No -Ounchecked: measured on 2026-11-29 18:20 UTC (`cnnlab bench --steps 100 --threads 1`, release
/// builds with and without it, alternating, 3 rounds, load ~18) it gave 2,729-3,075 img/s against
/// 2,906-3,140 without (medians 2,862 vs 2,934): it does not pay the 3% it would need to be worth
/// dropping Swift's bounds and overflow checks; the hot loops are C (CKernels) and BLAS anyway.

/// The C kernels' optimisation. Under AddressSanitizer (`CNNLAB_ASAN=1`, see README "Bad input,
/// signals and fuzzing") the fully unrolled -O2 blocks took over 35 minutes to instrument (clang,
/// 2026-11-29: DirectConvolution.c alone did not finish in 100 s at -O1 or -O2 with
/// -fsanitize=address); -O1 without forced unrolling instruments in about 20 s a file and still
/// checks every load and store. The summation order is the same, so results are unchanged.
let cKernelsFlags: [String] = Context.environment["CNNLAB_ASAN"] == "1"
    ? ["-O1", "-fno-unroll-loops", "-DCK_NO_UNROLL"]
    : ["-O2"]

let package = Package(
    name: "CNNLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "cnnlab", targets: ["cnnlab"]),
        // Fuzzing: scripts/fuzz.sh builds this with libFuzzer; otherwise a seeded Swift mutator.
        .executable(name: "cnnlab-fuzz", targets: ["cnnlab-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // System libraries, found with pkg-config; shims wrap the C macros Swift cannot import.
        .systemLibrary(name: "CNCurses", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CStb", pkgConfig: "stb", providers: [.apt(["libstb-dev"])]),

        // AVX-512 convolution loops, chosen at run time; optimised in debug builds too, so the
        // tests that run them on full-size layers stay quick.
        .target(name: "CKernels", cSettings: [.unsafeFlags(cKernelsFlags)]),
        .target(name: "Formatting"),
        .target(name: "Kernels", dependencies: ["COpenBLAS", "CKernels"]),
        // The JSON case format of `cnnlab eval` and the golden files, and its JSON parser (line and
        // column errors, booleans kept apart from numbers); used by eval, the explorer and the tests.
        .target(name: "OpCases", dependencies: ["Kernels", "Formatting"]),
        .target(name: "NeuralNet", dependencies: ["Kernels", "Formatting"]),
        .target(name: "Datasets", dependencies: ["Kernels", "CZlib"]),
        .target(name: "Stepper", dependencies: ["Kernels", "OpCases", "Formatting"]),
        .target(name: "Training", dependencies: ["NeuralNet", "Datasets", "Formatting"]),
        .target(name: "Lessons", dependencies: ["Kernels", "NeuralNet", "Formatting", "Datasets", "Stepper", .product(name: "Yams", package: "Yams")]),
        .target(name: "Terminal", dependencies: ["CNCurses", "Formatting"]),
        .target(name: "Inspection", dependencies: ["NeuralNet", "Training", "Datasets", "CStb", "Formatting"]),
        .target(name: "Screens", dependencies: ["Terminal", "Formatting", "Stepper", "Training", "Lessons", "NeuralNet", "Datasets", "Inspection"]),
        .target(name: "FuzzTargets", dependencies: ["Lessons", "Stepper", "Kernels", "OpCases", "Datasets", "Training"]),
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "cnnlab-fuzz", dependencies: ["FuzzTargets", "CFuzzDriver"]),
        .executableTarget(name: "cnnlab", dependencies: [
            "Screens", "Kernels", "OpCases", "NeuralNet", "Training", "Datasets", "Lessons", "Stepper", "Terminal", "Inspection",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What the test targets share: the temporary folder, the snapshot harness, the paths of
        // the golden cases and of ../shared.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "OpCases"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OpCasesTests", dependencies: ["OpCases", "Kernels", "Formatting"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Kernels", "TestSupport"]),
        .testTarget(name: "StepperTests", dependencies: ["Stepper", "Kernels", "OpCases", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NeuralNet", "Datasets", "Formatting", "TestSupport"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "Kernels", "NeuralNet", "Formatting", "TestSupport"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Formatting"]),
        .testTarget(name: "ScreensTests", dependencies: ["Screens", "Terminal", "Stepper", "Kernels", "Formatting", "TestSupport", "Inspection", "Training", "NeuralNet", "Datasets"],
                    exclude: ["Snapshots", "__Snapshots__"]),  // read through #filePath
        .testTarget(name: "InspectionTests", dependencies: ["Inspection", "NeuralNet", "Training", "Datasets"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CLITests", dependencies: ["cnnlab", "TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"], exclude: ["Corpus", "Regressions"]),
    ]
)
