#if canImport(Glibc)
import Glibc
#endif

/// The CPU's vector extensions, read from /proc/cpuinfo (Linux).
public struct CPUFeatures: Sendable {
    public var avx2 = false
    public var fma = false
    public var avx512f = false
    public var avx512bw = false
    public var avx512vl = false
    /// The CPU's model name, for reports.
    public var modelName = "unknown"

    /// Features of the CPU this process runs on.
    public static let current: CPUFeatures = read()

    static func read() -> CPUFeatures {
        var result = CPUFeatures()
        guard let file = fopen("/proc/cpuinfo", "r") else { return result }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        var sawFlags = false, sawModel = false
        while getline(&line, &capacity, file) > 0, let l = line {
            let text = String(cString: l)
            if !sawModel, text.hasPrefix("model name") {
                result.modelName = text.split(separator: ":", maxSplits: 1).last
                    .map { $0.trimmingCharacters() } ?? "unknown"
                sawModel = true
            } else if !sawFlags, text.hasPrefix("flags") {
                let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
                result.avx2 = flags.contains("avx2")
                result.fma = flags.contains("fma")
                result.avx512f = flags.contains("avx512f")
                result.avx512bw = flags.contains("avx512bw")
                result.avx512vl = flags.contains("avx512vl")
                sawFlags = true
            }
            if sawFlags && sawModel { break }
        }
        return result
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
