import Foundation

/// Monotonic seconds since an arbitrary start; cheap enough to read every step.
struct Stopwatch {
    private var start = DispatchTime.now().uptimeNanoseconds
    init() {}
    /// Seconds since creation or the last `reset`.
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds &- start) / 1e9 }
    mutating func reset() { start = DispatchTime.now().uptimeNanoseconds }
}
