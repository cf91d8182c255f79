#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, for messages about files a student gives: reading a device such as
/// /dev/zero never ends (Foundation then reports "permission"), and writing atomically over
/// one would replace the device with a file, so both ask first and say what the path is.
public enum FileKind: Equatable, Sendable {
    case regular, folder, device, pipe, socket, other
    /// Nothing there (or a link to nothing).
    case missing

    /// The kind of `path`, following links (a link to /dev/null is a device).
    public init(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            self = .missing
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .folder
        case S_IFCHR, S_IFBLK: self = .device
        case S_IFIFO: self = .pipe
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// "a device", "a folder", ... for "PATH is a device, not a regular file".
    public var inWords: String {
        switch self {
        case .regular: return "a regular file"
        case .folder: return "a folder"
        case .device: return "a device"
        case .pipe: return "a pipe"
        case .socket: return "a socket"
        case .other: return "not a regular file"
        case .missing: return "missing"
        }
    }

    /// Why `path` cannot be read as a file, for "PATH: it is a device, not a file to read"
    /// ("is a device, not a file to read"), or nil when it is a regular file or missing (the
    /// reader's own message covers a missing file).
    public static func readProblem(_ path: String) -> String? {
        let kind = FileKind(path: path)
        switch kind {
        case .regular, .missing: return nil
        case .folder, .device, .pipe, .socket, .other: return "is \(kind.inWords), not a file to read"
        }
    }
}
