import Foundation

/// A fresh folder under the system's temporary directory, removed when the object goes away
/// (or earlier with `remove()`): the one temporary-folder helper of every test target.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    /// `label` names the folder ("cnnlab-LABEL-UUID"), so a leftover one says which tests made it.
    /// `create: false` only reserves the path, for code under test that must create it itself.
    public init(_ label: String = "test", create: Bool = true) {
        path = NSTemporaryDirectory() + "cnnlab-\(label)-" + UUID().uuidString
        if create { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    }

    deinit { remove() }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    public func url(_ name: String) -> URL { URL(fileURLWithPath: file(name)) }

    /// Writes `bytes` to `name` (creating sub-folders) and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = url(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
        return file(name)
    }

    /// The names in the folder, sorted.
    public func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
