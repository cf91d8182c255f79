/// The one-line progress bar `cnnlab data get` draws on standard error.
public enum DownloadProgress {
    /// e.g. `[##########..........]  50%  81.3/162.6 MB  4.1 MB/s`; without a known total, bytes and speed only.
    public static func line(received: Int64, total: Int64?, seconds: Double, width: Int = 30) -> String {
        let megabytes = Double(received) / 1_000_000
        let speed = seconds > 0 ? " " + format(megabytes / seconds) + " MB/s" : ""
        guard let total, total > 0 else { return format(megabytes) + " MB" + speed }
        let fraction = min(1, max(0, Double(received) / Double(total)))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = Int((fraction * 100).rounded(.down))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        let percentText = String(repeating: " ", count: 3 - String(percent).count) + "\(percent)%"
        return "\(bar) \(percentText)  \(format(megabytes))/\(format(Double(total) / 1_000_000)) MB" + speed
    }

    private static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
