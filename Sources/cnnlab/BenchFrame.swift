/// Timing of one dashboard frame for `cnnlab bench --frame`.
/// (Waits for the terminal module's FrameBenchmark to land on main.)
enum BenchFrame {
    struct Result {
        var summary: String
        var json: [String: Any] { ["available": false, "summary": summary] }
    }

    static func measure() -> Result {
        Result(summary: "not measured: this build has no frame benchmark yet")
    }
}
