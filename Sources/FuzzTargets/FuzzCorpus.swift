import Foundation

/// The files of a corpus folder (seeds, or inputs that once crashed), in name order.
public enum FuzzCorpus {
    /// Every regular file directly in `folder`, as bytes; none when the folder is absent.
    public static func inputs(in folder: String) -> [[UInt8]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            return FileManager.default.contents(atPath: folder + "/" + name).map { Array($0) }
        }
    }
}
