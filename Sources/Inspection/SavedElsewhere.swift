import Foundation
import Training

/// The checkpoints `cnnlab train --save FILE` wrote, wherever they are, remembered so Home's
/// Inspect can list files saved outside the models folder too. The list is a text file in the
/// state folder (`$XDG_STATE_HOME/cnnlab/saved-elsewhere.txt`): one absolute path a line,
/// newest last, at most `limit` lines.
public struct SavedElsewhere: Sendable {
    /// The list's file.
    public let listFile: String
    /// How many paths the list keeps (the oldest go first).
    public static let limit = 50

    /// The list kept in `stateDirectory` (the folder that holds `models/` and `progress/`).
    public init(stateDirectory: String) {
        listFile = stateDirectory + "/saved-elsewhere.txt"
    }

    /// The remembered paths, newest last; empty when the list is missing or unreadable.
    public func paths() -> [String] {
        guard let text = try? String(contentsOfFile: listFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("/") }
    }

    /// Adds `path` (made absolute against the current folder) as the newest entry. A list that
    /// cannot be written is not worth stopping for: the checkpoint itself was saved, and
    /// `cnnlab inspect --load FILE` opens it anyway, so the reason is returned for a notice.
    @discardableResult
    public func remember(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        let standard = (absolute as NSString).standardizingPath
        let kept = (paths().filter { $0 != standard } + [standard]).suffix(Self.limit)
        do {
            try FileManager.default.createDirectory(atPath: (listFile as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try AtomicFile.write(Array((kept.joined(separator: "\n") + "\n").utf8), to: listFile)
            return nil
        } catch {
            return "could not remember \(standard) in \(listFile): \(error)"
        }
    }
}
