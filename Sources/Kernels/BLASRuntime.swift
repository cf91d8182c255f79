import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS set-up: which core it runs, how many threads, and the fix for Debian's 0.3.21,
/// which does not recognise recent CPUs (AMD Zen 4, for one) and falls back to its slow
/// generic "Prescott" kernels. The core is chosen from `OPENBLAS_CORETYPE`, read only when
/// the library loads, so `correctCoreIfNeeded` re-executes the program once with it set.
public enum BLASRuntime {
    /// The environment variable that marks a process already re-executed with a corrected core.
    static let correctedMarker = "CNNLAB_BLAS_CORRECTED_FROM"

    /// The OpenBLAS kernel family in use, as OpenBLAS names it (for example "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build configuration string (version, DYNAMIC_ARCH, threading).
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// Threads cnnlab's kernels use (`KernelThreads.count`). The kernels split each batch across
    /// them and call OpenBLAS single-threaded from each: at the course's sizes that beats
    /// OpenBLAS's own threading (see `KernelThreads`).
    public static var threadCount: Int { KernelThreads.count }

    /// Sets the threads cnnlab's kernels use (at least 1); OpenBLAS itself stays at one thread.
    public static func setThreadCount(_ n: Int) { KernelThreads.setCount(n) }

    /// Threads OpenBLAS itself uses for one call (1 once the kernels have started).
    public static var openBLASThreadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's own thread count.
    static func setOpenBLASThreadCount(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// The core OpenBLAS picked before cnnlab corrected it, when it did.
    public static var correctedFrom: String? {
        guard let value = getenv(correctedMarker) else { return nil }
        return String(cString: value)
    }

    /// Where the core came from, in words, for `cnnlab doctor`.
    public static var coreExplanation: String {
        if let from = correctedFrom {
            return "\(coreName) (OpenBLAS detected \(from); cnnlab set OPENBLAS_CORETYPE=\(coreName))"
        }
        if let set = getenv("OPENBLAS_CORETYPE"), set.pointee != 0 {
            return "\(coreName) (OPENBLAS_CORETYPE=\(String(cString: set)) from the environment)"
        }
        return "\(coreName) (detected by OpenBLAS)"
    }

    /// The best OpenBLAS core for this CPU's vector extensions, from CPUID.
    public static var bestCoreForCPU: String? { bestCore(for: CPUFeatures.current) }

    /// The best OpenBLAS core for a CPU's vector extensions, or nil when only generic kernels fit.
    static func bestCore(for features: CPUFeatures) -> String? {
        if features.avx512f && features.avx512bw && features.avx512vl { return "SkylakeX" }
        if features.avx2 && features.fma { return "Haswell" }
        return nil
    }

    /// Generic cores OpenBLAS falls back to when it does not know the CPU, and Sandybridge
    /// (AVX without FMA), which it picks for some CPUs it half-knows.
    static let genericCores: Set<String> = ["prescott", "core2", "nehalem", "katmai", "coppermine",
                                            "northwood", "banias", "atom", "opteron", "barcelona",
                                            "generic", "unknown", "sandybridge"]

    /// The core to switch to when OpenBLAS picked `current` on a CPU with `features`, or nil
    /// when its choice is already right (a known core, or no better kernels for this CPU).
    static func correctedCore(current: String, features: CPUFeatures) -> String? {
        guard genericCores.contains(current.lowercased()), let better = bestCore(for: features),
              better.lowercased() != current.lowercased() else { return nil }
        return better
    }

    /// When OpenBLAS chose a generic core on a CPU that supports a much faster one, sets
    /// `OPENBLAS_CORETYPE` and re-executes this program (same arguments, same environment
    /// otherwise). Returns only when no correction is needed or the re-execution failed.
    /// Set `CNNLAB_BLAS_AUTOCORE=0` to turn this off.
    public static func correctCoreIfNeeded() {
        if let set = getenv("OPENBLAS_CORETYPE"), set.pointee != 0 { return }
        if getenv(correctedMarker) != nil { return }
        if let off = getenv("CNNLAB_BLAS_AUTOCORE"), String(cString: off) == "0" { return }
        let current = coreName
        guard let better = correctedCore(current: current, features: CPUFeatures.current) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(correctedMarker, current, 1)
        var args = CommandLine.arguments.map { strdup($0) }
        args.append(nil)
        execv("/proc/self/exe", args)
        // execv only returns on failure: carry on with the generic core.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(correctedMarker)
    }
}
