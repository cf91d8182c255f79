/// Compute-wide settings.
public enum Compute {
    /// Threads the kernels use.
    public static var threadCount: Int { KernelThreads.count }

    /// Sets the threads the kernels use (at least 1). The kernels split each batch across them
    /// and run OpenBLAS single-threaded inside (see `KernelThreads`).
    public static func setThreadCount(_ count: Int) { KernelThreads.setCount(count) }
}
