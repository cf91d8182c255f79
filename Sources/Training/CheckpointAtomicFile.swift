#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Formatting
import Foundation

/// Replaces a file all at once: the new bytes go to a temporary file in the same directory,
/// are flushed with fsync, and only then renamed over the target (rename is atomic within a
/// file system). A crash, a full disk or any error leaves the previous file as it was.
///
/// Only regular files are replaced: renaming over a device such as /dev/null or /dev/full
/// would swap the device itself for a file (as root, for every program on the machine), so
/// such a target is refused with a message.
public enum AtomicFile {
    /// What `path` is when it exists and is neither a regular file nor a folder ("a device, not
    /// a regular file: ..."), or nil (folders get their own message below).
    static func specialFileProblem(_ path: String) -> String? {
        let kind = FileKind(path: path)
        switch kind {
        case .regular, .folder, .missing: return nil
        case .device, .pipe, .socket, .other: return "\(kind.inWords), not a regular file: give the name of a file to write"
        }
    }

    /// Why `path` cannot be written atomically, or nil: checked before training starts so a
    /// missing folder, a read-only place or a directory is found before the first step, not
    /// after an hour of work. Creates and removes a temporary file beside the target, as
    /// `write` will; an existing file at `path` is left untouched.
    public static func problemWriting(to path: String) -> String? {
        if let problem = specialFileProblem(path) { return "\(path) is " + problem }
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            return "\(path) is a directory: give a file name such as \(path.hasSuffix("/") ? path : path + "/")model.safetensors"
        }
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return "the folder \(directory) does not exist (create it first)"
        }
        guard isDirectory.boolValue else { return "\(directory) is not a folder" }
        let probe = directory + "/." + target.lastPathComponent + ".probe-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return "cannot create a file in \(directory) (\(errorText()))" }
        close(descriptor)
        unlink(probe)
        if FileManager.default.fileExists(atPath: path) && access(path, W_OK) != 0 && access(directory, W_OK) != 0 {
            return "\(path) cannot be replaced (\(errorText()))"
        }
        return nil
    }

    /// Writes `bytes` to `path` atomically; throws `SafetensorsError.io` naming the path and the
    /// reason (a full disk, a missing folder, a device), leaving any previous file unchanged.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(bytes, to: path, failAfterBytes: nil)
    }

    /// - Parameter failAfterBytes: for tests only: behave as a disk that fills after this many bytes.
    static func write(_ bytes: [UInt8], to path: String, failAfterBytes: Int?) throws {
        if let problem = specialFileProblem(path) { throw SafetensorsError.io(path: path, reason: "it is " + problem) }
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory) else {
            throw SafetensorsError.io(path: path, reason: "the directory \(directory) does not exist")
        }
        let temporary = directory + "/." + target.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SafetensorsError.io(path: path, reason: "cannot create a file in \(directory) (\(errorText()))")
        }
        var succeeded = false
        defer {
            if !succeeded { unlink(temporary) }
        }
        if let problem = writeAll(bytes, to: descriptor, failAfterBytes: failAfterBytes) ?? flushAndClose(descriptor) {
            throw SafetensorsError.io(path: path, reason: "writing failed (\(problem)); the previous file is unchanged")
        }
        guard rename(temporary, path) == 0 else {
            throw SafetensorsError.io(path: path, reason: "renaming into place failed (\(errorText())); the previous file is unchanged")
        }
        succeeded = true
        // Make the rename itself durable.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Writes every byte, retrying short writes; returns the problem, or nil. Closes the descriptor on failure.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, failAfterBytes: Int?) -> String? {
        let problem: String? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                var chunk = buffer.count - written
                if let limit = failAfterBytes {
                    guard written < limit else { return String(cString: strerror(ENOSPC)) }
                    chunk = min(chunk, limit - written)
                }
                let result = posixWrite(descriptor, buffer.baseAddress! + written, chunk)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errorText()
                }
                written += result
            }
            return nil
        }
        if problem != nil { close(descriptor) }
        return problem
    }

    /// fsync then close; returns the problem, or nil.
    private static func flushAndClose(_ descriptor: Int32) -> String? {
        guard fsync(descriptor) == 0 else {
            let problem = "flushing to disk: " + errorText()
            close(descriptor)
            return problem
        }
        return close(descriptor) == 0 ? nil : "closing: " + errorText()
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}

/// The C `write`, reachable from inside `AtomicFile` whose own `write` would shadow it.
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
