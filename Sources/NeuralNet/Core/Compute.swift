/// Compute-wide settings.
public enum Compute {
    /// Threads the kernels may use (OpenBLAS's thread count).
    public static var threadCount: Int { BLASRuntime.threadCount }

    /// Sets the threads the kernels may use (at least 1).
    public static func setThreadCount(_ count: Int) { BLASRuntime.setThreadCount(count) }
}
