import Foundation

/// Text frames compared with committed files: the one snapshot harness of the test targets.
/// Set CNNLAB_RECORD_SNAPSHOTS=1 to rewrite the files after a deliberate change.
public enum Snapshot {
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["CNNLAB_RECORD_SNAPSHOTS"] == "1" }

    /// Compares `text` with the file at `path` line by line and returns what differs (empty when
    /// the frame is unchanged); when recording, writes `text` there instead and returns nothing.
    public static func differences(_ text: String, path: String) -> [String] {
        let name = (path as NSString).lastPathComponent
        if isRecording {
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                return []
            } catch {
                return ["could not record \(name): \(error)"]
            }
        }
        guard let stored = try? String(contentsOfFile: path, encoding: .utf8) else {
            return ["no snapshot \(name); run with CNNLAB_RECORD_SNAPSHOTS=1 to record it"]
        }
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
        let expected = stored.split(separator: "\n", omittingEmptySubsequences: false)
        var found: [String] = []
        if actual.count != expected.count {
            found.append("\(name): \(actual.count) lines, the snapshot has \(expected.count)")
        }
        for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
            found.append("\(name) line \(index + 1):\n  got      \(a)\n  expected \(e)")
        }
        return found
    }
}
